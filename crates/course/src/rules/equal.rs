//! `equal = { line, keys }`: within each line of a kind, two or more captures carry the same value.
//!
//! For a line that reports something beside what it should be, such as lesson 1's
//! `received 99999 messages ... (sent 100000, ...)`: the spec compares the two numbers the
//! program printed, so it holds however many messages the lesson chooses to send.

use serde::Deserialize;

use super::{Class, Ctx, Known, Rule, Verdict};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    line: String,
    keys: Vec<String>,
}
pub type Equal = Spec;

pub const SYNTAX: &str = "equal = { line = \"k\", keys = [\"got\", \"sent\"] }";
pub const DOC: &str = "in every `k` line the captures `got` and `sent` (two or more) carry the same value, compared as numbers when both are numbers (what arrived equals what was sent)";
pub const CLASS: Class = Class::Deterministic;

pub fn compile(spec: &Spec, known: &Known) -> Result<Equal, String> {
    if spec.keys.len() < 2 {
        return Err("equal: `keys` needs two or more captures to compare".into());
    }
    for key in &spec.keys {
        known.capture(&spec.line, key)?;
    }
    Ok(spec.clone())
}

/// Two captured values are equal as numbers when both are (`007` = `7`), else as text.
fn same(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

impl Rule for Equal {
    fn judge(&self, cx: &Ctx) -> Verdict {
        let names = self
            .keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        for seen in cx.of_kind(&self.line) {
            let values: Vec<String> = self
                .keys
                .iter()
                .map(|key| {
                    cx.key_of(&self.line, key, seen)
                        .unwrap_or_else(|| "(none)".into())
                })
                .collect();
            if values.iter().all(|v| same(v, &values[0])) {
                continue;
            }
            let shown: Vec<String> = self
                .keys
                .iter()
                .zip(&values)
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            // The line itself is in the transcript; the values are what differ.
            return Verdict::fails(
                format!("{names} to be equal in every `{}` line", self.line),
                shown.join(", "),
            );
        }
        Verdict::Holds
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::judge::judge;
    use crate::rules::testing::fake;
    use crate::runner::Ending;
    use crate::spec::Spec;

    const SPEC: &str = r#"
[[case]]
name = "default"
[case.lines]
received = { regex = '^received (?<got>\d+), checksum (?<sum>\d+) \(sent (?<sent>\d+), checksum (?<sent_sum>\d+)\)$', count = 1 }
[[case.expect]]
equal = { line = "received", keys = ["got", "sent"] }
hint = "count every message"
[[case.expect]]
equal = { line = "received", keys = ["sum", "sent_sum"] }
"#;

    fn verdict(line: &str) -> Vec<(String, String)> {
        let case = Spec::parse(Path::new("expect.toml"), SPEC)
            .unwrap()
            .cases
            .remove(0);
        judge(&case, &fake(&[(0.0, line)], Ending::Exited(0)))
            .failures
            .into_iter()
            .map(|f| (f.what, f.got))
            .collect()
    }

    #[test]
    fn holds_when_what_arrived_is_what_was_sent() {
        assert_eq!(verdict("received 10, checksum 45 (sent 10, checksum 45)"), []);
    }

    #[test]
    fn a_lost_message_fails_on_the_count_and_the_checksum() {
        let f = verdict("received 9, checksum 36 (sent 10, checksum 45)");
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].0, "equal (expect.toml line 6)");
        assert_eq!(f[0].1, "got = 9, sent = 10");
        assert_eq!(f[1].1, "sum = 36, sent_sum = 45");
    }

    #[test]
    fn a_hard_coded_count_is_caught_by_the_checksum() {
        let f = verdict("received 10, checksum 36 (sent 10, checksum 45)");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "equal (expect.toml line 9)");
    }

    #[test]
    fn needs_two_captures_that_exist() {
        let one = SPEC.replace(r#"keys = ["got", "sent"]"#, r#"keys = ["got"]"#);
        let e = Spec::parse(Path::new("expect.toml"), &one).unwrap_err();
        assert!(e.message.contains("two or more captures"), "{e}");
        let missing = SPEC.replace(r#"keys = ["got", "sent"]"#, r#"keys = ["got", "lost"]"#);
        let e = Spec::parse(Path::new("expect.toml"), &missing).unwrap_err();
        assert!(e.message.contains("no capture `lost`"), "{e}");
    }
}
