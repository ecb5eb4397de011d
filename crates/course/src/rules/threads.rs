//! `threads = N`: at least N threads alive at once in the program's process tree.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = usize;
pub const SYNTAX: &str = "threads = N";
pub const DOC: &str =
    "the lesson's process tree had at least N threads alive at once (sampled from /proc)";
pub const CLASS: Class = Class::Timing;

#[derive(Debug)]
pub struct Threads(usize);

pub fn compile(spec: &Spec, _: &Known) -> Result<Threads, String> {
    Ok(Threads(*spec))
}

impl Rule for Threads {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let n = self.0;
        if cx.run.peak_threads >= n {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!("at least {n} threads alive at once"),
            format!("at most {} (observed in /proc)", cx.run.peak_threads),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn threads_are_read_from_the_observation() {
        assert_eq!(verdict("[[case.expect]]\nthreads = 6\n", &concurrent()), []);
        let f = verdict("[[case.expect]]\nthreads = 7\n", &concurrent());
        assert_eq!(f[0].got, "at most 6 (observed in /proc)");
    }
}
