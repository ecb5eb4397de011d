//! Runs one case of a spec and asserts it through assert_cmd's `Assert` and a spec predicate.

use std::ffi::OsString;
use std::fmt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output};

use assert_cmd::assert::Assert;
use predicates::Predicate;
use predicates::reflection::PredicateReflection;

use crate::judge::{Failure, Note, judge};
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
    /// Rules this machine could not judge (e.g. parallelism on one core), said in every report.
    pub notes: Vec<Note>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs `program` for `case` and checks the run.
pub fn check_case(program: &Program, case: &Case, trust: Trust) -> CaseResult {
    let run = run(&options(program, case, trust));
    let failures = match assert(case, &run) {
        Ok(()) => Vec::new(),
        Err(failures) => failures,
    };
    let notes = judge(case, &run).notes;
    CaseResult {
        case: case.clone(),
        run,
        failures,
        notes,
    }
}

/// Asserts a run against its case with assert_cmd: the exit code through `Assert::try_code`,
/// everything else through [`SatisfiesCase`]. On failure, every expectation that did not hold.
pub fn assert(case: &Case, run: &Run) -> Result<(), Vec<Failure>> {
    let output = Output {
        // A run that never started has no status; 127 is what a shell says for that.
        status: run.status.unwrap_or_else(|| ExitStatus::from_raw(127 << 8)),
        stdout: run.stdout().into_bytes(),
        stderr: run.stderr().into_bytes(),
    };
    let predicate = SatisfiesCase { case, run };
    let holds = Assert::new(output)
        .try_code(case.exit)
        .is_ok_and(|a| a.try_stdout(predicate).is_ok());
    if holds {
        return Ok(());
    }
    let failures = judge(case, run).failures;
    // The assert and the judge agree by construction; if the exit code alone
    // failed (e.g. a signal), the judge has already explained it.
    debug_assert!(!failures.is_empty());
    Err(failures)
}

/// A predicate over a run's stdout: it is this run's transcript and meets every expectation of the case.
pub struct SatisfiesCase<'a> {
    pub case: &'a Case,
    pub run: &'a Run,
}

impl Predicate<[u8]> for SatisfiesCase<'_> {
    fn eval(&self, stdout: &[u8]) -> bool {
        // The timestamps live in the transcript, so the bytes must be the transcript's own.
        stdout == self.run.stdout().as_bytes() && judge(self.case, self.run).passed()
    }
}

impl PredicateReflection for SatisfiesCase<'_> {}

impl fmt::Display for SatisfiesCase<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "satisfies case {:?}", self.case.name)
    }
}
