//! `parallel = { from?, to?, at_least }`: threads doing CPU work at the same moment.
//!
//! Only CPU time adds up to a proof. Between two /proc samples, the CPU time the program's
//! threads gained, summed, can exceed the time that passed only if two or more of them ran
//! at once: threads that take turns (at a lock, as the GIL makes Python's; or spawned and
//! joined one after another) never use more than one core's worth, however a loaded machine
//! slices them, and a thread that lingers after its turn gains nothing. So the rule looks for
//! an interval of the phase in which the program used more than `at_least - 0.8` cores.
//!
//! A program that never got the cores cannot show it: schedstat also counts the time each
//! thread spent runnable but waiting for a core. Threads that wanted more than
//! `at_least - 0.5` cores (CPU time plus waiting) yet got too few were held back by other
//! programs, and the rule is not judged (a grader runs the case again); threads taking
//! turns never want more than about one core, since the one without its turn sleeps.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};
use crate::runner::{Sample, ThreadSample};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    from: Option<String>,
    to: Option<String>,
    at_least: usize,
}
pub type Parallel = Spec;

pub const SYNTAX: &str = "parallel = { from = \"a\", to = \"b\", at_least = N }";
pub const DOC: &str = "between the first `a` line and the last `b` line (the whole run without them), at least N threads computed at the same moment: between two samples of /proc (taken every 10 ms, up to 20 apart), the CPU time the program's threads gained, each counted less one scheduler tick (measured, 1–10 ms: the most a running thread's CPU time can lag as the kernel reports it), adds up to more than N − 0.8 times the time that passed, which threads taking turns (at a lock, or spawned and joined one at a time) never reach. The phase ends at the earliest moment the `b` line can have been written, so a line read late never lends it the next phase's work. N is capped at the cores the program may use; with one core, or when the threads wanted more than N − 0.5 cores (CPU time plus time waiting for a core) but other programs kept them from getting them, the rule is not judged and the report says so";
pub const CLASS: Class = Class::Timing;

/// How far above one core's worth per thread beyond the first the program's CPU time must
/// go: 0.2 of a core. Each interval is bounded by the moments its samples' reading began and
/// ended, and each reading's lag is taken off (see [`most_cores`]), so no measuring error
/// can make up the difference.
const MARGIN: f64 = 0.2;

/// Cores' worth of CPU time plus time waiting for a core, below N, at which threads are
/// taken to have wanted N cores at once: a thread that lingers runnable for a moment after
/// handing over its turn adds far less than half a core over 20 ms.
const WANTED_SLACK: f64 = 0.5;

/// The shortest interval over which what the threads wanted is measured.
const WANT_OVER_SECS: f64 = 0.02;

pub fn compile(spec: &Spec, known: &Known) -> Result<Parallel, String> {
    if spec.at_least < 2 {
        return Err("parallel: `at_least` must be 2 or more".into());
    }
    for kind in spec.from.iter().chain(&spec.to) {
        known.kind(kind)?;
    }
    Ok(spec.clone())
}

/// One sample's counter for each thread, by (pid, tid).
type ByThread = HashMap<(i32, i32), u64>;

/// The most cores' worth the program's threads used together between two samples inside
/// `window` (seconds), counting for each thread what `counter` says it gained less `lag`,
/// over the longest the interval can have lasted (from the first sample's start to the
/// second's end of reading /proc), for intervals of at least `min_secs`. `None` when no two
/// samples lie inside the window.
///
/// `lag` is how far a reading may trail: the kernel adds a running thread's time to its
/// total only at each scheduler tick, so a thread read a few ms behind at one sample and on
/// time at the next was seen gaining 16 ms of CPU in 12 ms, one thread looking like 1.3
/// cores. Taking one tick off each thread's gain means stale readings never add up to
/// parallel work; threads computing together still show it over a few samples.
pub(crate) fn most_cores(
    samples: &[Sample],
    window: (f64, f64),
    min_secs: f64,
    lag: Duration,
    counter: impl Fn(&ThreadSample) -> u64,
) -> Option<f64> {
    let lag = u64::try_from(lag.as_nanos()).unwrap_or(u64::MAX);
    // Each sample's counters by thread, looked up once: a program may run thousands of
    // threads, and every sample is paired with up to 20 others.
    let inside: Vec<(&Sample, ByThread)> = samples
        .iter()
        .filter(|s| s.at.as_secs_f64() >= window.0 && s.until.as_secs_f64() <= window.1)
        .map(|s| {
            let by_thread = s.threads.iter().map(|t| ((t.pid, t.tid), counter(t)));
            (s, by_thread.collect())
        })
        .collect();
    let mut best: Option<f64> = None;
    for (i, (a, at_a)) in inside.iter().enumerate() {
        // Intervals of up to 20 samples: a short one catches a brief parallel burst, a longer
        // one a burst the load spread thin.
        for (b, at_b) in inside.iter().skip(i + 1).take(20) {
            let wall = b.until.saturating_sub(a.at).as_secs_f64();
            if wall <= 0.0 || b.at.saturating_sub(a.at).as_secs_f64() < min_secs {
                continue;
            }
            let gained: u64 = at_b
                .iter()
                .filter_map(|(thread, now)| {
                    at_a.get(thread)
                        .map(|then| now.saturating_sub(*then).saturating_sub(lag))
                })
                .sum();
            let cores = gained as f64 / 1e9 / wall;
            best = Some(best.map_or(cores, |b: f64| b.max(cores)));
        }
    }
    best
}

impl Rule for Parallel {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let super::Phase {
            start,
            end,
            text: phase,
        } = cx.phase(self.from.as_deref(), self.to.as_deref(), true);
        let window = (start, end);
        let cores = cx.run.cores;
        if cores < 2 {
            return Verdict::NotJudged(format!(
                "the program could use only {cores} core here, so threads cannot work at the same moment; parallel work {phase} was not judged"
            ));
        }
        let need = self.at_least.min(cores);
        let samples = &cx.run.samples;
        let used = most_cores(samples, window, 0.0, cx.run.cpu_lag, |t| t.cpu_ns);
        if used.is_some_and(|used| used > need as f64 - 1.0 + MARGIN) {
            return Verdict::Holds;
        }
        // What the threads wanted is taken as read: it only ever excuses a program, never
        // passes one, and a thread waiting for a core has its wait added only once it gets one.
        let wanted = most_cores(samples, window, WANT_OVER_SECS, Duration::ZERO, |t| {
            t.cpu_ns + t.wait_ns
        });
        if let Some(wanted) = wanted.filter(|w| *w >= need as f64 - WANTED_SLACK) {
            return Verdict::Busy(format!(
                "the threads wanted {wanted:.1} cores {phase} (CPU time plus time waiting for one), but other programs left them at most {:.1} cores' worth: too few to show {need} threads computing at once",
                used.unwrap_or(0.0)
            ));
        }
        Verdict::fails(
            format!(
                "at least {need} threads computing at the same moment {phase} ({cores} cores): more than {:.1} cores' worth of CPU time between two samples",
                need as f64 - 1.0 + MARGIN
            ),
            match used {
                None => "no two samples of the program in that phase: it was too brief to see"
                    .into(),
                Some(used) => format!(
                    "at most {used:.2} cores' worth{}",
                    if used <= 1.0 + MARGIN {
                        ": the work ran on one thread at a time"
                    } else {
                        ""
                    }
                ),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::rules::testing::*;
    use crate::runner::{Ending, Run, Sample, ThreadSample};

    /// Samples every 10 ms, each read in 1 ms; `work[i]` lists the threads alive at sample i
    /// with their CPU time so far, in tenths of a millisecond.
    fn samples(work: &[&[(i32, u64)]]) -> Vec<Sample> {
        work.iter()
            .enumerate()
            .map(|(i, threads)| Sample {
                at: Duration::from_millis(10 * i as u64),
                until: Duration::from_millis(10 * i as u64 + 1),
                threads: threads
                    .iter()
                    .map(|&(tid, tenths)| ThreadSample {
                        pid: 1,
                        tid,
                        cpu_ns: tenths * 100_000,
                        wait_ns: 0,
                        wchar: 0,
                        own_exe: true,
                    })
                    .collect(),
            })
            .collect()
    }

    /// A run with these samples, on `cores`.
    fn run(work: &[&[(i32, u64)]], cores: usize) -> Run {
        let mut run = fake(&concurrent(), Ending::Exited(0));
        run.samples = samples(work);
        run.cores = cores;
        run
    }

    fn judge_run(run: &Run) -> crate::judge::Judgement {
        crate::judge::judge(
            &case("[[case.expect]]\nparallel = { at_least = 4 }\n"),
            run,
        )
    }

    fn judge(work: &[&[(i32, u64)]], cores: usize) -> crate::judge::Judgement {
        judge_run(&run(work, cores))
    }

    /// `n` samples of main (1) waiting in a join while threads 2 and 3 each gain `tenths`
    /// of a millisecond of CPU time per 10 ms.
    fn computing(n: u64, tenths: u64) -> Vec<Vec<(i32, u64)>> {
        (0..n)
            .map(|i| vec![(1, 0), (2, i * tenths), (3, i * tenths)])
            .collect()
    }

    fn slices(work: &[Vec<(i32, u64)>]) -> Vec<&[(i32, u64)]> {
        work.iter().map(|w| w.as_slice()).collect()
    }

    #[test]
    fn two_threads_computing_at_once_are_parallel() {
        // 2 and 3 compute, sharing a busy machine's cores in slices: 8 ms of CPU each in
        // every 10 ms, 1.6 cores' worth, seen over a few samples despite the readings' lag.
        let together = computing(12, 80);
        assert!(judge(&slices(&together), 2).passed());
    }

    #[test]
    fn a_reading_behind_by_a_tick_does_not_make_one_thread_parallel() {
        // Thread 2 computes alone, one core's worth; its reading at 0.01 s lags 6 ms behind
        // (the kernel had not counted its running time since the last tick). Taken as
        // read, it gained 16 ms in 11 ms: 1.45 cores.
        let alone: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0)],
            &[(1, 0), (2, 40)],
            &[(1, 0), (2, 200)],
            &[(1, 0), (2, 300)],
        ];
        let j = judge(alone, 2);
        assert_eq!(j.failures[0].rule, "parallel", "{j:?}");
    }

    #[test]
    fn threads_spawned_and_joined_one_at_a_time_are_not() {
        // Thread 2 works, is joined; thread 3 is spawned and works; main (1) waits.
        let one_by_one: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0)],
            &[(1, 0), (2, 90)],
            &[(1, 0), (2, 180)],
            &[(1, 10), (3, 20)],
            &[(1, 10), (3, 110)],
            &[(1, 10), (3, 200)],
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
    fn a_lock_holder_lingering_after_its_turn_does_not_make_a_pair() {
        // Thread 2 computes holding a lock while 3 sleeps on it, hands over between the
        // second and third samples, and lingers (a busy machine keeps it off the cores)
        // until after the fourth: both are alive throughout, both gained CPU time around
        // the third sample, yet together they never used more than one core.
        let turns: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0), (3, 0)],
            &[(1, 0), (2, 95), (3, 0)],
            &[(1, 0), (2, 150), (3, 40)],
            &[(1, 0), (2, 150), (3, 135)],
            &[(1, 0), (3, 230)],
        ];
        let mut run = run(turns, 2);
        // While it lingers, thread 2 waits 6 ms for a core.
        for sample in &mut run.samples[3..] {
            for t in sample.threads.iter_mut().filter(|t| t.tid == 2) {
                t.wait_ns = 6_000_000;
            }
        }
        assert_eq!(judge_run(&run).failures[0].rule, "parallel");
    }

    #[test]
    fn threads_taking_short_turns_at_a_lock_are_not_parallel() {
        // A lock passed back and forth every few ms, as Python's GIL is: both threads gain
        // CPU time in every interval, but never more than one core's worth between them.
        let gil: &[&[(i32, u64)]] = &[
            &[(1, 0), (2, 0), (3, 0)],
            &[(1, 0), (2, 50), (3, 45)],
            &[(1, 0), (2, 95), (3, 95)],
            &[(1, 0), (2, 150), (3, 140)],
            &[(1, 0), (2, 190), (3, 195)],
        ];
        let j = judge(gil, 2);
        assert_eq!(j.failures[0].rule, "parallel");
        assert!(j.failures[0].got.contains("one thread at a time"));
    }

    #[test]
    fn threads_a_busy_machine_held_back_are_a_note() {
        // Two threads that each ran 4 ms of every 10 and waited 6 ms for a core: they wanted
        // two cores and got 0.8 between them, so nothing can be told.
        let slowed = computing(10, 40);
        let mut run = run(&slices(&slowed), 2);
        for (i, sample) in run.samples.iter_mut().enumerate() {
            for t in sample.threads.iter_mut().filter(|t| t.tid != 1) {
                t.wait_ns = 6_000_000 * i as u64;
            }
        }
        let j = judge_run(&run);
        assert!(j.passed(), "{j:?}");
        assert!(j.notes[0].why.contains("too few to show"), "{}", j.notes[0]);
        assert!(j.notes[0].busy, "a busy machine's note asks for another run");
    }

    #[test]
    fn a_late_read_end_line_does_not_lend_the_next_phase() {
        // Workers 0–2 start by 0.01 s and finish by 0.21 s; threads 2 and 3 compute together
        // from 0.10 s on. Read on time, the last `finish` line bounds a phase that holds
        // them; read at 0.21 s but written as early as 0.05 s (the runner was kept from
        // reading), it may not: what the samples saw after 0.05 s may be the next phase's.
        let work: Vec<Vec<(i32, u64)>> = (0..20u64)
            .map(|i| {
                let busy = i.saturating_sub(10) * 80;
                vec![(1, 0), (2, busy), (3, busy)]
            })
            .collect();
        let work = slices(&work);
        let case = case(
            "[[case.expect]]\nparallel = { from = \"start\", to = \"finish\", at_least = 2 }\n",
        );
        let on_time = run(&work, 2);
        assert!(crate::judge::judge(&case, &on_time).passed());
        let mut late = on_time.clone();
        let last = late.lines.len() - 1;
        late.lines[last].after = Duration::from_millis(50);
        let j = crate::judge::judge(&case, &late);
        assert_eq!(j.failures[0].rule, "parallel", "{j:?}");
    }

    #[test]
    fn one_core_is_a_note_not_a_failure() {
        let j = judge(&[&[(1, 0)], &[(1, 90)]], 1);
        assert!(j.passed());
        assert_eq!(j.notes[0].rule, "parallel");
        assert!(j.notes[0].why.contains("only 1 core"), "{}", j.notes[0]);
        assert!(!j.notes[0].busy, "one core stays one core on another run");
    }
}
