//! The rules a `[[case.expect]]` table can hold: one file per rule, found by the build script.
//!
//! Each rule's file holds everything about it: the serde form of its table, its
//! validation against the case's line kinds, its judgement with the explanation
//! (expected against got), its class (timing or deterministic), its documentation
//! row and its unit tests. The file's name is the rule's key in `expect.toml`. The
//! engine's build script lists this folder into the [`rules!`] registry, so no other
//! place names a rule; from it come the raw table serde reads, the names the "has no
//! rule" error lists, and the rules table of `docs/expectations.md`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use crate::runner::{Line, Run};
use crate::spec::{Case, Kind};

/// Whether a rule's verdict may change from one run of the same program to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Order and timing of lines, or what sampling saw: a racy or loaded run may vary, so a
    /// failure is worth running again.
    Timing,
    /// The same program gives the same verdict every time (exit code, line counts, `only`…).
    Deterministic,
}

/// What one rule says about one run.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Holds,
    Fails {
        expected: String,
        got: String,
    },
    /// The machine cannot show what the rule needs (e.g. parallelism on one core): the
    /// student is not failed, and the report says why the rule was not judged.
    NotJudged(String),
    /// Other programs kept the machine too busy to show what the rule needs: not held
    /// against the student either, and worth running again, as the load may pass.
    Busy(String),
}

impl Verdict {
    pub fn fails(expected: impl Into<String>, got: impl Into<String>) -> Verdict {
        Verdict::Fails {
            expected: expected.into(),
            got: got.into(),
        }
    }
}

/// One compiled rule: how to judge a run by it.
pub trait Rule: fmt::Debug + Send + Sync {
    fn judge(&self, cx: &Ctx) -> Verdict;

    /// The `from`→`to` spans per `key` this rule is about, for the timeline's rows.
    fn spans(&self) -> Option<(&str, &str, &str)> {
        None
    }
}

/// What a rule is judged against: the case, the run, and the time unit to read it in.
pub struct Ctx<'a> {
    pub case: &'a Case,
    pub run: &'a Run,
    /// Seconds of real time per unit of lesson time for this judgement.
    pub scale: f64,
    pub seen: Vec<Seen<'a>>,
}

/// A stdout line and its time in units.
pub struct Seen<'a> {
    pub line: &'a Line,
    /// When the runner read it: it was written then or before.
    pub units: f64,
    /// The earliest it can have been written ([`Line::after`]): far below `units` only when a
    /// loaded machine kept the runner from reading for a while.
    pub earliest: f64,
    /// Its position among the stdout lines.
    pub index: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(case: &'a Case, run: &'a Run, scale: f64) -> Ctx<'a> {
        let seen = run
            .stdout_lines()
            .enumerate()
            .map(|(index, line)| Seen {
                line,
                units: line.at.as_secs_f64() / scale,
                earliest: line.after.as_secs_f64() / scale,
                index,
            })
            .collect();
        Ctx {
            case,
            run,
            scale,
            seen,
        }
    }

    /// The stdout lines of kind `name`, in order.
    pub fn of_kind(&self, name: &str) -> Vec<&Seen<'a>> {
        let kind = self.case.kind(name);
        self.seen
            .iter()
            .filter(|s| kind.matcher.is_match(&s.line.text))
            .collect()
    }

    /// Capture `key` of a line of kind `kind`.
    pub fn key_of(&self, kind: &str, key: &str, s: &Seen) -> Option<String> {
        self.case.kind(kind).matcher.capture(&s.line.text, key)
    }

    /// Seconds since the start to units at this judgement's scale.
    pub fn units(&self, secs: f64) -> f64 {
        secs / self.scale
    }

    /// Spans per capture value: from the first `from` line to the first `to` line after it.
    pub fn spans(&self, from: &str, to: &str, key: &str) -> BTreeMap<String, (f64, f64)> {
        self.span_lines(from, to, key)
            .into_iter()
            .map(|(k, (f, t))| (k, (f.units, t.units)))
            .collect()
    }

    /// The lines that open and close each capture value's span.
    pub fn span_lines(
        &self,
        from: &str,
        to: &str,
        key: &str,
    ) -> BTreeMap<String, (&Seen<'a>, &Seen<'a>)> {
        let tos = self.of_kind(to);
        let mut out = BTreeMap::new();
        for f in self.of_kind(from) {
            let Some(k) = self.key_of(from, key, f) else {
                continue;
            };
            if out.contains_key(&k) {
                continue;
            }
            if let Some(t) = tos
                .iter()
                .find(|t| t.units >= f.units && self.key_of(to, key, t).as_ref() == Some(&k))
            {
                out.insert(k, (f, *t));
            }
        }
        out
    }

    /// The phase between the first `from` line and the last `to` line, in seconds since the
    /// start (the whole run on a side without its line), and that phase in words. With
    /// `to_written`, the phase ends at the earliest moment the `to` line can have been
    /// written instead of when it was read: every sample before then saw only this phase.
    pub fn phase(&self, from: Option<&str>, to: Option<&str>, to_written: bool) -> Phase {
        let start = from
            .and_then(|k| self.of_kind(k).first().map(|s| s.line.at.as_secs_f64()))
            .unwrap_or(0.0);
        let end = to
            .and_then(|k| {
                self.of_kind(k)
                    .last()
                    .map(|s| if to_written { s.line.after } else { s.line.at }.as_secs_f64())
            })
            .unwrap_or(f64::INFINITY);
        let text = match (from, to) {
            (Some(a), Some(b)) => format!("between the `{a}` and `{b}` lines"),
            (Some(a), None) => format!("after the `{a}` line"),
            (None, Some(b)) => format!("before the `{b}` line"),
            (None, None) => "in the whole run".into(),
        };
        Phase {
            start,
            end: end.max(start),
            text,
        }
    }
}

/// A stretch of a run between two lines: seconds since the start, and how to say it.
pub struct Phase {
    pub start: f64,
    pub end: f64,
    /// "between the `a` and `b` lines", or "in the whole run".
    pub text: String,
}

/// The line kinds a rule may name, for its validation; errors are prefixed with the rule's name.
pub struct Known<'a> {
    pub rule: &'static str,
    pub kinds: &'a [Kind],
}

impl Known<'_> {
    /// An error unless a line kind `name` exists.
    pub fn kind(&self, name: &str) -> Result<(), String> {
        if self.kinds.iter().any(|k| k.name == name) {
            return Ok(());
        }
        let known: Vec<_> = self.kinds.iter().map(|k| k.name.as_str()).collect();
        Err(format!(
            "{}: no line kind `{name}` in [case.lines] (known: {})",
            self.rule,
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        ))
    }

    /// An error unless line kind `kind` exists and its regex has a capture `key`.
    pub fn capture(&self, kind: &str, key: &str) -> Result<(), String> {
        self.kind(kind)?;
        let k = self
            .kinds
            .iter()
            .find(|k| k.name == kind)
            .expect("checked above");
        if k.matcher.has_capture(key) {
            Ok(())
        } else {
            Err(format!(
                "{}: line kind `{kind}` has no capture `{key}`; name it in the regex, e.g. (?<{key}>\\d+)",
                self.rule
            ))
        }
    }

    /// An error unless at least one bound is given and they are in order.
    pub fn bounds(&self, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
        match (min, max) {
            (None, None) => Err(format!(
                "{}: give `min`, `max` or both (in units of lesson time)",
                self.rule
            )),
            (Some(a), Some(b)) if a > b => Err(format!("{}: min {a} is above max {b}", self.rule)),
            _ => Ok(()),
        }
    }
}

/// The most intervals open at one moment; an interval ending as another starts does not overlap it.
/// How many cores other programs kept busy on average from `start` to `end` (seconds since
/// the run's start), from the machine's busy time less the program's own, or `None` without
/// CPU samples. Rules that need parallelism tell "the work ran one thread or child at a time"
/// from "the machine had no room to show it" with this.
pub(crate) fn cores_busy_elsewhere(run: &Run, start: f64, end: f64) -> Option<f64> {
    let samples = &run.cpu_samples;
    // The first sample at or after a moment saw everything done by then (or the last one).
    let after = |secs: f64| {
        samples
            .iter()
            .find(|s| s.at.as_secs_f64() >= secs)
            .or(samples.last())
    };
    let (a, b) = (after(start)?, after(end)?);
    let ours = b
        .tree
        .saturating_sub(a.tree)
        .max((b.own + b.children).saturating_sub(a.own + a.children));
    let others = b.machine.saturating_sub(a.machine).saturating_sub(ours);
    let wall =
        b.at.saturating_sub(a.at)
            .as_secs_f64()
            .max((end - start).max(1e-3));
    Some(others.as_secs_f64() / wall)
}

pub(crate) fn max_open(spans: &BTreeMap<String, (f64, f64)>) -> usize {
    let mut events: Vec<(f64, i32)> = spans
        .values()
        .flat_map(|&(a, b)| [(a, 1), (b, -1)])
        .collect();
    events.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let (mut open, mut most) = (0i32, 0i32);
    for (_, delta) in events {
        open += delta;
        most = most.max(open);
    }
    most as usize
}

/// The time from line `a` to line `b` as the runner can bound it, in units: at least from
/// the latest moment `a` can have been written to the earliest `b` can, at most the other
/// way round. Both ends are one 10 ms poll apart unless the runner was kept from reading.
pub(crate) fn between(a: &Seen, b: &Seen) -> (f64, f64) {
    (
        (b.earliest - a.units).max(0.0),
        (b.units - a.earliest).max(0.0),
    )
}

/// Whether a time known to lie between `lo` and `hi` may be within the bounds: a loaded
/// machine that delayed the runner's reading is not held against the program. When it
/// cannot be, the value nearest the bounds, to report.
pub(crate) fn may_be_within(
    (lo, hi): (f64, f64),
    min: Option<f64>,
    max: Option<f64>,
) -> Result<(), f64> {
    match (min, max) {
        (_, Some(max)) if lo > max => Err(lo),
        (Some(min), _) if hi < min => Err(hi),
        _ => Ok(()),
    }
}

pub(crate) fn bounds_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("between {} and {} units", fmt_units(a), fmt_units(b)),
        (Some(a), None) => format!("at least {} units", fmt_units(a)),
        (None, Some(b)) => format!("at most {} units", fmt_units(b)),
        (None, None) => "any time".into(),
    }
}

pub fn fmt_units(x: f64) -> String {
    format!("{x:.1}")
}

/// A compiled rule with its registry entry.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub name: &'static str,
    pub class: Class,
    pub rule: Arc<dyn Rule>,
}

/// What every rule's file provides to the registry.
pub struct Entry {
    pub name: &'static str,
    /// The rule's table as it is written in a spec, for the docs.
    pub syntax: &'static str,
    /// What it checks, for the docs: one Markdown paragraph.
    pub doc: &'static str,
    pub class: Class,
}

/// Lists every rule once: `key => module`. Each module defines `Spec` (its serde value),
/// `compile(&Spec, &Known) -> Result<impl Rule, String>`, and the consts `SYNTAX`, `DOC`
/// and `CLASS`.
macro_rules! rules {
    // A rule's key in `expect.toml` is the name of its module (its file).
    ($($rule:ident),* $(,)?) => {
        /// A `[[case.expect]]` table as serde reads it: a hint and one rule.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct RawRule {
            pub hint: Option<String>,
            $($rule: Option<$rule::Spec>,)*
        }

        /// Every rule, in the order the docs list them.
        pub const ALL: &[Entry] = &[$(Entry {
            name: stringify!($rule),
            syntax: $rule::SYNTAX,
            doc: $rule::DOC,
            class: $rule::CLASS,
        }),*];

        impl RawRule {
            /// The rule this table holds, validated against the case's line kinds.
            pub(crate) fn compile(&self, kinds: &[Kind]) -> Result<Compiled, String> {
                let mut found: Vec<&'static str> = Vec::new();
                $(if self.$rule.is_some() { found.push(stringify!($rule)); })*
                match found.len() {
                    1 => {}
                    0 => return Err(format!(
                        "this [[case.expect]] has no rule; use one of {}",
                        names().join(", ")
                    )),
                    _ => return Err(format!(
                        "this [[case.expect]] holds several rules ({}); give each its own [[case.expect]] table",
                        found.join(", ")
                    )),
                }
                $(if let Some(spec) = &self.$rule {
                    let known = Known { rule: stringify!($rule), kinds };
                    let rule = $rule::compile(spec, &known)?;
                    return Ok(Compiled {
                        name: stringify!($rule),
                        class: $rule::CLASS,
                        rule: Arc::new(rule),
                    });
                })*
                unreachable!("one rule was found above")
            }
        }
    };
}

// The module of every file in this folder and the registry over them, written by the
// engine's build script (build.rs): adding a rule is adding its file.
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// The name of every rule, in the registry's order.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|e| e.name).collect()
}

/// The rules table of `docs/expectations.md`, made from each rule's own doc text.
pub fn docs_table() -> String {
    let mut out = String::from("| rule | meaning | rerun on failure |\n|---|---|---|\n");
    for e in ALL {
        let class = match e.class {
            Class::Timing => "yes (order or timing)",
            Class::Deterministic => "no",
        };
        out += &format!("| `{}` | {} | {class} |\n", e.syntax, e.doc);
    }
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rules' unit tests: a case with worker lines, runs made up from lines.

    use std::path::Path;

    use crate::judge::{Failure, judge};
    use crate::runner::{Ending, Run, fake_run};
    use crate::spec::{Case, Spec};

    /// A run whose stdout lines arrived at the given unit times, six threads seen at once.
    pub fn fake(lines: &[(f64, &str)], ending: Ending) -> Run {
        let mut run = fake_run(lines, ending);
        run.peak_threads = 6;
        run
    }

    pub fn case(rules: &str) -> Case {
        let source = format!(
            r#"
[[case]]
name = "default"
hint = "case hint"
[case.lines]
start = {{ regex = '^Worker (?<id>\d+) starting$', count = 3 }}
finish = {{ regex = '^Worker (?<id>\d+) finished$', count = 3 }}
done = {{ text = "done", min = 0 }}
{rules}"#
        );
        Spec::parse(Path::new("expect.toml"), &source)
            .unwrap()
            .cases
            .remove(0)
    }

    pub fn concurrent() -> Vec<(f64, &'static str)> {
        vec![
            (0.0, "Worker 0 starting"),
            (0.0, "Worker 1 starting"),
            (0.1, "Worker 2 starting"),
            (2.0, "Worker 1 finished"),
            (2.0, "Worker 0 finished"),
            (2.1, "Worker 2 finished"),
        ]
    }

    pub fn sequential() -> Vec<(f64, &'static str)> {
        vec![
            (0.0, "Worker 0 starting"),
            (2.0, "Worker 0 finished"),
            (2.0, "Worker 1 starting"),
            (4.0, "Worker 1 finished"),
            (4.0, "Worker 2 starting"),
            (6.0, "Worker 2 finished"),
        ]
    }

    pub fn verdict(rules: &str, lines: &[(f64, &str)]) -> Vec<Failure> {
        judge(&case(rules), &fake(lines, Ending::Exited(0))).failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_open_counts_touching_spans_as_sequential() {
        let spans = BTreeMap::from([("a".to_string(), (0.0, 1.0)), ("b".to_string(), (1.0, 2.0))]);
        assert_eq!(max_open(&spans), 1);
    }

    #[test]
    fn every_rule_is_documented_and_named_once() {
        let mut names = names();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for e in ALL {
            assert!(e.syntax.contains(e.name), "{}: {}", e.name, e.syntax);
            assert!(!e.doc.trim().is_empty(), "{} has no doc", e.name);
        }
    }
}
