//! `cargo xtask test`: the README's test command, `cargo test --workspace` once the exercises' working copies exist.
//!
//! The exercises' `src/main.rs` files are the learner's own and untracked, so a fresh clone has
//! none and a bare `cargo test --workspace` would stop at "can't find bin". `main` writes them
//! from their starting points before any command runs; this one then hands over to cargo.

use crate::cli;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

pub struct Args {
    args: Vec<OsString>,
}

pub fn command() -> clap::Command {
    clap::Command::new("test")
        .about("The tests: `cargo test --workspace` once every exercise has its working copy")
        .arg(cli::passed_on(
            "args",
            "CARGO TEST ARGS",
            "Passed on to `cargo test --workspace`, e.g. `-- grade::` to run one module",
        ))
}

impl Args {
    pub fn from(m: &clap::ArgMatches) -> Args {
        Args {
            args: cli::os_strings(m, "args"),
        }
    }
}

pub fn main(args: Args, root: &Path) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--workspace"])
        .args(&args.args)
        .current_dir(root)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run cargo test: {e}"))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
