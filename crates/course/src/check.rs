//! Runs one case of a spec and judges the run: the one call check, grade, watch and the tests share.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::judge::{Failure, judge};
use crate::runner::{Run, RunOptions, run};
use crate::spec::Case;

/// What to start: a lesson binary, or an interpreter with a script (`python3 original.py`).
#[derive(Debug, Clone)]
pub struct Program {
    pub path: PathBuf,
    pub leading_args: Vec<OsString>,
}

impl Program {
    pub fn binary(path: impl Into<PathBuf>) -> Program {
        Program {
            path: path.into(),
            leading_args: Vec::new(),
        }
    }

    /// A Python original, run by `python3` with stdout line-buffered, so each line
    /// arrives as it is printed and whole. (Unbuffered, `print` writes the text and the
    /// newline separately, and five workers printing at once tear each other's lines:
    /// the bench measures that; here we check what the program says.)
    pub fn python(script: &Path) -> Program {
        Program {
            path: "python3".into(),
            leading_args: vec!["-c".into(), PYTHON_LINE_BUFFERED.into(), script.into()],
        }
    }
}

/// Runs the script named by the first argument as `__main__`, stdout line-buffered;
/// processes it forks inherit the setting.
const PYTHON_LINE_BUFFERED: &str = "import runpy, sys; \
sys.argv = sys.argv[1:]; \
sys.stdout.reconfigure(line_buffering=True, write_through=False); \
runpy.run_path(sys.argv[0], run_name='__main__')";

/// How much to trust the program: the course's own lessons, or a student's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    Course,
    Untrusted,
}

/// The run options for one case of a spec.
pub fn options(program: &Program, case: &Case, trust: Trust) -> RunOptions {
    let mut options = RunOptions::new(&program.path);
    options.args = program.leading_args.clone();
    options.args.extend(case.args.iter().map(OsString::from));
    options.env = vec![
        (lesson_kit_var(), case.scale.to_string().into()),
        // Panics should say where; a backtrace would only bury the message.
        ("RUST_BACKTRACE".into(), "0".into()),
    ];
    options.timeout = case.timeout;
    options.max_output = case.max_output;
    if trust == Trust::Untrusted {
        options.limits = Some(case.limits);
    }
    options
}

fn lesson_kit_var() -> OsString {
    // The same name lesson-kit reads; kept as a literal so the engine does not depend on a lesson crate.
    "LESSON_TIME_SCALE".into()
}

/// One case, run and judged.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub case: Case,
    pub run: Run,
    pub failures: Vec<Failure>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs `program` for `case` and judges the run: every expectation that did not hold,
/// the exit code among them.
pub fn check_case(program: &Program, case: &Case, trust: Trust) -> CaseResult {
    let run = run(&options(program, case, trust));
    let failures = judge(case, &run);
    CaseResult {
        case: case.clone(),
        run,
        failures,
    }
}
