//! `cargo xtask progress`: a bar and the exercises lesson by lesson, done, current or to do;
//! also the loading of progress and the naming of exercises that hint, reset and watch share.

use std::path::Path;
use std::process::ExitCode;

use course::exercise::{self, Progress};
use course::{Package, Role, workspace};

use crate::ui;

pub fn command() -> clap::Command {
    clap::Command::new("progress")
        .about("Your progress through the exercises: a bar and the list, done, current and to do")
}

/// The course's packages and the learner's progress through its exercises.
pub struct Study {
    pub packages: Vec<Package>,
    pub progress: Progress,
}

impl Study {
    /// Reads the packages and the progress file; a missing or corrupt file is rebuilt from the
    /// checks, with one line on stderr saying so.
    pub fn load(root: &Path) -> anyhow::Result<Study> {
        let packages = workspace::packages(root)?;
        let exercises = exercise::exercises(&packages);
        anyhow::ensure!(
            !exercises.is_empty(),
            "this course has no exercises (no package with [package.metadata.exercise])"
        );
        let progress = exercise::load_or_rebuild(root, &exercises, |line| {
            eprintln!("note: {line}");
        })?;
        Ok(Study { packages, progress })
    }

    pub fn exercises(&self) -> Vec<&Package> {
        exercise::exercises(&self.packages)
    }

    pub fn current(&self) -> Option<&Package> {
        self.progress.current(&self.exercises())
    }

    /// The exercise called `name`: its package (`exercise-01a-shared-list`), its folder
    /// (`01a-shared-list`) or its folder's code (`01a`).
    pub fn find(&self, name: &str) -> anyhow::Result<&Package> {
        // The same resolver as every other command; hint, reset and watch then want an exercise.
        let found = workspace::find(&self.packages, name).ok();
        match found {
            Some(package) if !package.is_lesson() => Ok(package),
            _ => {
                let what = if found.is_some() {
                    format!("{name:?} is a lesson, not an exercise")
                } else {
                    format!("no exercise called {name:?}")
                };
                let known: Vec<&str> = self.exercises().iter().map(|p| p.name.as_str()).collect();
                anyhow::bail!(
                    "{what}; name one of these, by package, folder or code like 01a \
                     (`cargo xtask progress` shows where you are): {}",
                    known.join(", ")
                )
            }
        }
    }
}

/// The folder of a package relative to the course root, for telling the learner where to edit.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

pub fn main(root: &Path) -> anyhow::Result<ExitCode> {
    let study = Study::load(root)?;
    print!("{}", report(root, &study));
    Ok(ExitCode::SUCCESS)
}

/// The bar, the list by lesson, and what to do next.
pub fn report(root: &Path, study: &Study) -> String {
    let exercises = study.exercises();
    let done = study.progress.done_count(&exercises);
    let current = study.current();
    let mut out = format!(
        "{} {done}/{} exercises done\n",
        bar(done, exercises.len(), 30),
        exercises.len()
    );
    for lesson in study.packages.iter().filter(|u| u.is_lesson()) {
        let on_it: Vec<&Package> = exercises
            .iter()
            .copied()
            .filter(|u| matches!(&u.role, Role::Exercise { lesson: l, .. } if *l == lesson.name))
            .collect();
        if on_it.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", ui::label(lesson)));
        for package in on_it {
            let (mark, note) = if study.progress.is_done(&package.name) {
                ("✓", "")
            } else if current.is_some_and(|c| c.name == package.name) {
                ("→", "   ← you are here")
            } else {
                ("·", "")
            };
            out.push_str(&format!("  {mark} {}{note}\n", ui::label(package)));
        }
    }
    out.push('\n');
    match current {
        Some(package) => out.push_str(&format!(
            "Next: {}. Edit {}; `cargo xtask watch` checks it on every save.\n",
            package.name,
            relative(root, &exercise::main_path(package))
        )),
        None => out.push_str(&format!(
            "All {} exercises are done. Well done!\n",
            exercises.len()
        )),
    }
    out.push_str("Legend: ✓ done  → current  · to do\n");
    out
}

/// `[#####-----]`: `done` of `total`, `width` characters wide.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(bar(0, 21, 10), "[----------]");
        assert_eq!(bar(5, 10, 10), "[#####-----]");
        assert_eq!(bar(20, 21, 10), "[#########-]");
        assert_eq!(bar(21, 21, 10), "[##########]");
        assert_eq!(bar(0, 0, 4), "[####]");
    }
}
