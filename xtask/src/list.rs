//! `cargo xtask list`: the lessons in the notes' order, read from each package's metadata.

use std::path::Path;
use std::process::ExitCode;

use course::{Role, workspace};

#[derive(clap::Args)]
pub struct Args {
    /// Also list the exercises under each lesson.
    #[arg(long)]
    exercises: bool,
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let units = workspace::units(root)?;
    let width = units
        .iter()
        .filter(|u| args.exercises || u.is_lesson())
        .map(|u| u.package.len())
        .max()
        .unwrap_or(7);
    println!("{:>2}  {:<width$}  section", "#", "package");
    for unit in units.iter().filter(|u| u.is_lesson()) {
        if let Role::Lesson { number, section } = &unit.role {
            println!("{number:>2}  {:<width$}  {section}", unit.package);
        }
        if args.exercises {
            for ex in &units {
                if let Role::Exercise { lesson, title, .. } = &ex.role
                    && *lesson == unit.package
                {
                    println!("    {:<width$}  {title}", ex.package);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
