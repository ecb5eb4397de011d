//! `span = { from, to, key, min?, max? }`: how long each worker's span lasts, in units.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict, between, bounds_text, fmt_units, may_be_within};

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
pub const DOC: &str = "each such span lasts between `min` and `max` units (either bound may be left out); a line read late because the machine kept the runner waiting is given the benefit of the doubt, back to the moment the runner last found the pipe empty";
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
            .span_lines(&self.from, &self.to, key)
            .iter()
            .filter_map(|(k, (a, b))| may_be_within(between(a, b), min, max).err().map(|t| (k, t)))
            .map(|(k, t)| format!("{key}={k}: {} units", fmt_units(t)))
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
    use crate::judge::judge;
    use crate::rules::testing::*;
    use crate::runner::Ending;

    #[test]
    fn span_bounds() {
        let rule = "[[case.expect]]\nspan = { from = \"start\", to = \"finish\", key = \"id\", max = 3.0 }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut slow = concurrent();
        slow[5].0 = 9.0;
        assert_eq!(verdict(rule, &slow)[0].got, "id=2: 8.9 units");
    }

    #[test]
    fn a_line_read_late_is_given_the_benefit_of_the_doubt() {
        // Worker 2's finish line was read at 9.0 units, but the runner had not looked at the
        // pipe since 2.0: it may have been written on time.
        let rule = "[[case.expect]]\nspan = { from = \"start\", to = \"finish\", key = \"id\", max = 3.0 }\n";
        let mut slow = concurrent();
        slow[5].0 = 9.0;
        let mut run = fake(&slow, Ending::Exited(0));
        run.lines[5].after = std::time::Duration::from_secs_f64(0.2);
        assert_eq!(judge(&case(rule), &run).failures, []);
        // Written no earlier than 5.0 units: 4.9 units at least, too long however read.
        run.lines[5].after = std::time::Duration::from_secs_f64(0.5);
        assert_eq!(judge(&case(rule), &run).failures[0].got, "id=2: 4.9 units");
    }
}
