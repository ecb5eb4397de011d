//! `parallel = { from?, to?, at_least }`: threads doing CPU work at the same moment.
//!
//! Between two consecutive /proc samples, a thread alive at both and whose CPU time grew
//! was working in that window. Two such threads in one window worked at once: time
//! slicing under load still shows both progressing, while a thread joined before the next
//! is spawned is never alive at both ends of a window the next one works in.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    from: Option<String>,
    to: Option<String>,
    at_least: usize,
}
pub type Parallel = Spec;

pub const SYNTAX: &str = "parallel = { from = \"a\", to = \"b\", at_least = N }";
pub const DOC: &str = "between the first `a` line and the last `b` line (the whole run without them), at least N threads made CPU progress in the same window of two 10 ms sampling intervals, each alive at both ends of it and at the next sample: real parallel work, which threads spawned and joined one at a time, or taking turns at a lock, never show. N is capped at the cores the program may use; with one core the rule is not judged and the report says so";
pub const CLASS: Class = Class::Timing;

/// CPU time a thread must gain in a window to count as working in it.
const WORKING_NS: u64 = 200_000;

pub fn compile(spec: &Spec, known: &Known) -> Result<Parallel, String> {
    if spec.at_least < 2 {
        return Err("parallel: `at_least` must be 2 or more".into());
    }
    for kind in spec.from.iter().chain(&spec.to) {
        known.kind(kind)?;
    }
    Ok(spec.clone())
}

/// The most threads that progressed together in one sampling window overlapping `window`.
pub(crate) fn most_working(cx: &Ctx, window: (f64, f64)) -> (usize, usize) {
    let samples = &cx.run.samples;
    let mut most = 0;
    let mut windows = 0;
    // A window spans two sampling intervals, from `a` to `b`, so that on a loaded machine
    // two threads sharing the cores in slices both show progress in it. A thread counts as
    // working there when it is alive at `a` and `b`, gained CPU time in between, and is still
    // alive at the sample after `b`: a thread that hands over to the next one (a lock, or a
    // join followed by a spawn) and is slow to exit may linger at `b`, never at the sample
    // after; a thread spawned after another was joined is never alive at `a` with it.
    for run in samples.windows(4) {
        let (a, b, c) = (&run[0], &run[2], &run[3]);
        // Only windows wholly inside the phase: a line is stamped when the runner reads it,
        // so a sample just before a late-read line may already see the next phase.
        if a.at.as_secs_f64() < window.0 || b.at.as_secs_f64() > window.1 {
            continue;
        }
        windows += 1;
        let working = b
            .threads
            .iter()
            .filter(|t| {
                a.threads.iter().any(|s| {
                    s.pid == t.pid && s.tid == t.tid && t.cpu_ns >= s.cpu_ns + WORKING_NS
                }) && c.threads.iter().any(|s| s.pid == t.pid && s.tid == t.tid)
            })
            .count();
        most = most.max(working);
    }
    (most, windows)
}

impl Rule for Parallel {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let window = window(cx, self.from.as_deref(), self.to.as_deref());
        let phase = phase_text(self.from.as_deref(), self.to.as_deref());
        let cores = cx.run.cores;
        if cores < 2 {
            return Verdict::NotJudged(format!(
                "the program could use only {cores} core here, so threads cannot work at the same moment; parallel work {phase} was not judged"
            ));
        }
        let need = self.at_least.min(cores);
        let (most, windows) = most_working(cx, window);
        if most >= need {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!("at least {need} threads doing CPU work at the same moment {phase} ({cores} cores)"),
            format!(
                "at most {most} at once in {windows} sampling window{}{}",
                if windows == 1 { "" } else { "s" },
                if most <= 1 {
                    ": the work ran on one thread at a time"
                } else {
                    ""
                }
            ),
        )
    }
}

/// The real-time window between the first `from` line and the last `to` line.
pub(crate) fn window(cx: &Ctx, from: Option<&str>, to: Option<&str>) -> (f64, f64) {
    let start = from
        .and_then(|k| cx.of_kind(k).first().map(|s| s.line.at.as_secs_f64()))
        .unwrap_or(0.0);
    let end = to
        .and_then(|k| cx.of_kind(k).last().map(|s| s.line.at.as_secs_f64()))
        .unwrap_or(f64::INFINITY);
    (start, end.max(start))
}

/// "between the `a` line and the `b` line", or "in the whole run".
pub(crate) fn phase_text(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (Some(a), Some(b)) => format!("between the `{a}` and `{b}` lines"),
        (Some(a), None) => format!("after the `{a}` line"),
        (None, Some(b)) => format!("before the `{b}` line"),
        (None, None) => "in the whole run".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::rules::testing::*;
    use crate::runner::{Ending, Sample, ThreadSample};

    /// Samples every 10 ms; `work[i]` lists the tids alive at sample i and their CPU ms.
    fn samples(work: &[&[(i32, u64)]]) -> Vec<Sample> {
        work.iter()
            .enumerate()
            .map(|(i, threads)| Sample {
                at: Duration::from_millis(10 * i as u64),
                threads: threads
                    .iter()
                    .map(|&(tid, ms)| ThreadSample {
                        pid: 1,
                        tid,
                        cpu_ns: ms * 1_000_000,
                        wchar: 0,
                        own_exe: true,
                    })
                    .collect(),
            })
            .collect()
    }

    fn judge(work: &[&[(i32, u64)]], cores: usize) -> crate::judge::Judgement {
        let mut run = fake(&concurrent(), Ending::Exited(0));
        run.samples = samples(work);
        run.cores = cores;
        crate::judge::judge(&case("[[case.expect]]\nparallel = { at_least = 4 }\n"), &run)
    }

    #[test]
    fn two_threads_progressing_in_one_window_are_parallel() {
        let together: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0), (3, 0)],
            &[(1, 0), (2, 5), (3, 0)],
            &[(1, 0), (2, 5), (3, 4)],
            &[(1, 0), (2, 9), (3, 9)],
        ];
        assert!(judge(together, 2).passed());
    }

    #[test]
    fn threads_spawned_and_joined_one_at_a_time_are_not() {
        // Thread 2 works, is joined; thread 3 is spawned and works; main (1) waits.
        let one_by_one: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0)],
            &[(1, 0), (2, 9)],
            &[(1, 0), (2, 18)],
            &[(1, 1), (3, 2)],
            &[(1, 1), (3, 11)],
            &[(1, 1), (3, 20)],
        ];
        let j = judge(one_by_one, 2);
        assert_eq!(j.failures[0].rule, "parallel");
        assert!(
            j.failures[0].got.contains("one thread at a time"),
            "{}",
            j.failures[0]
        );
    }

    #[test]
    fn a_thread_lingering_after_its_turn_does_not_make_a_pair() {
        // Thread 2 computes, releases a lock to thread 3 and is slow to exit: both gained
        // CPU time between the second and third samples, but 2 is gone by the fourth.
        let turns: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0), (3, 0)],
            &[(1, 0), (2, 9), (3, 0)],
            &[(1, 0), (2, 18), (3, 0)],
            &[(1, 0), (2, 23), (3, 4)],
            &[(1, 0), (3, 13)],
            &[(1, 0), (3, 22)],
        ];
        assert_eq!(judge(turns, 2).failures[0].rule, "parallel");
    }

    #[test]
    fn one_core_is_a_note_not_a_failure() {
        let j = judge(&[&[(1, 0)], &[(1, 9)]], 1);
        assert!(j.passed());
        assert_eq!(j.notes[0].rule, "parallel");
        assert!(j.notes[0].why.contains("only 1 core"), "{}", j.notes[0]);
    }
}
