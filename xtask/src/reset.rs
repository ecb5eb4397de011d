//! `cargo xtask reset EXERCISE`: put the starting point back, asking first and keeping a backup of the work.

use crate::cli;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use course::exercise;

use crate::progress::{Study, relative};

pub struct Args {
    exercise: String,
    yes: bool,
}

pub fn command() -> clap::Command {
    clap::Command::new("reset")
        .about("Put an exercise's starting point back (asks before throwing your changes away)")
        .arg(
            clap::Arg::new("exercise")
                .value_name("EXERCISE")
                .required(true)
                .help("The exercise to start over (package, folder or code like `01a`)"),
        )
        .arg(cli::flag("yes", "Throw away your changes without asking").short('y'))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            exercise: m.get_one::<String>("exercise").cloned().unwrap_or_default(),
            yes: m.get_flag("yes"),
        }
    }
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let mut study = Study::load(root)?;
    let package = study.find(&args.exercise)?.clone();
    let main = relative(root, &exercise::main_path(&package));
    if exercise::is_edited(&package)? && !args.yes {
        let stdin = std::io::stdin();
        anyhow::ensure!(
            stdin.is_terminal(),
            "{main} has changes of yours and there is no terminal to ask whether to throw them away; \
             pass --yes to reset it anyway: cargo xtask reset {} --yes",
            package.name
        );
        eprint!("put {main} back at its starting point? (your changes go to a backup) [y/N] ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            println!("kept your changes to {main}; nothing was reset");
            return Ok(ExitCode::FAILURE);
        }
    }
    let backup = exercise::reset(&package)?;
    // The starting point never passes, so the exercise is to do again.
    study.progress.mark_not_done(&package.name);
    study.progress.save(root)?;
    println!(
        "{main} is back at its starting point; {} is to do again",
        package.name
    );
    if let Some(backup) = backup {
        println!("your work is kept in {}", relative(root, &backup));
    }
    Ok(ExitCode::SUCCESS)
}
