//! Self-paced study: which exercises are done, which one is current, their hints, and starting over.
//!
//! Progress lives in `.course-progress.toml` at the workspace root (ignored by git).
//! It is only a cache of what the checks said: a missing or unreadable file is
//! rebuilt by checking the exercises the learner has edited, never an error.
//! `watch`, `hint`, `reset` and `progress` in xtask all go through here, so they
//! agree on what "done" and "current" mean.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::check::{CaseResult, Program, Trust, check_case};
use crate::report::write_atomically;
use crate::spec::Spec;
use crate::workspace::{self, Unit};

/// The progress file, relative to the workspace root.
pub const STATE_FILE: &str = ".course-progress.toml";

const STATE_HEADER: &str = "# Your progress through the exercises (`cargo xtask progress` shows it).\n\
# Safe to delete: it is rebuilt by checking the exercises you have edited.\n\n";

/// The exercises among `units`, in the course's order (lesson, then order within it).
pub fn exercises(units: &[Unit]) -> Vec<&Unit> {
    units.iter().filter(|u| !u.is_lesson()).collect()
}

/// What the learner has done: the exercises that passed, and how many hints each has shown.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Package names of the exercises whose every case passed.
    #[serde(default)]
    pub done: BTreeSet<String>,
    /// Per package, how many of its hints have been shown so far.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hints_shown: BTreeMap<String, usize>,
}

/// What reading the progress file found.
#[derive(Debug)]
pub enum Stored {
    Read(Progress),
    Missing,
    /// The file is there but is not a progress file; the reason says why.
    Corrupt(String),
}

impl Progress {
    pub fn path(root: &Path) -> PathBuf {
        root.join(STATE_FILE)
    }

    /// Reads the progress file as it is, without rebuilding anything.
    pub fn read(root: &Path) -> Stored {
        let path = Progress::path(root);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Stored::Missing,
            Err(e) => return Stored::Corrupt(format!("cannot read it: {e}")),
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return Stored::Corrupt("it is not text".into());
        };
        // A file with no keys at all (emptied, or truncated by a full disk) is damage, not
        // "nothing done": saving always writes `done`, even when it is empty.
        match toml::from_str::<toml::Table>(&text) {
            Ok(table) if table.is_empty() => {
                return Stored::Corrupt("it is empty; saved progress always holds `done`".into());
            }
            _ => {}
        }
        match toml::from_str(&text) {
            Ok(progress) => Stored::Read(progress),
            Err(e) => Stored::Corrupt(e.message().trim().to_owned()),
        }
    }

    /// Writes the progress file whole or not at all, so a crash never leaves half of it.
    pub fn save(&self, root: &Path) -> anyhow::Result<()> {
        let body = toml::to_string(self).context("cannot write progress as TOML")?;
        write_atomically(
            &Progress::path(root),
            format!("{STATE_HEADER}{body}").as_bytes(),
        )
    }

    pub fn is_done(&self, package: &str) -> bool {
        self.done.contains(package)
    }

    pub fn mark_done(&mut self, package: &str) {
        self.done.insert(package.to_owned());
    }

    pub fn mark_not_done(&mut self, package: &str) {
        self.done.remove(package);
    }

    /// The exercise the learner is on: the first one, in the course's order, not done yet.
    pub fn current<'a>(&self, exercises: &[&'a Unit]) -> Option<&'a Unit> {
        exercises
            .iter()
            .copied()
            .find(|u| !self.is_done(&u.package))
    }

    /// How many of `exercises` are done (entries for exercises no longer in the course do not count).
    pub fn done_count(&self, exercises: &[&Unit]) -> usize {
        exercises
            .iter()
            .filter(|u| self.is_done(&u.package))
            .count()
    }
}

/// The progress file, or, when it is missing or unreadable, progress rebuilt from the checks
/// and saved. `say` gets the one line telling the learner it was rebuilt, before the checking.
///
/// Only edited exercises are checked: a starting point never passes, so an untouched
/// exercise is not done without building it.
pub fn load_or_rebuild(
    root: &Path,
    exercises: &[&Unit],
    say: impl FnOnce(&str),
) -> anyhow::Result<Progress> {
    let why = match Progress::read(root) {
        Stored::Read(progress) => return Ok(progress),
        Stored::Missing => "no progress file yet".to_owned(),
        Stored::Corrupt(reason) => format!("the progress file could not be read ({reason})"),
    };
    let edited: Vec<&Unit> = exercises
        .iter()
        .copied()
        .filter(|u| is_edited(u).unwrap_or(true))
        .collect();
    say(&match edited.len() {
        0 => {
            format!("{why}: starting {STATE_FILE} afresh (no exercise is edited, so none is done)")
        }
        n => format!(
            "{why}: rebuilding {STATE_FILE} by checking the {n} exercise(s) you have edited"
        ),
    });
    let mut progress = Progress::default();
    for checked in check(root, &edited, None)? {
        if checked.outcome.passed() {
            progress.mark_done(&checked.unit.package);
        }
    }
    progress.save(root)?;
    Ok(progress)
}

/// How checking one exercise went.
#[derive(Debug)]
pub enum Outcome {
    /// The compiler's errors.
    DoesNotCompile(String),
    /// Every case of its spec, run and judged.
    Ran(Vec<CaseResult>),
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Ran(results) if results.iter().all(CaseResult::passed))
    }
}

/// One exercise, checked.
#[derive(Debug)]
pub struct Checked<'a> {
    pub unit: &'a Unit,
    pub outcome: Outcome,
}

/// Builds `exercises` in the workspace at `root` and checks every case of each against its
/// spec, the way `cargo xtask check` does. `target_dir` defaults to cargo's usual one
/// (`CARGO_TARGET_DIR` when set).
pub fn check<'a>(
    root: &Path,
    exercises: &[&'a Unit],
    target_dir: Option<&Path>,
) -> anyhow::Result<Vec<Checked<'a>>> {
    if exercises.is_empty() {
        return Ok(Vec::new());
    }
    // A broken spec is the course's fault, not the learner's: it stops here with file and line.
    let specs: Vec<Spec> = exercises
        .iter()
        .map(|u| Spec::load(&u.spec_path()))
        .collect::<Result<_, _>>()?;
    let packages: Vec<&str> = exercises.iter().map(|u| u.package.as_str()).collect();
    let mut build = workspace::build(root, &packages, target_dir)?;
    // Cargo stops scheduling at the first compile error, so a package it never got to
    // is built alone to learn whether it compiles.
    for package in &packages {
        let package = *package;
        if !build.binaries.contains_key(package) && !build.errors.contains_key(package) {
            let alone = workspace::build(root, &[package], target_dir)?;
            build.binaries.extend(alone.binaries);
            build.errors.extend(alone.errors);
        }
    }
    let mut checked = Vec::new();
    for (unit, spec) in exercises.iter().zip(&specs) {
        let outcome = match build.binaries.get(&unit.package) {
            Some(binary) => Outcome::Ran(
                spec.cases
                    .iter()
                    .map(|case| check_case(&Program::binary(binary), case, Trust::Course))
                    .collect(),
            ),
            None => Outcome::DoesNotCompile(
                build
                    .errors
                    .get(&unit.package)
                    .cloned()
                    .unwrap_or_else(|| "cargo built no binary for it".into()),
            ),
        };
        checked.push(Checked { unit, outcome });
    }
    Ok(checked)
}

/// The learner's working copy of an exercise.
pub fn main_path(unit: &Unit) -> PathBuf {
    unit.dir.join("src/main.rs")
}

/// The pristine starting point the working copy began as.
pub fn start_path(unit: &Unit) -> PathBuf {
    unit.dir.join("start.rs")
}

fn start_bytes(unit: &Unit) -> anyhow::Result<Vec<u8>> {
    let path = start_path(unit);
    std::fs::read(&path).with_context(|| {
        format!(
            "{} has no starting point to compare with or restore ({})",
            unit.package,
            path.display()
        )
    })
}

/// Whether the working copy differs from the starting point. A missing working copy holds
/// no work, so it counts as not edited.
pub fn is_edited(unit: &Unit) -> anyhow::Result<bool> {
    let start = start_bytes(unit)?;
    match std::fs::read(main_path(unit)) {
        Ok(main) => Ok(main != start),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", main_path(unit).display())),
    }
}

/// Puts the starting point back, byte for byte, in place of the working copy.
pub fn reset(unit: &Unit) -> anyhow::Result<()> {
    let start = start_bytes(unit)?;
    let main = main_path(unit);
    write_atomically(&main, &start)?;
    // The atomic write leaves a private temp file's mode; give it the starting point's.
    let mode = std::fs::metadata(start_path(unit))?.permissions();
    std::fs::set_permissions(&main, mode)
        .with_context(|| format!("cannot set the permissions of {}", main.display()))?;
    Ok(())
}

/// The hints of an exercise, from its `hints.md`, in the order they are meant to be read.
pub fn hints(unit: &Unit) -> anyhow::Result<Vec<String>> {
    let path = unit.dir.join("hints.md");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} has no hints ({})", unit.package, path.display()))?;
    let hints = split_hints(&text);
    anyhow::ensure!(
        !hints.is_empty(),
        "{} holds no hints; separate them by lines holding only `---`",
        path.display()
    );
    Ok(hints)
}

/// Splits hints.md at lines holding only `---`; blank hints are dropped.
pub fn split_hints(text: &str) -> Vec<String> {
    let mut hints = vec![String::new()];
    for line in text.lines() {
        if line.trim() == "---" {
            hints.push(String::new());
        } else {
            let hint = hints.last_mut().expect("never empty");
            hint.push_str(line);
            hint.push('\n');
        }
    }
    hints
        .into_iter()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect()
}

/// A README's opening: its title and everything up to the second `## ` heading (the
/// story and the task), for announcing an exercise.
pub fn readme_opening(unit: &Unit) -> anyhow::Result<String> {
    let path = unit.dir.join("README.md");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(opening(&text))
}

fn opening(text: &str) -> String {
    let mut out = String::new();
    let mut sections = 0;
    for line in text.lines() {
        if line.starts_with("## ") {
            sections += 1;
            if sections == 2 {
                break;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Role;

    fn unit(dir: &Path, package: &str) -> Unit {
        Unit {
            package: package.into(),
            role: Role::Exercise {
                lesson: "lesson-thread".into(),
                order: 1,
                title: "A title".into(),
            },
            dir: dir.to_owned(),
        }
    }

    /// An exercise folder with a starting point and a working copy equal to it.
    fn exercise_folder(package: &str) -> (tempfile::TempDir, Unit) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("start.rs"), "fn main() {}\n").unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        let unit = unit(dir.path(), package);
        (dir, unit)
    }

    #[test]
    fn hints_split_at_dash_lines_only() {
        let text = "First, about `a---b`.\n\n---\nSecond\nacross lines.\n  ---  \nThird.\n---\n\n";
        assert_eq!(
            split_hints(text),
            ["First, about `a---b`.", "Second\nacross lines.", "Third."]
        );
        assert!(split_hints("---\n---\n").is_empty());
    }

    #[test]
    fn current_is_the_first_exercise_not_done() {
        let dir = tempfile::tempdir().unwrap();
        let units: Vec<Unit> = ["a", "b", "c"]
            .iter()
            .map(|p| unit(dir.path(), p))
            .collect();
        let all: Vec<&Unit> = units.iter().collect();
        let mut progress = Progress::default();
        assert_eq!(progress.current(&all).unwrap().package, "a");
        progress.mark_done("a");
        progress.mark_done("c");
        assert_eq!(progress.current(&all).unwrap().package, "b");
        progress.mark_done("b");
        assert!(progress.current(&all).is_none());
        progress.mark_done("gone-from-the-course");
        assert_eq!(progress.done_count(&all), 3);
    }

    #[test]
    fn progress_round_trips_through_its_file() {
        let root = tempfile::tempdir().unwrap();
        assert!(matches!(Progress::read(root.path()), Stored::Missing));
        let mut progress = Progress::default();
        progress.mark_done("exercise-01a");
        progress.hints_shown.insert("exercise-01b".into(), 2);
        progress.save(root.path()).unwrap();
        match Progress::read(root.path()) {
            Stored::Read(read) => assert_eq!(read, progress),
            other => panic!("{other:?}"),
        }
        let text = std::fs::read_to_string(Progress::path(root.path())).unwrap();
        assert!(text.starts_with("# Your progress"), "{text}");
    }

    #[test]
    fn garbage_and_strangers_are_corrupt_not_errors() {
        let root = tempfile::tempdir().unwrap();
        for garbage in [
            &b"done = [1, 2"[..],
            b"done = \"all of them\"",
            b"finished = []",
            b"\xff\xfe\x00binary",
            b"",
            b"  \n# only a comment\n",
        ] {
            std::fs::write(Progress::path(root.path()), garbage).unwrap();
            assert!(
                matches!(Progress::read(root.path()), Stored::Corrupt(_)),
                "{:?}",
                String::from_utf8_lossy(garbage)
            );
        }
    }

    #[test]
    fn a_missing_file_with_nothing_edited_is_rebuilt_without_building() {
        let root = tempfile::tempdir().unwrap();
        let (_dir, unit) = exercise_folder("exercise-untouched");
        std::fs::write(Progress::path(root.path()), "not = [toml").unwrap();
        let mut said = String::new();
        // Nothing is edited, so nothing is built: the root need not even be a workspace.
        let progress = load_or_rebuild(root.path(), &[&unit], |s| said = s.to_owned()).unwrap();
        assert_eq!(progress, Progress::default());
        assert!(said.contains("could not be read"), "{said}");
        assert!(said.contains("no exercise is edited"), "{said}");
        assert!(matches!(Progress::read(root.path()), Stored::Read(_)));
    }

    #[test]
    fn reset_restores_the_starting_point_byte_for_byte() {
        let (dir, unit) = exercise_folder("exercise-edited");
        assert!(!is_edited(&unit).unwrap());
        std::fs::write(main_path(&unit), "fn main() { println!(\"mine\"); }\n").unwrap();
        assert!(is_edited(&unit).unwrap());
        reset(&unit).unwrap();
        assert!(!is_edited(&unit).unwrap());
        assert_eq!(
            std::fs::read(main_path(&unit)).unwrap(),
            std::fs::read(dir.path().join("start.rs")).unwrap()
        );
        std::fs::remove_file(main_path(&unit)).unwrap();
        assert!(
            !is_edited(&unit).unwrap(),
            "a missing working copy holds no work"
        );
        reset(&unit).unwrap();
        assert!(main_path(&unit).is_file());
    }

    #[test]
    fn the_opening_stops_before_the_second_section() {
        let text = "# Exercise\n\nStory.\n\n## Your task\n\nDo it.\n\n## What the output must show\n\nLines.\n";
        assert_eq!(
            opening(text),
            "# Exercise\n\nStory.\n\n## Your task\n\nDo it."
        );
    }
}
