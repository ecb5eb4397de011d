//! `order = { before, after, key? }`: every `before` line comes before every `after` line.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    before: String,
    after: String,
    key: Option<String>,
}
pub type Order = Spec;

pub const SYNTAX: &str = "order = { before = \"a\", after = \"b\" }";
pub const DOC: &str = "every `a` line comes before every `b` line; with `key = \"id\"`, only lines with the same capture are compared (each worker's start before its own finish)";
pub const CLASS: Class = Class::Timing;

pub fn compile(spec: &Spec, known: &Known) -> Result<Order, String> {
    match &spec.key {
        Some(key) => {
            known.capture(&spec.before, key)?;
            known.capture(&spec.after, key)?;
        }
        None => {
            known.kind(&spec.before)?;
            known.kind(&spec.after)?;
        }
    }
    Ok(spec.clone())
}

impl Rule for Order {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let (before, after) = (&self.before, &self.after);
        let afters = cx.of_kind(after);
        for b in cx.of_kind(before) {
            for a in &afters {
                let same_key = match &self.key {
                    Some(key) => cx.key_of(before, key, b) == cx.key_of(after, key, a),
                    None => true,
                };
                if same_key && a.index < b.index {
                    let scope = if self.key.is_some() {
                        " with the same key"
                    } else {
                        ""
                    };
                    return Verdict::fails(
                        format!("every `{before}` line before any `{after}` line{scope}"),
                        format!("{:?} came before {:?}", a.line.text, b.line.text),
                    );
                }
            }
        }
        Verdict::Holds
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn order_all_and_per_key() {
        let all = "[[case.expect]]\norder = { before = \"start\", after = \"finish\" }\nhint = \"join later\"\n";
        assert_eq!(verdict(all, &concurrent()), []);
        let f = verdict(all, &sequential());
        assert_eq!(
            f[0].got,
            "\"Worker 0 finished\" came before \"Worker 1 starting\""
        );
        assert_eq!(f[0].hint.as_deref(), Some("join later"));
        let keyed =
            "[[case.expect]]\norder = { before = \"start\", after = \"finish\", key = \"id\" }\n";
        assert_eq!(verdict(keyed, &sequential()), []);
    }
}
