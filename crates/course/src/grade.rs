//! Grades a student's copy of the course against the grader's own specs, safely.
//!
//! Each submission's lesson folders are copied into a staging workspace built
//! from the grader's own skeleton (top `Cargo.toml`, `Cargo.lock`, lesson-kit),
//! so nothing else the student changed (specs, tests, xtask, the workspace
//! manifest) can touch the grade. Each lesson is built alone, so one compile
//! error costs one lesson; the staging workspace shares one target dir across
//! submissions, so compiled dependencies are reused.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::check::{CaseResult, Program, Trust, check_case_runs};
use crate::explain::explain;
use crate::spec::{Case, Spec};
use crate::stage;
use crate::workspace::Package;

/// One graded test: a case of a lesson, or a lesson that did not compile.
#[derive(Debug, Clone)]
pub struct Test {
    /// "lesson-multithreading: default".
    pub name: String,
    pub package: String,
    pub score: f64,
    pub max_score: f64,
    pub passed: bool,
    pub hidden: bool,
    /// One line for the table: why it failed, or "ok".
    pub reason: String,
    /// The whole explanation: failures, timeline, transcript or compiler message.
    pub output: String,
    pub time: Duration,
}

/// A whole submission's grade.
#[derive(Debug, Clone)]
pub struct Grade {
    pub submission: PathBuf,
    pub tests: Vec<Test>,
    pub build_time: Duration,
    pub run_time: Duration,
    /// What protected the grader from this submission, and what was missing.
    pub protections: Vec<crate::sandbox::Protection>,
}

impl Grade {
    pub fn score(&self) -> f64 {
        self.tests.iter().map(|t| t.score).sum()
    }

    pub fn max_score(&self) -> f64 {
        self.tests.iter().map(|t| t.max_score).sum()
    }
}

/// What to grade and where to build.
pub struct Grader<'a> {
    /// The grader's own checkout: its specs and skeleton are the only ones used.
    pub root: &'a Path,
    /// The lessons (or exercises) to grade, from the grader's checkout.
    pub packages: Vec<&'a Package>,
    /// Shared across submissions so dependencies compile once.
    pub target_dir: PathBuf,
}

impl Grader<'_> {
    /// Reads every spec first: a grader whose own spec is broken cannot grade anyone.
    pub fn specs(&self) -> anyhow::Result<Vec<Spec>> {
        self.packages
            .iter()
            .map(|u| Spec::load(&u.spec_path()).map_err(anyhow::Error::from))
            .collect()
    }

    /// Builds and records the dependencies of the chosen packages in the target dir, as the
    /// first grade there would, and grades nothing: for an autograder image (Gradescope's
    /// setup.sh), whose every submission then compiles only its own lessons. Returns how
    /// many dependency files are recorded.
    pub fn prepare(&self) -> anyhow::Result<usize> {
        if self.target_dir.is_relative() {
            return self.with_absolute_target_dir()?.prepare();
        }
        let private = self.private()?;
        let _lock = stage::BuildLock::take(&private)?;
        let dependencies = self.dependencies(&private)?;
        // The grader's own lessons were compiled to get there; as after a student's build,
        // nothing compiled from a lesson's sources stays in the shared target dir.
        let packages: Vec<&str> = self.packages.iter().map(|p| p.name.as_str()).collect();
        stage::forget_submission(&private, &self.target_dir, &packages);
        Ok(dependencies.len())
    }

    /// This grader with its target dir taken from where the grader was started: cargo runs
    /// in the stage, so a relative target dir would land there (where it cannot be created).
    fn with_absolute_target_dir(&self) -> anyhow::Result<Grader<'_>> {
        let target_dir = std::path::absolute(&self.target_dir).with_context(|| {
            format!(
                "cannot resolve the target dir {}",
                self.target_dir.display()
            )
        })?;
        Ok(Grader {
            root: self.root,
            packages: self.packages.clone(),
            target_dir,
        })
    }

    /// Creates the (absolute) target dir and returns the grader-private folder for it,
    /// refused if it lies inside the checkout.
    fn private(&self) -> anyhow::Result<stage::Private> {
        std::fs::create_dir_all(&self.target_dir).with_context(|| {
            format!("cannot create the target dir {}", self.target_dir.display())
        })?;
        let private = stage::Private::for_target(&self.target_dir)?;
        stage::check_stage_outside(self.root, &private)?;
        Ok(private)
    }

    /// Grades the course copy at `submission`.
    pub fn grade(&self, submission: &Path, specs: &[Spec]) -> anyhow::Result<Grade> {
        if !submission.is_dir() {
            bail!(
                "submission {} is not a folder; give the folder of a student's copy of the course",
                submission.display()
            );
        }
        if self.target_dir.is_relative() {
            return self.with_absolute_target_dir()?.grade(submission, specs);
        }
        let private = self.private()?;
        // The binaries are copied out of the target dir into a folder of this grade's own,
        // so graders sharing a target dir can run their cases side by side. It sits in the
        // private root (mode 0711) and is world-readable, so a program run as another
        // user can be started from it, but nobody else can list or change it.
        let own_bins = bins_dir()?;
        let built = Instant::now();
        let mut binaries = Vec::new();
        // Cargo keys a member's build by its path relative to the workspace and judges
        // freshness by mtime, so two staging folders at different places would share one
        // build and one could be taken as fresh for the other. One staging folder at a
        // fixed place, filled and built under a lock, is always the submission's own.
        let lock = stage::BuildLock::take(&private)?;
        let dependencies = self.dependencies(&private)?;
        let restored = dependencies.restore(&private)?;
        if !restored.is_empty() {
            eprintln!(
                "warning: {} compiled dependencies in {} had changed since the grader built them; they were restored",
                restored.len(),
                self.target_dir.display()
            );
        }
        let stage = private.stage();
        self.stage(submission, &stage)?;
        // One cargo call builds every lesson that compiles (`--keep-going`), which costs far
        // less than a call per lesson; a lesson the batch neither built nor explained (say,
        // cargo refused the whole workspace, or the batch ran out of time) is built alone,
        // so its error is its own.
        let mut present = Vec::new();
        for package in &self.packages {
            if submission
                .join(package_folder(self.root, package)?)
                .join("Cargo.toml")
                .is_file()
            {
                present.push(package.name.as_str());
            }
        }
        let batch =
            stage::build_packages(&private, &present, &self.target_dir, self.build_timeout())?;
        for package in &self.packages {
            let folder = package_folder(self.root, package)?;
            let from = submission.join(&folder);
            let outcome = if !from.join("Cargo.toml").is_file() {
                Err(format!(
                    "the submission has no {} (no Cargo.toml there)",
                    folder.display()
                ))
            } else {
                let said = batch.build.binaries.contains_key(&package.name)
                    || batch.build.errors.contains_key(&package.name);
                let built = if said {
                    stage::outcome(&batch, &package.name, self.build_timeout())
                } else {
                    stage::build_package(
                        &private,
                        &package.name,
                        &self.target_dir,
                        self.build_timeout(),
                    )?
                };
                match built {
                    Ok(binary) => {
                        let own = own_bins.path().join(&package.name);
                        std::fs::copy(&binary, &own)
                            .with_context(|| format!("cannot copy {}", binary.display()))?;
                        Ok(own)
                    }
                    Err(message) => Err(message),
                }
            };
            binaries.push(outcome);
        }
        // One student's build must not leave anything that changes another's grade, nor
        // their compiled work for the next to read.
        let packages: Vec<&str> = self.packages.iter().map(|p| p.name.as_str()).collect();
        stage::forget_submission(&private, &self.target_dir, &packages);
        let restored = dependencies.restore(&private)?;
        if !restored.is_empty() {
            eprintln!(
                "warning: building {} changed {} compiled dependencies; they were restored",
                submission.display(),
                restored.len()
            );
        }
        drop(lock);
        let build_time = built.elapsed();
        let ran = Instant::now();
        let mut tests = Vec::new();
        let mut jobs = Vec::new();
        for ((package, spec), binary) in self.packages.iter().zip(specs).zip(binaries) {
            match binary {
                Err(message) => {
                    let max: f64 = spec.cases.iter().map(|c| c.points).sum();
                    tests.push(Some(Test {
                        name: format!("{}: build", package.name),
                        package: package.name.clone(),
                        score: 0.0,
                        max_score: max,
                        passed: false,
                        hidden: false,
                        reason: "does not compile".into(),
                        output: format!(
                            "{} does not compile, so none of its cases ran:\n\n{message}",
                            package.name
                        ),
                        time: Duration::ZERO,
                    }));
                }
                Ok(binary) => {
                    for case in &spec.cases {
                        jobs.push(Job {
                            slot: tests.len(),
                            package,
                            case,
                            program: Program::binary(&binary),
                        });
                        tests.push(None);
                    }
                }
            }
        }
        for (slot, test) in run_jobs(&jobs) {
            tests[slot] = Some(test);
        }
        let tests = tests
            .into_iter()
            .map(|t| t.expect("every case was run"))
            .collect();
        Ok(Grade {
            submission: submission.to_owned(),
            tests,
            build_time,
            run_time: ran.elapsed(),
            protections: crate::sandbox::protections(),
        })
    }

    /// Lays out the staging workspace: the grader's skeleton and lesson manifests plus the
    /// submission's lesson sources.
    fn stage(&self, submission: &Path, stage: &Path) -> anyhow::Result<()> {
        if stage.exists() {
            std::fs::remove_dir_all(stage)
                .with_context(|| format!("cannot clear {}", stage.display()))?;
        }
        let mut manifest: toml::Table = std::fs::read_to_string(self.root.join("Cargo.toml"))?
            .parse()
            .context("the grader's own Cargo.toml does not parse")?;
        let mut members = vec![toml::Value::from("crates/lesson-kit")];
        for package in &self.packages {
            let folder = package_folder(self.root, package)?;
            let from = submission.join(&folder);
            if from.join("Cargo.toml").is_file() {
                let to = stage.join(&folder);
                copy_sources(&from, &to)?;
                // The grader's manifest, never the student's: dependencies and build
                // scripts are the course's choice.
                let text = stage::lesson_manifest(&package.dir.join("Cargo.toml"))?;
                std::fs::write(to.join("Cargo.toml"), text)?;
                members.push(toml::Value::from(folder.to_string_lossy().into_owned()));
            }
        }
        let workspace = manifest
            .get_mut("workspace")
            .and_then(|w| w.as_table_mut())
            .context("the grader's Cargo.toml has no [workspace]")?;
        workspace.insert("members".into(), toml::Value::Array(members));
        // The grader's default members name folders the stage does not have.
        workspace.remove("default-members");
        std::fs::write(stage.join("Cargo.toml"), manifest.to_string())?;
        let lock = self.root.join("Cargo.lock");
        if lock.is_file() {
            std::fs::copy(&lock, stage.join("Cargo.lock"))?;
        }
        copy_sources(
            &self.root.join("crates/lesson-kit"),
            &stage.join("crates/lesson-kit"),
        )?;
        stage::prune_lock(stage)
    }

    /// How long one lesson's build may take (`COURSE_BUILD_TIMEOUT` seconds, else 300).
    fn build_timeout(&self) -> Duration {
        std::env::var("COURSE_BUILD_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(stage::BUILD_TIMEOUT, Duration::from_secs)
    }

    /// The compiled dependencies as the grader built them from its own lessons: each
    /// package's are built and recorded once per target dir (again when the grader's lock
    /// file or that package's manifest changes), then checked after every submission's build.
    fn dependencies(&self, private: &stage::Private) -> anyhow::Result<stage::Dependencies> {
        let lock_path = self.root.join("Cargo.lock");
        let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
        let mut dependencies = stage::Dependencies::load(private, &lock);
        let units: Vec<(&str, String)> = self
            .packages
            .iter()
            .map(|p| {
                let manifest =
                    std::fs::read_to_string(p.dir.join("Cargo.toml")).unwrap_or_default();
                (p.name.as_str(), manifest)
            })
            .collect();
        // Whether the record still describes this target dir, looked at once.
        let intact = dependencies.intact(private);
        let missing = if intact {
            dependencies.missing(&units)
        } else {
            units.iter().map(|(name, _)| *name).collect()
        };
        if missing.is_empty() {
            return Ok(dependencies);
        }
        // Whatever an earlier build left is undone first (when the record still describes
        // this target dir), then the grader's own lessons, built the way a submission's are,
        // compile exactly the dependency artifacts the submissions will link against.
        if intact {
            dependencies.restore(private)?;
        }
        stage::fetch(self.root)?;
        self.stage(self.root, &private.stage())?;
        for package in missing {
            if let Err(message) =
                stage::build_package(private, package, &self.target_dir, Duration::MAX)?
            {
                bail!("the grader's own {package} does not build:\n{message}");
            }
        }
        dependencies.record(private, &self.target_dir, &lock_path, &units)?;
        Ok(dependencies)
    }
}

/// Runs per case at most: a first run failing only on order or timing is run twice more.
pub const RUNS: usize = 3;

/// Cases running at the same time besides each other. Most cases sleep (about 30 s of
/// real-time sleeps per submission when a student ignores LESSON_TIME_SCALE), so they share
/// the cores easily; the bound keeps the sampling of /proc and the process count sane.
pub const SIDE_BY_SIDE: usize = 8;

/// One case to run for a grade, and where its test goes in the report.
struct Job<'a> {
    slot: usize,
    package: &'a Package,
    case: &'a Case,
    program: Program,
}

/// Runs every job and returns each test with its slot.
///
/// Cases marked `alone` (CPU-bound work that measures the cores) run first, one at a time,
/// with nothing else running; the others then run [`SIDE_BY_SIDE`] at a time, each on a
/// thread of its own that mostly waits on its program.
fn run_jobs(jobs: &[Job]) -> Vec<(usize, Test)> {
    let run_one = |job: &Job| {
        let result = check_case_runs(&job.program, job.case, Trust::Untrusted, RUNS);
        (job.slot, test_of(job.package, &result))
    };
    let mut done: Vec<(usize, Test)> = jobs.iter().filter(|j| j.case.alone).map(run_one).collect();
    let shared: Vec<&Job> = jobs.iter().filter(|j| !j.case.alone).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..SIDE_BY_SIDE.min(shared.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(job) = shared.get(i) else { break };
                    let test = run_one(job);
                    results
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(test);
                }
            });
        }
    });
    done.extend(
        results
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    );
    done
}

/// A fresh folder for one grade's binaries, readable by the user programs run as.
fn bins_dir() -> anyhow::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("bins-")
        .tempdir_in(crate::sandbox::private_root()?)
        .context("cannot make a folder for the binaries")?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
    Ok(dir)
}

/// The package's folder relative to the grader's root, e.g. `lessons/03-multithreading`.
fn package_folder(root: &Path, package: &Package) -> anyhow::Result<PathBuf> {
    let root = root.canonicalize()?;
    let dir = package.dir.canonicalize()?;
    Ok(dir
        .strip_prefix(&root)
        .with_context(|| {
            format!(
                "{} is outside the course at {}",
                dir.display(),
                root.display()
            )
        })?
        .to_owned())
}

/// Copies a package folder, leaving out build output and hidden files.
fn copy_sources(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_sources(&path, &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(&path, to.join(&name))
                .with_context(|| format!("cannot copy {}", path.display()))?;
        }
        // Symlinks are skipped: a submission must not reach outside its own folder.
    }
    Ok(())
}

fn test_of(package: &Package, result: &CaseResult) -> Test {
    let case = &result.case;
    let runs = if result.runs > 1 {
        format!("failed {} of {} runs: ", result.failed_runs, result.runs)
    } else {
        String::new()
    };
    let reason = match result.failures.first() {
        None => "ok".to_owned(),
        Some(first) => {
            let more = result.failures.len() - 1;
            let hint = first
                .hint
                .as_deref()
                .map(|h| format!(" {h}"))
                .unwrap_or_default();
            let extra = if more > 0 {
                format!(" (+{more} more)")
            } else {
                String::new()
            };
            format!(
                "{runs}{}: expected {}, got {}.{hint}{extra}",
                first.what, first.expected, first.got
            )
        }
    };
    let output = if result.passed() {
        let mut text = format!("passed in {:.2} s", result.run.wall.as_secs_f64());
        for note in &result.notes {
            text.push('\n');
            text.push_str(note);
        }
        text
    } else {
        explain(result, 40)
    };
    Test {
        name: format!("{}: {}", package.name, case.name),
        package: package.name.clone(),
        score: if result.passed() { case.points } else { 0.0 },
        max_score: case.points,
        passed: result.passed(),
        hidden: case.hidden,
        reason,
        output,
        time: result.run.wall,
    }
}
