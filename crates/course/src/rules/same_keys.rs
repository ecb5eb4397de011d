//! `same_keys = { kinds, key }`: several line kinds carry the same set of capture values.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    kinds: Vec<String>,
    key: String,
}
pub type SameKeys = Spec;

pub const SYNTAX: &str = "same_keys = { kinds = [\"a\", \"b\"], key = \"id\" }";
pub const DOC: &str = "the `a` and `b` lines carry the same set of capture values (every worker that started finished)";
pub const CLASS: Class = Class::Deterministic;

pub fn compile(spec: &Spec, known: &Known) -> Result<SameKeys, String> {
    if spec.kinds.len() < 2 {
        return Err("same_keys: `kinds` needs two or more line kinds to compare".into());
    }
    for name in &spec.kinds {
        known.capture(name, &spec.key)?;
    }
    Ok(spec.clone())
}

impl Rule for SameKeys {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let key = &self.key;
        let sets: Vec<(&String, BTreeSet<String>)> = self
            .kinds
            .iter()
            .map(|k| {
                let values = cx
                    .of_kind(k)
                    .iter()
                    .filter_map(|s| cx.key_of(k, key, s))
                    .collect();
                (k, values)
            })
            .collect();
        let Some((odd, _)) = sets.iter().find(|(_, set)| *set != sets[0].1) else {
            return Verdict::Holds;
        };
        let show = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
        Verdict::fails(
            format!(
                "`{}` and `{odd}` lines to carry the same `{key}` values",
                sets[0].0
            ),
            sets.iter()
                .map(|(k, set)| format!("{k}: [{}]", show(set)))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn same_keys_finds_a_worker_that_never_finished() {
        let rule =
            "[[case.expect]]\nsame_keys = { kinds = [\"start\", \"finish\"], key = \"id\" }\n";
        assert_eq!(verdict(rule, &concurrent()), []);
        let mut lines = concurrent();
        lines[5].1 = "Worker 1 finished";
        let f = verdict(rule, &lines);
        assert_eq!(f[0].got, "start: [0, 1, 2]; finish: [0, 1]");
    }
}
