//! `processes = N`: at least N processes alive at once in the program's process tree.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = usize;
pub const SYNTAX: &str = "processes = N";
pub const DOC: &str =
    "the lesson's process tree had at least N processes alive at once (sampled from /proc)";
pub const CLASS: Class = Class::Timing;

#[derive(Debug)]
pub struct Processes(usize);

pub fn compile(spec: &Spec, _: &Known) -> Result<Processes, String> {
    Ok(Processes(*spec))
}

impl Rule for Processes {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let n = self.0;
        if cx.run.peak_processes >= n {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!("at least {n} processes alive at once"),
            format!(
                "at most {} (observed in /proc; {} threads at most)",
                cx.run.peak_processes, cx.run.peak_threads
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn processes_are_read_from_the_observation() {
        let f = verdict("[[case.expect]]\nprocesses = 6\n", &concurrent());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].expected, "at least 6 processes alive at once");
        assert_eq!(f[0].got, "at most 1 (observed in /proc; 6 threads at most)");
    }
}
