//! Shared bits of xtask's terminal output and set-up: the workspace root and status words.

use std::path::{Path, PathBuf};

use course::Package;

/// The course checkout to work on: `--root DIR` when given, else the one xtask belongs to.
pub fn root(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => {
            anyhow::ensure!(
                dir.join("Cargo.toml").is_file(),
                "--root {}: no Cargo.toml there; give the folder of a course checkout",
                dir.display()
            );
            Ok(dir.canonicalize()?)
        }
        None => Ok(Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives one level below the workspace root")
            .to_owned()),
    }
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
