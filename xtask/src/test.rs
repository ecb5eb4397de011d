//! `cargo xtask test`: the README's test command, `cargo test --workspace` once the exercises' working copies exist.
//!
//! The exercises' `src/main.rs` files are the learner's own and untracked, so a fresh clone has
//! none and a bare `cargo test --workspace` would stop at "can't find bin". `main` writes them
//! from their starting points before any command runs; this one then hands over to cargo.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

#[derive(clap::Args)]
pub struct Args {
    /// Passed on to `cargo test --workspace`, e.g. `-- grade::` to run one module.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CARGO TEST ARGS"
    )]
    args: Vec<OsString>,
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
