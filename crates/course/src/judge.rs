//! Judges a run against a case: every expectation that failed, explained like a teaching assistant would.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::runner::{Ending, Line, Run};
use crate::spec::{Case, Rule};

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Which expectation: e.g. "overlap (expect.toml line 23)".
    pub what: String,
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

/// A stdout line with the kinds it matched.
struct Seen<'a> {
    line: &'a Line,
    units: f64,
}

/// Every failed expectation of `case` in `run`; empty means the case passed.
pub fn judge(case: &Case, run: &Run) -> Vec<Failure> {
    let mut failures = Vec::new();
    // A run that did not end by itself is explained first: nothing after it is meaningful alone.
    match &run.ending {
        Ending::Exited(code) if *code == case.exit => {}
        Ending::Exited(code) => failures.push(Failure {
            what: "exit code".into(),
            expected: format!("exit code {}", case.exit),
            got: format!("exit code {code}{}", stderr_tail(run)),
            hint: case.hint.clone(),
        }),
        _ => failures.push(Failure {
            what: "the run ended by itself".into(),
            expected: format!("the program to exit with code {} on its own", case.exit),
            got: format!("it {}{}", run.ending_text(), stderr_tail(run)),
            hint: case.hint.clone(),
        }),
    }
    if run.left_running > 0 {
        failures.push(Failure {
            what: "no process left behind".into(),
            expected: "every process the lesson started to have finished when it exited".into(),
            got: format!(
                "left {} process{} running (killed by the runner)",
                run.left_running,
                if run.left_running == 1 { "" } else { "es" }
            ),
            hint: Some("wait for (join) every child process before main returns".into()),
        });
    }
    let seen: Vec<Seen> = run
        .stdout_lines()
        .map(|line| Seen {
            line,
            units: case.units(line.at),
        })
        .collect();
    let of_kind = |name: &str| -> Vec<&Seen> {
        let kind = case.kind(name);
        seen.iter()
            .filter(|s| kind.matcher.is_match(&s.line.text))
            .collect()
    };
    for kind in &case.kinds {
        let n = of_kind(&kind.name).len();
        let too_few = n < kind.min;
        let too_many = kind.max.is_some_and(|max| n > max);
        if too_few || too_many {
            let wanted = match kind.max {
                Some(max) if max == kind.min => format!("exactly {max}"),
                Some(max) => format!("{} to {max}", kind.min),
                None => format!("at least {}", kind.min),
            };
            failures.push(Failure {
                what: format!("lines `{}`", kind.name),
                expected: format!("{wanted} of {}", kind.matcher.describe()),
                got: format!("{n}"),
                hint: case.hint.clone(),
            });
        }
    }
    for at in &case.rules {
        let fail = |expected: String, got: String| Failure {
            what: format!("{} (expect.toml line {})", at.rule.name(), at.line),
            expected,
            got,
            hint: at.hint.clone().or_else(|| case.hint.clone()),
        };
        let key_of =
            |kind: &str, key: &str, s: &Seen| case.kind(kind).matcher.capture(&s.line.text, key);
        match &at.rule {
            Rule::Only => {
                let stray: Vec<&Seen> = seen
                    .iter()
                    .filter(|s| !case.kinds.iter().any(|k| k.matcher.is_match(&s.line.text)))
                    .collect();
                if let Some(first) = stray.first() {
                    failures.push(fail(
                        "no output but the lines listed in the spec".into(),
                        format!("{} other line(s), first {:?}", stray.len(), first.line.text),
                    ));
                }
            }
            Rule::First(kind) | Rule::Last(kind) => {
                let first = matches!(at.rule, Rule::First(_));
                let line = if first { seen.first() } else { seen.last() };
                let matcher = &case.kind(kind).matcher;
                if !line.is_some_and(|s| matcher.is_match(&s.line.text)) {
                    failures.push(fail(
                        format!(
                            "the {} line to be {}",
                            if first { "first" } else { "last" },
                            matcher.describe()
                        ),
                        line.map_or("no output at all".into(), |s| format!("{:?}", s.line.text)),
                    ));
                }
            }
            Rule::Order { before, after, key } => {
                let befores = of_kind(before);
                let afters = of_kind(after);
                let position = |s: &Seen| s.line as *const Line as usize;
                let index_of = |s: &Seen| {
                    seen.iter()
                        .position(|x| position(x) == position(s))
                        .unwrap_or(0)
                };
                let mut broken = None;
                'outer: for b in &befores {
                    for a in &afters {
                        let same_key = match key {
                            Some(key) => key_of(before, key, b) == key_of(after, key, a),
                            None => true,
                        };
                        if same_key && index_of(a) < index_of(b) {
                            broken = Some((a.line.text.clone(), b.line.text.clone()));
                            break 'outer;
                        }
                    }
                }
                if let Some((a, b)) = broken {
                    let scope = if key.is_some() {
                        " with the same key"
                    } else {
                        ""
                    };
                    failures.push(fail(
                        format!("every `{before}` line before any `{after}` line{scope}"),
                        format!("{a:?} came before {b:?}"),
                    ));
                }
            }
            Rule::Sorted { line, key } => {
                let values: Vec<String> = of_kind(line)
                    .iter()
                    .filter_map(|s| key_of(line, key, s))
                    .collect();
                let numeric: Option<Vec<f64>> = values.iter().map(|v| v.parse().ok()).collect();
                let sorted = match &numeric {
                    Some(nums) => nums.windows(2).all(|w| w[0] <= w[1]),
                    None => values.windows(2).all(|w| w[0] <= w[1]),
                };
                if !sorted {
                    failures.push(fail(
                        format!("`{line}` lines in ascending order of `{key}`"),
                        format!("the order {}", values.join(", ")),
                    ));
                }
            }
            Rule::Overlap {
                from,
                to,
                key,
                at_least,
            } => {
                let spans = spans(
                    &of_kind(from),
                    &of_kind(to),
                    |s| key_of(from, key, s),
                    |s| key_of(to, key, s),
                );
                let most = max_open(&spans);
                if most < *at_least {
                    let total = spans.values().map(|(a, b)| b - a).sum::<f64>();
                    failures.push(fail(
                        format!(
                            "at least {at_least} `{from}`→`{to}` spans running at the same time"
                        ),
                        format!(
                            "at most {most} at once ({} spans, {} units end to end{})",
                            spans.len(),
                            fmt_units(total),
                            if most <= 1 && spans.len() > 1 {
                                ": they ran one after another"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
            }
            Rule::Span {
                from,
                to,
                key,
                min,
                max,
            } => {
                let spans = spans(
                    &of_kind(from),
                    &of_kind(to),
                    |s| key_of(from, key, s),
                    |s| key_of(to, key, s),
                );
                let bad: Vec<String> = spans
                    .iter()
                    .filter(|(_, (a, b))| !within(b - a, *min, *max))
                    .map(|(k, (a, b))| format!("{key}={k}: {} units", fmt_units(b - a)))
                    .collect();
                if !bad.is_empty() {
                    failures.push(fail(
                        format!(
                            "each `{from}`→`{to}` span to last {}",
                            bounds_text(*min, *max)
                        ),
                        bad.join("; "),
                    ));
                }
            }
            Rule::Gap { line, min, max } => {
                let times: Vec<f64> = of_kind(line).iter().map(|s| s.units).collect();
                let bad: Vec<String> = times
                    .windows(2)
                    .map(|w| w[1] - w[0])
                    .filter(|gap| !within(*gap, *min, *max))
                    .map(fmt_units)
                    .collect();
                if !bad.is_empty() {
                    failures.push(fail(
                        format!(
                            "consecutive `{line}` lines {} apart",
                            bounds_text(*min, *max)
                        ),
                        format!("gaps of {} units", bad.join(", ")),
                    ));
                }
            }
            Rule::Elapsed {
                line,
                from,
                min,
                max,
            } => {
                // From the start of the run, or from the first line of kind `from`, which
                // leaves an interpreter's start-up (python3: 50-500 ms when loaded) out of it.
                let origin = match from {
                    Some(kind) => of_kind(kind).first().map_or(0.0, |s| s.units),
                    None => 0.0,
                };
                let since = match from {
                    Some(kind) => format!("the first `{kind}` line"),
                    None => "the start".to_owned(),
                };
                let last = of_kind(line).last().map(|s| s.units - origin);
                match last {
                    Some(t) if within(t, *min, *max) => {}
                    Some(t) => failures.push(fail(
                        format!(
                            "the last `{line}` line {} after {since}",
                            bounds_text(*min, *max)
                        ),
                        format!("{} units", fmt_units(t)),
                    )),
                    None => failures.push(fail(
                        format!("a `{line}` line {} after {since}", bounds_text(*min, *max)),
                        "no such line".into(),
                    )),
                }
            }
            Rule::SameKeys { kinds, key } => {
                let sets: Vec<(String, BTreeSet<String>)> = kinds
                    .iter()
                    .map(|k| {
                        (
                            k.clone(),
                            of_kind(k)
                                .iter()
                                .filter_map(|s| key_of(k, key, s))
                                .collect(),
                        )
                    })
                    .collect();
                if let Some((odd, _)) = sets.iter().find(|(_, set)| *set != sets[0].1) {
                    let show =
                        |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
                    failures.push(fail(
                        format!(
                            "`{}` and `{odd}` lines to carry the same `{key}` values",
                            sets[0].0
                        ),
                        sets.iter()
                            .map(|(k, set)| format!("{k}: [{}]", show(set)))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ));
                }
            }
            Rule::Threads(n) => {
                if run.peak_threads < *n {
                    failures.push(fail(
                        format!("at least {n} threads alive at once"),
                        format!("at most {} (observed in /proc)", run.peak_threads),
                    ));
                }
            }
            Rule::Processes(n) => {
                if run.peak_processes < *n {
                    failures.push(fail(
                        format!("at least {n} processes alive at once"),
                        format!(
                            "at most {} (observed in /proc; {} threads at most)",
                            run.peak_processes, run.peak_threads
                        ),
                    ));
                }
            }
        }
    }
    failures
}

/// Spans per capture value: from the first `from` line to the first `to` line after it.
fn spans<'a>(
    froms: &[&'a Seen<'a>],
    tos: &[&'a Seen<'a>],
    from_key: impl Fn(&Seen) -> Option<String>,
    to_key: impl Fn(&Seen) -> Option<String>,
) -> BTreeMap<String, (f64, f64)> {
    let mut out = BTreeMap::new();
    for f in froms {
        let Some(k) = from_key(f) else { continue };
        if out.contains_key(&k) {
            continue;
        }
        if let Some(t) = tos
            .iter()
            .find(|t| t.units >= f.units && to_key(t).as_ref() == Some(&k))
        {
            out.insert(k, (f.units, t.units));
        }
    }
    out
}

/// The most intervals open at one moment; an interval ending as another starts does not overlap it.
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

fn within(x: f64, min: Option<f64>, max: Option<f64>) -> bool {
    min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
}

fn bounds_text(min: Option<f64>, max: Option<f64>) -> String {
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
    use crate::runner::fake_run;
    use crate::spec::Spec;
    use std::path::Path;
    use std::time::Duration;

    /// A run whose stdout lines arrived at the given unit times, six threads seen at once.
    fn fake(lines: &[(f64, &str)], ending: Ending) -> Run {
        let mut run = fake_run(lines, ending);
        run.peak_threads = 6;
        run
    }

    fn case(rules: &str) -> Case {
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

    fn concurrent() -> Vec<(f64, &'static str)> {
        vec![
            (0.0, "Worker 0 starting"),
            (0.0, "Worker 1 starting"),
            (0.1, "Worker 2 starting"),
            (2.0, "Worker 1 finished"),
            (2.0, "Worker 0 finished"),
            (2.1, "Worker 2 finished"),
        ]
    }

    fn sequential() -> Vec<(f64, &'static str)> {
        vec![
            (0.0, "Worker 0 starting"),
            (2.0, "Worker 0 finished"),
            (2.0, "Worker 1 starting"),
            (4.0, "Worker 1 finished"),
            (4.0, "Worker 2 starting"),
            (6.0, "Worker 2 finished"),
        ]
    }

    fn verdict(rules: &str, lines: &[(f64, &str)]) -> Vec<Failure> {
        judge(&case(rules), &fake(lines, Ending::Exited(0)))
    }

    #[test]
    fn counts_pass_and_fail_with_the_pattern_named() {
        assert_eq!(verdict("", &concurrent()), []);
        let f = verdict("", &concurrent()[..5]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].what, "lines `finish`");
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
        let f = judge(&case(""), &fake(&concurrent(), Ending::Exited(101)));
        assert_eq!(f[0].what, "exit code");
        assert_eq!(f[0].got, "exit code 101");
        let mut timed_out = fake(&concurrent()[..1], Ending::TimedOut);
        timed_out.timeout = Duration::from_secs(2);
        let f = judge(&case(""), &timed_out);
        assert_eq!(
            f[0].got,
            "it timed out after 2 s; last output: \"Worker 0 starting\""
        );
    }

    #[test]
    fn only_rejects_stray_lines() {
        let rule = "[[case.expect]]\nonly = true\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines.push((2.2, "debug: hello"));
        let f = verdict(rule, &lines);
        assert_eq!(f[0].what, "only (expect.toml line 9)");
        assert!(f[0].got.contains("\"debug: hello\""));
    }

    #[test]
    fn first_and_last() {
        let rule = "[[case.expect]]\nlast = \"finish\"\n[[case.expect]]\nfirst = \"start\"\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines.push((3.0, "done"));
        let f = verdict(rule, &lines);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].got, "\"done\"");
    }

    #[test]
    fn order_all_and_per_key() {
        let all = "[[case.expect]]\norder = { before = \"start\", after = \"finish\" }\nhint = \"join later\"\n";
        assert_eq!(verdict(all, &concurrent()), []);
        let f = verdict(all, &sequential());
        assert_eq!(
            f[0].got,
            "\"Worker 0 finished\" came before \"Worker 1 starting\""
        );
        assert_eq!(f[0].hint.as_deref(), Some("join later"));
        let keyed =
            "[[case.expect]]\norder = { before = \"start\", after = \"finish\", key = \"id\" }\n";
        assert_eq!(verdict(keyed, &sequential()), []);
    }

    #[test]
    fn sorted_numeric() {
        let rule = "[[case.expect]]\nsorted = { line = \"start\", key = \"id\" }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines.swap(0, 2);
        assert_eq!(verdict(rule, &lines)[0].got, "the order 2, 1, 0");
    }

    #[test]
    fn overlap_tells_sequential_from_concurrent() {
        let rule = "[[case.expect]]\noverlap = { from = \"start\", to = \"finish\", key = \"id\", at_least = 3 }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let f = verdict(rule, &sequential());
        assert_eq!(
            f[0].got,
            "at most 1 at once (3 spans, 6.0 units end to end: they ran one after another)"
        );
    }

    #[test]
    fn span_gap_and_elapsed_bounds() {
        let rules = "[[case.expect]]\nspan = { from = \"start\", to = \"finish\", key = \"id\", max = 3.0 }\n\
                     [[case.expect]]\ngap = { line = \"finish\", max = 1.0 }\n\
                     [[case.expect]]\nelapsed = { line = \"finish\", min = 1.5, max = 3.0 }\n";
        assert_eq!(verdict(rules, &concurrent()), []);
        let mut slow = concurrent();
        slow[5].0 = 9.0;
        let f = verdict(rules, &slow);
        let got: Vec<_> = f.iter().map(|f| f.got.as_str()).collect();
        assert_eq!(got, ["id=2: 8.9 units", "gaps of 7.0 units", "9.0 units"]);
        assert_eq!(
            f[2].expected,
            "the last `finish` line between 1.5 and 3.0 units after the start"
        );
    }

    #[test]
    fn same_keys_finds_a_worker_that_never_finished() {
        let rule =
            "[[case.expect]]\nsame_keys = { kinds = [\"start\", \"finish\"], key = \"id\" }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines[5].1 = "Worker 1 finished";
        let f = verdict(rule, &lines);
        assert_eq!(f[0].got, "start: [0, 1, 2]; finish: [0, 1]");
    }

    #[test]
    fn threads_and_processes_are_read_from_the_observation() {
        let rules = "[[case.expect]]\nthreads = 6\n[[case.expect]]\nprocesses = 6\n";
        let f = verdict(rules, &concurrent());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].expected, "at least 6 processes alive at once");
        assert_eq!(f[0].got, "at most 1 (observed in /proc; 6 threads at most)");
    }

    #[test]
    fn max_open_counts_touching_spans_as_sequential() {
        let spans = BTreeMap::from([("a".to_string(), (0.0, 1.0)), ("b".to_string(), (1.0, 2.0))]);
        assert_eq!(max_open(&spans), 1);
    }
}
