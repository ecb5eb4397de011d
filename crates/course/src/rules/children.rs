//! `children = N`: the program started at least N processes, however briefly they lived.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = usize;
pub const SYNTAX: &str = "children = N";
pub const DOC: &str = "the program started at least N processes besides itself over the run: distinct pids seen in /proc, and for a child too brief to be sampled, the page faults and CPU time of reaped children the program's own `/proc/<pid>/stat` shows (which count it as one)";
pub const CLASS: Class = Class::Deterministic;

#[derive(Debug)]
pub struct Children(usize);

pub fn compile(spec: &Spec, _: &Known) -> Result<Children, String> {
    Ok(Children(*spec))
}

impl Rule for Children {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let n = self.0;
        if cx.run.children >= n {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!(
                "at least {n} child process{} started",
                if n == 1 { "" } else { "es" }
            ),
            match cx.run.children {
                0 => "none: no process besides the program itself ran, and it reaped no child".into(),
                k => format!("{k}"),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;
    use crate::runner::Ending;

    #[test]
    fn a_program_that_started_no_child_is_told_so() {
        let rule = "[[case.expect]]\nchildren = 1\n";
        let mut run = fake(&concurrent(), Ending::Exited(0));
        let f = crate::judge::judge(&case(rule), &run).failures;
        assert!(f[0].got.starts_with("none"), "{}", f[0]);
        run.children = 1;
        assert!(crate::judge::judge(&case(rule), &run).passed());
    }
}
