//! `threads_at_once = { from?, to?, min?, max? }`: threads alive at once within a phase.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    from: Option<String>,
    to: Option<String>,
    min: Option<usize>,
    max: Option<usize>,
}
pub type ThreadsAtOnce = Spec;

pub const SYNTAX: &str = "threads_at_once = { from = \"a\", to = \"b\", min = N, max = M }";
pub const DOC: &str = "the most threads alive at once across the process tree, in the samples taken between the first `a` line and the last `b` line (the whole run without them), is at least `min` and at most `max`; `max = 1` says a phase ran on one thread (an event loop), which sampling can never overcount";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<ThreadsAtOnce, String> {
    match (spec.min, spec.max) {
        (None, None) => return Err("threads_at_once: give `min`, `max` or both".into()),
        (Some(a), Some(b)) if a > b => {
            return Err(format!("threads_at_once: min {a} is above max {b}"));
        }
        _ => {}
    }
    for kind in spec.from.iter().chain(&spec.to) {
        known.kind(kind)?;
    }
    Ok(spec.clone())
}

impl Rule for ThreadsAtOnce {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let super::Phase {
            start,
            end,
            text: phase,
        } = cx.phase(self.from.as_deref(), self.to.as_deref(), false);
        let inside: Vec<usize> = cx
            .run
            .samples
            .iter()
            .filter(|s| (start..=end).contains(&s.at.as_secs_f64()))
            .map(|s| s.threads.len())
            .collect();
        let most = inside.iter().copied().max().unwrap_or(0);
        let expected = match (self.min, self.max) {
            (Some(a), Some(b)) => format!("{a} to {b} threads alive at once {phase}"),
            (Some(a), None) => format!("at least {a} threads alive at once {phase}"),
            (None, Some(b)) => format!("at most {b} thread{} alive at once {phase}", if b == 1 { "" } else { "s" }),
            (None, None) => unreachable!("validated"),
        };
        let too_few = self.min.is_some_and(|min| most < min);
        let too_many = self.max.is_some_and(|max| most > max);
        if !too_few && !too_many {
            return Verdict::Holds;
        }
        Verdict::fails(
            expected,
            format!(
                "{most} at most in {} sample{} of /proc",
                inside.len(),
                if inside.len() == 1 { "" } else { "s" }
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::rules::testing::*;
    use crate::runner::{Ending, Sample, ThreadSample};

    fn run_with(threads_per_sample: &[usize]) -> crate::runner::Run {
        let mut run = fake(&concurrent(), Ending::Exited(0));
        run.samples = threads_per_sample
            .iter()
            .enumerate()
            .map(|(i, &n)| Sample {
                // One sample per unit (0.1 s), so the worker lines fall among them.
                at: Duration::from_millis(100 * i as u64),
                until: Duration::from_millis(100 * i as u64),
                threads: (0..n as i32)
                    .map(|tid| ThreadSample {
                        pid: 1,
                        tid,
                        cpu_ns: 0,
                        wait_ns: 0,
                        wchar: 0,
                        own_exe: true,
                    })
                    .collect(),
            })
            .collect();
        run
    }

    #[test]
    fn counts_threads_only_within_the_phase() {
        // The worker lines span 0 to 0.21 s: samples 0, 1 and 2 fall within.
        let rule = "[[case.expect]]\nthreads_at_once = { from = \"start\", to = \"finish\", max = 1 }\n";
        let judge = |threads: &[usize]| crate::judge::judge(&case(rule), &run_with(threads));
        let f = judge(&[1, 4, 1, 1]).failures;
        assert_eq!(f[0].rule, "threads_at_once");
        assert_eq!(f[0].expected, "at most 1 thread alive at once between the `start` and `finish` lines");
        assert_eq!(f[0].got, "4 at most in 3 samples of /proc");
        assert!(judge(&[1, 1, 1, 5, 5]).passed());
    }

    #[test]
    fn min_says_how_many_samples_it_saw() {
        let rule = "[[case.expect]]\nthreads_at_once = { min = 4 }\n";
        let f = crate::judge::judge(&case(rule), &run_with(&[1, 2])).failures;
        assert_eq!(f[0].expected, "at least 4 threads alive at once in the whole run");
        assert_eq!(f[0].got, "2 at most in 2 samples of /proc");
    }
}
