//! `parallel_children = { from, to, max_children }`: between two lines, child processes computed at
//! the same time, one per core: the runner saw them alive together, each the program itself
//! run again, and their CPU time (the parent's `cutime`) was more than the wall time between
//! the lines.
//!
//! Neither half is enough alone. Children started together but made to take turns are all
//! alive at once, yet use no more CPU than the time passes; children run one after another
//! use the CPU well, but are never seen together. Where the machine cannot show parallelism
//! (one core, or other programs keeping its cores busy) the CPU half is not judged, and the
//! report says why instead of failing the student.

use std::time::Duration;

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict, cores_busy_elsewhere};
use crate::runner::{CpuSample, Run};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    from: String,
    to: String,
    /// The most children the program starts, whatever the cores (lesson 5 caps at 8).
    max_children: usize,
}
pub type ParallelChildren = Spec;

pub const SYNTAX: &str =
    "parallel_children = { from = \"a\", to = \"b\", max_children = N }";
pub const DOC: &str = "from the first `a` line to the first `b` line after it, one child process per core (at most N) ran at the same time: the parent and that many children, each running the program's own executable, were seen alive at once (at least 3 on 2 cores), and the children's CPU time, read from the parent's `cutime` + `cstime`, was more than the wall time between the lines. On one core, or when other programs kept the cores too busy while the children wanted them (CPU time plus time waiting for a core), the CPU time is not judged and the report says so";
pub const CLASS: Class = Class::Timing;

/// Below this many cores left free by other programs, parallel children cannot be told from
/// sequential ones by their CPU time: two children sharing 1.5 cores still use 1.3 s of CPU
/// per second (more than the wall time), where children that take turns use at most 1.0 s.
const FREE_CORES_NEEDED: f64 = 1.5;

pub fn compile(spec: &Spec, known: &Known) -> Result<ParallelChildren, String> {
    if spec.max_children < 1 {
        return Err("parallel_children: `max_children` must be 1 or more".into());
    }
    known.kind(&spec.from)?;
    known.kind(&spec.to)?;
    Ok(spec.clone())
}

/// The first sample taken at or after `secs` since the start (it saw everything the program
/// had done by then), or the last one when the program was gone before that.
fn sample_after(samples: &[CpuSample], secs: f64) -> Option<&CpuSample> {
    samples
        .iter()
        .find(|s| s.at.as_secs_f64() >= secs)
        .or(samples.last())
}

/// The most processes alive at once in the samples taken from `start` to `end`: those running
/// the program's own executable, and all of them. Without samples (a made-up run), the run's
/// peak, all counted as its own.
fn processes_between(run: &Run, start: Duration, end: Duration) -> (usize, usize) {
    if run.samples.is_empty() {
        return (run.peak_processes, run.peak_processes);
    }
    run.samples
        .iter()
        .filter(|s| s.at >= start && s.at <= end)
        .map(|s| {
            let (all, own) = s.processes();
            // Before the program's executable is known, every process counts as its own.
            if run.exe.is_some() { (own, all) } else { (all, all) }
        })
        .fold((0, 0), |(a, b), (own, all)| (a.max(own), b.max(all)))
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

impl Rule for ParallelChildren {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let run = cx.run;
        let cores = run.cores.max(1);
        let children = cores.min(self.max_children);
        let wanted = children + 1;
        let (from, to) = (&self.from, &self.to);
        // The phase: from the first `from` line to the first `to` line after it.
        let Some(start) = cx.of_kind(from).first().map(|s| s.line.at) else {
            return Verdict::fails(
                format!("a `{from}` line, then a `{to}` line, around the children's work"),
                format!("no `{from}` line"),
            );
        };
        let Some(end) = cx
            .of_kind(to)
            .iter()
            .map(|s| s.line.at)
            .find(|at| *at >= start)
        else {
            return Verdict::fails(
                format!("a `{to}` line after the `{from}` line, when the children are done"),
                format!("no `{to}` line after it"),
            );
        };
        let (own, all) = processes_between(run, start, end);
        if own < wanted {
            return Verdict::fails(
                format!(
                    "from `{from}` to `{to}`, the parent and {children} child process{} alive at \
                     once, each this program run again ({wanted} processes; {cores} core{})",
                    if children == 1 { "" } else { "es" },
                    if cores == 1 { "" } else { "s" }
                ),
                format!(
                    "at most {own} at once (observed in /proc){}",
                    if all > own {
                        format!(
                            "; {all} counting other programs, such as sh, which do not do the \
                             lesson's work"
                        )
                    } else if own == 2 {
                        ": the children ran one after another".into()
                    } else {
                        String::new()
                    }
                ),
            );
        }
        if cores < 2 {
            return Verdict::NotJudged(format!(
                "the program could use 1 core here, so its {children} child process could not run \
                 beside another; only that it ran was checked"
            ));
        }
        let samples = &run.cpu_samples;
        let (Some(a), Some(b)) = (
            sample_after(samples, start.as_secs_f64()),
            sample_after(samples, end.as_secs_f64()),
        ) else {
            return Verdict::NotJudged(
                "the runner took no CPU samples of this run, so the children's CPU time is unknown"
                    .into(),
            );
        };
        let wall = end.saturating_sub(start);
        let used = b.children.saturating_sub(a.children);
        if used > wall {
            return Verdict::Holds;
        }
        // What other programs took in the phase: the machine's busy time less the tree's own.
        let others = cores_busy_elsewhere(run, start.as_secs_f64(), end.as_secs_f64()).unwrap_or(0.0);
        let free = cores as f64 - others;
        // Children taking turns leave a core idle for other programs to fill, so a busy machine
        // alone does not excuse them: the children must also have wanted the cores, their CPU
        // time plus their time waiting for one (schedstat) adding up to 1.5 cores or more.
        // Children too brief for the samples are given the benefit of the doubt.
        let window = (start.as_secs_f64(), end.as_secs_f64());
        let wanted = super::parallel::most_cores(&run.samples, window, 0.02, Duration::ZERO, |t| {
            t.cpu_ns + t.wait_ns
        });
        if free < FREE_CORES_NEEDED && wanted.is_none_or(|w| w >= FREE_CORES_NEEDED) {
            return Verdict::Busy(format!(
                "other programs kept {others:.1} of the {cores} cores busy from `{from}` to `{to}`, \
                 leaving {:.1}: too few to show parallelism (the children used {} of CPU in {})",
                free.max(0.0),
                secs(used),
                secs(wall)
            ));
        }
        Verdict::fails(
            format!(
                "from `{from}` to `{to}`, the children's CPU time (the parent's cutime) more than \
                 the {} it took: {children} children computing at the same time",
                secs(wall)
            ),
            format!(
                "{} of CPU in {}: no more than one child computing at a time",
                secs(used),
                secs(wall)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use crate::judge::{Judgement, judge};
    use crate::rules::testing::fake;
    use crate::runner::{CpuSample, Ending, Run, Sample, ThreadSample};
    use crate::spec::Spec;

    const SPEC: &str = r#"
[[case]]
name = "cpu"
scale = 1
[case.lines]
one = { regex = '^one process: \d+\.\d\d s$', count = 1 }
many = { regex = '^\d+ process(es)?: \d+\.\d\d s, speedup: \d+\.\dx$', count = 1 }
[[case.expect]]
parallel_children = { from = "one", to = "many", max_children = 8 }
"#;

    /// A run whose `one` line came at 1 s and `many` line at 2 s, on `cores` cores, with
    /// `processes` seen at once; between the lines the children used `children` seconds of
    /// CPU and other programs `others`.
    fn run(cores: usize, processes: usize, children: f64, others: f64) -> Run {
        let mut run = fake(
            &[
                (10.0, "one process: 1.00 s"),
                (20.0, "2 processes: 1.00 s, speedup: 1.0x"),
            ],
            Ending::Exited(0),
        );
        run.cores = cores;
        run.peak_processes = processes;
        let secs = Duration::from_secs_f64;
        let own = secs(1.0);
        run.cpu_samples = vec![
            CpuSample {
                at: secs(0.5),
                own: secs(0.5),
                ..CpuSample::default()
            },
            CpuSample {
                at: secs(1.01),
                own,
                children: Duration::ZERO,
                tree: own,
                machine: secs(1.5),
            },
            CpuSample {
                at: secs(2.01),
                own,
                children: secs(children),
                tree: own + secs(children),
                machine: secs(1.5 + children + others),
            },
        ];
        run
    }

    fn verdict(run: &Run) -> Judgement {
        let case = Spec::parse(Path::new("expect.toml"), SPEC)
            .unwrap()
            .cases
            .remove(0);
        judge(&case, run)
    }

    #[test]
    fn children_computing_together_pass() {
        let j = verdict(&run(2, 3, 1.9, 0.0));
        assert_eq!(j.failures, []);
        assert_eq!(j.notes, []);
    }

    #[test]
    fn children_run_one_after_another_fail_on_the_process_count() {
        let j = verdict(&run(2, 2, 0.98, 0.0));
        assert_eq!(j.failures.len(), 1, "{j:?}");
        let f = &j.failures[0];
        assert_eq!(
            f.expected,
            "from `one` to `many`, the parent and 2 child processes alive at once, each this \
             program run again (3 processes; 2 cores)"
        );
        assert_eq!(
            f.got,
            "at most 2 at once (observed in /proc): the children ran one after another"
        );
    }

    #[test]
    fn the_count_depends_on_the_cores_up_to_the_cap() {
        assert_eq!(verdict(&run(4, 4, 3.9, 0.0)).failures.len(), 1);
        assert_eq!(verdict(&run(4, 5, 3.9, 0.0)).failures, []);
        let f = &verdict(&run(16, 8, 7.9, 0.0)).failures[0];
        assert!(f.expected.contains("8 child processes"), "{f}");
        assert_eq!(verdict(&run(16, 9, 7.9, 0.0)).failures, []);
    }

    #[test]
    fn children_alive_together_but_taking_turns_fail_on_their_cpu_time() {
        let j = verdict(&run(2, 3, 0.97, 0.05));
        assert_eq!(j.failures.len(), 1, "{j:?}");
        assert_eq!(
            j.failures[0].got,
            "0.97 s of CPU in 1.00 s: no more than one child computing at a time"
        );
    }

    #[test]
    fn a_busy_machine_is_reported_not_failed() {
        let j = verdict(&run(2, 3, 0.97, 0.9));
        assert_eq!(j.failures, []);
        assert_eq!(j.notes.len(), 1);
        assert!(
            j.notes[0].why.starts_with("other programs kept 0.9 of the 2 cores busy"),
            "{}",
            j.notes[0]
        );
    }

    #[test]
    fn children_taking_turns_are_not_excused_by_others_filling_the_idle_core() {
        // Others used 0.9 of the cores, but the samples show two children that took turns:
        // neither waited for a core, and together they never wanted more than one.
        let mut r = run(2, 3, 0.97, 0.9);
        let child = |pid, ms: u64, wait_ms: u64| ThreadSample {
            pid,
            tid: pid,
            cpu_ns: ms * 1_000_000,
            wait_ns: wait_ms * 1_000_000,
            wchar: 0,
            own_exe: true,
        };
        let sample = |at: f64, threads| Sample {
            at: Duration::from_secs_f64(at),
            until: Duration::from_secs_f64(at),
            threads,
        };
        r.samples = (0..10)
            .map(|i| {
                let t = 1.1 + 0.1 * i as f64;
                let (a, b) = if i < 5 { (100 * i, 0) } else { (500, 100 * (i - 5)) };
                // The parent (1) waits for both.
                sample(t, vec![child(1, 0, 0), child(2, a, 0), child(3, b, 0)])
            })
            .collect();
        let j = verdict(&r);
        assert_eq!(j.failures.len(), 1, "{j:?}");
        assert!(j.failures[0].got.contains("no more than one child computing"));
        // The same children, each also waiting for a core as much as it ran: held back.
        for (i, s) in r.samples.iter_mut().enumerate() {
            for t in s.threads.iter_mut().filter(|t| t.pid != 1) {
                t.wait_ns = 100_000_000 * i as u64;
            }
        }
        let j = verdict(&r);
        assert_eq!(j.failures, []);
        assert!(j.notes[0].busy, "{}", j.notes[0]);
    }

    #[test]
    fn one_core_is_reported_not_failed_but_needs_its_child() {
        let j = verdict(&run(1, 2, 0.97, 0.0));
        assert_eq!(j.failures, []);
        assert!(j.notes[0].why.contains("1 core"), "{}", j.notes[0]);
        let j = verdict(&run(1, 1, 0.97, 0.0));
        assert_eq!(j.failures.len(), 1);
        assert!(
            j.failures[0]
                .expected
                .ends_with("the parent and 1 child process alive at once, each this program run again (2 processes; 1 core)"),
            "{}",
            j.failures[0]
        );
    }

    #[test]
    fn only_the_programs_own_processes_in_the_phase_count() {
        let thread = |pid, own_exe| ThreadSample {
            pid,
            tid: pid,
            cpu_ns: 0,
            wait_ns: 0,
            wchar: 0,
            own_exe,
        };
        let sample = |at: f64, threads| Sample {
            at: Duration::from_secs_f64(at),
            until: Duration::from_secs_f64(at),
            threads,
        };
        let mut r = run(2, 3, 1.9, 0.0);
        r.exe = Some("/course/lesson-multiprocessing".into());
        // Three of its own before the phase, then the parent and two `sh` children in it.
        r.samples = vec![
            sample(0.5, vec![thread(1, true), thread(2, true), thread(3, true)]),
            sample(1.5, vec![thread(1, true), thread(4, false), thread(5, false)]),
        ];
        let j = verdict(&r);
        assert_eq!(
            j.failures[0].got,
            "at most 1 at once (observed in /proc); 3 counting other programs, such as sh, \
             which do not do the lesson's work"
        );
        r.samples[1].threads[1].own_exe = true;
        r.samples[1].threads[2].own_exe = true;
        assert_eq!(verdict(&r).failures, []);
    }

    #[test]
    fn a_zero_cap_is_rejected() {
        let e = Spec::parse(
            Path::new("expect.toml"),
            &SPEC.replace("max_children = 8", "max_children = 0"),
        )
        .unwrap_err();
        assert!(e.message.contains("1 or more"), "{e}");
    }
}
