//! `last = "k"`: the last stdout line is of kind `k`.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = String;
pub const SYNTAX: &str = "last = \"k\"";
pub const DOC: &str = "the last stdout line is of kind `k`";
pub const CLASS: Class = Class::Deterministic;

#[derive(Debug)]
pub struct Last(pub String);

pub fn compile(spec: &Spec, known: &Known) -> Result<Last, String> {
    known.kind(spec)?;
    Ok(Last(spec.clone()))
}

impl Rule for Last {
    fn judge(&self, cx: &Ctx) -> Verdict {
        super::first::edge(cx, &self.0, "last", cx.seen.last())
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn first_and_last() {
        let rule = "[[case.expect]]\nlast = \"finish\"\n[[case.expect]]\nfirst = \"start\"\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines.push((3.0, "done"));
        let f = verdict(rule, &lines);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].got, "\"done\"");
        assert_eq!(f[0].rule, "last");
    }
}
