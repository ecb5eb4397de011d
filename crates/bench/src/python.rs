//! Finds a Python interpreter to compare with, preferring a plain one: a pyenv shim or site
//! hooks add start-up time that is not Python's own, so every candidate's start-up is measured
//! and the fastest is used, with the others reported beside it.

use crate::stats::Summary;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The Python helper script, written next to the report when the bench runs it.
pub const WORKERS_PY: &str = include_str!("../py/workers.py");

/// One interpreter that was tried.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// As it was named (`python3` means the first one on PATH).
    pub command: String,
    /// The file it runs as (`sys.executable`).
    pub executable: PathBuf,
    pub version: String,
    /// `python -c pass`, spawn to exit, in seconds.
    pub startup: Summary,
    /// `python -c "import asyncio"`, the start-up of every asyncio example.
    pub import_asyncio: Summary,
}

/// The interpreter used and everything tried.
#[derive(Clone, Debug, Serialize)]
pub struct Python {
    pub chosen: Candidate,
    pub tried: Vec<Candidate>,
}

impl Python {
    pub fn exe(&self) -> &Path {
        &self.chosen.executable
    }
}

/// Looks for Python: `explicit` if given, else `python3` on PATH, the file it really runs,
/// and the usual system paths. `None` when there is no Python at all.
pub fn find(explicit: Option<&Path>, runs: usize) -> Option<Python> {
    let mut names: Vec<String> = match explicit {
        Some(path) => vec![path.display().to_string()],
        None => ["python3", "/usr/bin/python3", "/usr/local/bin/python3"]
            .map(String::from)
            .to_vec(),
    };
    let mut tried: Vec<Candidate> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut index = 0;
    while index < names.len() {
        let name = names[index].clone();
        index += 1;
        // Two names for one file (python3 on PATH may be /usr/bin/python3) are one candidate.
        let Some(file) = resolve(&name).filter(|file| !seen.contains(file)) else {
            continue;
        };
        seen.push(file);
        let Some((executable, version)) = identify(&name) else {
            continue;
        };
        // A shim's real interpreter is a candidate of its own, tried next.
        if explicit.is_none() {
            names.insert(index, executable.display().to_string());
        }
        tried.push(Candidate {
            startup: time_it(&name, &["-c", "pass"], runs),
            import_asyncio: time_it(&name, &["-c", "import asyncio"], runs),
            command: name,
            executable,
            version,
        });
    }
    let chosen = tried
        .iter()
        .min_by(|a, b| a.startup.median.total_cmp(&b.startup.median))?
        .clone();
    Some(Python { chosen, tried })
}

/// `sys.executable` and the version of the interpreter `name`, if it runs.
fn identify(name: &str) -> Option<(PathBuf, String)> {
    let out = Command::new(name)
        .args([
            "-c",
            "import sys, platform; print(sys.executable); print(platform.python_version())",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let executable = PathBuf::from(lines.next()?.trim());
    let version = lines.next()?.trim().to_string();
    Some((executable, version))
}

/// The file that running `name` starts, looked up on PATH when it has no slash.
fn resolve(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Path::new(name).canonicalize().ok();
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .and_then(|path| path.canonicalize().ok())
}

/// Median and range of `runs` runs of `name args`, after one warm-up, spawn to exit.
fn time_it(name: &str, args: &[&str], runs: usize) -> Summary {
    let times: Vec<f64> = (0..=runs)
        .filter_map(|_| {
            let started = Instant::now();
            let status = Command::new(name)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .ok()?;
            status.success().then(|| started.elapsed().as_secs_f64())
        })
        .skip(1)
        .collect();
    Summary::of(&times).unwrap_or(Summary {
        median: f64::NAN,
        min: f64::NAN,
        max: f64::NAN,
        runs: 0,
    })
}
