//! `overlap = { from, to, key, at_least }`: at least N spans open at one moment.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict, fmt_units, max_open};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    from: String,
    to: String,
    key: String,
    at_least: usize,
}
pub type Overlap = Spec;

pub const SYNTAX: &str = "overlap = { from = \"a\", to = \"b\", key = \"id\", at_least = N }";
pub const DOC: &str = "spans from an `a` line to the `b` line with the same capture: at least N are open at one moment";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Overlap, String> {
    if spec.at_least < 2 {
        return Err("overlap: `at_least` must be 2 or more; one span alone overlaps nothing".into());
    }
    known.capture(&spec.from, &spec.key)?;
    known.capture(&spec.to, &spec.key)?;
    Ok(spec.clone())
}

impl Rule for Overlap {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let (from, to, at_least) = (&self.from, &self.to, self.at_least);
        let spans = cx.spans(from, to, &self.key);
        let most = max_open(&spans);
        if most >= at_least {
            return Verdict::Holds;
        }
        let total = spans.values().map(|(a, b)| b - a).sum::<f64>();
        Verdict::fails(
            format!("at least {at_least} `{from}`→`{to}` spans running at the same time"),
            format!(
                "at most {most} at once ({} spans, {} units end to end{})",
                spans.len(),
                fmt_units(total),
                if most <= 1 && spans.len() > 1 {
                    ": they ran one after another"
                } else {
                    ""
                }
            ),
        )
    }

    fn spans(&self) -> Option<(&str, &str, &str)> {
        Some((&self.from, &self.to, &self.key))
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn overlap_tells_sequential_from_concurrent() {
        let rule = "[[case.expect]]\noverlap = { from = \"start\", to = \"finish\", key = \"id\", at_least = 3 }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let f = verdict(rule, &sequential());
        assert_eq!(
            f[0].got,
            "at most 1 at once (3 spans, 6.0 units end to end: they ran one after another)"
        );
    }
}
