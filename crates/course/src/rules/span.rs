//! `span = { from, to, key, min?, max? }`: how long each worker's span lasts, in units.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict, bounds_text, fmt_units, within};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    from: String,
    to: String,
    key: String,
    min: Option<f64>,
    max: Option<f64>,
}
pub type Span = Spec;

pub const SYNTAX: &str = "span = { from = \"a\", to = \"b\", key = \"id\", min = x, max = y }";
pub const DOC: &str = "each such span lasts between `min` and `max` units (either bound may be left out)";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Span, String> {
    known.bounds(spec.min, spec.max)?;
    known.capture(&spec.from, &spec.key)?;
    known.capture(&spec.to, &spec.key)?;
    Ok(spec.clone())
}

impl Rule for Span {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let (min, max, key) = (self.min, self.max, &self.key);
        let bad: Vec<String> = cx
            .spans(&self.from, &self.to, key)
            .iter()
            .filter(|(_, (a, b))| !within(b - a, min, max))
            .map(|(k, (a, b))| format!("{key}={k}: {} units", fmt_units(b - a)))
            .collect();
        if bad.is_empty() {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!(
                "each `{}`→`{}` span to last {}",
                self.from,
                self.to,
                bounds_text(min, max)
            ),
            bad.join("; "),
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
    fn span_bounds() {
        let rule = "[[case.expect]]\nspan = { from = \"start\", to = \"finish\", key = \"id\", max = 3.0 }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut slow = concurrent();
        slow[5].0 = 9.0;
        assert_eq!(verdict(rule, &slow)[0].got, "id=2: 8.9 units");
    }
}
