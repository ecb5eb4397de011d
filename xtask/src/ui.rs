//! Shared bits of xtask's terminal output: how a package is named, and seconds.

use course::Package;

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
