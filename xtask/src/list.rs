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
    let packages = workspace::packages(root)?;
    let width = packages
        .iter()
        .filter(|u| args.exercises || u.is_lesson())
        .map(|u| u.name.len())
        .max()
        .unwrap_or(7);
    println!("{:>2}  {:<width$}  section", "#", "package");
    for package in packages.iter().filter(|u| u.is_lesson()) {
        if let Role::Lesson { number, section } = &package.role {
            println!("{number:>2}  {:<width$}  {section}", package.name);
        }
        if args.exercises {
            for ex in &packages {
                if let Role::Exercise { lesson, title, .. } = &ex.role
                    && *lesson == package.name
                {
                    println!("    {:<width$}  {title}", ex.name);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
