//! Finds the lessons and exercises of a workspace (from cargo metadata) and builds their binaries once.
//!
//! Order, titles and spec paths come from each package's own `Cargo.toml`
//! (`[package.metadata.lesson]` or `[package.metadata.exercise]`) and the
//! `expect.toml` beside it: there is no second list to keep in step.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use cargo_metadata::{Message, MetadataCommand};

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

/// A lesson or exercise package.
#[derive(Debug, Clone)]
pub struct Unit {
    pub package: String,
    pub role: Role,
    /// The package folder, holding Cargo.toml, expect.toml and README.md.
    pub dir: PathBuf,
}

impl Unit {
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
}

/// All lessons and exercises of the workspace at `root`: lessons by number, then exercises
/// in the order of their lessons.
pub fn units(root: &Path) -> anyhow::Result<Vec<Unit>> {
    let metadata = MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .with_context(|| format!("cannot read the cargo workspace at {}", root.display()))?;
    let mut lessons = Vec::new();
    let mut exercises = Vec::new();
    for package in &metadata.packages {
        let dir = package
            .manifest_path
            .parent()
            .map(|p| p.as_std_path().to_owned())
            .unwrap_or_default();
        let meta = &package.metadata;
        let where_ = || format!("{} ({})", package.name, package.manifest_path);
        if let Some(lesson) = meta.get("lesson") {
            let number = lesson
                .get("number")
                .and_then(|n| n.as_u64())
                .with_context(|| {
                    format!("{}: [package.metadata.lesson] needs `number`", where_())
                })?;
            let section = lesson
                .get("section")
                .and_then(|s| s.as_str())
                .with_context(|| {
                    format!("{}: [package.metadata.lesson] needs `section`", where_())
                })?;
            lessons.push(Unit {
                package: package.name.to_string(),
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
            exercises.push(Unit {
                package: package.name.to_string(),
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
            .position(|l| l.package == name)
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
/// length). Read from the lesson's own Cargo.toml, so there is no second list.
pub fn critical_path(unit: &Unit) -> anyhow::Result<Option<f64>> {
    let path = unit.dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let value = manifest
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("lesson"))
        .and_then(|l| l.get("critical_path"));
    match value {
        None => Ok(None),
        Some(v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
            Some(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(Some(seconds)),
            _ => bail!(
                "{}: [package.metadata.lesson] critical_path = {v} must be a number of seconds, 0 or more",
                path.display()
            ),
        },
    }
}

/// The units the user named (by package, folder name or lesson number), or all lessons when none.
pub fn select<'a>(all: &'a [Unit], names: &[String]) -> anyhow::Result<Vec<&'a Unit>> {
    if names.is_empty() {
        return Ok(all.iter().filter(|u| u.is_lesson()).collect());
    }
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|u| {
                    u.package == *name
                        || u.package.strip_prefix("lesson-") == Some(name)
                        || u.dir.file_name().is_some_and(|d| d == name.as_str())
                        || matches!(u.role, Role::Lesson { number, .. } if number.to_string() == *name)
                })
                .with_context(|| {
                    let known: Vec<_> = all.iter().filter(|u| u.is_lesson()).map(|u| u.package.as_str()).collect();
                    format!("no lesson or exercise called {name:?}; try one of: {}", known.join(", "))
                })
        })
        .collect()
}

/// How a build went: the binaries that were built and, per package, the compiler's errors.
#[derive(Debug, Default)]
pub struct Build {
    pub binaries: BTreeMap<String, PathBuf>,
    pub errors: BTreeMap<String, String>,
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
    for message in Message::parse_stream(BufReader::new(stdout)) {
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                unreadable = Some(error);
                break;
            }
        };
        match message {
            Message::CompilerArtifact(artifact) => {
                if let Some(exe) = artifact.executable {
                    build
                        .binaries
                        .insert(artifact.target.name.clone(), exe.into_std_path_buf());
                }
            }
            Message::CompilerMessage(msg) => {
                if msg.message.level == cargo_metadata::diagnostic::DiagnosticLevel::Error
                    && let Some(rendered) = &msg.message.rendered
                {
                    build
                        .errors
                        .entry(msg.target.name.clone())
                        .or_default()
                        .push_str(rendered);
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
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() && build.errors.is_empty() {
        bail!("cargo build failed:\n{stderr}");
    }
    Ok(build)
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
