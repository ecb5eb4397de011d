//! `writers = N`: at least N threads of the tree wrote output themselves.

use std::collections::BTreeSet;

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = usize;
pub const SYNTAX: &str = "writers = N";
pub const DOC: &str = "at least N distinct threads (of any process of the tree) were seen to have written something (their own `wchar` in `/proc/<pid>/task/<tid>/io`), so workers that print their own lines count and a main thread printing for sleeping workers does not; only for threads that live longer than a sample";
pub const CLASS: Class = Class::Timing;

#[derive(Debug)]
pub struct Writers(usize);

pub fn compile(spec: &Spec, _: &Known) -> Result<Writers, String> {
    Ok(Writers(*spec))
}

impl Rule for Writers {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let n = self.0;
        let mut seen = BTreeSet::new();
        let mut wrote = BTreeSet::new();
        for t in cx.run.samples.iter().flat_map(|s| &s.threads) {
            seen.insert((t.pid, t.tid));
            if t.wchar > 0 {
                wrote.insert((t.pid, t.tid));
            }
        }
        if wrote.len() >= n {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!("at least {n} threads writing their own output"),
            format!(
                "{} of the {} threads seen wrote anything{}",
                wrote.len(),
                seen.len(),
                if wrote.len() <= 1 && seen.len() > 1 {
                    ": one thread printed every line while the others did not"
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
    fn main_printing_for_silent_workers_is_one_writer() {
        let mut run = fake(&concurrent(), Ending::Exited(0));
        let thread = |tid, wchar| ThreadSample {
            pid: 1,
            tid,
            cpu_ns: 0,
            wait_ns: 0,
            wchar,
            own_exe: true,
        };
        run.samples = vec![Sample {
            at: Duration::ZERO,
            until: Duration::ZERO,
            threads: vec![thread(1, 90), thread(2, 0), thread(3, 0)],
        }];
        let rule = "[[case.expect]]\nwriters = 3\n";
        let f = crate::judge::judge(&case(rule), &run).failures;
        assert_eq!(f[0].got, "1 of the 3 threads seen wrote anything: one thread printed every line while the others did not");
        run.samples[0].threads[1].wchar = 20;
        run.samples[0].threads[2].wchar = 20;
        assert!(crate::judge::judge(&case(rule), &run).passed());
    }
}
