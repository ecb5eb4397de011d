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
use crate::files::write_atomically;
use crate::spec::Spec;
use crate::workspace::{self, Package};

/// The progress file, relative to the workspace root.
pub const STATE_FILE: &str = ".course-progress.toml";

const STATE_HEADER: &str = "# Your progress through the exercises (`cargo xtask progress` shows it).\n\
# Safe to delete: it is rebuilt by checking the exercises you have edited.\n\n";

/// The exercises among `packages`, in the course's order (lesson, then order within it).
pub fn exercises(packages: &[Package]) -> Vec<&Package> {
    packages.iter().filter(|u| !u.is_lesson()).collect()
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
    pub fn current<'a>(&self, exercises: &[&'a Package]) -> Option<&'a Package> {
        exercises.iter().copied().find(|u| !self.is_done(&u.name))
    }

    /// How many of `exercises` are done (entries for exercises no longer in the course do not count).
    pub fn done_count(&self, exercises: &[&Package]) -> usize {
        exercises.iter().filter(|u| self.is_done(&u.name)).count()
    }
}

/// The progress file, or, when it is missing or unreadable, progress rebuilt from the checks
/// and saved. `say` gets the one line telling the learner it was rebuilt, before the checking.
///
/// Only edited exercises are checked: a starting point never passes, so an untouched
/// exercise is not done without building it.
pub fn load_or_rebuild(
    root: &Path,
    exercises: &[&Package],
    say: impl FnOnce(&str),
) -> anyhow::Result<Progress> {
    let why = match Progress::read(root) {
        Stored::Read(progress) => return Ok(progress),
        Stored::Missing => "no progress file yet".to_owned(),
        Stored::Corrupt(reason) => format!("the progress file could not be read ({reason})"),
    };
    let edited: Vec<&Package> = exercises
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
            progress.mark_done(&checked.package.name);
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
    pub package: &'a Package,
    pub outcome: Outcome,
}

/// Builds `exercises` in the workspace at `root` and checks every case of each against its
/// spec, the way `cargo xtask check` does. `target_dir` defaults to cargo's usual one
/// (`CARGO_TARGET_DIR` when set).
pub fn check<'a>(
    root: &Path,
    exercises: &[&'a Package],
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
    let packages: Vec<&str> = exercises.iter().map(|u| u.name.as_str()).collect();
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
    for (package, spec) in exercises.iter().zip(&specs) {
        let outcome = match build.binaries.get(&package.name) {
            Some(binary) => Outcome::Ran(
                spec.cases
                    .iter()
                    .map(|case| check_case(&Program::binary(binary), case, Trust::Course))
                    .collect(),
            ),
            None => Outcome::DoesNotCompile(
                build
                    .errors
                    .get(&package.name)
                    .cloned()
                    .unwrap_or_else(|| "cargo built no binary for it".into()),
            ),
        };
        checked.push(Checked { package, outcome });
    }
    Ok(checked)
}

/// The learner's working copy of an exercise: not tracked by git, written from the
/// starting point the first time any `cargo xtask` command runs (see [`sync`]).
pub fn main_path(package: &Package) -> PathBuf {
    package.dir.join("src/main.rs")
}

/// The pristine starting point, the one copy the course keeps (tracked by git).
pub fn start_path(package: &Package) -> PathBuf {
    package.dir.join("start.rs")
}

/// The starting point the working copy was written from, kept beside it (untracked) so a
/// course update that changes the starting point can be told from the learner's own edits.
pub fn started_path(package: &Package) -> PathBuf {
    package.dir.join(".started.rs")
}

/// Where `reset` keeps the learner's work before putting the starting point back: outside
/// `src/`, so cargo never builds it and watch never reacts to it.
pub fn backup_dir(package: &Package) -> PathBuf {
    package.dir.join("backup")
}

fn start_bytes(package: &Package) -> anyhow::Result<Vec<u8>> {
    let path = start_path(package);
    std::fs::read(&path).with_context(|| {
        format!(
            "{} has no starting point to compare with or restore ({})",
            package.name,
            path.display()
        )
    })
}

/// The contents of `path`, or `None` if there is no such file.
fn read_if_there(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Whether the working copy differs from the starting point. A missing working copy holds
/// no work, so it counts as not edited.
pub fn is_edited(package: &Package) -> anyhow::Result<bool> {
    let start = start_bytes(package)?;
    Ok(read_if_there(&main_path(package))?.is_some_and(|main| main != start))
}

/// What [`sync`] did to one exercise's working copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Synced {
    /// Nothing to do: the working copy began as today's starting point.
    Current,
    /// There was no working copy: the starting point was written.
    Created,
    /// A course update changed the starting point of an exercise the learner had not
    /// touched: the new starting point replaced the old one.
    Updated,
    /// A course update changed the starting point, but the learner has edited the exercise:
    /// the work is kept, and `cargo xtask reset` would take the new starting point.
    Changed,
}

/// Brings every exercise's working copy in step with the course ([`sync`] each), before
/// any command reads them: writes missing ones (a fresh clone has none), follows a course
/// update where the learner has not edited, and tells `say` what the learner should know
/// (a new starting point, or one held back to keep their work), paths relative to `root`.
pub fn sync_all(
    root: &Path,
    packages: &[Package],
    mut say: impl FnMut(&str),
) -> anyhow::Result<()> {
    for package in exercises(packages) {
        let main = main_path(package);
        let main = main.strip_prefix(root).unwrap_or(&main).display();
        match sync(package)? {
            Synced::Current | Synced::Created => {}
            Synced::Updated => say(&format!(
                "note: {main} has a new starting point from a course update (you had not edited it)"
            )),
            Synced::Changed => say(&format!(
                "note: a course update changed the starting point of {}; your work in {main} is kept. \
                 `cargo xtask reset {}` takes the new one (your work goes to a backup first)",
                package.name, package.name
            )),
        }
    }
    Ok(())
}

/// Brings a working copy in step with the course: writes a missing one, and after a course
/// update (`git pull`) that changed the starting point, replaces an untouched working copy
/// with the new one. The learner's edits are never overwritten.
pub fn sync(package: &Package) -> anyhow::Result<Synced> {
    let start = start_bytes(package)?;
    let main = main_path(package);
    let started = started_path(package);
    let Some(work) = read_if_there(&main)? else {
        write_start(package, &start)?;
        return Ok(Synced::Created);
    };
    match read_if_there(&started)? {
        Some(base) if base == start => Ok(Synced::Current),
        // The starting point moved on; the learner's copy is still the old one, untouched.
        Some(base) if base == work => {
            write_start(package, &start)?;
            Ok(Synced::Updated)
        }
        Some(_) if work == start => {
            write_atomically(&started, &start)?;
            Ok(Synced::Current)
        }
        Some(_) => Ok(Synced::Changed),
        // No record of where the work began (a checkout from before the records, or the
        // record was deleted): today's starting point is the base from now on.
        None => {
            write_atomically(&started, &start)?;
            Ok(Synced::Current)
        }
    }
}

/// Writes the starting point as the working copy, and records it as the copy's base.
fn write_start(package: &Package, start: &[u8]) -> anyhow::Result<()> {
    let main = main_path(package);
    if let Some(src) = main.parent() {
        std::fs::create_dir_all(src).with_context(|| format!("cannot create {}", src.display()))?;
    }
    write_atomically(&main, start)?;
    // The atomic write leaves a private temp file's mode; give it the starting point's.
    let mode = std::fs::metadata(start_path(package))?.permissions();
    std::fs::set_permissions(&main, mode)
        .with_context(|| format!("cannot set the permissions of {}", main.display()))?;
    write_atomically(&started_path(package), start)
}

/// Puts the starting point back, byte for byte, in place of the working copy. Work that
/// differs from it is first copied to `backup/main-N.rs` (the lowest free N), whose path is
/// returned, so nothing a learner wrote is lost.
pub fn reset(package: &Package) -> anyhow::Result<Option<PathBuf>> {
    let start = start_bytes(package)?;
    let backup = match read_if_there(&main_path(package))? {
        Some(work) if work != start => {
            let dir = backup_dir(package);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let path = (1..)
                .map(|n| dir.join(format!("main-{n}.rs")))
                .find(|p| !p.exists())
                .expect("some backup number is free");
            write_atomically(&path, &work)?;
            Some(path)
        }
        _ => None,
    };
    write_start(package, &start)?;
    Ok(backup)
}

/// The hints of an exercise, from its `hints.md`, in the order they are meant to be read.
pub fn hints(package: &Package) -> anyhow::Result<Vec<String>> {
    let path = package.dir.join("hints.md");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} has no hints ({})", package.name, path.display()))?;
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
pub fn readme_opening(package: &Package) -> anyhow::Result<String> {
    let path = package.dir.join("README.md");
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

    fn exercise_package(dir: &Path, name: &str) -> Package {
        Package {
            name: name.into(),
            critical_path: None,
            role: Role::Exercise {
                lesson: "lesson-thread".into(),
                order: 1,
                title: "A title".into(),
            },
            dir: dir.to_owned(),
        }
    }

    /// An exercise folder with a starting point and a working copy equal to it.
    fn exercise_folder(name: &str) -> (tempfile::TempDir, Package) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("start.rs"), "fn main() {}\n").unwrap();
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        let package = exercise_package(dir.path(), name);
        (dir, package)
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
        let packages: Vec<Package> = ["a", "b", "c"]
            .iter()
            .map(|p| exercise_package(dir.path(), p))
            .collect();
        let all: Vec<&Package> = packages.iter().collect();
        let mut progress = Progress::default();
        assert_eq!(progress.current(&all).unwrap().name, "a");
        progress.mark_done("a");
        progress.mark_done("c");
        assert_eq!(progress.current(&all).unwrap().name, "b");
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
        let (_dir, package) = exercise_folder("exercise-untouched");
        std::fs::write(Progress::path(root.path()), "not = [toml").unwrap();
        let mut said = String::new();
        // Nothing is edited, so nothing is built: the root need not even be a workspace.
        let progress = load_or_rebuild(root.path(), &[&package], |s| said = s.to_owned()).unwrap();
        assert_eq!(progress, Progress::default());
        assert!(said.contains("could not be read"), "{said}");
        assert!(said.contains("no exercise is edited"), "{said}");
        assert!(matches!(Progress::read(root.path()), Stored::Read(_)));
    }

    #[test]
    fn reset_restores_the_starting_point_and_backs_the_work_up() {
        let (dir, package) = exercise_folder("exercise-edited");
        assert!(!is_edited(&package).unwrap());
        let mine = "fn main() { println!(\"mine\"); }\n";
        std::fs::write(main_path(&package), mine).unwrap();
        assert!(is_edited(&package).unwrap());
        let backup = reset(&package).unwrap().expect("the work is backed up");
        assert!(
            !backup.starts_with(dir.path().join("src")),
            "{}",
            backup.display()
        );
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), mine);
        assert!(!is_edited(&package).unwrap());
        assert_eq!(
            std::fs::read(main_path(&package)).unwrap(),
            std::fs::read(dir.path().join("start.rs")).unwrap()
        );
        // A second reset of new work keeps the first backup and writes another.
        std::fs::write(main_path(&package), "fn main() {} // again\n").unwrap();
        let second = reset(&package).unwrap().unwrap();
        assert_ne!(second, backup);
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), mine);
        // Nothing to keep: no backup.
        assert_eq!(reset(&package).unwrap(), None);
        std::fs::remove_file(main_path(&package)).unwrap();
        assert!(
            !is_edited(&package).unwrap(),
            "a missing working copy holds no work"
        );
        assert_eq!(reset(&package).unwrap(), None);
        assert!(main_path(&package).is_file());
    }

    #[test]
    fn a_course_update_reaches_untouched_exercises_and_spares_edited_ones() {
        let (dir, package) = exercise_folder("exercise-updated");
        std::fs::remove_file(main_path(&package)).unwrap();
        assert_eq!(sync(&package).unwrap(), Synced::Created);
        assert_eq!(sync(&package).unwrap(), Synced::Current);
        // `git pull` brings a new starting point; the untouched copy follows it.
        let new_start = "fn main() { println!(\"v2\"); }\n";
        std::fs::write(dir.path().join("start.rs"), new_start).unwrap();
        assert_eq!(sync(&package).unwrap(), Synced::Updated);
        assert_eq!(
            std::fs::read_to_string(main_path(&package)).unwrap(),
            new_start
        );
        // The learner edits; the next update keeps the work and says so.
        let mine = "fn main() { println!(\"mine\"); }\n";
        std::fs::write(main_path(&package), mine).unwrap();
        assert_eq!(sync(&package).unwrap(), Synced::Current);
        std::fs::write(dir.path().join("start.rs"), "fn main() {} // v3\n").unwrap();
        assert_eq!(sync(&package).unwrap(), Synced::Changed);
        assert_eq!(std::fs::read_to_string(main_path(&package)).unwrap(), mine);
        // Taking the new starting point keeps the work in a backup.
        let backup = reset(&package).unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(backup).unwrap(), mine);
        assert_eq!(sync(&package).unwrap(), Synced::Current);
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
