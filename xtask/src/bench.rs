//! `cargo xtask bench`: builds the bench binary optimised (`--release`) and runs it.
//!
//! The bench is a program of its own (`crates/bench`), so xtask links none of it:
//! plotters, chrono, indicatif and an optimised tokio are compiled only when the
//! bench is asked for, never for `cargo xtask list` or `watch`.

use crate::cli;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::Context;

pub struct Args {
    options: Vec<OsString>,
}

pub fn command() -> clap::Command {
    clap::Command::new("bench")
        .about("Measure the notes' claims: the cost of a thread, a process and a task, Rust beside Python")
        .disable_help_flag(true)
        .arg(cli::passed_on(
            "options",
            "OPTIONS",
            "The bench's own options (`cargo xtask bench --help` lists them): --quick, --python, \
             --out DIR, --runs N, --scale FACTOR, --python-bin PATH",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            options: cli::os_strings(m, "options"),
        }
    }
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The bench measures what an optimised program pays, so it is built in the release
    // profile; the lessons it runs are built by the bench itself, as learners build them.
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["run", "--quiet", "--release", "--package", "bench", "--"])
        .args(&args.options)
        .status()
        .context("cannot run cargo to build the bench")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
