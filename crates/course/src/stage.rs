//! The staging workspace a submission is built in, outside the grader's checkout, and its confined build.
//!
//! The stage holds the grader's own workspace manifest, `Cargo.lock`, lesson-kit
//! and, for each lesson, the grader's own `Cargo.toml` (build scripts turned off)
//! beside the student's sources. It sits in a grader-private folder (see
//! [`sandbox::private_root`]), so cargo started there reads no `.cargo/config.toml`
//! of the checkout, and the lock that serialises builds lives beside it, where no
//! student code can write. Each lesson is built by cargo `--offline --locked` in
//! the sandbox: it reads the toolchain, the registry and the stage, writes only the
//! target dir and a scratch dir, has no network, and stops at a time limit.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::sandbox::{self, Policy};

/// How long one lesson's build may take, by default. Not the run's limits: rustc must
/// be free to build tokio, which takes over a minute on a small machine.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(300);

/// Processes a build may have alive at once (cargo, rustc per job, the linker).
pub const BUILD_PROCESSES: usize = 256;

/// The grader-private folder of one target dir: the stage, the lock and build scratch.
pub struct Private {
    pub dir: PathBuf,
}

impl Private {
    /// The folder for `target_dir`, made if needed (mode 0700).
    pub fn for_target(target_dir: &Path) -> anyhow::Result<Private> {
        use std::os::unix::fs::PermissionsExt;
        let canonical = target_dir
            .canonicalize()
            .unwrap_or_else(|_| target_dir.to_owned());
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        canonical.hash(&mut hasher);
        let dir = sandbox::private_root()?.join(format!("build-{:016x}", hasher.finish()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        Ok(Private { dir })
    }

    pub fn stage(&self) -> PathBuf {
        self.dir.join("stage")
    }
}

/// The default target dir of a checkout's grading runs: outside the checkout.
pub fn default_target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    Ok(sandbox::private_root()?.join(format!("target-{:016x}", hasher.finish())))
}

/// An exclusive `flock` on the private folder's `grade.lock`, released when dropped
/// (or when the grader dies). Builds are time-limited, so no build holds it for long.
pub struct BuildLock {
    _file: std::fs::File,
}

impl BuildLock {
    pub fn take(private: &Private) -> anyhow::Result<BuildLock> {
        use std::os::fd::AsRawFd;
        let path = private.dir.join("grade.lock");
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        // SAFETY: flock on a descriptor we own; it blocks until the lock is free.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error())
                .context("cannot lock the grade target dir");
        }
        Ok(BuildLock { _file: file })
    }
}

/// The grader's own manifest for a lesson, with build scripts off: a lesson's
/// dependencies are the course's choice, and a build script is code run at build time.
pub fn lesson_manifest(grader_manifest: &Path) -> anyhow::Result<String> {
    let mut manifest: toml::Table = std::fs::read_to_string(grader_manifest)
        .with_context(|| format!("cannot read {}", grader_manifest.display()))?
        .parse()
        .with_context(|| format!("{} does not parse", grader_manifest.display()))?;
    let package = manifest
        .get_mut("package")
        .and_then(|p| p.as_table_mut())
        .with_context(|| format!("{} has no [package]", grader_manifest.display()))?;
    package.insert("build".into(), toml::Value::Boolean(false));
    manifest.remove("build-dependencies");
    Ok(manifest.to_string())
}

/// Trims the grader's `Cargo.lock` to the stage's members, so the sandboxed build can
/// run `--locked`: the stage holds fewer packages than the checkout, and cargo would
/// otherwise have to rewrite the lock. Pruning keeps every version the grader pinned,
/// and reads nothing but the grader's own manifests.
pub fn prune_lock(stage: &Path) -> anyhow::Result<()> {
    let output = Command::new(cargo_program())
        .current_dir(stage)
        .args(["metadata", "--offline", "--format-version", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed in the staging workspace {}:\n{}",
            stage.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Downloads what the grader's own lock file names, so the sandboxed builds, which are
/// offline, find every dependency (a fresh Gradescope image or CI runner has only
/// the grader's own crates). Trusted: the grader's checkout and lock file alone.
pub fn fetch(root: &Path) -> anyhow::Result<()> {
    let fetch = |offline: bool| {
        let mut command = Command::new(cargo_program());
        command
            .current_dir(root)
            .args(["fetch", "--locked", "--quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        if offline {
            command.arg("--offline").stderr(Stdio::null());
        }
        command.status().is_ok_and(|s| s.success())
    };
    if fetch(true) || fetch(false) {
        return Ok(());
    }
    bail!(
        "cannot download the course's dependencies (cargo fetch --locked in {}); check the network",
        root.display()
    )
}

/// Where the toolchain is: rustup's and cargo's homes.
fn toolchain_homes() -> (PathBuf, PathBuf) {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/root".into());
    let rustup = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".rustup"));
    let cargo = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cargo"));
    (rustup, cargo)
}

/// The cargo to run: the one running us (`CARGO`), else the first on PATH.
fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| "cargo".into())
}

/// What a sandboxed cargo build may read and write (found by trying: see the tests).
fn build_policy(stage: &Path, target_dir: &Path, scratch: &Path, timeout: Duration) -> Policy {
    let (rustup, cargo_home) = toolchain_homes();
    let mut read = sandbox::system_reads();
    read.push(stage.to_owned());
    read.push(rustup);
    // The registry and the tools, but not the whole of CARGO_HOME: it holds the
    // crates.io token (credentials.toml), which `include_str!` could print.
    for sub in ["registry", "git", "bin", "config.toml", "config"] {
        read.push(cargo_home.join(sub));
    }
    // A cargo from outside rustup (a distro package) lives beside its rustc.
    if let Some(toolchain) = cargo_program()
        .canonicalize()
        .ok()
        .and_then(|c| c.parent().and_then(Path::parent).map(Path::to_owned))
    {
        read.push(toolchain);
    }
    let mut write = sandbox::system_writes();
    write.push(target_dir.to_owned());
    write.push(scratch.to_owned());
    // Cargo locks the package cache even offline, and records what it used.
    for lock in [".package-cache", ".package-cache-mutate", ".global-cache"] {
        let path = cargo_home.join(lock);
        if !path.exists() {
            let _ = std::fs::File::create(&path);
        }
        write.push(path);
    }
    read.retain(|p| p.exists());
    Policy {
        read,
        write,
        landlock: sandbox::landlock_abi() > 0,
        user: None,
        memory_bytes: None,
        cpu_seconds: None,
        tasks: None,
        file_bytes: None,
        max_processes: Some(BUILD_PROCESSES),
        timeout_ms: Some(sandbox::millis(timeout)),
        status_fd: None,
    }
}

/// Builds `packages` of the staged workspace in one confined cargo call (`--keep-going`,
/// so a lesson that does not compile costs only itself), under the build's time limit.
pub fn build_packages(
    private: &Private,
    packages: &[&str],
    target_dir: &Path,
    timeout: Duration,
) -> anyhow::Result<Built> {
    let stage = private.stage();
    refuse_foreign_config(&stage)?;
    let scratch = sandbox::Scratch::new(&private.dir, None)?;
    let mut command = match sandbox::launcher() {
        Some(launcher) => {
            let policy = build_policy(&stage, target_dir, scratch.path(), timeout);
            sandbox::command(launcher, &policy, &cargo_program(), &[])
        }
        None => Command::new(cargo_program()),
    };
    sandbox::clean_env(&mut command, scratch.path());
    let (rustup, cargo_home) = toolchain_homes();
    command
        .env("RUSTUP_HOME", rustup)
        .env("CARGO_HOME", cargo_home);
    for name in ["RUSTUP_TOOLCHAIN", "RUSTC", "CARGO_BUILD_JOBS"] {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    // No incremental caches: `forget_submission` deletes them after every build, so
    // writing them is only cost (a tenth or more of each lesson's compile).
    command.env("CARGO_INCREMENTAL", "0");
    command.current_dir(&stage).args([
        "build",
        "--offline",
        "--locked",
        "--quiet",
        "--keep-going",
        "--message-format=json",
    ]);
    for package in packages {
        command.arg("--package").arg(package);
    }
    command
        .arg("--target-dir")
        .arg(target_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own, so a cancel (Ctrl-C) takes the launcher and cargo down together.
        .process_group(0);
    let started = Instant::now();
    let build = crate::workspace::run_build(command, &crate::cancel::Cancel::process())?;
    Ok(Built {
        build,
        timed_out: started.elapsed() >= timeout,
    })
}

/// A confined build and whether it ran into its time limit.
pub struct Built {
    pub build: crate::workspace::Build,
    pub timed_out: bool,
}

/// What became of `package` in `built`: its binary, or the message a student reads.
pub fn outcome(built: &Built, package: &str, timeout: Duration) -> Result<PathBuf, String> {
    let build = &built.build;
    if let Some(binary) = build.binaries.get(package) {
        return Ok(binary.clone());
    }
    if let Some(errors) = build.errors.get(package) {
        return Err(errors.clone());
    }
    if built.timed_out {
        return Err(format!(
            "the build was stopped after {} s, its time limit (a build must not hang grading)",
            timeout.as_secs()
        ));
    }
    let errors: Vec<&String> = build.errors.values().collect();
    Err(if errors.is_empty() {
        format!("cargo build failed:\n{}", build.stderr)
    } else {
        errors.into_iter().cloned().collect::<Vec<_>>().join("\n")
    })
}

/// Builds one package of the staged workspace alone, confined; see [`build_packages`].
pub fn build_package(
    private: &Private,
    package: &str,
    target_dir: &Path,
    timeout: Duration,
) -> anyhow::Result<Result<PathBuf, String>> {
    let build = build_packages(private, &[package], target_dir, timeout)?;
    Ok(outcome(&build, package, timeout))
}

/// Fingerprints of every compiled dependency of the graded lessons in a target dir, so a
/// build that replaced one (and with it another student's program) is caught and undone.
/// Kept in the private folder, beside a copy of each file, where no build can write.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct Dependencies {
    /// Hash of the grader's `Cargo.lock`: another lock file starts a new record.
    key: u64,
    /// The units whose dependencies the grader built itself, with their manifests' hashes.
    units: BTreeMap<String, u64>,
    files: BTreeMap<PathBuf, Fingerprint>,
}

/// What is known of one dependency artifact: its content hash, and the inode metadata it
/// had when hashed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
struct Fingerprint {
    hash: u64,
    stamp: Stamp,
}

/// A file's inode, size, and modification and change times, to the nanosecond.
///
/// Any write to the file, or any change of its times, sets its change time (ctime) to the
/// current time, and no system call sets ctime to a chosen value; a file replaced by
/// another has another inode. So an unchanged stamp means unchanged contents, and checking
/// the stamp spares reading every dependency (about 70 MB, twice per submission; with the
/// engine unoptimised in the dev profile, hashing it was half a one-lesson grade's CPU).
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    fn of(path: &Path) -> std::io::Result<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path)?;
        Ok(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }
}

impl Fingerprint {
    /// The file's fingerprint; `known` is reused when the file's stamp still matches it.
    fn of(path: &Path, known: Option<&Fingerprint>) -> std::io::Result<Fingerprint> {
        let stamp = Stamp::of(path)?;
        if let Some(known) = known.filter(|k| k.stamp == stamp) {
            return Ok(*known);
        }
        // The stamp is taken before the contents are read: a write in between changes the
        // ctime after this stamp, so the next look hashes the file again.
        Ok(Fingerprint {
            hash: hash_file(path)?,
            stamp,
        })
    }

    /// Whether the file at `path` still has the contents this fingerprint was taken of.
    fn matches(&self, path: &Path) -> bool {
        match Stamp::of(path) {
            Ok(stamp) if stamp == self.stamp => true,
            Ok(_) => hash_file(path).is_ok_and(|hash| hash == self.hash),
            Err(_) => false,
        }
    }
}

fn hash_text(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// A file's content hash (std's SipHash: builds run no student code, so the risk is a
/// damaged file, not a crafted collision).
fn hash_file(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        buf[..n].hash(&mut hasher);
    }
}

/// The crates from a registry or git that the packages `roots` reach in a lock file: the
/// dependencies their builds link, and nothing else the target dir may hold (the tooling's
/// own crates, say, when an instructor grades into the checkout's target dir).
///
/// The lock file lists each package's dependencies for every feature the workspace turns
/// on, so the set holds all a root can link whatever its features. Packages are matched by
/// name: two versions of one crate are both taken, as the artifacts' names cannot tell
/// them apart.
pub fn registry_crates(lock: &Path, roots: &[&str]) -> Vec<String> {
    let Ok(table) = std::fs::read_to_string(lock)
        .unwrap_or_default()
        .parse::<toml::Table>()
    else {
        return Vec::new();
    };
    let packages: Vec<&toml::Table> = table
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_table())
        .collect();
    let name = |p: &toml::Table| p.get("name").and_then(|n| n.as_str()).map(str::to_owned);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut next: Vec<String> = roots.iter().map(|r| (*r).to_owned()).collect();
    while let Some(wanted) = next.pop() {
        if !seen.insert(wanted.clone()) {
            continue;
        }
        for package in packages
            .iter()
            .filter(|p| name(p).as_deref() == Some(&wanted))
        {
            // An entry is "name", "name version" or "name version (source)".
            let dependencies = package.get("dependencies").and_then(|d| d.as_array());
            next.extend(
                dependencies
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str()?.split_whitespace().next().map(str::to_owned)),
            );
        }
    }
    let mut crates: Vec<String> = packages
        .iter()
        .filter(|p| p.get("source").is_some())
        .filter_map(|p| name(p))
        .filter(|n| seen.contains(n))
        .map(|n| n.replace('-', "_"))
        .collect();
    crates.sort();
    crates.dedup();
    crates
}

/// The artifacts of `crates` in `<target>/debug/deps`.
fn dependency_files(target_dir: &Path, crates: &[String]) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(target_dir.join("debug/deps")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = dir
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| crates.contains(&artifact_crate(&e.file_name().to_string_lossy())))
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// The crate (with `-` as `_`) an entry of a target dir's `deps/`, `build/` or
/// `.fingerprint/` belongs to: `libtokio-<hash>.rlib` (and .rmeta, .so), `tokio-<hash>.d`
/// and the folder `tokio-<hash>` are all tokio's, and `liblibc-<hash>.rlib` and
/// `libc-<hash>.d` are libc's.
pub fn artifact_crate(entry: &str) -> String {
    let stem = entry.split('.').next().unwrap_or(entry);
    let name = match stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            name
        }
        _ => stem,
    };
    // Libraries are `lib<crate>-<hash>.<ext>`; dep-info files and folders are not.
    let name = if entry.contains('.') && !entry.ends_with(".d") {
        name.strip_prefix("lib").unwrap_or(name)
    } else {
        name
    };
    name.replace('-', "_")
}

impl Dependencies {
    fn record_path(private: &Private) -> PathBuf {
        private.dir.join("deps.json")
    }

    fn backup(private: &Private) -> PathBuf {
        private.dir.join("deps-backup")
    }

    /// What was recorded for this target dir under the grader's current `lock` file.
    pub fn load(private: &Private, lock: &str) -> Dependencies {
        let key = hash_text(lock);
        std::fs::read_to_string(Self::record_path(private))
            .ok()
            .and_then(|text| serde_json::from_str::<Dependencies>(&text).ok())
            .filter(|d| d.key == key)
            .unwrap_or(Dependencies {
                key,
                ..Dependencies::default()
            })
    }

    /// The units (name, manifest) whose dependencies the grader has not built itself yet.
    pub fn missing<'a>(&self, units: &[(&'a str, String)]) -> Vec<&'a str> {
        units
            .iter()
            .filter(|(name, manifest)| self.units.get(*name) != Some(&hash_text(manifest)))
            .map(|(name, _)| *name)
            .collect()
    }

    /// Records (and backs up) every artifact now in the target dir of the dependencies
    /// that the units recorded so far reach in the grader's `lock` file, right after the
    /// grader's own build of `units`.
    pub fn record(
        &mut self,
        private: &Private,
        target_dir: &Path,
        lock: &Path,
        units: &[(&str, String)],
    ) -> anyhow::Result<()> {
        let backup = Self::backup(private);
        std::fs::create_dir_all(&backup)?;
        for (name, manifest) in units {
            self.units.insert((*name).to_owned(), hash_text(manifest));
        }
        let roots: Vec<&str> = self.units.keys().map(String::as_str).collect();
        let crates = registry_crates(lock, &roots);
        let mut files = BTreeMap::new();
        for path in dependency_files(target_dir, &crates) {
            let known = self.files.get(&path);
            let fingerprint = Fingerprint::of(&path, known)?;
            let name = path.file_name().expect("a file in deps/");
            if known.map(|k| k.hash) != Some(fingerprint.hash) || !backup.join(name).exists() {
                std::fs::copy(&path, backup.join(name))
                    .with_context(|| format!("cannot back up {}", path.display()))?;
            }
            files.insert(path, fingerprint);
        }
        // Copies of files no longer recorded (a dependency updated, say) are dropped.
        if let Ok(entries) = std::fs::read_dir(&backup) {
            for entry in entries.flatten() {
                if !files
                    .keys()
                    .any(|path| path.file_name() == Some(entry.file_name().as_os_str()))
                {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        self.files = files;
        crate::files::write_atomically(
            &Self::record_path(private),
            serde_json::to_string(self)?.as_bytes(),
        )
    }

    /// Puts back every recorded dependency that changed or vanished; says which.
    pub fn restore(&self, private: &Private) -> anyhow::Result<Vec<PathBuf>> {
        let backup = Self::backup(private);
        let mut restored = Vec::new();
        for (path, fingerprint) in &self.files {
            if !fingerprint.matches(path) {
                let name = path.file_name().expect("a file in deps/");
                let _ = std::fs::remove_file(path);
                // A backup that is gone (its folder cleaned by hand or by the system's tmp
                // reaper) cannot be copied back; with the changed file removed, cargo builds
                // the dependency again from the registry's sources, which is just as safe.
                if backup.join(name).exists() {
                    std::fs::copy(backup.join(name), path)
                        .with_context(|| format!("cannot restore {}", path.display()))?;
                }
                restored.push(path.clone());
            }
        }
        Ok(restored)
    }

    /// Whether every recorded dependency is still in the target dir and has its backup. If
    /// not (the target dir was emptied or made anew at the same path, the backup cleaned
    /// away), the grader must build and record them again before the record protects anyone.
    pub fn intact(&self, private: &Private) -> bool {
        let backup = Self::backup(private);
        self.files.keys().all(|path| {
            path.is_file()
                && path
                    .file_name()
                    .is_some_and(|name| backup.join(name).exists())
        })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Removes what a submission's build left in the shared target dir (its binaries, object
/// files, incremental caches and the stage with its sources), once its binaries are
/// copied out: the next student's build, which may read the target dir, must not find
/// another student's compiled work to `include_bytes!`.
pub fn forget_submission(private: &Private, target_dir: &Path, packages: &[&str]) {
    let debug = target_dir.join("debug");
    for package in packages {
        let _ = std::fs::remove_file(debug.join(package));
        let _ = std::fs::remove_file(debug.join(format!("{package}.d")));
        let snake = package.replace('-', "_");
        for (folder, prefix) in [
            ("deps", format!("{snake}-")),
            ("incremental", format!("{snake}-")),
            (".fingerprint", format!("{package}-")),
        ] {
            let Ok(entries) = std::fs::read_dir(debug.join(folder)) else {
                continue;
            };
            for entry in entries.flatten() {
                // `<name>-<hash>` and what follows (`.d`, `.o`), never a longer package's:
                // in `.fingerprint` names keep their dashes, and `lesson-asyncio-concepts-…`
                // is not lesson-asyncio's (a hash holds no dash).
                let file = entry.file_name().to_string_lossy().into_owned();
                let ours = file
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.split('.').next().unwrap_or_default().contains('-'));
                if ours {
                    let path = entry.path();
                    let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(private.stage());
}

/// Cargo reads `.cargo/config.toml` in every folder above its working directory, and a
/// config can name a `rustc-wrapper` to run. The stage's own folders are the grader's;
/// anything above (`/tmp/.cargo`, which any local user could create) is refused.
fn refuse_foreign_config(stage: &Path) -> anyhow::Result<()> {
    for folder in stage.ancestors().skip(1) {
        let config = folder.join(".cargo");
        if config.exists() {
            bail!(
                "{} exists, and cargo would read it while building submissions; remove it",
                config.display()
            );
        }
    }
    Ok(())
}

/// Refuses a target dir inside the grader's checkout only when cargo would read the
/// checkout's config from it; a target dir is just written to, so it may sit anywhere.
pub fn check_stage_outside(root: &Path, private: &Private) -> anyhow::Result<()> {
    let root = root.canonicalize()?;
    if private.stage().starts_with(&root) {
        bail!(
            "the staging folder {} is inside the course checkout {}; set TMPDIR outside it",
            private.stage().display(),
            root.display()
        );
    }
    Ok(())
}

/// Refuses a report path where student builds write (the target dir) or where the
/// grader keeps its private folders: a report must never sit where student code could
/// pre-create or replace it.
pub fn check_report_path(report: &Path, target_dir: &Path) -> anyhow::Result<()> {
    let resolve = |p: &Path| {
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        parent.canonicalize().unwrap_or_else(|_| parent.to_owned())
    };
    let folder = resolve(report);
    let target = target_dir
        .canonicalize()
        .unwrap_or_else(|_| target_dir.to_owned());
    let private = sandbox::private_root()?;
    if folder.starts_with(&target) || folder.starts_with(&private) {
        bail!(
            "the report {} would sit in {}, where student builds write; write it somewhere else",
            report.display(),
            folder.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_dependency_is_caught_even_with_its_size_and_mtime_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("libtokio-0123.rlib");
        std::fs::write(&path, b"the grader's own build").unwrap();
        let taken = Fingerprint::of(&path, None).unwrap();
        assert!(taken.matches(&path));
        assert_eq!(Fingerprint::of(&path, Some(&taken)).unwrap(), taken);
        // Same length, and the old modification time set back: only ctime tells.
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(&path, b"THE GRADER'S OWN BUILD").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert!(!taken.matches(&path));
        assert_ne!(
            Fingerprint::of(&path, Some(&taken)).unwrap().hash,
            taken.hash
        );
        // Rewritten with the very same bytes: the stamp differs, the contents do not.
        std::fs::write(&path, b"the grader's own build").unwrap();
        assert!(taken.matches(&path));
    }

    #[test]
    fn an_artifact_is_told_by_its_crate() {
        for (entry, krate) in [
            ("libtokio-0123456789abcdef.rlib", "tokio"),
            ("libtokio_macros-0123456789abcdef.so", "tokio_macros"),
            ("tokio-0123456789abcdef.d", "tokio"),
            ("liblibc-0123456789abcdef.rmeta", "libc"),
            ("libc-0123456789abcdef.d", "libc"),
            (
                "signal-hook-registry-0123456789abcdef",
                "signal_hook_registry",
            ),
        ] {
            assert_eq!(artifact_crate(entry), krate, "{entry}");
        }
    }

    #[test]
    fn forgetting_a_lesson_leaves_a_lesson_whose_name_it_begins() {
        let target = tempfile::tempdir().unwrap();
        let private = tempfile::tempdir().unwrap();
        let debug = target.path().join("debug");
        let ours = [
            "deps/lesson_asyncio-0123456789abcdef",
            "deps/lesson_asyncio-0123456789abcdef.d",
            "deps/lesson_asyncio-0123456789abcdef.lesson_asyncio.1a2b-cgu.0.rcgu.o",
            ".fingerprint/lesson-asyncio-0123456789abcdef",
            "incremental/lesson_asyncio-1z2n0p9xh8q1v",
        ];
        let theirs = [
            "deps/lesson_asyncio_concepts-0123456789abcdef",
            ".fingerprint/lesson-asyncio-concepts-0123456789abcdef",
            "deps/libtokio-0123456789abcdef.rlib",
        ];
        for file in ours.iter().chain(&theirs) {
            std::fs::create_dir_all(debug.join(file).parent().unwrap()).unwrap();
            std::fs::write(debug.join(file), b"").unwrap();
        }
        let private = Private {
            dir: private.path().to_owned(),
        };
        forget_submission(&private, target.path(), &["lesson-asyncio"]);
        for file in ours {
            assert!(!debug.join(file).exists(), "{file} was left");
        }
        for file in theirs {
            assert!(debug.join(file).exists(), "{file} was removed");
        }
    }

    #[test]
    fn the_recorded_dependencies_are_those_the_graded_packages_reach() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(
            &lock,
            r#"version = 4

[[package]]
name = "lesson-asyncio"
version = "0.1.0"
dependencies = ["lesson-kit", "tokio"]

[[package]]
name = "lesson-kit"
version = "0.1.0"
dependencies = ["libc 0.2.1 (registry+https://github.com/rust-lang/crates.io-index)"]

[[package]]
name = "tokio"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["tokio-macros"]

[[package]]
name = "tokio-macros"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "libc"
version = "0.2.1"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "xtask"
version = "0.1.0"
dependencies = ["clap"]

[[package]]
name = "clap"
version = "4.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#,
        )
        .unwrap();
        // Through the path dependency too; the tooling's clap is not the lessons' business.
        assert_eq!(
            registry_crates(&lock, &["lesson-asyncio"]),
            ["libc", "tokio", "tokio_macros"]
        );
        assert_eq!(registry_crates(&lock, &["xtask"]), ["clap"]);
        assert!(registry_crates(&dir.path().join("missing.lock"), &["xtask"]).is_empty());
    }

    #[test]
    fn the_graders_lesson_manifest_turns_build_scripts_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        std::fs::write(
            &path,
            "[package]\nname = \"lesson-x\"\nbuild = \"build.rs\"\n\n[build-dependencies]\ncc = \"1\"\n",
        )
        .unwrap();
        let text = lesson_manifest(&path).unwrap();
        let manifest: toml::Table = text.parse().unwrap();
        assert_eq!(manifest["package"]["build"], toml::Value::Boolean(false));
        assert!(!manifest.contains_key("build-dependencies"));
    }
}
