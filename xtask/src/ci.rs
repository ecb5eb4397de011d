//! `cargo xtask ci`: runs `.ci/run`, the one list of what CI does, so green here means green there.

use std::path::Path;
use std::process::{Command, ExitCode};

pub fn main(root: &Path) -> anyhow::Result<ExitCode> {
    let status = Command::new("bash")
        .arg(root.join(".ci/run"))
        .current_dir(root)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run .ci/run with bash: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
