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
    println!("{:>2}  {:<28}  section", "#", "package");
    for unit in units.iter().filter(|u| u.is_lesson()) {
        if let Role::Lesson { number, section } = &unit.role {
            println!("{number:>2}  {:<28}  {section}", unit.package);
        }
        if args.exercises {
            for ex in &units {
                if let Role::Exercise { lesson, title, .. } = &ex.role
                    && *lesson == unit.package
                {
                    println!("    {:<28}  {title}", ex.package);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
