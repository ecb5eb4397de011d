//! `cargo xtask hint [EXERCISE]`: the next hint of an exercise (the current one by default), one at a time.

use crate::cli;
use std::path::Path;
use std::process::ExitCode;

use course::Package;
use course::exercise::{self, Progress};

use crate::progress::Study;
use crate::ui;

pub struct Args {
    exercise: Option<String>,
    all: bool,
}

pub fn command() -> clap::Command {
    clap::Command::new("hint")
        .about("The next hint of an exercise (the one you are on when none is named)")
        .arg(clap::Arg::new("exercise").value_name("EXERCISE").help(
            "The exercise (package, folder or code like `01a`); the one you are on when left out",
        ))
        .arg(cli::flag(
            "all",
            "Show every hint at once instead of the next one",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            exercise: m.get_one::<String>("exercise").cloned(),
            all: m.get_flag("all"),
        }
    }
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let mut study = Study::load(root)?;
    let package = match &args.exercise {
        Some(name) => study.find(name)?.clone(),
        None => match study.current() {
            Some(package) => package.clone(),
            None => anyhow::bail!(
                "every exercise is done, so there is no current one; name one, e.g. `cargo xtask hint {}`",
                study.exercises()[0].name
            ),
        },
    };
    print!("{}", next_hint(&package, &mut study.progress, args.all)?);
    study.progress.save(root)?;
    Ok(ExitCode::SUCCESS)
}

/// The next hint of `package` (or all of them), counted in `progress`; the last one repeats.
pub fn next_hint(package: &Package, progress: &mut Progress, all: bool) -> anyhow::Result<String> {
    let hints = exercise::hints(package)?;
    let total = hints.len();
    let mut out = format!("{}\n", ui::label(package));
    if all {
        for (i, hint) in hints.iter().enumerate() {
            out.push_str(&format!("\nhint {} of {total}:\n{}\n", i + 1, indent(hint)));
        }
        progress.hints_shown.insert(package.name.clone(), total);
        return Ok(out);
    }
    let shown = progress
        .hints_shown
        .get(&package.name)
        .copied()
        .unwrap_or(0);
    let n = (shown + 1).min(total);
    progress.hints_shown.insert(package.name.clone(), n);
    out.push_str(&format!(
        "\nhint {n} of {total}:\n{}\n\n",
        indent(&hints[n - 1])
    ));
    if n < total {
        out.push_str(&format!(
            "Still stuck? `cargo xtask hint {}` again shows the next one.\n",
            package.name
        ));
    } else {
        let lesson = match &package.role {
            course::Role::Exercise { lesson, .. } => lesson.as_str(),
            course::Role::Lesson { .. } => package.name.as_str(),
        };
        out.push_str(&format!(
            "That was the last hint; `--all` shows them all. The lesson may help too: `cargo run -p {lesson}`.\n"
        ));
    }
    Ok(out)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
