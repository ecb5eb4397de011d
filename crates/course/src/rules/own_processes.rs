//! `own_processes = N`: at least N processes running the program's own executable at once.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = usize;
pub const SYNTAX: &str = "own_processes = N";
pub const DOC: &str = "at least N processes alive at once run the program's own executable (`/proc/<pid>/exe`), so workers re-executed as processes count and `sh` or `sleep` children do not";
pub const CLASS: Class = Class::Timing;

#[derive(Debug)]
pub struct OwnProcesses(usize);

pub fn compile(spec: &Spec, _: &Known) -> Result<OwnProcesses, String> {
    Ok(OwnProcesses(*spec))
}

impl Rule for OwnProcesses {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let n = self.0;
        let (own, all) = cx
            .run
            .samples
            .iter()
            .map(|s| {
                let (all, own) = s.processes();
                (own, all)
            })
            .fold((0, 0), |(a, b), (own, all)| (a.max(own), b.max(all)));
        if own >= n {
            return Verdict::Holds;
        }
        let exe = cx
            .run
            .exe
            .as_ref()
            .and_then(|e| e.file_name())
            .map_or("the program".into(), |e| e.to_string_lossy().into_owned());
        Verdict::fails(
            format!("at least {n} processes running {exe} itself alive at once"),
            format!(
                "at most {own} ({all} processes at most in all{})",
                if all > own {
                    "; the others ran another program, such as sh or sleep"
                } else {
                    ""
                }
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::rules::testing::*;
    use crate::runner::{Ending, Sample, ThreadSample};

    #[test]
    fn other_programs_do_not_count() {
        let mut run = fake(&concurrent(), Ending::Exited(0));
        let thread = |pid, own_exe| ThreadSample {
            pid,
            tid: pid,
            cpu_ns: 0,
            wait_ns: 0,
            wchar: 0,
            own_exe,
        };
        run.samples = vec![Sample {
            at: Duration::ZERO,
            until: Duration::ZERO,
            threads: vec![thread(1, true), thread(2, false), thread(3, false)],
        }];
        let rule = "[[case.expect]]\nown_processes = 3\n";
        let f = crate::judge::judge(&case(rule), &run).failures;
        assert!(f[0].got.starts_with("at most 1 (3 processes at most in all; the others ran another program"), "{}", f[0]);
        run.samples[0].threads[1].own_exe = true;
        run.samples[0].threads[2].own_exe = true;
        assert!(crate::judge::judge(&case(rule), &run).passed());
    }
}
