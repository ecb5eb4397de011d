//! `first = "k"`: the first stdout line is of kind `k`.

use super::{Class, Ctx, Known, Rule, Verdict};

pub type Spec = String;
pub const SYNTAX: &str = "first = \"k\"";
pub const DOC: &str = "the first stdout line is of kind `k`";
pub const CLASS: Class = Class::Deterministic;

#[derive(Debug)]
pub struct First(pub String);

pub fn compile(spec: &Spec, known: &Known) -> Result<First, String> {
    known.kind(spec)?;
    Ok(First(spec.clone()))
}

impl Rule for First {
    fn judge(&self, cx: &Ctx) -> Verdict {
        edge(cx, &self.0, "first", cx.seen.first())
    }
}

/// The verdict on whether `line`, the first or last stdout line, is of kind `kind`; shared with `last`.
pub(super) fn edge(cx: &Ctx, kind: &str, which: &str, line: Option<&super::Seen>) -> Verdict {
    let matcher = &cx.case.kind(kind).matcher;
    if line.is_some_and(|s| matcher.is_match(&s.line.text)) {
        return Verdict::Holds;
    }
    Verdict::fails(
        format!("the {which} line to be {}", matcher.describe()),
        line.map_or("no output at all".into(), |s| format!("{:?}", s.line.text)),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn first_line_kind() {
        let rule = "[[case.expect]]\nfirst = \"start\"\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let got = |lines: &[(f64, &str)]| {
            let f = verdict(rule, lines);
            f.into_iter().find(|f| f.rule == "first").unwrap().got
        };
        assert_eq!(got(&concurrent()[3..]), "\"Worker 1 finished\"");
        assert_eq!(got(&[]), "no output at all");
    }
}
