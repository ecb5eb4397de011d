//! Runs one case of a spec and judges the run: the one call check, grade, watch and the tests share.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::explain;
use crate::judge::{Failure, judge, judge_at};
use crate::rules::Class;
use crate::runner::{Ending, Line, Run, RunOptions, run};
use crate::spec::{Case, RuleAt};

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
    /// The case as judged: its `scale` is the one the verdict was reached at (1 when the
    /// program slept in real seconds), so timelines and transcripts show the same units.
    pub case: Case,
    /// The run explained: the first one, or the first that failed.
    pub run: Run,
    pub failures: Vec<Failure>,
    /// What the verdict rests on besides the rules: the scale it was judged at, a program
    /// mixing scaled and real sleeps, how many of repeated runs failed.
    pub notes: Vec<String>,
    /// How many times the case ran, and how many of those runs failed.
    pub runs: usize,
    pub failed_runs: usize,
    /// A rule was not judged because other programs kept the machine busy.
    pub busy: bool,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs `program` for `case` once and checks the run (`check` and `watch`: one run, quickly).
pub fn check_case(program: &Program, case: &Case, trust: Trust) -> CaseResult {
    check_case_runs(program, case, trust, 1)
}

/// Runs `program` for `case` and checks it; a first run that fails only on order or timing
/// is run again until `runs` runs in all, so the explanation can say whether it always fails
/// or only sometimes, and which rule's verdict changed (what in the program is racy).
///
/// The case passes only if every run passes. A timeout, a wrong exit code or a crash is
/// never run again: it would cost the same time again and say nothing new.
pub fn check_case_runs(program: &Program, case: &Case, trust: Trust, runs: usize) -> CaseResult {
    let _ahead = AheadOfOtherWork::new();
    let options = options(program, case, trust);
    let once = || checked(case, run(&options));
    let mut first = until_judged(once(), runs, || {
        std::thread::sleep(BUSY_PAUSE);
        once()
    });
    if first.passed() || runs <= 1 || !worth_rerunning(&first) {
        return first;
    }
    let mut verdicts: Vec<Vec<Failure>> = vec![first.failures.clone()];
    // A rerun that passes only because the machine was too busy to judge a rule is no run
    // in which that rule held: it is counted apart.
    let mut unjudged = 0;
    for _ in 1..runs {
        let again = once();
        if again.passed() && again.busy {
            unjudged += 1;
        } else {
            verdicts.push(again.failures);
        }
    }
    first.runs = verdicts.len() + unjudged;
    first.failed_runs = verdicts.iter().filter(|f| !f.is_empty()).count();
    let mut note = runs_note(&verdicts);
    if unjudged > 0 {
        note.push_str(&format!(
            " {unjudged} more run{} came while other programs kept the machine too busy to judge \
             every rule.",
            if unjudged == 1 { "" } else { "s" }
        ));
    }
    first.notes.insert(0, note);
    first
}

/// How long a grader waits before running again a case the machine was too busy to judge.
const BUSY_PAUSE: Duration = Duration::from_millis(500);

/// A pass with rules the machine was too busy to judge is no verdict on those rules: the
/// case runs `again`, up to `runs` runs in all, until one run is judged whole, and a note
/// says so. Anything else is returned as it is.
fn until_judged(
    mut result: CaseResult,
    runs: usize,
    mut again: impl FnMut() -> CaseResult,
) -> CaseResult {
    let mut busy_runs = 0;
    while result.busy && result.passed() && busy_runs + 1 < runs {
        busy_runs += 1;
        result = again();
    }
    if busy_runs > 0 {
        result.notes.insert(0, busy_note(busy_runs, result.busy));
    }
    result
}

/// What the runs a busy machine could not judge mean for the verdict.
fn busy_note(busy_runs: usize, still_busy: bool) -> String {
    let runs = |n: usize| format!("{n} run{}", if n == 1 { "" } else { "s" });
    if still_busy {
        format!(
            "Other programs kept the machine too busy to judge every rule in {}: the rules \
             not judged are not held against the program.",
            runs(busy_runs + 1)
        )
    } else {
        format!(
            "The first {} came while other programs kept the machine too busy to judge every \
             rule; the verdict is the next run's, judged whole.",
            runs(busy_runs)
        )
    }
}

/// Puts this thread, and so the program it starts (which inherits the priority), ahead of
/// other work on the machine while the guard lives, where the OS allows it (root, or
/// CAP_SYS_NICE); dropping the guard puts the thread back, so a build started from it later
/// (watch rebuilds on save) does not jump the queue.
///
/// Lines are timestamped when the runner reads them: on a machine busy with other work
/// (a shared CI runner, a build) a runner or a program left waiting for a core for 100 ms
/// turns a 200 ms sleep at LESSON_TIME_SCALE=0.1 into a failed timing rule. Where the
/// priority cannot be raised, nothing changes.
struct AheadOfOtherWork {
    before: libc::c_int,
}

/// How many guards are alive, and the nice value this session's autogroup had before the
/// first of them raised it (cases of one grading run may be checked side by side).
static AHEAD: std::sync::Mutex<(usize, Option<i32>)> = std::sync::Mutex::new((0, None));

/// Linux shares the CPU fairly between sessions (autogroups) before nice values count, so
/// a build in another terminal would take half the cores from the program, whatever its
/// own priority: the session as a whole is put ahead too (root only; `None` elsewhere).
/// Returns the nice value it had.
fn set_autogroup_nice(nice: i32) -> Option<i32> {
    let path = "/proc/self/autogroup";
    // "/autogroup-301 nice 0"
    let before = std::fs::read_to_string(path)
        .ok()?
        .rsplit(' ')
        .next()?
        .trim()
        .parse()
        .ok()?;
    std::fs::write(path, nice.to_string()).ok()?;
    Some(before)
}

impl AheadOfOtherWork {
    fn new() -> AheadOfOtherWork {
        let mut ahead = AHEAD.lock().unwrap_or_else(|e| e.into_inner());
        if ahead.0 == 0 {
            ahead.1 = set_autogroup_nice(-10);
        }
        ahead.0 += 1;
        // SAFETY: getpriority and setpriority on the calling thread (a Linux thread has its
        // own nice value); a failure leaves the priority as it was.
        unsafe {
            let tid = libc::gettid() as libc::id_t;
            let before = libc::getpriority(libc::PRIO_PROCESS, tid);
            libc::setpriority(libc::PRIO_PROCESS, tid, -10);
            AheadOfOtherWork { before }
        }
    }
}

impl Drop for AheadOfOtherWork {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe {
            libc::setpriority(
                libc::PRIO_PROCESS,
                libc::gettid() as libc::id_t,
                self.before,
            );
        }
        let mut ahead = AHEAD.lock().unwrap_or_else(|e| e.into_inner());
        ahead.0 -= 1;
        if ahead.0 == 0
            && let Some(before) = ahead.1.take()
        {
            set_autogroup_nice(before);
        }
    }
}

/// A run judged fairly, in a result of its own.
fn checked(case: &Case, run: Run) -> CaseResult {
    let verdict = verdict(case, &run);
    let failed_runs = usize::from(!verdict.failures.is_empty());
    CaseResult {
        case: verdict.case,
        run,
        failures: verdict.failures,
        notes: verdict.notes,
        runs: 1,
        failed_runs,
        busy: verdict.busy,
    }
}

/// The verdict on one run and the scale it was reached at.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The case with the scale the verdict was reached at.
    pub case: Case,
    pub failures: Vec<Failure>,
    pub notes: Vec<String>,
    /// A rule was not judged because other programs kept the machine busy.
    pub busy: bool,
}

/// Judges `run` fairly about time: at the case's scale, and, when that fails, again at scale 1.
///
/// Students translate Python's `time.sleep(2)` as `thread::sleep(Duration::from_secs(2))`,
/// ignoring `LESSON_TIME_SCALE`; such a program is correct, and every rule holds for it in
/// real seconds. A case passes when every rule holds at one scale. When neither scale fits,
/// the scale with fewer failures is explained, and a program whose spans or gaps fit one
/// scale in some places and the other scale elsewhere is told that it mixes the two.
/// A timed-out run is explained as a hang, whatever else it printed.
pub fn verdict(case: &Case, run: &Run) -> Verdict {
    let mut verdict = Verdict {
        case: case.clone(),
        failures: Vec::new(),
        notes: Vec::new(),
        busy: false,
    };
    if run.ending == Ending::TimedOut {
        verdict.failures.push(hang(case, run));
        return verdict;
    }
    let scaled = judge(case, run);
    verdict.notes = scaled.notes.iter().map(ToString::to_string).collect();
    verdict.busy = scaled.notes.iter().any(|n| n.busy);
    // A pass is confirmed through assert_cmd as well; a failure needs no second judgement.
    if scaled.passed() && assert(case, run).is_ok() {
        return verdict;
    }
    verdict.failures = scaled.failures;
    if case.scale == 1.0 {
        return brief(verdict, run);
    }
    let real = judge_at(case, run, 1.0);
    let real_case = Case {
        scale: 1.0,
        ..case.clone()
    };
    if real.passed() {
        verdict.notes = real.notes.iter().map(ToString::to_string).collect();
        verdict.busy = real.notes.iter().any(|n| n.busy);
        verdict.notes.insert(
            0,
            format!(
                "The program slept in real seconds, ignoring LESSON_TIME_SCALE={}: it was judged \
                 in real time (1 unit = 1 s), where every expectation holds.",
                case.scale
            ),
        );
        verdict.case = real_case;
        verdict.failures = Vec::new();
        return verdict;
    }
    if let Some(mixed) = mixed_sleeps(case, run) {
        verdict.notes.insert(0, mixed);
    }
    if real.failures.len() < verdict.failures.len() {
        verdict.notes.push(format!(
            "Judged in real time (1 unit = 1 s): the program's timing fits real seconds better \
             than LESSON_TIME_SCALE={}, so it seems to sleep in real time.",
            case.scale
        ));
        verdict.case = real_case;
        verdict.failures = real.failures;
    }
    brief(verdict, run)
}

/// A timed-out run, explained as a hang: where it stopped and what was still alive.
/// The case's hint (about a program that ends too early, or takes turns) does not apply.
fn hang(case: &Case, run: &Run) -> Failure {
    let stopped = match run.stdout_lines().last() {
        Some(line) => format!(
            "it stopped after printing {} at {:.2} s and printed nothing more",
            explain::cap_line(&format!("{:?}", line.text), 120),
            line.at.as_secs_f64()
        ),
        None => "it printed nothing".to_owned(),
    };
    let alive = match run.alive_at_timeout.len() {
        0 => String::new(),
        n => format!(
            "; {n} thread{} still alive when it was stopped ({})",
            if n == 1 { " was" } else { "s were" },
            thread_summary(&run.alive_at_timeout)
        ),
    };
    let timeout = crate::runner::trim_float(run.timeout.as_secs_f64());
    Failure {
        what: "the run ended by itself".into(),
        rule: "ending",
        class: Class::Deterministic,
        expected: format!(
            "the program to exit with code {} on its own within {timeout} s",
            case.exit
        ),
        got: format!("it hung until the {timeout} s timeout: {stopped}{alive}"),
        hint: Some(
            "A program that never ends is waiting for something that never happens: a thread \
             joined that never returns, a lock taken twice, a channel or a child nobody \
             answers, or a loop with no way out. Look just after the last line it printed."
                .into(),
        ),
    }
}

/// "main ×1, tokio-runtime-w ×4": thread names with how many of each, capped.
fn thread_summary(names: &[String]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for name in names {
        match counts.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    explain::cap_list(
        counts.iter().map(|(name, n)| format!("{name} ×{n}")),
        ", ",
        6,
    )
}

/// Says so where a rule about threads or processes failed on a run too brief to be sampled
/// at all, instead of claiming the program used none.
fn brief(mut verdict: Verdict, run: &Run) -> Verdict {
    if run.peak_processes == 0 {
        for failure in &mut verdict.failures {
            if failure.class == Class::Timing
                && (failure.rule.contains("thread") || failure.rule.contains("process"))
            {
                failure.got = "nothing: the program ran too briefly to be sampled".into();
            }
        }
    }
    verdict
}

/// A failed run is worth running again only when every failure is about order or timing,
/// which a loaded machine or a race can change; an exit code, a hang or a missing line cannot.
fn worth_rerunning(result: &CaseResult) -> bool {
    result.run.ending == Ending::Exited(result.case.exit)
        && result.run.left_running == 0
        && !result.failures.is_empty()
        && result.failures.iter().all(|f| f.class == Class::Timing)
}

/// "Failed 3 of 3 runs", or which rules held in some runs and not in others.
fn runs_note(verdicts: &[Vec<Failure>]) -> String {
    let n = verdicts.len();
    let failed = verdicts.iter().filter(|f| !f.is_empty()).count();
    let failing = |rule: &str| {
        verdicts
            .iter()
            .filter(|v| v.iter().any(|f| f.rule == rule))
            .count()
    };
    let rules: std::collections::BTreeSet<&str> =
        verdicts.iter().flatten().map(|f| f.rule).collect();
    let changed: Vec<String> = rules
        .into_iter()
        .filter(|rule| failing(rule) < n)
        .map(|rule| {
            let held = n - failing(rule);
            format!(
                "`{rule}` held in {held} run{} and not in {}",
                if held == 1 { "" } else { "s" },
                failing(rule)
            )
        })
        .collect();
    if changed.is_empty() {
        return format!("Failed {failed} of {n} runs, each time the same way.");
    }
    format!(
        "Failed {failed} of {n} runs: {}. A verdict that changes from run to run points at a \
         race in the program.",
        changed.join("; ")
    )
}

/// Whether the program's spans and gaps fit LESSON_TIME_SCALE in some places and real seconds
/// in others: some `span` or `gap` measurement holds only at the case's scale, another only
/// at scale 1. Each measurement is judged by the rule itself, on a run cut down to the lines
/// it measures: one key's `from` and `to` lines for a span, two consecutive lines of one kind
/// for a gap.
fn mixed_sleeps(case: &Case, run: &Run) -> Option<String> {
    // Enough measurements to see a mix; a flood of lines would only cost time.
    const MAX_MEASURED: usize = 200;
    let mut only_scaled = None;
    let mut only_real = None;
    for at in case
        .rules
        .iter()
        .filter(|r| matches!(r.rule.name, "span" | "gap"))
    {
        let one_rule = Case {
            rules: vec![at.clone()],
            ..case.clone()
        };
        let holds = |sub: &Run, scale: f64| {
            !judge_at(&one_rule, sub, scale)
                .failures
                .iter()
                .any(|f| f.rule == at.rule.name)
        };
        for sub in measurements(case, run, at, MAX_MEASURED) {
            match (holds(&sub, case.scale), holds(&sub, 1.0)) {
                (true, false) => only_scaled = Some(at.rule.name),
                (false, true) => only_real = Some(at.rule.name),
                _ => {}
            }
        }
    }
    let (scaled, real) = (only_scaled?, only_real?);
    Some(format!(
        "The program mixes scaled and real-time sleeps: some `{scaled}` measurements fit \
         LESSON_TIME_SCALE={} and some `{real}` measurements fit real seconds. Sleep one way \
         throughout: lesson_kit::sleep / lesson_kit::seconds everywhere, or real Durations \
         everywhere.",
        case.scale
    ))
}

/// The runs cut down to what one measurement of `at` sees (see [`mixed_sleeps`]), at most `max`.
fn measurements(case: &Case, run: &Run, at: &RuleAt, max: usize) -> Vec<Run> {
    // The lines are left out of the template so a flood is not copied for every measurement.
    let template = Run {
        lines: Vec::new(),
        ..run.clone()
    };
    let only = |keep: &dyn Fn(&Line) -> bool| Run {
        lines: run.stdout_lines().filter(|l| keep(l)).cloned().collect(),
        ..template.clone()
    };
    let mut subs = Vec::new();
    if let Some((from, to, key)) = at.rule.rule.spans() {
        let (from_kind, to_kind) = (&case.kind(from).matcher, &case.kind(to).matcher);
        let mut keys: Vec<String> = run
            .stdout_lines()
            .filter_map(|l| from_kind.capture(&l.text, key))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys.into_iter().take(max) {
            subs.push(only(&|l: &Line| {
                from_kind.capture(&l.text, key).as_deref() == Some(k.as_str())
                    || to_kind.capture(&l.text, key).as_deref() == Some(k.as_str())
            }));
        }
    } else {
        // A gap rule names one kind; pairs of consecutive lines of every kind cover it, and
        // pairs of other kinds are neutral (the rule sees fewer than two of its lines).
        for kind in &case.kinds {
            let of_kind: Vec<&Line> = run
                .stdout_lines()
                .filter(|l| kind.matcher.is_match(&l.text))
                .take(max + 1)
                .collect();
            for pair in of_kind.windows(2) {
                subs.push(Run {
                    lines: vec![pair[0].clone(), pair[1].clone()],
                    ..template.clone()
                });
            }
        }
    }
    subs
}

/// Judges a run against its case at the case's own scale: `Ok` when every expectation holds,
/// the exit code among them; otherwise every expectation that did not.
pub fn assert(case: &Case, run: &Run) -> Result<(), Vec<Failure>> {
    let failures = judge(case, run).failures;
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::fake_run;
    use crate::spec::Spec;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    /// A run ending with exit code 0 whose lines come at the given times in units of 0.1 s.
    fn exited(lines: &[(f64, &str)]) -> Run {
        let mut run = fake_run(lines, Ending::Exited(0));
        run.status = Some(ExitStatus::from_raw(0));
        run.peak_threads = 6;
        run
    }

    /// A result of one run: passed or failed, with rules a busy machine did not judge.
    fn result(passed: bool, busy: bool) -> CaseResult {
        let run = exited(&[(0.0, "Worker 0 starting")]);
        let failures = if passed {
            Vec::new()
        } else {
            let c = case("");
            verdict(&c, &run).failures
        };
        CaseResult {
            case: case(""),
            run,
            failures,
            notes: Vec::new(),
            runs: 1,
            failed_runs: usize::from(!passed),
            busy,
        }
    }

    #[test]
    fn a_pass_a_busy_machine_could_not_judge_is_run_until_judged() {
        // Busy, then judged and failing: the failure is the verdict.
        let mut later = vec![result(false, false)];
        let r = until_judged(result(true, true), 3, || later.remove(0));
        assert!(!r.passed());
        assert!(
            r.notes[0].contains("The first 1 run came while"),
            "{:?}",
            r.notes
        );
        // Busy every time: a pass, with rules not judged, said so; no more runs than allowed.
        let mut calls = 0;
        let r = until_judged(result(true, true), 3, || {
            calls += 1;
            result(true, true)
        });
        assert!(r.passed() && r.busy);
        assert_eq!(calls, 2);
        assert!(r.notes[0].contains("too busy to judge every rule in 3 runs"));
        // Judged at once, or a failure: nothing runs again.
        for first in [result(true, false), result(false, true)] {
            let r = until_judged(first, 3, || unreachable!("ran again"));
            assert!(r.notes.is_empty());
        }
    }

    fn case(rules: &str) -> Case {
        let source = format!(
            r#"
[[case]]
name = "default"
hint = "Start them all, then join them."
[case.lines]
start = {{ regex = '^Worker (?<id>\d+) starting$', count = 3 }}
finish = {{ regex = '^Worker (?<id>\d+) finished$', count = 3 }}
[[case.expect]]
overlap = {{ from = "start", to = "finish", key = "id", at_least = 3 }}
[[case.expect]]
span = {{ from = "start", to = "finish", key = "id", min = 1.5, max = 4.0 }}
{rules}"#
        );
        Spec::parse(std::path::Path::new("expect.toml"), &source)
            .unwrap()
            .cases
            .remove(0)
    }

    /// Three workers sleeping `each` units at once, or one after another.
    fn workers(each: f64, at_once: bool) -> Run {
        let mut lines = Vec::new();
        let mut t = 0.0;
        for id in 0..3 {
            let start: &'static str = [
                "Worker 0 starting",
                "Worker 1 starting",
                "Worker 2 starting",
            ][id];
            let finish: &'static str = [
                "Worker 0 finished",
                "Worker 1 finished",
                "Worker 2 finished",
            ][id];
            if at_once {
                lines.push((0.0, start));
                lines.push((each, finish));
            } else {
                lines.push((t, start));
                t += each;
                lines.push((t, finish));
            }
        }
        lines.sort_by(|a, b| a.0.total_cmp(&b.0));
        exited(&lines)
    }

    #[test]
    fn real_time_sleeps_pass_in_real_seconds_and_say_so() {
        // Two-second sleeps in real time: 20 units at scale 0.1, 2 units at scale 1.
        let v = verdict(&case(""), &workers(20.0, true));
        assert_eq!(v.failures, []);
        assert_eq!(v.case.scale, 1.0);
        assert!(
            v.notes[0].contains("ignoring LESSON_TIME_SCALE=0.1"),
            "{:?}",
            v.notes
        );
        // Scaled sleeps pass at the case's scale with nothing to say.
        let v = verdict(&case(""), &workers(2.0, true));
        assert_eq!((v.failures.len(), v.case.scale, v.notes.len()), (0, 0.1, 0));
    }

    #[test]
    fn sequential_real_time_sleeps_fail_as_sequential_at_either_scale() {
        let v = verdict(&case(""), &workers(20.0, false));
        assert_eq!(
            v.case.scale, 1.0,
            "real seconds fit better: {:?}",
            v.failures
        );
        assert_eq!(v.failures.len(), 1, "{:?}", v.failures);
        assert!(
            v.failures[0].got.contains("one after another"),
            "{}",
            v.failures[0]
        );
        let v = verdict(&case(""), &workers(2.0, false));
        assert_eq!(v.case.scale, 0.1);
        assert!(
            v.failures[0].got.contains("one after another"),
            "{}",
            v.failures[0]
        );
        assert!(v.notes.is_empty(), "{:?}", v.notes);
    }

    #[test]
    fn a_program_mixing_scaled_and_real_sleeps_is_told_so() {
        // Worker 0 sleeps 2 s in real time, workers 1 and 2 two units of lesson time.
        let run = exited(&[
            (0.0, "Worker 0 starting"),
            (0.0, "Worker 1 starting"),
            (0.0, "Worker 2 starting"),
            (2.0, "Worker 1 finished"),
            (2.0, "Worker 2 finished"),
            (20.0, "Worker 0 finished"),
        ]);
        let v = verdict(&case(""), &run);
        assert!(!v.failures.is_empty());
        assert!(
            v.notes
                .iter()
                .any(|n| n.contains("mixes scaled and real-time sleeps")),
            "{:?}",
            v.notes
        );
    }

    #[test]
    fn a_timeout_is_explained_as_a_hang_without_the_case_hint() {
        let mut run = fake_run(&[(0.0, "Worker 0 starting")], Ending::TimedOut);
        run.timeout = Duration::from_secs(15);
        run.alive_at_timeout = vec!["lesson".into(), "lesson".into(), "lesson".into()];
        let v = verdict(&case(""), &run);
        assert_eq!(v.failures.len(), 1, "{:?}", v.failures);
        let hang = &v.failures[0];
        assert_eq!(
            hang.got,
            "it hung until the 15 s timeout: it stopped after printing \"Worker 0 starting\" \
             at 0.00 s and printed nothing more; 3 threads were still alive when it was \
             stopped (lesson ×3)"
        );
        assert!(!hang.hint.as_deref().unwrap().contains("join them"));
    }

    #[test]
    fn a_run_too_brief_to_sample_is_not_said_to_use_no_threads() {
        let mut run = workers(2.0, true);
        run.peak_threads = 0;
        run.peak_processes = 0;
        let v = verdict(&case("[[case.expect]]\nthreads = 4\n"), &run);
        assert_eq!(
            v.failures[0].got,
            "nothing: the program ran too briefly to be sampled"
        );
    }

    #[test]
    fn repeated_runs_name_the_rule_whose_verdict_changed() {
        let failure = |rule: &'static str| Failure {
            what: format!("{rule} (expect.toml line 9)"),
            rule,
            class: Class::Timing,
            expected: String::new(),
            got: String::new(),
            hint: None,
        };
        let always = vec![vec![failure("overlap")]; 3];
        assert_eq!(
            runs_note(&always),
            "Failed 3 of 3 runs, each time the same way."
        );
        let once = vec![
            vec![failure("sorted"), failure("overlap")],
            vec![failure("overlap")],
            vec![failure("overlap")],
        ];
        assert!(
            runs_note(&once)
                .starts_with("Failed 3 of 3 runs: `sorted` held in 2 runs and not in 1."),
            "{}",
            runs_note(&once)
        );
        let flaky = vec![vec![failure("sorted")], vec![], vec![]];
        assert!(
            runs_note(&flaky)
                .starts_with("Failed 1 of 3 runs: `sorted` held in 2 runs and not in 1."),
            "{}",
            runs_note(&flaky)
        );
    }
}
