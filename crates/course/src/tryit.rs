//! A lesson's "Try it" changes as data (`lessons/NN-name/try.toml`): parsing, patching and the README section.
//!
//! Each item of a lesson README's "Try it" section is written once, in the lesson's
//! `try.toml`, with the checks that prove it does what it says: a patch to the
//! source (find/replace), arguments, environment or CPU affinity, and the outcome
//! judged by the same engine as `cargo xtask check` (a case of the lesson's
//! `expect.toml`, an inline spec, or a compiler error code). The README section is
//! rendered from it, and `tests/it/tryit.rs` applies every check to a copy of the
//! lesson. The format is described in `docs/try-it.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::spec::{Case, Spec, SpecError};

/// The file beside each lesson's README.
pub const FILE: &str = "try.toml";

/// The heading of the README section rendered from [`FILE`].
pub const HEADING: &str = "## Try it";

/// Every "Try it" item of one lesson, in the README's order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TryIt {
    #[serde(rename = "try")]
    pub items: Vec<Item>,
}

/// One numbered item of the README's "Try it" section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The item as the README shows it (Markdown, without its number or indent).
    pub text: String,
    /// Why this item cannot be checked by a test; it then has no `check`.
    pub exempt: Option<String>,
    /// What to change and what must come of it; every check must hold.
    #[serde(default)]
    pub check: Vec<Check>,
}

/// Which program a check runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runs {
    /// The lesson's binary, built from the (patched) copy.
    #[default]
    Rust,
    /// The lesson's `original.py`, with `python3`.
    Python,
}

/// One change to try and its expected outcome.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    #[serde(default)]
    pub program: Runs,
    /// Find/replace edits to files of the lesson folder, applied in order.
    #[serde(default)]
    pub patch: Vec<Patch>,
    /// Arguments for the program (its mode), e.g. `["scoped"]`.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variables set for the run, e.g. `RAYON_NUM_THREADS = "1"`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// CPUs the run may use (`taskset -c 0` is `cpus = [0]`).
    pub cpus: Option<Vec<usize>>,
    /// The run must pass this case of the lesson's `expect.toml` (with this check's args).
    pub case: Option<String>,
    /// The run must pass every case of this inline spec (the `expect.toml` format).
    pub spec: Option<String>,
    /// The build must fail with this compiler error code, e.g. `E0373` (or, for an error
    /// that has no code, words of its message).
    pub compile_error: Option<String>,
}

/// Replace the only occurrence of `find` in `file` (relative to the lesson folder) by `replace`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    #[serde(default = "main_rs")]
    pub file: String,
    pub find: String,
    pub replace: String,
}

fn main_rs() -> String {
    "src/main.rs".into()
}

/// Whether the compiler's rendered errors show `expected` (a code like `E0373`, else words of the message).
pub fn compile_error_matches(errors: &str, expected: &str) -> bool {
    let is_code = expected.len() == 5
        && expected.starts_with('E')
        && expected[1..].bytes().all(|b| b.is_ascii_digit());
    if is_code {
        errors.contains(&format!("error[{expected}]"))
    } else {
        errors.contains(expected)
    }
}

/// What a check expects, once validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<'a> {
    Case(&'a str),
    Spec(&'a str),
    CompileError(&'a str),
}

impl Check {
    pub fn outcome(&self) -> Outcome<'_> {
        match (&self.case, &self.spec, &self.compile_error) {
            (Some(case), None, None) => Outcome::Case(case),
            (None, Some(spec), None) => Outcome::Spec(spec),
            (None, None, Some(code)) => Outcome::CompileError(code),
            _ => unreachable!("validated: exactly one outcome"),
        }
    }

    /// The cases the run is judged against: the named one from `lesson_spec`, or the
    /// inline spec's; each gets this check's args, so the case's rules judge the mode run.
    pub fn cases(&self, lesson_spec: &Spec, try_path: &Path) -> anyhow::Result<Vec<Case>> {
        let mut cases = match self.outcome() {
            Outcome::Case(name) => vec![lesson_spec.case(name)?.clone()],
            Outcome::Spec(text) => Spec::parse(try_path, text)?.cases,
            Outcome::CompileError(_) => Vec::new(),
        };
        for case in &mut cases {
            case.args = self.args.clone();
        }
        Ok(cases)
    }
}

impl TryIt {
    /// Reads and validates the `try.toml` of the lesson at `lesson_dir`.
    pub fn load(lesson_dir: &Path) -> Result<TryIt, SpecError> {
        let path = lesson_dir.join(FILE);
        let source = std::fs::read_to_string(&path).map_err(|e| SpecError {
            path: path.clone(),
            line: None,
            message: format!("cannot read it: {e}"),
        })?;
        TryIt::parse(&path, &source)
    }

    /// Parses `try.toml` text; `path` names the file in errors.
    pub fn parse(path: &Path, source: &str) -> Result<TryIt, SpecError> {
        let error = |line: Option<usize>, message: String| SpecError {
            path: path.to_owned(),
            line,
            message,
        };
        let parsed: TryIt = toml::from_str(source).map_err(|e| {
            let line = e
                .span()
                .map(|s| source[..s.start].matches('\n').count() + 1);
            error(line, e.message().trim().to_owned())
        })?;
        for (i, item) in parsed.items.iter().enumerate() {
            let n = i + 1;
            match (&item.exempt, item.check.is_empty()) {
                (Some(_), false) => {
                    return Err(error(
                        None,
                        format!("item {n} is exempt and has checks; keep one or the other"),
                    ));
                }
                (None, true) => {
                    return Err(error(
                        None,
                        format!(
                            "item {n} has no [[try.check]]; add one, or `exempt = \"why it cannot be checked\"`"
                        ),
                    ));
                }
                _ => {}
            }
            for check in &item.check {
                let outcomes = [&check.case, &check.spec, &check.compile_error]
                    .iter()
                    .filter(|o| o.is_some())
                    .count();
                if outcomes != 1 {
                    return Err(error(
                        None,
                        format!(
                            "item {n}: a check needs exactly one of `case`, `spec` or `compile_error`"
                        ),
                    ));
                }
                if let Some(code) = &check.compile_error
                    && (code.trim().is_empty()
                        || check.program != Runs::Rust
                        || check.patch.is_empty())
                {
                    return Err(error(
                        None,
                        format!(
                            "item {n}: compile_error = {code:?} needs a code like \"E0373\" (or words of a message that has no code) and a patch to the Rust source"
                        ),
                    ));
                }
                if let Some(spec) = &check.spec {
                    Spec::parse(path, spec).map_err(|e| {
                        error(None, format!("item {n}: the inline spec: {}", e.message))
                    })?;
                }
                if check.patch.iter().any(|p| p.find.is_empty()) {
                    return Err(error(
                        None,
                        format!("item {n}: a patch has an empty `find`"),
                    ));
                }
                if check.cpus.as_ref().is_some_and(Vec::is_empty) {
                    return Err(error(
                        None,
                        format!("item {n}: `cpus` is empty; name at least one CPU"),
                    ));
                }
            }
        }
        Ok(parsed)
    }

    /// The README's "Try it" section, heading included, as rendered from these items.
    pub fn render(&self) -> String {
        let mut out = format!("{HEADING}\n\n");
        for (i, item) in self.items.iter().enumerate() {
            let mut lines = item.text.trim().lines();
            let first = lines.next().unwrap_or_default();
            out.push_str(&format!("{}. {first}\n", i + 1));
            for line in lines {
                if line.trim().is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("   {line}\n"));
                }
            }
        }
        out
    }
}

/// The README's "Try it" section as it stands: from its heading to the next `## ` heading.
pub fn readme_section(readme: &str) -> Option<&str> {
    let start = readme.find(&format!("\n{HEADING}\n"))? + 1;
    let body = &readme[start + HEADING.len()..];
    let end = body.find("\n## ").map_or(body.len(), |e| e + 1);
    Some(readme[start..start + HEADING.len() + end].trim_end_matches('\n'))
}

/// Applies `patches` to the lesson folder at `dir`; each `find` must occur exactly once,
/// so a lesson that changed shape fails loudly instead of silently not being patched.
pub fn apply(dir: &Path, patches: &[Patch]) -> anyhow::Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for patch in patches {
        let path = dir.join(&patch.file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let found = text.matches(&patch.find).count();
        anyhow::ensure!(
            found == 1,
            "{}: the patch's `find` occurs {found} times, not once: {:?}",
            path.display(),
            patch.find
        );
        std::fs::write(&path, text.replacen(&patch.find, &patch.replace, 1))?;
        changed.push(path);
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[[try]]
text = """
Remove `move`. The compiler stops
you (error E0373)."""
[[try.check]]
patch = [{ find = "move ||", replace = "||" }]
compile_error = "E0373"

[[try]]
text = "Run it on one core."
[[try.check]]
cpus = [0]
case = "default"

[[try]]
text = "Look from another terminal."
exempt = "needs a second terminal while it runs"
"#;

    #[test]
    fn parses_renders_and_finds_the_readme_section() {
        let parsed = TryIt::parse(Path::new("try.toml"), SAMPLE).unwrap();
        assert_eq!(parsed.items.len(), 3);
        assert_eq!(parsed.items[0].check[0].patch[0].file, "src/main.rs");
        assert_eq!(
            parsed.items[0].check[0].outcome(),
            Outcome::CompileError("E0373")
        );
        let rendered = parsed.render();
        assert_eq!(
            rendered,
            "## Try it\n\n1. Remove `move`. The compiler stops\n   you (error E0373).\n\
             2. Run it on one core.\n3. Look from another terminal.\n"
        );
        let readme = format!("# L\n\nText.\n\n{rendered}\n## Run it\n\nmore\n");
        assert_eq!(readme_section(&readme), Some(rendered.trim_end()));
        let last = format!("# L\n\n{rendered}");
        assert_eq!(readme_section(&last), Some(rendered.trim_end()));
    }

    #[test]
    fn a_check_needs_exactly_one_outcome_and_an_item_a_check_or_a_reason() {
        for (bad, says) in [
            ("[[try]]\ntext = \"x\"\n", "add one, or `exempt"),
            (
                "[[try]]\ntext = \"x\"\n[[try.check]]\nargs = []\n",
                "exactly one of",
            ),
            (
                "[[try]]\ntext = \"x\"\n[[try.check]]\ncase = \"a\"\ncompile_error = \"E0373\"\n",
                "exactly one of",
            ),
            (
                "[[try]]\ntext = \"x\"\n[[try.check]]\ncompile_error = \"E0373\"\n",
                "a patch",
            ),
            (
                "[[try]]\ntext = \"x\"\n[[try.check]]\ncase = \"a\"\nsurprise = 1\n",
                "unknown field",
            ),
        ] {
            let error = TryIt::parse(Path::new("try.toml"), bad).unwrap_err();
            assert!(error.to_string().contains(says), "{error}");
        }
    }

    #[test]
    fn a_patch_must_find_its_text_exactly_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "a b a\n").unwrap();
        let patch = |find: &str| Patch {
            file: main_rs(),
            find: find.into(),
            replace: "c".into(),
        };
        assert!(apply(dir.path(), &[patch("a")]).is_err());
        assert!(apply(dir.path(), &[patch("z")]).is_err());
        apply(dir.path(), &[patch("b")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap(),
            "a c a\n"
        );
    }
}
