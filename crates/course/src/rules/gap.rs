//! `gap = { line, min?, max? }`: how far apart consecutive lines of a kind are, in units.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict, bounds_text, fmt_units, within};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    line: String,
    min: Option<f64>,
    max: Option<f64>,
}
pub type Gap = Spec;

pub const SYNTAX: &str = "gap = { line = \"k\", min = x, max = y }";
pub const DOC: &str = "consecutive `k` lines are between `min` and `max` units apart";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Gap, String> {
    known.bounds(spec.min, spec.max)?;
    known.kind(&spec.line)?;
    Ok(spec.clone())
}

impl Rule for Gap {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let times: Vec<f64> = cx.of_kind(&self.line).iter().map(|s| s.units).collect();
        let bad: Vec<String> = times
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|gap| !within(*gap, self.min, self.max))
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
