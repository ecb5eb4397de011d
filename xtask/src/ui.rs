//! Shared bits of xtask's terminal output and set-up: the workspace root and status words.

use std::path::PathBuf;

use anyhow::Context;

use course::Package;

/// The course checkout to work on: `--root DIR` when given, else the workspace holding the
/// current directory, found by walking up as cargo does. Never a path fixed when xtask was
/// built: a moved or copied checkout must act on itself, not on the one it was copied from.
pub fn root(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let root = match given {
        Some(dir) => {
            anyhow::ensure!(
                dir.join("Cargo.toml").is_file(),
                "--root {}: no Cargo.toml there; give the folder of a course checkout",
                dir.display()
            );
            dir.canonicalize()?
        }
        None => {
            let here = std::env::current_dir()
                .context("cannot tell the current directory; pass --root DIR")?;
            course::workspace::find_root(&here)?.canonicalize()?
        }
    };
    anyhow::ensure!(
        root.join("lessons").is_dir(),
        "{} is a Cargo workspace but not this course (no lessons/ folder); \
         run cargo xtask inside the course checkout, or pass --root DIR",
        root.display()
    );
    Ok(root)
}

/// "3. lesson-multithreading — Multithreading", the way every command names a package.
pub fn label(package: &Package) -> String {
    match &package.role {
        course::Role::Lesson { number, section } => {
            format!("{number}. {} — {section}", package.name)
        }
        course::Role::Exercise { title, .. } => format!("{} — {title}", package.name),
    }
}

pub fn seconds(d: std::time::Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}
