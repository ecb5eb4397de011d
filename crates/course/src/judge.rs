//! Judges a run against a case: every expectation that failed, explained like a teaching assistant would.
//!
//! The case's own checks (exit code, nothing left running, line counts) are here; every
//! `[[case.expect]]` rule judges itself in its own file under `rules/`.

use std::fmt;

use crate::rules::{Class, Ctx, Verdict};
use crate::runner::{Ending, Run};
use crate::spec::Case;

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Which expectation: e.g. "overlap (expect.toml line 23)".
    pub what: String,
    /// The rule's key (`overlap`), or for the case's own checks `exit`, `ending`,
    /// `left_running` or `lines`.
    pub rule: &'static str,
    /// Whether this verdict may vary from run to run (worth a rerun) or not.
    pub class: Class,
    pub expected: String,
    pub got: String,
    pub hint: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.what)?;
        writeln!(f, "  expected: {}", self.expected)?;
        write!(f, "  got:      {}", self.got)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint:     {hint}")?;
        }
        Ok(())
    }
}

/// A rule the machine could not judge (e.g. parallelism on one core): not held against the
/// student, but shown in the report so nobody mistakes it for a pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Which expectation: e.g. "parallel (expect.toml line 40)".
    pub what: String,
    pub rule: &'static str,
    pub why: String,
    /// Not judged because other programs kept the machine busy: a later run may be judged.
    pub busy: bool,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: not judged: {}", self.what, self.why)
    }
}

/// The judge's verdict on one run: what failed, and what could not be judged here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Judgement {
    pub failures: Vec<Failure>,
    pub notes: Vec<Note>,
}

impl Judgement {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Whether every failure is one that may vary from run to run, so a rerun may tell.
    pub fn only_timing_failed(&self) -> bool {
        !self.failures.is_empty() && self.failures.iter().all(|f| f.class == Class::Timing)
    }
}

/// Judges `run` at the case's own scale; an empty `failures` means the case passed.
pub fn judge(case: &Case, run: &Run) -> Judgement {
    judge_at(case, run, case.scale)
}

/// Judges `run` reading one unit of lesson time as `scale` seconds: a program that slept in
/// real time (ignoring `LESSON_TIME_SCALE`) can be judged again at scale 1.
pub fn judge_at(case: &Case, run: &Run, scale: f64) -> Judgement {
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    let own = |what: &str, rule: &'static str, expected: String, got: String, hint| Failure {
        what: what.into(),
        rule,
        class: Class::Deterministic,
        expected,
        got,
        hint,
    };
    // A run that did not end by itself is explained first: nothing after it is meaningful alone.
    match &run.ending {
        Ending::Exited(code) if *code == case.exit => {}
        Ending::Exited(code) => failures.push(own(
            "exit code",
            "exit",
            format!("exit code {}", case.exit),
            format!("exit code {code}{}", stderr_tail(run)),
            case.hint.clone(),
        )),
        _ => failures.push(own(
            "the run ended by itself",
            "ending",
            format!("the program to exit with code {} on its own", case.exit),
            format!("it {}{}", run.ending_text(), stderr_tail(run)),
            case.hint.clone(),
        )),
    }
    if run.left_running > 0 {
        failures.push(own(
            "no process left behind",
            "left_running",
            "every process the lesson started to have finished when it exited".into(),
            format!(
                "left {} process{} running (killed by the runner)",
                run.left_running,
                if run.left_running == 1 { "" } else { "es" }
            ),
            Some("wait for (join) every child process before main returns".into()),
        ));
    }
    let cx = Ctx::new(case, run, scale);
    for kind in &case.kinds {
        let n = cx.of_kind(&kind.name).len();
        let too_few = n < kind.min;
        let too_many = kind.max.is_some_and(|max| n > max);
        if too_few || too_many {
            let wanted = match kind.max {
                Some(max) if max == kind.min => format!("exactly {max}"),
                Some(max) => format!("{} to {max}", kind.min),
                None => format!("at least {}", kind.min),
            };
            failures.push(own(
                &format!("lines `{}`", kind.name),
                "lines",
                format!("{wanted} of {}", kind.matcher.describe()),
                format!("{n}"),
                case.hint.clone(),
            ));
        }
    }
    for at in &case.rules {
        let what = format!("{} (expect.toml line {})", at.rule.name, at.line);
        match at.rule.rule.judge(&cx) {
            Verdict::Holds => {}
            Verdict::Fails { expected, got } => failures.push(Failure {
                what,
                rule: at.rule.name,
                class: at.rule.class,
                expected,
                got,
                hint: at.hint.clone().or_else(|| case.hint.clone()),
            }),
            Verdict::NotJudged(why) => notes.push(Note {
                what,
                rule: at.rule.name,
                why,
                busy: false,
            }),
            Verdict::Busy(why) => notes.push(Note {
                what,
                rule: at.rule.name,
                why,
                busy: true,
            }),
        }
    }
    Judgement { failures, notes }
}

pub use crate::rules::fmt_units;

fn stderr_tail(run: &Run) -> String {
    let err = run.stderr();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.len() {
        0 => String::new(),
        n => format!(
            "; stderr ends: {}",
            lines[n.saturating_sub(3)..].join(" | ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use std::time::Duration;

    #[test]
    fn counts_pass_and_fail_with_the_pattern_named() {
        assert_eq!(verdict("", &concurrent()), []);
        let f = verdict("", &concurrent()[..5]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].what, "lines `finish`");
        assert_eq!(f[0].rule, "lines");
        assert_eq!(f[0].class, Class::Deterministic);
        assert!(
            f[0].expected
                .starts_with("exactly 3 of lines matching /^Worker"),
            "{}",
            f[0]
        );
        assert_eq!(f[0].got, "2");
        assert_eq!(f[0].hint.as_deref(), Some("case hint"));
    }

    #[test]
    fn exit_code_and_endings_are_explained() {
        let f = judge(&case(""), &fake(&concurrent(), Ending::Exited(101))).failures;
        assert_eq!(f[0].what, "exit code");
        assert_eq!(f[0].got, "exit code 101");
        let mut timed_out = fake(&concurrent()[..1], Ending::TimedOut);
        timed_out.timeout = Duration::from_secs(2);
        let f = judge(&case(""), &timed_out).failures;
        assert_eq!(
            f[0].got,
            "it timed out after 2 s; last output: \"Worker 0 starting\""
        );
        assert_eq!(f[0].rule, "ending");
    }

    #[test]
    fn judge_at_reads_the_same_run_in_another_unit() {
        // The fake run's lines are 0.1 s per unit; read at scale 1 the spans are ten times shorter.
        let rule = "[[case.expect]]\nspan = { from = \"start\", to = \"finish\", key = \"id\", min = 1.5 }\n";
        let run = fake(&concurrent(), Ending::Exited(0));
        assert!(judge(&case(rule), &run).passed());
        let at_one = judge_at(&case(rule), &run, 1.0);
        assert_eq!(at_one.failures[0].rule, "span");
        assert_eq!(at_one.failures[0].class, Class::Timing);
        assert!(at_one.only_timing_failed());
    }
}
