//! The expectation spec (`expect.toml`): parsing, validation with file:line errors, and the compiled form.
//!
//! The format is documented in `docs/expectations.md`. Parsing happens in two
//! steps: serde reads the raw tables (rejecting unknown keys, with toml's own
//! line and column), then [`Spec::parse`] checks what serde cannot see (a rule
//! naming a line kind or capture that does not exist, a bad regex) and reports
//! it against the line of the table it came from.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex_lite::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::rules::{Compiled, RawRule};

/// A spec that could not be used: where it is and what is wrong, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for SpecError {}

/// Resource limits a graded run gets through setrlimit and the runner's own watch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub max_processes: u32,
    pub max_memory_mb: u64,
    pub max_cpu_seconds: u64,
}

/// A whole spec file, compiled.
#[derive(Debug, Clone)]
pub struct Spec {
    pub path: PathBuf,
    pub cases: Vec<Case>,
}

/// One run of a lesson and what it must show.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub args: Vec<String>,
    pub hint: Option<String>,
    pub hidden: bool,
    pub points: f64,
    /// `LESSON_TIME_SCALE` for the run: one unit of lesson time is `scale` seconds.
    pub scale: f64,
    pub timeout: Duration,
    /// Run with nothing else running beside it: the case measures CPU-bound work, so a case
    /// running at the same time would change what it measures (see `grade`'s scheduling).
    pub alone: bool,
    pub exit: i32,
    pub max_output: usize,
    pub limits: Limits,
    pub kinds: Vec<Kind>,
    pub rules: Vec<RuleAt>,
}

/// A named kind of stdout line.
#[derive(Debug, Clone)]
pub struct Kind {
    pub name: String,
    pub matcher: Matcher,
    pub min: usize,
    pub max: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum Matcher {
    Text(String),
    Regex(Regex),
}

impl Matcher {
    pub fn is_match(&self, line: &str) -> bool {
        match self {
            Matcher::Text(text) => line == text,
            Matcher::Regex(regex) => regex.is_match(line),
        }
    }

    /// The value of capture `key` in `line`, if this matcher matches and has it.
    pub fn capture(&self, line: &str, key: &str) -> Option<String> {
        match self {
            Matcher::Text(_) => None,
            Matcher::Regex(regex) => regex
                .captures(line)
                .and_then(|c| c.name(key))
                .map(|m| m.as_str().to_owned()),
        }
    }

    pub(crate) fn has_capture(&self, key: &str) -> bool {
        match self {
            Matcher::Text(_) => false,
            Matcher::Regex(regex) => regex.capture_names().flatten().any(|n| n == key),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Matcher::Text(text) => format!("the line {text:?}"),
            Matcher::Regex(regex) => format!("lines matching /{}/", regex.as_str()),
        }
    }
}

/// A rule with the spec line it came from and its own hint.
#[derive(Debug, Clone)]
pub struct RuleAt {
    pub rule: Compiled,
    pub line: usize,
    pub hint: Option<String>,
}

// ---- raw, as serde reads it -------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default, rename = "case")]
    cases: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    scale: Option<f64>,
    timeout: Option<f64>,
    alone: Option<bool>,
    exit: Option<i32>,
    points: Option<f64>,
    max_output: Option<usize>,
    max_processes: Option<u32>,
    max_memory_mb: Option<u64>,
    max_cpu_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    /// Start from the line kinds and rules of an earlier case, then add this case's own.
    like: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    hint: Option<String>,
    #[serde(default)]
    hidden: bool,
    points: Option<f64>,
    scale: Option<f64>,
    timeout: Option<f64>,
    alone: Option<bool>,
    exit: Option<i32>,
    #[serde(default)]
    lines: BTreeMap<String, Spanned<RawKind>>,
    #[serde(default)]
    expect: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    text: Option<String>,
    regex: Option<String>,
    count: Option<usize>,
    min: Option<usize>,
    max: Option<usize>,
}

// ---- the engine's defaults --------------------------------------------------

pub const DEFAULT_SCALE: f64 = 0.1;
pub const DEFAULT_TIMEOUT_SECS: f64 = 15.0;
pub const DEFAULT_MAX_OUTPUT: usize = 1 << 20;
pub const DEFAULT_LIMITS: Limits = Limits {
    max_processes: 64,
    max_memory_mb: 2048,
    max_cpu_seconds: 60,
};

impl Spec {
    /// Reads and compiles the spec at `path`.
    pub fn load(path: &Path) -> Result<Spec, SpecError> {
        let source = std::fs::read_to_string(path).map_err(|e| SpecError {
            path: path.to_owned(),
            line: None,
            message: format!("cannot read the spec: {e}"),
        })?;
        Spec::parse(path, &source)
    }

    /// Compiles spec text; `path` is only used to name the file in errors.
    pub fn parse(path: &Path, source: &str) -> Result<Spec, SpecError> {
        let at = |offset: Option<usize>, message: String| SpecError {
            path: path.to_owned(),
            line: offset.map(|o| line_of(source, o)),
            message,
        };
        let raw: RawSpec = toml::from_str(source).map_err(|e| {
            // toml's message repeats the source line with a caret; the first line is the reason.
            let reason = e.message().trim().to_owned();
            at(e.span().map(|s| s.start), reason)
        })?;
        if raw.cases.is_empty() {
            return Err(at(
                None,
                "no [[case]] table: a spec needs at least one case, e.g. [[case]] name = \"default\""
                    .into(),
            ));
        }
        let d = &raw.defaults;
        let mut cases: Vec<Case> = Vec::new();
        for spanned in &raw.cases {
            let case_at = spanned.span().start;
            let rc = spanned.get_ref();
            if cases.iter().any(|c| c.name == rc.name) {
                return Err(at(
                    Some(case_at),
                    format!(
                        "two cases are named {:?}; give each case its own name",
                        rc.name
                    ),
                ));
            }
            let scale = rc.scale.or(d.scale).unwrap_or(DEFAULT_SCALE);
            if !(scale.is_finite() && scale > 0.0) {
                return Err(at(
                    Some(case_at),
                    format!("scale = {scale} must be a positive number"),
                ));
            }
            let timeout = rc.timeout.or(d.timeout).unwrap_or(DEFAULT_TIMEOUT_SECS);
            if !(timeout.is_finite() && timeout > 0.0) {
                return Err(at(
                    Some(case_at),
                    format!("timeout = {timeout} must be a positive number of seconds"),
                ));
            }
            let base = match &rc.like {
                None => None,
                Some(like) => Some(cases.iter().find(|c| c.name == *like).ok_or_else(|| {
                    at(
                        Some(case_at),
                        format!("like = {like:?}: no earlier case has that name; `like` can only name a case above it"),
                    )
                })?),
            };
            let mut kinds: Vec<Kind> = base.map(|b| b.kinds.clone()).unwrap_or_default();
            for (name, spanned_kind) in &rc.lines {
                let k = spanned_kind.get_ref();
                let kind_at = Some(spanned_kind.span().start);
                let matcher = match (&k.text, &k.regex) {
                    (Some(text), None) => Matcher::Text(text.clone()),
                    (None, Some(pattern)) => Matcher::Regex(Regex::new(pattern).map_err(|e| {
                        at(
                            kind_at,
                            format!("line kind `{name}`: the regex does not compile: {e}"),
                        )
                    })?),
                    _ => {
                        return Err(at(
                            kind_at,
                            format!("line kind `{name}` needs exactly one of `text` or `regex`"),
                        ));
                    }
                };
                if k.count.is_some() && (k.min.is_some() || k.max.is_some()) {
                    return Err(at(
                        kind_at,
                        format!("line kind `{name}`: give either `count` or `min`/`max`, not both"),
                    ));
                }
                let (min, max) = match k.count {
                    Some(n) => (n, Some(n)),
                    None => (k.min.unwrap_or(1), k.max),
                };
                if max.is_some_and(|max| max < min) {
                    return Err(at(kind_at, format!("line kind `{name}`: max is below min")));
                }
                // A kind of the same name replaces the one inherited through `like`.
                kinds.retain(|k| k.name != *name);
                kinds.push(Kind {
                    name: name.clone(),
                    matcher,
                    min,
                    max,
                });
            }
            let mut rules: Vec<RuleAt> = base.map(|b| b.rules.clone()).unwrap_or_default();
            for spanned_rule in &rc.expect {
                let offset = spanned_rule.span().start;
                let rule = spanned_rule
                    .get_ref()
                    .compile(&kinds)
                    .map_err(|message| at(Some(offset), message))?;
                rules.push(RuleAt {
                    rule,
                    line: line_of(source, offset),
                    hint: spanned_rule.get_ref().hint.clone(),
                });
            }
            cases.push(Case {
                name: rc.name.clone(),
                args: rc.args.clone(),
                hint: rc.hint.clone(),
                hidden: rc.hidden,
                points: rc.points.or(d.points).unwrap_or(1.0),
                scale,
                timeout: Duration::from_secs_f64(timeout),
                alone: rc.alone.or(d.alone).unwrap_or(false),
                exit: rc.exit.or(d.exit).unwrap_or(0),
                max_output: d.max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
                limits: Limits {
                    max_processes: d.max_processes.unwrap_or(DEFAULT_LIMITS.max_processes),
                    max_memory_mb: d.max_memory_mb.unwrap_or(DEFAULT_LIMITS.max_memory_mb),
                    max_cpu_seconds: d.max_cpu_seconds.unwrap_or(DEFAULT_LIMITS.max_cpu_seconds),
                },
                kinds,
                rules,
            });
        }
        Ok(Spec {
            path: path.to_owned(),
            cases,
        })
    }

    /// The case called `name`, or an error listing the ones there are.
    pub fn case(&self, name: &str) -> anyhow::Result<&Case> {
        self.cases.iter().find(|c| c.name == name).ok_or_else(|| {
            let names: Vec<_> = self.cases.iter().map(|c| c.name.as_str()).collect();
            anyhow::anyhow!(
                "{} has no case {name:?}; its cases are: {}",
                self.path.display(),
                names.join(", ")
            )
        })
    }
}

impl Case {
    pub fn kind(&self, name: &str) -> &Kind {
        // Validation guarantees every name a rule uses exists.
        self.kinds
            .iter()
            .find(|k| k.name == name)
            .expect("validated kind name")
    }

    /// Seconds of real time to units of lesson time at this case's scale.
    pub fn units(&self, at: Duration) -> f64 {
        at.as_secs_f64() / self.scale
    }
}

/// The 1-based line number of byte `offset` in `source`.
fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Spec, SpecError> {
        Spec::parse(Path::new("lessons/x/expect.toml"), source)
    }

    const GOOD: &str = r#"
[defaults]
scale = 0.2

[[case]]
name = "default"

[case.lines]
start = { regex = '^Worker (?<id>\d+) starting$', count = 5 }
finish = { regex = '^Worker (?<id>\d+) finished$', count = 5 }

[[case.expect]]
order = { before = "start", after = "finish" }
hint = "join later"

[[case.expect]]
overlap = { from = "start", to = "finish", key = "id", at_least = 5 }
"#;

    #[test]
    fn compiles_a_good_spec_with_defaults() {
        let spec = parse(GOOD).unwrap();
        let case = &spec.cases[0];
        assert_eq!(case.scale, 0.2);
        assert_eq!(case.exit, 0);
        assert_eq!(case.kinds.len(), 2);
        assert_eq!(case.rules.len(), 2);
        assert_eq!(case.rules[0].line, 12);
        assert_eq!(case.rules[0].hint.as_deref(), Some("join later"));
    }

    fn error(source: &str) -> SpecError {
        parse(source).unwrap_err()
    }

    #[test]
    fn unknown_key_is_rejected_with_its_line() {
        let e = error(&GOOD.replace("scale = 0.2", "scael = 0.2"));
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("scael"), "{e}");
        assert!(e.to_string().starts_with("lessons/x/expect.toml:3:"), "{e}");
    }

    #[test]
    fn bad_regex_is_rejected_with_its_line() {
        let e = error(&GOOD.replace(
            r"^Worker (?<id>\d+) starting$",
            r"^Worker (?<id>\d+ starting$",
        ));
        assert_eq!(e.line, Some(9), "{e}");
        assert!(e.message.contains("does not compile"), "{e}");
    }

    #[test]
    fn a_unicode_class_is_refused_where_it_is_written_and_ascii_classes_match_ascii_only() {
        // regex-lite's syntax: `\p{…}` does not compile, so a spec cannot rely on it silently.
        let e = error(&GOOD.replace(
            r"^Worker (?<id>\d+) starting$",
            r"^Worker (?<id>\p{N}+) starting$",
        ));
        assert_eq!(e.line, Some(9), "{e}");
        assert!(e.message.contains("does not compile"), "{e}");
        let digits = Matcher::Regex(Regex::new(r"^Worker (?<id>\d+) starting$").unwrap());
        assert_eq!(
            digits.capture("Worker 12 starting", "id").as_deref(),
            Some("12")
        );
        assert!(
            !digits.is_match("Worker \u{0663} starting"),
            "an Arabic-Indic three is not \\d"
        );
    }

    #[test]
    fn missing_capture_is_rejected_with_advice() {
        let e = error(&GOOD.replace(r"^Worker (?<id>\d+) finished$", r"^Worker \d+ finished$"));
        assert_eq!(e.line, Some(16), "{e}");
        assert!(e.message.contains("no capture `id`"), "{e}");
    }

    #[test]
    fn unknown_line_kind_is_rejected() {
        let e = error(&GOOD.replace(r#"after = "finish""#, r#"after = "finnish""#));
        assert!(e.message.contains("no line kind `finnish`"), "{e}");
        assert!(e.message.contains("known: finish, start"), "{e}");
    }

    #[test]
    fn two_rules_in_one_table_are_rejected() {
        let e = error(&GOOD.replace("hint = \"join later\"", "last = \"finish\""));
        assert!(e.message.contains("several rules (last, order)"), "{e}");
    }

    #[test]
    fn empty_rule_and_empty_spec_are_rejected() {
        assert!(
            error(
                &GOOD
                    .replace("hint = \"join later\"\n", "")
                    .replace("order = { before = \"start\", after = \"finish\" }", "")
            )
            .message
            .contains("has no rule")
        );
        assert!(error("").message.contains("no [[case]]"));
    }

    #[test]
    fn duplicate_case_names_and_bad_bounds_are_rejected() {
        let twice = format!("{GOOD}\n[[case]]\nname = \"default\"\n");
        assert!(error(&twice).message.contains("two cases are named"));
        let span = GOOD.replace("at_least = 5 }", "at_least = 5 }\n\n[[case.expect]]\nspan = { from = \"start\", to = \"finish\", key = \"id\" }");
        assert!(error(&span).message.contains("give `min`, `max` or both"));
    }

    #[test]
    fn like_inherits_kinds_and_rules_and_may_replace_a_kind() {
        let source = format!(
            "{GOOD}\n[[case]]\nname = \"scoped\"\nlike = \"default\"\nargs = [\"scoped\"]\n\
             [case.lines]\nstart = {{ regex = '^W(?<id>\\d) s$' }}\n[[case.expect]]\nlast = \"finish\"\n"
        );
        let spec = parse(&source).unwrap();
        let scoped = &spec.cases[1];
        assert_eq!(scoped.args, ["scoped"]);
        assert_eq!(scoped.kinds.len(), 2);
        assert!(scoped.kind("start").matcher.is_match("W3 s"));
        let names: Vec<_> = scoped.rules.iter().map(|r| r.rule.name).collect();
        assert_eq!(names, ["order", "overlap", "last"]);
        let e = error(&format!(
            "{GOOD}\n[[case]]\nname = \"x\"\nlike = \"nope\"\n"
        ));
        assert!(e.message.contains("no earlier case"), "{e}");
    }

    #[test]
    fn wrong_type_is_rejected() {
        let e = error(&GOOD.replace("scale = 0.2", "scale = \"fast\""));
        assert_eq!(e.line, Some(3), "{e}");
    }
}
