//! The launcher process: confines one program, waits for it and everything it left, kills all of it, reports.
//!
//! It runs single-threaded (the grader dispatches `__sandbox` before anything else), so
//! it may allocate freely between `fork` and `exec`. As a child subreaper it adopts
//! every orphan of the program, daemons that called `setsid` included, so walking
//! its own descendants in /proc finds all of them, and `waitpid(-1)` reaps only
//! what is its own. Its exit mirrors the program's (same code, same signal), so
//! the grader's `Child` sees what the program did.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use super::{Policy, Report, rules};

/// `xtask __sandbox POLICY PROGRAM ARGS…`: runs PROGRAM confined; returns the exit code to use.
pub fn main(args: &[OsString]) -> i32 {
    let [policy, program, rest @ ..] = args else {
        eprintln!("usage: __sandbox POLICY-JSON PROGRAM [ARGS...]");
        return 2;
    };
    let policy: Policy = match serde_json::from_str(&policy.to_string_lossy()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("__sandbox: the policy does not parse: {e}");
            return 2;
        }
    };
    let mut reporter = Reporter::new(policy.status_fd);
    // SAFETY: plain prctl/setrlimit/sigprocmask calls on this single-threaded process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1);
        // If the grader dies, the launcher hears SIGTERM and takes the tree down with it.
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
        set_limit(libc::RLIMIT_CORE, 0);
    }
    let parent = unsafe { libc::getppid() };
    if parent == 1 {
        return 1;
    }
    reporter.close_on_exec();
    let signals = blocked_signals();
    let me = std::process::id() as i32;
    // SAFETY: fork in a single-threaded process; the child only confines itself and execs.
    let child = unsafe { libc::fork() };
    if child < 0 {
        reporter.send(&Report::Failed(format!(
            "fork: {}",
            std::io::Error::last_os_error()
        )));
        return 1;
    }
    if child == 0 {
        let why = confine_and_exec(&policy, me, program, rest);
        let _ = writeln!(
            std::io::stderr(),
            "sandbox: cannot start {program:?}: {why}"
        );
        reporter.send(&Report::Failed(why));
        // SAFETY: leave the forked child without running the parent's destructors.
        unsafe { libc::_exit(127) };
    }
    reporter.send(&Report::Started(child));
    let deadline = policy
        .timeout_ms
        .and_then(|ms| Instant::now().checked_add(Duration::from_millis(ms)));
    let mut last_count = Instant::now();
    loop {
        // SIGCHLD wakes it at once; the rest (process cap, deadline) is checked ten
        // times a second, so the walk of /proc costs the program little CPU.
        let signal = wait_signal(&signals, Duration::from_millis(100));
        if matches!(signal, libc::SIGTERM | libc::SIGINT | libc::SIGHUP) {
            kill_tree(me);
            die_by(libc::SIGKILL);
        }
        if let Some(status) = reap(child, &mut reporter) {
            let left = kill_tree(me);
            if left > 0 {
                reporter.send(&Report::Left(left));
            }
            drop(reporter);
            mirror(status);
        }
        if let Some(max) = policy.max_processes
            && last_count.elapsed() >= Duration::from_millis(100)
        {
            last_count = Instant::now();
            let n = alive(&descendants(me));
            if n > max {
                kill_tree(me);
                reporter.send(&Report::Processes(n));
                die_by(libc::SIGKILL);
            }
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            kill_tree(me);
            reporter.send(&Report::TimedOut);
            die_by(libc::SIGKILL);
        }
    }
}

/// In the forked child: limits, uid, death signal, Landlock, then exec. Returns only on failure.
fn confine_and_exec(
    policy: &Policy,
    launcher: i32,
    program: &OsString,
    args: &[OsString],
) -> String {
    // SAFETY: the signal mask is per-thread state of this single-threaded child.
    unsafe {
        let empty = empty_set();
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
    }
    // SAFETY: setrlimit on plain values.
    unsafe {
        if let Some(bytes) = policy.memory_bytes {
            set_limit(libc::RLIMIT_AS, bytes);
        }
        if let Some(bytes) = policy.file_bytes {
            set_limit(libc::RLIMIT_FSIZE, bytes);
        }
        if let Some(seconds) = policy.cpu_seconds {
            // The soft limit sends SIGXCPU, which names the cause; the hard limit, a
            // second later, SIGKILL for a program that catches it.
            set_limits(libc::RLIMIT_CPU, seconds, seconds + 1);
        }
    }
    if let Some(uid) = policy.user {
        // SAFETY: dropping groups, then gid, then uid, while still root.
        let failed = unsafe {
            libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(uid) != 0
                || libc::setuid(uid) != 0
        };
        if failed {
            return format!(
                "cannot switch to uid {uid}: {}",
                std::io::Error::last_os_error()
            );
        }
    }
    // After the uid change, which clears it: the program dies with its launcher.
    // SAFETY: prctl and getppid have no memory effects.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != launcher {
            libc::_exit(127);
        }
    }
    if let Some(tasks) = policy.tasks {
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        // RLIMIT_NPROC counts every task of the uid, threads included, so the
        // cap goes on top of what that uid already runs.
        unsafe { set_limit(libc::RLIMIT_NPROC, super::tasks_of(uid) + tasks) };
    }
    // The grader decided (it may have been told to act as on a kernel without
    // Landlock); the kernel has the last word.
    if policy.landlock && super::kernel_abi() > 0 {
        if let Err(e) = rules::restrict(&policy.read, &policy.write) {
            return format!("cannot apply Landlock: {e}");
        }
    } else {
        // SAFETY: a plain prctl.
        unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    }
    let error = std::process::Command::new(program).args(args).exec();
    format!("{error}")
}

/// Writes reports to the grader's status descriptor, if it gave one.
struct Reporter {
    file: Option<std::fs::File>,
}

impl Reporter {
    fn new(fd: Option<i32>) -> Reporter {
        use std::os::fd::FromRawFd;
        // SAFETY: the grader dup'ed this descriptor for us and nothing else owns it.
        let file = fd
            .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0)
            .map(|fd| unsafe { std::fs::File::from_raw_fd(fd) });
        Reporter { file }
    }

    /// The program must not inherit the grader's descriptor.
    fn close_on_exec(&self) {
        use std::os::fd::AsRawFd;
        if let Some(f) = &self.file {
            // SAFETY: fcntl on a descriptor we own.
            unsafe { libc::fcntl(f.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
        }
    }

    fn send(&mut self, report: &Report) {
        if let Some(f) = &mut self.file {
            let _ = f.write_all(report.line().as_bytes());
        }
    }
}

unsafe fn set_limit(resource: libc::__rlimit_resource_t, value: u64) {
    // SAFETY: as the caller's.
    unsafe { set_limits(resource, value, value) }
}

unsafe fn set_limits(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) {
    let limit = libc::rlimit {
        rlim_cur: soft as libc::rlim_t,
        rlim_max: hard as libc::rlim_t,
    };
    // SAFETY: the caller passes a valid resource.
    unsafe { libc::setrlimit(resource, &limit) };
}

fn empty_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        set
    }
}

/// Blocks the signals the launcher waits for, so they queue for `sigtimedwait`.
fn blocked_signals() -> libc::sigset_t {
    let mut set = empty_set();
    // SAFETY: adding signals to an initialised set, then blocking them in this thread.
    unsafe {
        for sig in [libc::SIGCHLD, libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
    set
}

/// Waits up to `timeout` for one of the blocked signals; 0 when none came.
fn wait_signal(set: &libc::sigset_t, timeout: Duration) -> i32 {
    let ts = libc::timespec {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: valid set and timespec; the siginfo is optional.
    unsafe { libc::sigtimedwait(set, std::ptr::null_mut(), &ts).max(0) }
}

/// How long the program's zombie is kept for the grader to look at.
const ZOMBIE_GRACE: Duration = Duration::from_millis(50);

/// Reaps whatever has exited; the program's own wait status once it has. Each exit is
/// looked at before it is reaped (`WNOWAIT`), so the program's last trace can be reported.
fn reap(program: i32, reporter: &mut Reporter) -> Option<i32> {
    let mut found = None;
    loop {
        // SAFETY: a zeroed siginfo_t is valid for waitid to fill in.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        // SAFETY: waitid on our own children with a valid out-pointer.
        let r = unsafe { libc::waitid(libc::P_ALL, 0, &mut info, flags) };
        // SAFETY: si_pid is set when waitid reported a child (0 when none has exited).
        let pid = unsafe { info.si_pid() };
        if r != 0 || pid == 0 {
            return found;
        }
        if pid == program {
            if let Some(trace) = reaped_trace(pid) {
                reporter.send(&Report::Reaped(trace));
            }
            // The grader takes a last look at the program as a zombie (its threads'
            // final writes, the children it reaped): it samples every 10 ms, so the
            // zombie is left to it for a few samples before it is reaped.
            std::thread::sleep(ZOMBIE_GRACE);
        }
        let mut status = 0;
        // SAFETY: reaping the child waitid just reported.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        if pid == program {
            found = Some(status);
        }
    }
}

/// A zombie's cminflt + cutime + cstime, as the runner reads them (fields 10, 14 and 15 of stat).
fn reaped_trace(pid: i32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = text[text.rfind(')')? + 2..].split_whitespace().collect();
    let num = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some(num(8)? + num(13)? + num(14)?)
}

/// Exits as the program did: the same code, or killed by the same signal.
fn mirror(status: i32) -> ! {
    if libc::WIFEXITED(status) {
        std::process::exit(libc::WEXITSTATUS(status));
    }
    die_by(if libc::WIFSIGNALED(status) {
        libc::WTERMSIG(status)
    } else {
        libc::SIGKILL
    })
}

fn die_by(signal: i32) -> ! {
    // SAFETY: restoring the default action and unblocking, then raising, in this one thread.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        let mut set = empty_set();
        libc::sigaddset(&mut set, signal);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    std::process::exit(128 + signal)
}

/// Every process below `root` (its children, theirs, …), with its state letter.
fn descendants(root: i32) -> Vec<(i32, u8)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let all: Vec<(i32, i32, u8)> = dir
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let rest = &text[text.rfind(')')? + 2..];
            let mut fields = rest.split_whitespace();
            let state = *fields.next()?.as_bytes().first()?;
            let ppid = fields.next()?.parse().ok()?;
            Some((pid, ppid, state))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(all.iter().filter(|p| p.1 == parent).map(|p| p.0));
        i += 1;
    }
    found
        .into_iter()
        .skip(1)
        .filter_map(|pid| all.iter().find(|p| p.0 == pid).map(|p| (pid, p.2)))
        .collect()
}

fn alive(procs: &[(i32, u8)]) -> usize {
    procs.iter().filter(|p| p.1 != b'Z' && p.1 != b'X').count()
}

/// Kills every descendant until none is left, reaping them; returns how many were alive at first.
///
/// A parent killed mid-`fork` leaves its new child to us (we are the subreaper), so
/// the walk repeats until `waitpid` says we have no children at all.
fn kill_tree(me: i32) -> usize {
    let first = alive(&descendants(me));
    loop {
        for (pid, _) in descendants(me) {
            // SAFETY: signalling our own descendants.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        loop {
            let mut status = 0;
            // SAFETY: waitpid on our own children.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid == 0 {
                break;
            }
            if pid < 0 {
                return first;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
