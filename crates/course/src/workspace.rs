//! Finds the lessons and exercises of a workspace (from cargo metadata) and builds their binaries once.
//!
//! Order, titles and spec paths come from each package's own `Cargo.toml`
//! (`[package.metadata.lesson]` or `[package.metadata.exercise]`) and the
//! `expect.toml` beside it: there is no second list to keep in step.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::cancel::{self, Cancel};

/// What a package is to the course.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A lesson, numbered in the notes' order.
    Lesson { number: u32, section: String },
    /// An exercise on a lesson (named by its package), in order within it.
    Exercise {
        lesson: String,
        order: u32,
        title: String,
    },
}

/// A lesson or exercise package of the course.
#[derive(Debug, Clone)]
pub struct Package {
    /// The package's name, which is also its binary's: `lesson-asyncio`, `exercise-07a-gather`.
    pub name: String,
    pub role: Role,
    /// The package folder, holding Cargo.toml, expect.toml and README.md.
    pub dir: PathBuf,
    /// For a direct translation of one of the notes' examples, the seconds of lesson time
    /// its sleeps put on the critical path (`critical_path` in `[package.metadata.lesson]`):
    /// a run at scale s can finish no sooner than s times this.
    pub critical_path: Option<f64>,
}

impl Package {
    pub fn spec_path(&self) -> PathBuf {
        self.dir.join("expect.toml")
    }

    pub fn title(&self) -> &str {
        match &self.role {
            Role::Lesson { section, .. } => section,
            Role::Exercise { title, .. } => title,
        }
    }

    pub fn is_lesson(&self) -> bool {
        matches!(self.role, Role::Lesson { .. })
    }

    /// The package's folder name: `03-multithreading`, `07a-gather`.
    pub fn folder(&self) -> String {
        self.dir
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Whether the learner's `name` means this package: its package name, that name
    /// without `lesson-` or `exercise-`, its folder, the code its folder starts with
    /// (`03`, `07a`) or, for a lesson, its number (`3`).
    pub fn is_called(&self, name: &str) -> bool {
        let folder = self.folder();
        let short = self
            .name
            .strip_prefix("lesson-")
            .or_else(|| self.name.strip_prefix("exercise-"));
        self.name == name
            || short == Some(name)
            || folder == name
            || folder.split('-').next() == Some(name)
            || matches!(self.role, Role::Lesson { number, .. } if number.to_string() == name)
    }
}

/// The one resolver of the names learners give lessons and exercises, for every command.
pub fn find<'a>(all: &'a [Package], name: &str) -> anyhow::Result<&'a Package> {
    all.iter().find(|p| p.is_called(name)).with_context(|| {
        let lessons: Vec<&str> = all
            .iter()
            .filter(|p| p.is_lesson())
            .map(|p| p.name.as_str())
            .collect();
        let exercises: Vec<String> = all
            .iter()
            .filter(|p| !p.is_lesson())
            .map(|p| p.folder().split('-').next().unwrap_or_default().to_owned())
            .collect();
        format!(
            "no lesson or exercise called {name:?}; name a lesson by package, folder or number \
             ({}) or an exercise by package, folder or code ({})",
            lessons.join(", "),
            exercises.join(", ")
        )
    })
}

/// All lessons and exercises of the workspace at `root`: lessons by number, then exercises
/// in the order of their lessons.
pub fn packages(root: &Path) -> anyhow::Result<Vec<Package>> {
    let metadata = metadata(root)
        .with_context(|| format!("cannot read the cargo workspace at {}", root.display()))?;
    let mut lessons = Vec::new();
    let mut exercises = Vec::new();
    let listed = metadata["packages"].as_array().cloned().unwrap_or_default();
    for package in &listed {
        let name = package["name"].as_str().unwrap_or_default();
        let manifest_path = Path::new(package["manifest_path"].as_str().unwrap_or_default());
        let dir = manifest_path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_default();
        let meta = &package["metadata"];
        let where_ = || format!("{name} ({})", manifest_path.display());
        if let Some(lesson) = meta.get("lesson") {
            let number = lesson
                .get("number")
                .and_then(|n| n.as_u64())
                .with_context(|| {
                    format!("{}: [package.metadata.lesson] needs `number`", where_())
                })?;
            let critical_path = match lesson.get("critical_path") {
                None => None,
                Some(value) => Some(value.as_f64().filter(|s| *s >= 0.0).with_context(|| {
                    format!(
                        "{}: [package.metadata.lesson] `critical_path` must be a number of seconds of lesson time, not {value}",
                        where_()
                    )
                })?),
            };
            let section = lesson
                .get("section")
                .and_then(|s| s.as_str())
                .with_context(|| {
                    format!("{}: [package.metadata.lesson] needs `section`", where_())
                })?;
            lessons.push(Package {
                name: name.to_owned(),
                critical_path,
                role: Role::Lesson {
                    number: number as u32,
                    section: section.to_owned(),
                },
                dir,
            });
        } else if let Some(exercise) = meta.get("exercise") {
            let field = |name: &str| {
                exercise.get(name).with_context(|| {
                    format!("{}: [package.metadata.exercise] needs `{name}`", where_())
                })
            };
            exercises.push(Package {
                name: name.to_owned(),
                critical_path: None,
                role: Role::Exercise {
                    lesson: field("lesson")?.as_str().unwrap_or_default().to_owned(),
                    order: field("order")?.as_u64().unwrap_or_default() as u32,
                    title: field("title")?.as_str().unwrap_or_default().to_owned(),
                },
                dir,
            });
        }
    }
    lessons.sort_by_key(|u| match u.role {
        Role::Lesson { number, .. } => number,
        Role::Exercise { .. } => u32::MAX,
    });
    let lesson_number = |name: &str| {
        lessons
            .iter()
            .position(|l| l.name == name)
            .unwrap_or(usize::MAX)
    };
    exercises.sort_by_key(|u| match &u.role {
        Role::Exercise { lesson, order, .. } => (lesson_number(lesson), *order),
        Role::Lesson { .. } => (usize::MAX, 0),
    });
    lessons.extend(exercises);
    Ok(lessons)
}

/// A lesson's critical path: the seconds of lesson time its default mode cannot go below
/// (`critical_path` in `[package.metadata.lesson]`), what `run --python` and the bench
/// measure overhead against. `None` when the lesson gives none (CPU-bound work has no fixed
/// length). Read with the rest of the metadata by [`packages`], which refuses a bad one.
pub fn critical_path(package: &Package) -> anyhow::Result<Option<f64>> {
    Ok(package.critical_path)
}

/// The packages the user named (see [`find`]), or all lessons when none.
pub fn select<'a>(all: &'a [Package], names: &[String]) -> anyhow::Result<Vec<&'a Package>> {
    if names.is_empty() {
        return Ok(all.iter().filter(|p| p.is_lesson()).collect());
    }
    names.iter().map(|name| find(all, name)).collect()
}

/// How a build went: the binaries that were built and, per package, the compiler's errors.
#[derive(Debug, Default)]
pub struct Build {
    pub binaries: BTreeMap<String, PathBuf>,
    pub errors: BTreeMap<String, String>,
    /// Cargo's own stderr (with `--quiet`, only what went wrong outside the compiler).
    pub stderr: String,
    pub success: bool,
}

/// Builds the binaries of `packages` in the workspace at `root` with one cargo call.
///
/// `target_dir` lets a grader share compiled dependencies across submissions.
pub fn build(root: &Path, packages: &[&str], target_dir: Option<&Path>) -> anyhow::Result<Build> {
    build_with(root, packages, target_dir, &Cancel::process())
}

/// [`build`], stopped (cargo, rustc and build scripts killed) as soon as `cancel` is requested.
pub fn build_with(
    root: &Path,
    packages: &[&str],
    target_dir: Option<&Path>,
    cancel: &Cancel,
) -> anyhow::Result<Build> {
    let Some(_busy) = cancel::begin(cancel) else {
        bail!("cancelled");
    };
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .arg("build")
        // Every package that compiles is built even when another does not, so one call can
        // build a whole submission and still say which lesson failed.
        .arg("--keep-going")
        .arg("--quiet")
        .arg("--message-format=json")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own, so a cancel kills rustc and build scripts too, not only cargo.
        .process_group(0);
    for package in packages {
        command.arg("--package").arg(package);
    }
    if let Some(dir) = target_dir {
        command.arg("--target-dir").arg(dir);
    }
    let build = run_build(command, cancel)?;
    if !build.success && build.errors.is_empty() {
        bail!("cargo build failed:\n{}", build.stderr);
    }
    Ok(build)
}

/// Runs a prepared `cargo build --message-format=json` command (in a process group of
/// its own) and reads what it built; stopped as soon as `cancel` is requested.
pub fn run_build(mut command: Command, cancel: &Cancel) -> anyhow::Result<Build> {
    let mut child = command.spawn().context("cannot run cargo build")?;
    let pgid = child.id() as i32;
    let finished = Arc::new(AtomicBool::new(false));
    let killer = {
        let (finished, cancel) = (finished.clone(), cancel.clone());
        std::thread::spawn(move || {
            while !finished.load(Ordering::SeqCst) {
                if cancel.is_requested() {
                    // SAFETY: signalling the build's own process group.
                    unsafe { libc::killpg(pgid, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let stderr_reader =
        std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut build = Build::default();
    let mut unreadable = None;
    for line in BufReader::new(stdout).lines() {
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                unreadable = Some(error);
                break;
            }
        };
        // Cargo's JSON messages, one per line; anything else (a build script's own output
        // that leaked through) is not a message and is skipped.
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let target = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(exe) = message["executable"].as_str() {
                    build.binaries.insert(target, PathBuf::from(exe));
                }
            }
            Some("compiler-message") => {
                let diagnostic = &message["message"];
                if diagnostic["level"] == "error"
                    && let Some(rendered) = diagnostic["rendered"].as_str()
                {
                    build.errors.entry(target).or_default().push_str(rendered);
                }
            }
            _ => {}
        }
    }
    let status = child.wait().context("cargo build did not finish");
    finished.store(true, Ordering::SeqCst);
    let _ = killer.join();
    if cancel.is_requested() {
        // Whatever of the group outlived cargo goes with it, and is waited for (briefly:
        // SIGKILL lands asynchronously), so nothing of the build is left once this returns.
        let gone_by = std::time::Instant::now() + Duration::from_secs(2);
        // SAFETY: signalling the build's own process group; ESRCH once it is empty.
        while unsafe { libc::killpg(pgid, libc::SIGKILL) } == 0
            && std::time::Instant::now() < gone_by
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        bail!("cancelled");
    }
    if let Some(error) = unreadable {
        return Err(error).context("cannot read cargo's output");
    }
    let status = status?;
    build.stderr = stderr_reader.join().unwrap_or_default();
    build.success = status.success();
    Ok(build)
}

/// `cargo metadata --no-deps` of the workspace at `root`, as JSON.
///
/// Read with serde_json rather than the cargo_metadata crate: the course reads five fields
/// of it and of cargo's build messages, and that crate (with camino, semver and
/// cargo-platform) was a twentieth of the cold build of every `cargo xtask` command.
pub fn metadata(root: &Path) -> anyhow::Result<Value> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .stdin(Stdio::null())
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    serde_json::from_slice(&output.stdout).context("cargo metadata printed something not JSON")
}

/// The course checkout to work on: `--root DIR` when given, else the workspace holding the
/// current directory, found by walking up as cargo does. Never a path fixed when xtask was
/// built: a moved or copied checkout must act on itself, not on the one it was copied from.
pub fn course_root(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let root = match given {
        Some(dir) => {
            anyhow::ensure!(
                dir.join("Cargo.toml").is_file(),
                "--root {}: no Cargo.toml there; give the folder of a course checkout",
                dir.display()
            );
            dir.canonicalize()?
        }
        None => {
            let here = std::env::current_dir()
                .context("cannot tell the current directory; pass --root DIR")?;
            find_root(&here)?.canonicalize()?
        }
    };
    anyhow::ensure!(
        root.join("lessons").is_dir(),
        "{} is a Cargo workspace but not this course (no lessons/ folder); \
         run cargo xtask inside the course checkout, or pass --root DIR",
        root.display()
    );
    Ok(root)
}

/// The workspace root of this checkout (where the top Cargo.toml is), found from `start` upwards.
pub fn find_root(start: &Path) -> anyhow::Result<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let manifest = d.join("Cargo.toml");
        if manifest.is_file()
            && std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[workspace]"))
        {
            return Ok(d.to_owned());
        }
        dir = d.parent();
    }
    bail!(
        "no Cargo workspace above {}; run this inside the course checkout",
        start.display()
    )
}
