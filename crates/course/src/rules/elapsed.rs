//! `elapsed = { line, from?, min?, max? }`: when the last line of a kind arrives, in units.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Seen, Verdict, bounds_text, fmt_units, may_be_within};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    line: String,
    from: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
}
pub type Elapsed = Spec;

pub const SYNTAX: &str = "elapsed = { line = \"k\", min = x, max = y }";
pub const DOC: &str = "the last `k` line arrives between `min` and `max` units after the start; with `from = \"a\"`, after the first `a` line instead (so start-up time, such as Python's, does not count); a line read late on a loaded machine is given the benefit of the doubt, as for `span`";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Elapsed, String> {
    known.bounds(spec.min, spec.max)?;
    known.kind(&spec.line)?;
    if let Some(from) = &spec.from {
        known.kind(from)?;
    }
    Ok(spec.clone())
}

impl Rule for Elapsed {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let (line, min, max) = (&self.line, self.min, self.max);
        // From the start of the run, or from the first line of kind `from`, which
        // leaves an interpreter's start-up (python3: 50-500 ms when loaded) out of it.
        // The origin as the runner can bound it: when it read the line, and the earliest the
        // line can have been written.
        let (origin, since) = match &self.from {
            Some(kind) => (
                cx.of_kind(kind)
                    .first()
                    .map_or((0.0, 0.0), |s| (s.units, s.earliest)),
                format!("the first `{kind}` line"),
            ),
            None => ((0.0, 0.0), "the start".to_owned()),
        };
        let elapsed = |s: &Seen| {
            (
                (s.earliest - origin.0).max(0.0),
                (s.units - origin.1).max(0.0),
            )
        };
        match cx
            .of_kind(line)
            .last()
            .map(|s| may_be_within(elapsed(s), min, max))
        {
            Some(Ok(())) => Verdict::Holds,
            Some(Err(t)) => Verdict::fails(
                format!("the last `{line}` line {} after {since}", bounds_text(min, max)),
                format!("{} units", fmt_units(t)),
            ),
            None => Verdict::fails(
                format!("a `{line}` line {} after {since}", bounds_text(min, max)),
                "no such line",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn elapsed_bounds() {
        let rule = "[[case.expect]]\nelapsed = { line = \"finish\", min = 1.5, max = 3.0 }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut slow = concurrent();
        slow[5].0 = 9.0;
        let f = verdict(rule, &slow);
        assert_eq!(f[0].got, "9.0 units");
        assert_eq!(
            f[0].expected,
            "the last `finish` line between 1.5 and 3.0 units after the start"
        );
    }
}
