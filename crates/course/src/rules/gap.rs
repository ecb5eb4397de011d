//! `gap = { line, min?, max? }`: how far apart consecutive lines of a kind are, in units.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict, between, bounds_text, fmt_units, may_be_within};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    line: String,
    min: Option<f64>,
    max: Option<f64>,
}
pub type Gap = Spec;

pub const SYNTAX: &str = "gap = { line = \"k\", min = x, max = y }";
pub const DOC: &str = "consecutive `k` lines are between `min` and `max` units apart (a line read late on a loaded machine is given the benefit of the doubt, as for `span`)";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Gap, String> {
    known.bounds(spec.min, spec.max)?;
    known.kind(&spec.line)?;
    Ok(spec.clone())
}

impl Rule for Gap {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let bad: Vec<String> = cx
            .of_kind(&self.line)
            .windows(2)
            .filter_map(|w| may_be_within(between(w[0], w[1]), self.min, self.max).err())
            .map(fmt_units)
            .collect();
        if bad.is_empty() {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!(
                "consecutive `{}` lines {} apart",
                self.line,
                bounds_text(self.min, self.max)
            ),
            format!("gaps of {} units", bad.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn gap_bounds() {
        let rule = "[[case.expect]]\ngap = { line = \"finish\", max = 1.0 }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut slow = concurrent();
        slow[5].0 = 9.0;
        assert_eq!(verdict(rule, &slow)[0].got, "gaps of 7.0 units");
    }
}
