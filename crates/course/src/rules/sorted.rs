//! `sorted = { line, key }`: lines of a kind come in ascending order of a capture.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    line: String,
    key: String,
}
pub type Sorted = Spec;

pub const SYNTAX: &str = "sorted = { line = \"k\", key = \"i\" }";
pub const DOC: &str =
    "the `k` lines appear in ascending order of capture `i` (numeric when all values are numbers)";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Sorted, String> {
    known.capture(&spec.line, &spec.key)?;
    Ok(spec.clone())
}

impl Rule for Sorted {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let (line, key) = (&self.line, &self.key);
        let values: Vec<String> = cx
            .of_kind(line)
            .iter()
            .filter_map(|s| cx.key_of(line, key, s))
            .collect();
        let numeric: Option<Vec<f64>> = values.iter().map(|v| v.parse().ok()).collect();
        let sorted = match &numeric {
            Some(nums) => nums.windows(2).all(|w| w[0] <= w[1]),
            None => values.windows(2).all(|w| w[0] <= w[1]),
        };
        if sorted {
            return Verdict::Holds;
        }
        Verdict::fails(
            format!("`{line}` lines in ascending order of `{key}`"),
            format!("the order {}", values.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn sorted_numeric() {
        let rule = "[[case.expect]]\nsorted = { line = \"start\", key = \"id\" }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines.swap(0, 2);
        assert_eq!(verdict(rule, &lines)[0].got, "the order 2, 1, 0");
    }
}
