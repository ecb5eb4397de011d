//! `only = true`: no stdout line but the kinds the case lists.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = bool;
pub const SYNTAX: &str = "only = true";
pub const DOC: &str = "every stdout line matches one of the case's line kinds (no extra output)";
pub const CLASS: Class = Class::Deterministic;

#[derive(Debug)]
pub struct Only;

pub fn compile(spec: &Spec, _: &Known) -> Result<Only, String> {
    if !spec {
        return Err("`only = false` says nothing; remove the table instead".into());
    }
    Ok(Only)
}

impl Rule for Only {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let stray: Vec<_> = cx
            .seen
            .iter()
            .filter(|s| !cx.case.kinds.iter().any(|k| k.matcher.is_match(&s.line.text)))
            .collect();
        match stray.first() {
            None => Verdict::Holds,
            Some(first) => Verdict::fails(
                "no output but the lines listed in the spec",
                format!("{} other line(s), first {:?}", stray.len(), first.line.text),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn only_rejects_stray_lines() {
        let rule = "[[case.expect]]\nonly = true\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines.push((2.2, "debug: hello"));
        let f = verdict(rule, &lines);
        assert_eq!(f[0].what, "only (expect.toml line 9)");
        assert!(f[0].got.contains("\"debug: hello\""));
    }
}
