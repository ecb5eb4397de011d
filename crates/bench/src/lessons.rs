//! Finds the course's lessons with cargo metadata and builds the ones the bench runs.

use anyhow::{Context, Result, bail};
use cargo_metadata::{Artifact, Message, MetadataCommand};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The five translations and the lesson time their sleeps add up to on the critical path:
/// at scale s, a run can finish no sooner than s times this many seconds.
pub const TRANSLATIONS: [(&str, f64); 5] = [
    ("lesson-thread", 5.0),
    ("lesson-multithreading", 2.0),
    ("lesson-multiprocessing", 2.0),
    ("lesson-asyncio", 2.0),
    ("lesson-asyncio-cpu-bound", 2.0),
];

/// The lesson whose speedup the GIL goal is about.
pub const GIL: &str = "lesson-gil";

/// A built lesson binary and, for a translation, the Python it translates.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub exe: PathBuf,
    pub original: Option<PathBuf>,
}

/// Builds `wanted` (those that exist; a lesson not written yet is simply absent) and returns
/// them by package name.
pub fn build(workspace_root: &Path, wanted: &[&str]) -> Result<BTreeMap<String, Lesson>> {
    let metadata = MetadataCommand::new()
        .manifest_path(workspace_root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("cargo metadata failed")?;
    let lessons: BTreeMap<String, PathBuf> = metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| p.metadata.get("lesson").is_some() && wanted.contains(&p.name.as_str()))
        .map(|p| {
            let dir = p
                .manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf());
            (p.name.to_string(), dir.unwrap_or_default())
        })
        .collect();
    if lessons.is_empty() {
        return Ok(BTreeMap::new());
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root)
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped());
    for name in lessons.keys() {
        command.args(["-p", name]);
    }
    let mut child = command.spawn().context("cannot run cargo build")?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut exes = BTreeMap::new();
    for message in Message::parse_stream(BufReader::new(stdout)) {
        if let Message::CompilerArtifact(Artifact {
            executable: Some(exe),
            target,
            ..
        }) = message?
        {
            exes.insert(target.name.clone(), exe.into_std_path_buf());
        }
    }
    if !child.wait()?.success() {
        bail!("cargo build of the lessons failed (its errors are above)");
    }

    let mut built = BTreeMap::new();
    for (package, dir) in lessons {
        // A lesson's binary target is named after its package.
        let exe = exes
            .get(&package)
            .with_context(|| format!("cargo built no binary for {package}"))?
            .clone();
        let original = Some(dir.join("original.py")).filter(|p| p.is_file());
        built.insert(package, Lesson { exe, original });
    }
    Ok(built)
}
