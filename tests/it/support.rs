//! Shared set-up: the workspace root, one build of every binary, and throwaway copies of the course.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use course::procfs;
use course::workspace::{self, Package};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

pub fn packages() -> &'static [Package] {
    static PACKAGES: OnceLock<Vec<Package>> = OnceLock::new();
    PACKAGES.get_or_init(|| workspace::packages(&root()).expect("cargo metadata of the course"))
}

pub fn lessons() -> Vec<&'static Package> {
    packages().iter().filter(|u| u.is_lesson()).collect()
}

/// The lesson in `lessons/<folder>`.
pub fn lesson(folder: &str) -> &'static Package {
    lessons()
        .into_iter()
        .find(|l| l.folder() == folder)
        .unwrap_or_else(|| panic!("no lesson in lessons/{folder}"))
}

/// The direct translations of the notes' examples, in the notes' order: the lessons with
/// their Python original beside them, each of which gives its `critical_path` in its metadata.
pub fn translations() -> Vec<&'static str> {
    let translations: Vec<&str> = lessons()
        .into_iter()
        .filter(|p| p.dir.join("original.py").is_file())
        .inspect(|p| {
            assert!(
                p.critical_path.is_some(),
                "{} has an original.py but no critical_path in [package.metadata.lesson]",
                p.name
            )
        })
        .map(|p| p.name.as_str())
        .collect();
    assert!(!translations.is_empty(), "no lesson has an original.py");
    translations
}

/// The binaries the tests run from the checkout, built once per test run: the lessons,
/// xtask, the grader it starts and the bench (`CARGO_BIN_EXE_*` only sees this package's own
/// binaries, so they are built here and found by path). The exercises are built only in
/// copies of the course, by the commands under test, so they are left out.
pub fn binaries() -> &'static BTreeMap<String, PathBuf> {
    static BINS: OnceLock<BTreeMap<String, PathBuf>> = OnceLock::new();
    BINS.get_or_init(|| {
        // Built as `cargo xtask` builds them: cargo unifies the features of the packages one
        // call builds, so xtask built beside the grader (which turns on the engine's `grade`
        // feature) or the bench (clap's derive) would be compiled anew, where alone it is the
        // one `cargo xtask` already built. The bench links the lessons' tokio and rayon, so it
        // is built with them. Then each lesson is built alone, as a learner's `cargo run -p`,
        // the grader and the Try-it tests build it: its binary is the one the tests run, and
        // the dependencies it alone asks for (tokio with fewer features) are compiled here
        // once, for every target dir seeded from this one (see `target_dir`).
        let lessons: Vec<&str> = lessons().iter().map(|u| u.name.as_str()).collect();
        let mut lessons_and_bench = lessons.clone();
        lessons_and_bench.push("bench");
        let mut builds: Vec<Vec<&str>> = vec![vec!["xtask"], vec!["grader"], lessons_and_bench];
        builds.extend(lessons.iter().map(|&lesson| vec![lesson]));
        let mut binaries = BTreeMap::new();
        for packages in &builds {
            let build = workspace::build(&root(), packages, None).expect("cargo build");
            assert!(
                build.errors.is_empty(),
                "the course does not compile: {:?}",
                build.errors
            );
            binaries.extend(build.binaries);
        }
        binaries
    })
}

pub fn binary(package: &str) -> &'static Path {
    binaries()
        .get(package)
        .unwrap_or_else(|| panic!("no binary for {package}"))
}

/// A copy of the course's sources (no target/, no .git) in a temporary folder, to break on purpose.
pub fn copy_of_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root(), dir.path());
    dir
}

/// Copies the folder `from` into `to`, leaving out build output (`target/`) and `.git`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// Held while a test makes a copy of the course and builds it into [`copies_target_dir`].
///
/// There each package's binary has one path and cargo judges freshness by mtime alone, so
/// two copies building at once could run each other's binaries: one test at a time, each
/// making its copy (newer than anything built before) once it holds this.
pub fn copies_lock() -> std::sync::MutexGuard<'static, ()> {
    static COPIES: std::sync::Mutex<()> = std::sync::Mutex::new(());
    COPIES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The target dir the copies build into: shared by every test holding [`copies_lock`].
/// Copies build the tooling too (Gradescope's setup.sh compiles xtask and the grader), so
/// every registry crate is seeded there.
pub fn copies_target_dir() -> PathBuf {
    seeded_target_dir("it-copies", None)
}

/// `target/<name>`, a target dir of the tests' own where lessons and exercises are built,
/// seeded (once per test run, before any test builds there) with the compiled registry
/// crates they reach that the checkout's own build holds (in `target/debug`, or wherever
/// `CARGO_TARGET_DIR` put it): tokio and rayon with all they use, about 100 MB.
///
/// Cargo names a registry crate's artifacts by a hash of its version, features and profile,
/// never of the target dir, so a copy (mtimes kept, as cargo compares them) is as fresh
/// there as where it was built: each of the test target dirs would otherwise compile
/// tokio, rayon and the tooling's crates again, about a fifth of a cold test run's CPU. The
/// workspace's own crates are left out: they are rebuilt from each copy's sources anyway.
/// Copies, not hard links: a hostile submission's build may write into its target dir.
pub fn target_dir(name: &str) -> PathBuf {
    static LESSON_CRATES: OnceLock<Vec<String>> = OnceLock::new();
    let crates = LESSON_CRATES.get_or_init(|| {
        let names: Vec<&str> = packages().iter().map(|p| p.name.as_str()).collect();
        course::stage::registry_crates(&root().join("Cargo.lock"), &names)
    });
    seeded_target_dir(name, Some(crates))
}

/// `target/<name>`, seeded with the registry crates among `only` (all of them for `None`).
fn seeded_target_dir(name: &str, only: Option<&[String]>) -> PathBuf {
    static SEEDED: std::sync::Mutex<BTreeSet<String>> = std::sync::Mutex::new(BTreeSet::new());
    let dir = root().join("target").join(name);
    let mut seeded = SEEDED.lock().unwrap_or_else(|p| p.into_inner());
    if !seeded.contains(name) {
        seeded.insert(name.to_owned());
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(variable) = compiles_differently() {
            // The grader's sandbox starts cargo without it, so there the copies would be
            // stale, and cargo would compile them again inside students' builds, under the
            // grader's dependency record: each target dir compiles its own instead.
            eprintln!("note: {variable} is set: the tests' target dirs are not seeded");
            return dir;
        }
        // The checkout's target dir is complete once this test run's binaries are built.
        let from = binary("xtask").parent().unwrap().to_owned();
        let workspace = workspace_crates();
        for sub in ["deps", "build", ".fingerprint"] {
            let Ok(entries) = std::fs::read_dir(from.join(sub)) else {
                continue;
            };
            std::fs::create_dir_all(dir.join("debug").join(sub)).unwrap();
            for entry in entries.flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                let to = dir.join("debug").join(sub).join(&file);
                let krate = course::stage::artifact_crate(&file);
                let wanted = only.is_none_or(|only| only.contains(&krate));
                if wanted && !workspace.contains(&krate) && !to.exists() {
                    copy_keeping_mtimes(&entry.path(), &to);
                }
            }
        }
    }
    dir
}

/// A variable of this process's environment that changes how cargo compiles every crate
/// (its fingerprints), and that the grader's sandbox does not pass on to its cargo.
fn compiles_differently() -> Option<String> {
    std::env::vars_os()
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .find(|name| {
            matches!(
                name.as_str(),
                "RUSTFLAGS"
                    | "CARGO_ENCODED_RUSTFLAGS"
                    | "CARGO_BUILD_RUSTFLAGS"
                    | "RUSTC_BOOTSTRAP"
                    | "RUSTC_WRAPPER"
                    | "CARGO_BUILD_RUSTC_WRAPPER"
            ) || name.starts_with("CARGO_PROFILE_")
                || (name.starts_with("CARGO_TARGET_")
                    && (name.ends_with("_RUSTFLAGS") || name.ends_with("_LINKER")))
        })
}

/// The crates of the workspace's own packages (lib, bin and test targets), by the names
/// their artifacts carry (`-` as `_`).
fn workspace_crates() -> &'static BTreeSet<String> {
    static CRATES: OnceLock<BTreeSet<String>> = OnceLock::new();
    CRATES.get_or_init(|| {
        let metadata = workspace::metadata(&root()).expect("cargo metadata of the course");
        let mut names = BTreeSet::new();
        for package in metadata["packages"].as_array().into_iter().flatten() {
            names.extend(package["name"].as_str().map(crate_name));
            for target in package["targets"].as_array().into_iter().flatten() {
                names.extend(target["name"].as_str().map(crate_name));
            }
        }
        names
    })
}

fn crate_name(name: &str) -> String {
    name.replace('-', "_")
}

/// Copies the file or folder `from` to `to`, giving every file `from`'s modification time.
fn copy_keeping_mtimes(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            copy_keeping_mtimes(&entry.path(), &to.join(entry.file_name()));
        }
    } else if from.is_file() {
        std::fs::copy(from, to).unwrap();
        let modified = std::fs::metadata(from).unwrap().modified().unwrap();
        std::fs::File::options()
            .write(true)
            .open(to)
            .unwrap()
            .set_modified(modified)
            .unwrap();
    }
}

/// Pids of every process whose command line mentions `needle` (to prove nothing was left behind).
pub fn processes_mentioning(needle: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    procfs::pids()
        .into_iter()
        .filter(|&pid| pid != me)
        .filter(|&pid| {
            procfs::read(pid, "cmdline")
                .is_some_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

/// A string no other test uses, to tag the processes of one run through their environment.
pub fn unique_marker() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Pids of every process whose environment holds `COURSE_TEST_MARKER=<marker>`.
pub fn processes_with_env(marker: &str) -> Vec<i32> {
    let needle = format!("COURSE_TEST_MARKER={marker}\0");
    procfs::pids()
        .into_iter()
        .filter(|&pid| {
            procfs::read(pid, "environ")
                .is_some_and(|env| String::from_utf8_lossy(&env).contains(&needle))
        })
        .collect()
}

/// A counting semaphore: at most `n` holders of a turn at once (std has none; this is the
/// textbook Mutex and Condvar pair, too small to take a crate for).
pub struct Turns {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Turns {
    pub const fn new(n: usize) -> Turns {
        Turns {
            free: std::sync::Mutex::new(n),
            freed: std::sync::Condvar::new(),
        }
    }

    /// Waits for a turn; it is given back when the returned guard drops.
    pub fn take(&self) -> Turn<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Turn { turns: self }
    }
}

pub struct Turn<'a> {
    turns: &'a Turns,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *self.turns.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.turns.freed.notify_one();
    }
}
