//! The sandbox student code runs in, at build time and at run time: what it may touch, and what protected the grader.
//!
//! Untrusted code is never started straight from the grader, which is multithreaded
//! (concurrent cases, pipe readers): setting up Landlock allocates, and allocating
//! between `fork` and `exec` of a multithreaded process is unsafe. Instead the grader
//! starts a small single-threaded launcher (`grader __sandbox POLICY PROGRAM ARGS…`,
//! see `launcher`, which the `grade` feature builds) that becomes a child subreaper, forks, confines the child
//! (rlimits, another uid when the grader is root, `PR_SET_PDEATHSIG`, Landlock with
//! `no_new_privs`), execs the program, and then waits for it and for every process it
//! left behind, however it detached (`setsid -f`). Each case has a launcher of its
//! own, so when cases run side by side every orphan is still charged to its case,
//! and the launcher's `waitpid(-1)` never steals a status std's `Child` waits for.

#[cfg(feature = "grade")]
pub mod launcher;
#[cfg(feature = "grade")]
mod rules;
mod status;

pub use status::Report;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What one sandboxed process tree may do, handed to the launcher as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Policy {
    /// Folders and files it may read and execute (with everything beneath).
    pub read: Vec<PathBuf>,
    /// Folders and files it may read, write, create in and remove from.
    pub write: Vec<PathBuf>,
    /// Confine with Landlock (filesystem, TCP, signals) when the kernel has it.
    pub landlock: bool,
    /// Run as this uid and gid (set when the grader is root).
    pub user: Option<u32>,
    /// RLIMIT_AS, bytes.
    pub memory_bytes: Option<u64>,
    /// RLIMIT_CPU, seconds.
    pub cpu_seconds: Option<u64>,
    /// Tasks (processes and threads) the tree may add for its uid, through RLIMIT_NPROC.
    pub tasks: Option<u64>,
    /// RLIMIT_FSIZE, bytes: the largest file it may write.
    pub file_bytes: Option<u64>,
    /// Processes alive at once in the tree; past that the launcher stops everything.
    pub max_processes: Option<usize>,
    /// Wall-clock limit in milliseconds; past that the launcher stops everything.
    pub timeout_ms: Option<u64>,
    /// A descriptor the launcher reports on (see [`Report`]).
    pub status_fd: Option<i32>,
}

/// The uid and gid untrusted code runs as when the grader is root: `nobody` on Debian,
/// Ubuntu and Gradescope's images, which owns no file the grader needs.
pub const UNPRIVILEGED: u32 = 65534;

/// Tasks (threads count) a run may add for its uid: tokio's blocking pool alone may
/// reach 512, and the lessons' own threads come on top.
pub const TASKS_PER_RUN: u64 = 1024;

/// The largest file a program may write in its scratch dir.
pub const FILE_BYTES: u64 = 64 << 20;

/// How the grader starts the launcher: a program and the arguments before the policy.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub program: PathBuf,
    pub leading_args: Vec<OsString>,
}

static LAUNCHER: OnceLock<Launcher> = OnceLock::new();

/// Names the launcher for this process. The grader registers itself (`grader __sandbox`);
/// tests that drive the engine directly register a binary they built.
pub fn set_launcher(program: PathBuf, leading_args: Vec<OsString>) {
    let _ = LAUNCHER.set(Launcher {
        program,
        leading_args,
    });
}

/// The registered launcher, if any.
pub fn launcher() -> Option<&'static Launcher> {
    LAUNCHER.get()
}

/// A command that runs `program args` under `policy` through the launcher.
pub fn command(
    launcher: &Launcher,
    policy: &Policy,
    program: &Path,
    args: &[OsString],
) -> std::process::Command {
    let mut command = std::process::Command::new(&launcher.program);
    command
        .args(&launcher.leading_args)
        .arg(serde_json::to_string(policy).expect("a policy is plain data"))
        .arg(program)
        .args(args);
    command
}

/// Is the grader root (so student code is moved to [`UNPRIVILEGED`])?
pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The environment passed to student code and to sandboxed builds: nothing of the
/// grader's own (tokens, paths to its checkout), except what names the toolchain.
pub fn clean_env(command: &mut std::process::Command, home: &Path) {
    command.env_clear();
    command.env(
        "PATH",
        std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
    );
    command.env("HOME", home);
    command.env("TMPDIR", home);
    command.env("LANG", "C.UTF-8");
    // The tests tag every process of a grading run with this variable to prove none
    // is left running; it carries nothing of the grader's.
    if let Some(marker) = std::env::var_os("COURSE_TEST_MARKER") {
        command.env("COURSE_TEST_MARKER", marker);
    }
}

/// Whether Landlock may be used: the kernel's ABI, unless `COURSE_SANDBOX_NO_LANDLOCK`
/// is set (it makes the grader act as on a kernel without Landlock, to test that
/// grading still works there and says so).
pub fn landlock_abi() -> i32 {
    if std::env::var_os("COURSE_SANDBOX_NO_LANDLOCK").is_some() {
        return 0;
    }
    kernel_abi()
}

/// The Landlock ABI of the running kernel, 0 when it has none.
///
/// The landlock crate keeps its probe private (it wants callers to degrade
/// silently), but the grader must *say* what was missing, so it asks the kernel
/// itself: `landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)`.
pub fn kernel_abi() -> i32 {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute and size 0 this only returns the ABI version.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    i32::try_from(v).unwrap_or(0).max(0)
}

/// One protection the grader relies on, and whether it was in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Protection {
    pub name: &'static str,
    pub active: bool,
    /// What it protects, or why it is missing and what a student could do then.
    pub detail: String,
}

/// The protections this grader has on this machine, in the order the report lists them.
pub fn protections() -> Vec<Protection> {
    let abi = landlock_abi();
    let launcher = launcher().is_some();
    let root = is_root();
    let p = |name, active, yes: &str, no: &str| Protection {
        name,
        active,
        detail: if active { yes } else { no }.to_owned(),
    };
    vec![
        p(
            "filesystem",
            launcher && abi >= 1,
            "Landlock: student code reads only the toolchain, system libraries and its own build, and writes only its scratch and target dirs",
            "no Landlock in this kernel: student code can read and write whatever the grader's user can",
        ),
        p(
            "network",
            launcher && abi >= 4,
            "Landlock: no TCP connect or bind (UDP and unix sockets are not covered)",
            "no Landlock network rules (Linux 6.7+): student code can open connections",
        ),
        p(
            "signals",
            launcher && (abi >= 6 || root),
            if abi >= 6 {
                "Landlock scope: student code cannot signal the grader or anything outside its sandbox"
            } else {
                "a separate uid: student code cannot signal the grader"
            },
            "no Landlock signal scope (Linux 6.12+) and the grader is not root: student code could signal the grader",
        ),
        p(
            "separate user",
            launcher && root,
            "programs run as uid 65534 (nobody)",
            "the grader is not root, so programs run as the grader's own user",
        ),
        p(
            "containment",
            launcher,
            "a subreaper per case: every process a program starts is found and killed, setsid or not",
            "no sandbox launcher: processes that leave the process group may outlive grading",
        ),
        p(
            "no_new_privs",
            launcher,
            "builds and programs cannot gain privileges through setuid binaries",
            "no sandbox launcher",
        ),
        p(
            "limits",
            true,
            "time, output, processes, memory and CPU per run; time and processes per build",
            "",
        ),
    ]
}

/// One line for a console or a report: which protections held, and plainly which were missing.
pub fn summary(protections: &[Protection]) -> String {
    let active: Vec<&str> = protections
        .iter()
        .filter(|p| p.active)
        .map(|p| p.name)
        .collect();
    let missing: Vec<String> = protections
        .iter()
        .filter(|p| !p.active)
        .map(|p| format!("{} ({})", p.name, p.detail))
        .collect();
    let mut text = format!("sandbox: {}", active.join(", "));
    if !missing.is_empty() {
        text.push_str(&format!("; MISSING: {}", missing.join("; ")));
    }
    text
}

/// Read rights every sandboxed process needs: the dynamic loader and system
/// libraries, /proc and /sys for its own facts, and the harmless devices.
pub fn system_reads() -> Vec<PathBuf> {
    [
        "/usr",
        "/lib",
        "/lib32",
        "/lib64",
        "/bin",
        "/sbin",
        // Of /etc only what the loader, the C toolchain and the clock need: not
        // /etc/shadow, which a build running as root could `include_str!`.
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
        "/etc/alternatives",
        "/etc/localtime",
        "/etc/passwd",
        "/etc/group",
        "/etc/nsswitch.conf",
        "/proc",
        "/sys/devices/system/cpu",
        "/sys/fs/cgroup",
        "/dev/urandom",
        "/dev/random",
        "/dev/zero",
    ]
    .into_iter()
    .map(PathBuf::from)
    .filter(|p| p.exists())
    .collect()
}

/// Write rights every sandboxed process needs.
pub fn system_writes() -> Vec<PathBuf> {
    vec![PathBuf::from("/dev/null")]
}

/// A scratch folder of one sandboxed process tree: its HOME and TMPDIR, owned by the
/// user it runs as, removed when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new(parent: &Path, owner: Option<u32>) -> std::io::Result<Scratch> {
        let dir = tempfile::Builder::new()
            .prefix("scratch-")
            .tempdir_in(parent)?;
        if let Some(uid) = owner {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(uid))?;
        }
        Ok(Scratch { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Grader-private folders outside any checkout: `$TMPDIR/course-grade-<uid>`, mode 0711,
/// so the unprivileged user can reach a binary placed beneath it but list nothing.
pub fn private_root() -> anyhow::Result<PathBuf> {
    use anyhow::{Context, bail};
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid cannot fail.
    let uid = unsafe { libc::geteuid() };
    let root = std::env::temp_dir().join(format!("course-grade-{uid}"));
    match std::fs::create_dir(&root) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", root.display())),
    }
    // Another local user could have made it first, or left a symlink there.
    let meta = std::fs::symlink_metadata(&root)?;
    if !meta.is_dir() || meta.uid() != uid {
        bail!(
            "{} is not a folder of this user; remove it, or set TMPDIR to a private folder",
            root.display()
        );
    }
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o711))?;
    Ok(root)
}

/// A time limit in the launcher's unit.
pub fn millis(limit: Duration) -> u64 {
    u64::try_from(limit.as_millis()).unwrap_or(u64::MAX)
}

/// Tasks (threads and processes) of `uid` alive now: RLIMIT_NPROC counts them all.
pub fn tasks_of(uid: u32) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .map(|e| std::fs::read_dir(e.path().join("task")).map_or(1, |tasks| tasks.count() as u64))
        .sum()
}

/// Asks a launcher to kill its whole tree and waits (briefly) until it has: killing the
/// launcher outright would hand its orphans to init before anyone could find them.
pub fn stop(launcher: &mut std::process::Child) {
    // SAFETY: signalling our own child.
    unsafe { libc::kill(launcher.id() as i32, libc::SIGTERM) };
    let asked = std::time::Instant::now();
    while asked.elapsed() < Duration::from_secs(5) {
        if !matches!(launcher.try_wait(), Ok(None)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A program run prepared for the sandbox: the launcher command, its scratch dir and
/// the pipe the launcher reports on.
pub struct RunJail {
    pub command: std::process::Command,
    _scratch: Scratch,
    reports: std::fs::File,
    /// What was read from `reports` so far.
    received: Vec<u8>,
    status_write: Option<std::os::fd::OwnedFd>,
}

impl RunJail {
    /// Wraps `options`' program in the launcher: it reads its own folder and the system,
    /// writes only its scratch dir, runs as [`UNPRIVILEGED`] when the grader is root.
    pub fn prepare(
        launcher: &Launcher,
        options: &crate::runner::RunOptions,
        limits: crate::spec::Limits,
    ) -> anyhow::Result<RunJail> {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        let user = is_root().then_some(UNPRIVILEGED);
        let scratch = Scratch::new(&private_root()?, user)?;
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills two descriptors, close-on-exec so no other child inherits them.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        // SAFETY: both descriptors were just made and are owned here alone.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let program = options
            .program
            .canonicalize()
            .unwrap_or_else(|_| options.program.clone());
        let mut read_paths = system_reads();
        if let Some(folder) = program.parent() {
            read_paths.push(folder.to_owned());
        }
        let mut write_paths = system_writes();
        write_paths.push(scratch.path().to_owned());
        let policy = Policy {
            read: read_paths,
            write: write_paths,
            landlock: landlock_abi() > 0,
            user,
            memory_bytes: Some(limits.max_memory_mb.saturating_mul(1024 * 1024)),
            cpu_seconds: Some(limits.max_cpu_seconds),
            tasks: Some(TASKS_PER_RUN.max(u64::from(limits.max_processes))),
            // A lesson writes no files; a program filling the disk stops at this size.
            file_bytes: Some(FILE_BYTES),
            max_processes: Some(limits.max_processes as usize),
            // A backstop only: the runner stops the run at its own timeout.
            timeout_ms: Some(millis(options.timeout + Duration::from_secs(30))),
            status_fd: Some(write.as_raw_fd()),
        };
        let mut command = command(launcher, &policy, &program, &options.args);
        clean_env(&mut command, scratch.path());
        for (key, value) in &options.env {
            command.env(key, value);
        }
        command.current_dir(scratch.path());
        Ok(RunJail {
            command,
            _scratch: scratch,
            reports: std::fs::File::from(read),
            received: Vec::new(),
            status_write: Some(write),
        })
    }

    /// The descriptor the launcher reports on, to be kept open across its exec.
    pub fn status_fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.status_write.as_ref().map_or(-1, |f| f.as_raw_fd())
    }

    /// Closes the grader's copy of the write end once the launcher holds its own.
    pub fn spawned(&mut self) {
        self.status_write = None;
    }

    /// Reads whatever the launcher has reported so far (the pipe does not block).
    fn take_in(&mut self) {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.reports.read(&mut buf) {
            if n == 0 {
                break;
            }
            self.received.extend_from_slice(&buf[..n]);
        }
    }

    /// The program's own pid once the launcher has forked it: observation of the
    /// program (its executable, its threads) must start there, not at the launcher.
    pub fn program_pid(&mut self) -> Option<i32> {
        self.take_in();
        self.parsed().into_iter().find_map(|r| match r {
            Report::Started(pid) => Some(pid),
            _ => None,
        })
    }

    fn parsed(&self) -> Vec<Report> {
        // Only whole lines: a report may be read halfway through.
        let text = String::from_utf8_lossy(&self.received);
        let whole = text.rfind('\n').map_or("", |end| &text[..=end]);
        Report::parse(whole)
    }

    /// What the launcher reported (read once it has exited).
    pub fn reports(&mut self) -> Vec<Report> {
        self.take_in();
        self.parsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_survives_the_trip_to_the_launcher() {
        let policy = Policy {
            read: vec!["/usr".into()],
            write: vec!["/tmp/x".into()],
            landlock: true,
            user: Some(UNPRIVILEGED),
            memory_bytes: Some(1 << 30),
            cpu_seconds: Some(10),
            tasks: Some(100),
            file_bytes: Some(1 << 20),
            max_processes: Some(64),
            timeout_ms: Some(1000),
            status_fd: Some(3),
        };
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
    }

    #[test]
    fn the_program_pid_and_reports_are_read_as_they_arrive_whole_lines_only() {
        use std::io::Write;
        use std::os::fd::{FromRawFd, IntoRawFd};
        let launcher = Launcher {
            program: "/bin/true".into(),
            leading_args: Vec::new(),
        };
        let options = crate::runner::RunOptions::new("/bin/true");
        let mut jail = RunJail::prepare(&launcher, &options, crate::spec::DEFAULT_LIMITS).unwrap();
        assert_eq!(jail.program_pid(), None);
        // Stand in for the launcher: write on the grader's copy of the write end.
        let fd = jail.status_write.take().unwrap().into_raw_fd();
        // SAFETY: the descriptor was just taken out of its owner.
        let mut pipe = unsafe { std::fs::File::from_raw_fd(fd) };
        pipe.write_all(b"pid 42\nleft 1\nproc").unwrap();
        assert_eq!(jail.program_pid(), Some(42));
        assert_eq!(jail.reports(), [Report::Started(42), Report::Left(1)]);
        pipe.write_all(b"esses 70\n").unwrap();
        assert_eq!(jail.reports().last(), Some(&Report::Processes(70)));
    }

    #[test]
    fn the_summary_names_what_is_missing_plainly() {
        let list = vec![
            Protection {
                name: "filesystem",
                active: true,
                detail: "ok".into(),
            },
            Protection {
                name: "network",
                active: false,
                detail: "no Landlock".into(),
            },
        ];
        assert_eq!(
            summary(&list),
            "sandbox: filesystem; MISSING: network (no Landlock)"
        );
    }
}
