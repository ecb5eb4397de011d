//! `cargo xtask list`: the lessons in the notes' order, read from each package's metadata.

use crate::cli;
use std::path::Path;
use std::process::ExitCode;

use course::{Role, workspace};

pub struct Args {
    exercises: bool,
}

pub fn command() -> clap::Command {
    clap::Command::new("list")
        .about("List the lessons in the notes' order (and the exercises on each)")
        .arg(cli::flag(
            "exercises",
            "Also list the exercises under each lesson",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            exercises: m.get_flag("exercises"),
        }
    }
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
