//! `children = N`: the program started at least N processes, however briefly they lived.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = usize;
pub const SYNTAX: &str = "children = N";
pub const DOC: &str = "the program started at least N processes besides itself over the run, and waited for them: distinct pids seen in /proc (a child too brief to be sampled counts as one when the program reaped it), and the page faults and CPU time of reaped children growing in the program's own `/proc/<pid>/stat`";
pub const CLASS: Class = Class::Deterministic;

#[derive(Debug)]
pub struct Children(usize);

pub fn compile(spec: &Spec, _: &Known) -> Result<Children, String> {
    Ok(Children(*spec))
}

impl Rule for Children {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let n = self.0;
        if cx.run.children >= n && cx.run.reaped_a_child {
            return Verdict::Holds;
        }
        if cx.run.children >= n {
            return Verdict::fails(
                format!("at least {n} child process{} started and waited for", if n == 1 { "" } else { "es" }),
                format!(
                    "{} started, but the program never waited for one (no reaped child shows in its /proc/<pid>/stat)",
                    cx.run.children
                ),
            );
        }
        Verdict::fails(
            format!(
                "at least {n} child process{} started and waited for",
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
        let f = crate::judge::judge(&case(rule), &run).failures;
        assert!(f[0].got.contains("never waited"), "{}", f[0]);
        run.reaped_a_child = true;
        assert!(crate::judge::judge(&case(rule), &run).passed());
    }
}
