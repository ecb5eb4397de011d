//! Runs one measured program and asks the OS what it cost: wall time, its own peak RSS from
//! `wait4`, and, when asked, the peak of its whole process tree sampled from `/proc`.

use anyhow::{Context, Result, bail};
use course::procfs;
use serde::Serialize;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How often the tree sampler looks at `/proc`: often enough to catch a tree of 100 ms
/// processes near its peak, rarely enough not to steal a core from what it measures.
const SAMPLE_EVERY: Duration = Duration::from_millis(5);

/// What one run of a measured program printed and cost.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    pub stdout: String,
    pub stderr: String,
    /// Seconds from spawning the program to reaping it, start-up included.
    pub wall: f64,
    /// The program's own peak resident set, in bytes, as `wait4` reports it: exact, but for a
    /// tree it is the largest single process, not the sum.
    pub max_rss: u64,
    /// The largest sum of resident sets over the process tree at one sample, in bytes.
    pub tree_rss: Option<u64>,
    /// The same for proportional sets (shared pages divided among their sharers), in bytes.
    pub tree_pss: Option<u64>,
}

/// Peak memory of a whole tree: the sampled sum, or the exact single peak if that is larger
/// (a single process can peak between two samples).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Memory {
    pub rss: u64,
    pub pss: Option<u64>,
}

impl Probe {
    /// The tree's peak memory, as well as it was measured.
    pub fn memory(&self) -> Memory {
        Memory {
            rss: self.tree_rss.unwrap_or(0).max(self.max_rss),
            pss: self.tree_pss,
        }
    }
}

/// Runs `command` to its end, capturing its output; samples its process tree if `tree`.
///
/// A program that fails is an error that quotes its stderr.
pub fn run(command: &mut Command, tree: bool) -> Result<Probe> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {command:?}"))?;
    let pid = child.id() as libc::pid_t;
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tree.then(|| {
        let stop = Arc::clone(&stop);
        thread::spawn(move || sample_tree(pid, &stop))
    });

    // wait4 rather than Child::wait: it also returns the child's peak resident set.
    let (status, max_rss) = wait4(pid)?;
    let wall = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let (tree_rss, tree_pss) = match sampler {
        Some(handle) => {
            let (rss, pss) = handle.join().expect("the memory sampler panicked");
            (Some(rss), Some(pss))
        }
        None => (None, None),
    };
    // The child is reaped already; dropping the handle neither waits nor kills.
    drop(child);
    let probe = Probe {
        stdout: stdout.join().expect("the stdout reader panicked"),
        stderr: stderr.join().expect("the stderr reader panicked"),
        wall,
        max_rss,
        tree_rss,
        tree_pss,
    };
    if status != 0 {
        bail!(
            "{command:?} failed ({}):\n{}",
            describe_status(status),
            probe.stderr.trim_end()
        );
    }
    Ok(probe)
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks on a full pipe.
fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// Waits for `pid` and returns its raw wait status and its peak resident set in bytes.
fn wait4(pid: libc::pid_t) -> Result<(i32, u64)> {
    let mut status = 0;
    // SAFETY: rusage is plain old data, so all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            // Linux reports ru_maxrss in KiB.
            return Ok((status, usage.ru_maxrss.max(0) as u64 * 1024));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("wait4 on a measured program failed");
        }
    }
}

/// "exit code 3" or "killed by signal 9", from a raw wait status.
fn describe_status(status: i32) -> String {
    if libc::WIFEXITED(status) {
        format!("exit code {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("wait status {status}")
    }
}

/// Samples the tree under `root` until `stop`, returning the peak RSS and PSS sums in bytes.
///
/// Only the main thread's children are followed: the measured programs (the bench's
/// drivers, CPython's multiprocessing) fork from their main thread.
fn sample_tree(root: libc::pid_t, stop: &AtomicBool) -> (u64, u64) {
    let (mut peak_rss, mut peak_pss) = (0, 0);
    while !stop.load(Ordering::Relaxed) {
        let (mut rss, mut pss) = (0, 0);
        for pid in procfs::descendants(root) {
            rss += procfs::resident_bytes(pid);
            pss += procfs::proportional_bytes(pid);
        }
        peak_rss = peak_rss.max(rss);
        peak_pss = peak_pss.max(pss);
        thread::sleep(SAMPLE_EVERY);
    }
    (peak_rss, peak_pss)
}
