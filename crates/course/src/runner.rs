//! Runs one program safely and records a timestamped transcript of what it printed.
//!
//! The runner owns the program's process group: on a timeout, an output flood or
//! a normal exit, every process left in the group is killed, so a grandchild
//! holding the pipe open can never hang us (assert_cmd's own timeout only kills
//! the direct child). Output is read with `poll(2)` on non-blocking pipes in
//! this one thread, which also samples `/proc` for the process tree; no reader
//! thread is ever left blocked on a pipe an orphan holds.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::cancel::{self, Cancel};
use crate::procfs::{self, Stat as ProcStat, all_stats as read_all_stats};
use crate::sandbox::{self, Report};
use crate::spec::Limits;

/// What to run and under which limits.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub program: PathBuf,
    /// Arguments placed before `args`, e.g. the script for `python3 original.py`.
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    pub cwd: Option<PathBuf>,
    pub timeout: Duration,
    /// Bytes of stdout plus stderr kept; past that the run is stopped.
    pub max_output: usize,
    /// setrlimit caps for untrusted code; `None` for the course's own lessons.
    pub limits: Option<Limits>,
    /// How long to wait for the pipes to close once the program has exited.
    pub grace: Duration,
    /// Print each line as it arrives (for `cargo xtask run`), besides recording it.
    pub echo: bool,
    /// Stops the run, killing its whole process group, once requested (Ctrl-C).
    pub cancel: Cancel,
}

impl RunOptions {
    pub fn new(program: impl Into<PathBuf>) -> RunOptions {
        RunOptions {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            timeout: Duration::from_secs(30),
            max_output: 1 << 20,
            limits: None,
            grace: Duration::from_millis(300),
            echo: false,
            cancel: Cancel::process(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line as it arrived: when (since the start), from where, and its text (lossy UTF-8).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// When the runner read it: the program wrote it at this moment or before.
    pub at: Duration,
    /// The earliest moment it can have been written: just before the runner last found its
    /// pipe empty. Usually one 10 ms poll before `at`; much earlier when a loaded machine kept
    /// the runner from reading, which is when a rule bounding a phase by the line needs it.
    pub after: Duration,
    pub stream: Stream,
    pub text: String,
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Exited(i32),
    Signalled(i32),
    TimedOut,
    OutputCapped,
    TooManyProcesses(usize),
    FailedToStart(String),
    /// Cancelled (Ctrl-C) before it ended; everything it started was killed.
    Cancelled,
}

/// Everything observed about one run.
#[derive(Debug, Clone)]
pub struct Run {
    pub lines: Vec<Line>,
    pub ending: Ending,
    /// The program's own exit status, when it exited or was killed by us.
    pub status: Option<ExitStatus>,
    pub wall: Duration,
    /// Most threads alive at once across the process tree (from /proc samples).
    pub peak_threads: usize,
    /// Most processes alive at once in the tree.
    pub peak_processes: usize,
    /// CPU time (user + system) of every process seen, summed.
    pub cpu: Duration,
    /// Processes still running after the program itself had exited (all killed since).
    pub left_running: usize,
    /// The pipes were still held open by some escaped process when we stopped reading.
    pub pipe_held_open: bool,
    /// Bytes of output dropped past the cap.
    pub dropped_bytes: usize,
    pub timeout: Duration,
    /// On a timeout, the threads still alive when it struck (their `comm` names), to explain a hang.
    pub alive_at_timeout: Vec<String>,
    /// What /proc showed at each sample: every thread of the tree with its CPU time and writes.
    pub samples: Vec<Sample>,
    /// The program's own executable (its /proc/<pid>/exe), to tell its own child processes
    /// from `sh` or `sleep`.
    pub exe: Option<PathBuf>,
    /// Processes started besides the program itself: distinct pids seen, or at least 1
    /// when the program reaped a child too brief to be sampled (its page faults and CPU
    /// time show in the program's `cminflt`/`cutime`).
    pub children: usize,
    /// Whether the program itself waited for (reaped) a child: its `cminflt`, `cutime` or
    /// `cstime` grew, which only a reaped child adds to.
    pub reaped_a_child: bool,
    /// The cores the program could run on: its CPU affinity within the machine's quota,
    /// what `available_parallelism` tells the program itself.
    pub cores: usize,
    /// CPU time at each sample, so a rule can weigh the work done between two lines.
    pub cpu_samples: Vec<CpuSample>,
    /// How far a running thread's CPU time in `samples` may lag behind what it had used
    /// (one scheduler tick; see [`procfs::cpu_time_lag_ns`]).
    pub cpu_lag: Duration,
}

/// CPU time as it stood at one sample of the process tree.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuSample {
    /// When the sample was taken, since the start of the run.
    pub at: Duration,
    /// The program's own process (user + system).
    pub own: Duration,
    /// The children the program has waited for, from its own `cutime` + `cstime`: a child's
    /// CPU time counts here once it is reaped, however briefly it lived.
    pub children: Duration,
    /// Every process of the tree, each as last sampled.
    pub tree: Duration,
    /// Busy time of all the machine's CPUs (everything but idle and I/O wait, steal
    /// included), from `/proc/stat`: what other programs took is this less the tree's.
    pub machine: Duration,
}

/// One look at the process tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Since the start of the run, taken before /proc was read.
    pub at: Duration,
    /// Taken once /proc was read: every counter of the sample was read between `at` and this.
    pub until: Duration,
    pub threads: Vec<ThreadSample>,
}

/// One live thread of the tree at one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadSample {
    pub pid: i32,
    pub tid: i32,
    /// Nanoseconds it has spent on a CPU so far (schedstat; ticks when that is missing).
    pub cpu_ns: u64,
    /// Nanoseconds it has spent runnable but waiting for a core (schedstat; 0 without it).
    pub wait_ns: u64,
    /// Bytes it has passed to write(2) so far (its own `wchar`).
    pub wchar: u64,
    /// Whether its process runs the program's own executable.
    pub own_exe: bool,
}

impl Sample {
    /// Distinct processes in this sample, and those running the program's own executable.
    pub fn processes(&self) -> (usize, usize) {
        let mut pids: Vec<(i32, bool)> = self.threads.iter().map(|t| (t.pid, t.own_exe)).collect();
        pids.sort();
        pids.dedup();
        (pids.len(), pids.iter().filter(|p| p.1).count())
    }
}

impl Run {
    pub fn stdout_lines(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.stream == Stream::Stdout)
    }

    pub fn stdout(&self) -> String {
        self.stream_text(Stream::Stdout)
    }

    pub fn stderr(&self) -> String {
        self.stream_text(Stream::Stderr)
    }

    fn stream_text(&self, stream: Stream) -> String {
        self.lines
            .iter()
            .filter(|l| l.stream == stream)
            .map(|l| format!("{}\n", l.text))
            .collect()
    }

    /// A one-line account of how the run ended, for tables and explanations.
    pub fn ending_text(&self) -> String {
        match &self.ending {
            Ending::Exited(code) => format!("exited with code {code}"),
            Ending::Signalled(sig) => format!("killed by signal {sig} ({})", signal_name(*sig)),
            Ending::TimedOut => {
                let last = self
                    .stdout_lines()
                    .last()
                    .map(|l| format!("{:?}", l.text))
                    .unwrap_or_else(|| "nothing".into());
                format!(
                    "timed out after {} s; last output: {last}",
                    trim_float(self.timeout.as_secs_f64())
                )
            }
            Ending::OutputCapped => format!(
                "printed more than the output cap; stopped after {} bytes were dropped",
                self.dropped_bytes
            ),
            Ending::TooManyProcesses(n) => {
                format!("started too many processes ({n} at once); the run was stopped")
            }
            Ending::FailedToStart(why) => format!("could not start: {why}"),
            Ending::Cancelled => "cancelled (Ctrl-C); everything it started was killed".into(),
        }
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT, e.g. a panic while panicking or an abort",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV, a crash",
        libc::SIGXCPU => "SIGXCPU, the CPU-time limit",
        libc::SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

pub(crate) fn trim_float(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// Runs `options` to the end, whatever the program does, and says what happened.
pub fn run(options: &RunOptions) -> Run {
    let started = Instant::now();
    // Registered before the spawn, so an exit on Ctrl-C waits until this run's group is killed.
    let Some(_busy) = cancel::begin(&options.cancel) else {
        let mut never = failed(options, started, String::new());
        never.ending = Ending::Cancelled;
        return never;
    };
    // Untrusted code runs through the sandbox launcher when one is registered (see `sandbox`).
    let mut jail = match options.limits.zip(sandbox::launcher()) {
        Some((limits, launcher)) => match sandbox::RunJail::prepare(launcher, options, limits) {
            Ok(jail) => Some(jail),
            Err(e) => {
                return failed(
                    options,
                    started,
                    format!("cannot set up the sandbox: {e:#}"),
                );
            }
        },
        None => None,
    };
    let mut command = match &mut jail {
        Some(jail) => std::mem::replace(&mut jail.command, Command::new("/")),
        None => {
            let mut command = Command::new(&options.program);
            command.args(&options.args);
            for (key, value) in &options.env {
                command.env(key, value);
            }
            if let Some(cwd) = &options.cwd {
                command.current_dir(cwd);
            }
            command
        }
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // The launcher applies the limits in the sandbox itself.
    let limits = options
        .limits
        .filter(|_| jail.is_none())
        .map(|l| (l, user_process_count() + u64::from(l.max_processes)));
    let status_fd = jail.as_ref().map(|j| j.status_fd());
    // SAFETY: prctl, fcntl and setrlimit are async-signal-safe and touch no memory of the parent.
    unsafe {
        command.pre_exec(move || {
            // If the runner dies (Ctrl-C on `cargo xtask watch`), the program dies with it
            // rather than running on unseen in its own process group.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The launcher's report pipe stays open across exec.
            if let Some(fd) = status_fd
                && libc::fcntl(fd, libc::F_SETFD, 0) != 0
            {
                return Err(io::Error::last_os_error());
            }
            match limits {
                Some((limits, nproc)) => apply_limits(limits, nproc),
                None => Ok(()),
            }
        });
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return failed(
                options,
                started,
                format!("{}: {e}", options.program.display()),
            );
        }
    };
    if let Some(jail) = &mut jail {
        jail.spawned();
    }
    let pgid = child.id() as i32;
    let mut watch = Watch::new(options, child.stdout.take(), child.stderr.take(), started);
    let mut status = None;
    let mut ending = None;
    let mut exited_at = None;
    let mut left_running = 0;
    let mut alive_at_timeout = Vec::new();
    let mut tree = Tree::new(pgid, started);
    // The launcher is ours, not the program's: it is not counted, and the program is
    // the child it reports.
    tree.skip = jail.as_ref().map(|_| pgid);
    // A first look right away, so a program too brief for the 10 ms loop is still seen.
    tree.sample();
    loop {
        watch.poll(Duration::from_millis(10));
        if let Some(jail) = &mut jail
            && tree.root == pgid
            && let Some(program) = jail.program_pid()
        {
            tree.root = program;
        }
        tree.sample();
        if status.is_none() && exited(pgid) {
            // A last look at the program, exited but not yet reaped: the children it reaped
            // show in its cminflt, its final threads' writes in their counters.
            tree.sample();
        }
        if status.is_none()
            && let Some(s) = try_wait(&mut child)
        {
            status = Some(s);
            exited_at = Some(Instant::now());
            // Whatever is still alive in the tree now was left behind by the program.
            left_running = tree.alive().len();
            tree.kill_all();
        }
        if ending.is_none() {
            if watch.capped {
                ending = Some(Ending::OutputCapped);
            } else if tree.peak_processes
                > options
                    .limits
                    .map_or(usize::MAX, |l| l.max_processes as usize)
            {
                ending = Some(Ending::TooManyProcesses(tree.peak_processes));
            } else if status.is_none() && started.elapsed() >= options.timeout {
                ending = Some(Ending::TimedOut);
            } else if options.cancel.is_requested() {
                ending = Some(Ending::Cancelled);
            }
            if ending.is_some() && status.is_none() {
                if ending == Some(Ending::TimedOut) {
                    alive_at_timeout = tree.thread_names();
                }
                if jail.is_some() {
                    sandbox::stop(&mut child);
                }
                tree.kill_all();
                status = Some(child.wait().unwrap_or_else(|_| ExitStatus::from_raw(9)));
                exited_at = Some(Instant::now());
            }
        }
        if let Some(exited) = exited_at
            && (watch.all_closed()
                || exited.elapsed() >= options.grace
                || options.cancel.is_requested())
        {
            break;
        }
    }
    tree.kill_all();
    // SIGKILL lands asynchronously: wait until the killed are really gone (a moment, unless
    // one is stuck in the kernel), so "nothing is left running" holds once this returns.
    let gone_by = Instant::now() + Duration::from_secs(2);
    while !tree.alive().is_empty() && Instant::now() < gone_by {
        std::thread::sleep(Duration::from_millis(2));
        tree.kill_all();
    }
    let wall = exited_at.unwrap_or_else(Instant::now) - started;
    let status = status.expect("the loop only ends after the child was reaped");
    if let Some(jail) = &mut jail {
        for report in jail.reports() {
            match report {
                Report::Left(n) => left_running = left_running.max(n),
                Report::Reaped(n) => {
                    tree.reaped_children_trace = tree.reaped_children_trace.max(n);
                }
                Report::Processes(n) if ending.is_none() => {
                    ending = Some(Ending::TooManyProcesses(n));
                }
                Report::Failed(why) if ending.is_none() => {
                    ending = Some(Ending::FailedToStart(why));
                }
                _ => {}
            }
        }
    }
    let ending = ending.unwrap_or_else(|| match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(sig)) => Ending::Signalled(sig),
        (None, None) => Ending::Signalled(0),
    });
    let pipe_held_open = !watch.all_closed();
    let dropped_bytes = watch.dropped;
    Run {
        lines: watch.finish(),
        ending,
        status: Some(status),
        wall,
        peak_threads: tree.peak_threads,
        peak_processes: tree.peak_processes,
        cpu: tree.cpu(),
        left_running,
        pipe_held_open,
        dropped_bytes,
        timeout: options.timeout,
        alive_at_timeout,
        children: tree.children(),
        reaped_a_child: tree.reaped_children_trace > 0,
        exe: tree.exe.clone(),
        cores: tree.cores,
        samples: tree.samples,
        cpu_samples: tree.cpu_samples,
        cpu_lag: Duration::from_nanos(procfs::cpu_time_lag_ns()),
    }
}

/// Whether process `pid` has exited, without reaping it (waitid with WNOWAIT).
fn exited(pid: i32) -> bool {
    // SAFETY: a zeroed siginfo_t is valid for waitid to fill in.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
    // SAFETY: waitid on our own child with a valid out-pointer; WNOWAIT leaves it to try_wait.
    let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) };
    // SAFETY: si_pid is set when waitid reported a child.
    r == 0 && unsafe { info.si_pid() } == pid
}

fn failed(options: &RunOptions, started: Instant, why: String) -> Run {
    Run {
        lines: Vec::new(),
        ending: Ending::FailedToStart(why),
        status: None,
        wall: started.elapsed(),
        peak_threads: 0,
        peak_processes: 0,
        cpu: Duration::ZERO,
        left_running: 0,
        pipe_held_open: false,
        dropped_bytes: 0,
        timeout: options.timeout,
        alive_at_timeout: Vec::new(),
        samples: Vec::new(),
        exe: None,
        children: 0,
        reaped_a_child: false,
        cores: available_cores(None),
        cpu_samples: Vec::new(),
        cpu_lag: Duration::from_millis(10),
    }
}

fn try_wait(child: &mut Child) -> Option<ExitStatus> {
    child.try_wait().ok().flatten()
}

fn apply_limits(limits: Limits, nproc: u64) -> io::Result<()> {
    let set = |resource, value: u64| {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: a plain syscall on a valid struct.
        if unsafe { libc::setrlimit(resource, &limit) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    };
    set(libc::RLIMIT_AS, limits.max_memory_mb * 1024 * 1024)?;
    set(libc::RLIMIT_CPU, limits.max_cpu_seconds)?;
    // RLIMIT_NPROC counts every process of the user, so the cap is on top of
    // what already runs. Root ignores it; the runner's own process count
    // (TooManyProcesses) stops a fork bomb either way.
    set(libc::RLIMIT_NPROC, nproc)?;
    set(libc::RLIMIT_CORE, 0)
}

fn user_process_count() -> u64 {
    // SAFETY: getuid cannot fail.
    crate::procfs::processes_of_user(unsafe { libc::getuid() }) as u64
}

/// One of the child's output pipes (`None` once closed), its unfinished last line, and the
/// moment just before the runner last read it empty (what it holds now was written since).
type Pipe = (Stream, Option<Box<dyn ReadFd>>, Vec<u8>, Duration);

/// Reads both pipes as data arrives and cuts it into timestamped lines.
struct Watch {
    started: Instant,
    pipes: Vec<Pipe>,
    lines: Vec<Line>,
    kept: usize,
    max_output: usize,
    echo: bool,
    dropped: usize,
    capped: bool,
}

trait ReadFd: Read + AsRawFd {}
impl<T: Read + AsRawFd> ReadFd for T {}

impl Watch {
    fn new(
        options: &RunOptions,
        stdout: Option<std::process::ChildStdout>,
        stderr: Option<std::process::ChildStderr>,
        started: Instant,
    ) -> Watch {
        let mut pipes: Vec<Pipe> = Vec::new();
        if let Some(out) = stdout {
            set_nonblocking(out.as_raw_fd());
            pipes.push((
                Stream::Stdout,
                Some(Box::new(out)),
                Vec::new(),
                Duration::ZERO,
            ));
        }
        if let Some(err) = stderr {
            set_nonblocking(err.as_raw_fd());
            pipes.push((
                Stream::Stderr,
                Some(Box::new(err)),
                Vec::new(),
                Duration::ZERO,
            ));
        }
        Watch {
            started,
            pipes,
            lines: Vec::new(),
            kept: 0,
            max_output: options.max_output,
            echo: options.echo,
            dropped: 0,
            capped: false,
        }
    }

    fn all_closed(&self) -> bool {
        self.pipes.iter().all(|(_, pipe, _, _)| pipe.is_none())
    }

    /// Waits up to `timeout` for output and takes in whatever arrived.
    fn poll(&mut self, timeout: Duration) {
        let mut fds: Vec<libc::pollfd> = self
            .pipes
            .iter()
            .filter_map(|(_, pipe, _, _)| pipe.as_ref())
            .map(|p| libc::pollfd {
                fd: p.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        if fds.is_empty() {
            std::thread::sleep(timeout);
            return;
        }
        // SAFETY: fds is a valid, initialised slice for the duration of the call.
        unsafe {
            libc::poll(
                fds.as_mut_ptr(),
                fds.len() as libc::nfds_t,
                timeout.as_millis() as i32,
            )
        };
        let now = self.started.elapsed();
        let mut buf = [0u8; 16 * 1024];
        for i in 0..self.pipes.len() {
            // Read until the pipe is empty, a flood is capped, or it closes.
            let before = self.started.elapsed();
            loop {
                let (stream, pipe, pending, emptied) = &mut self.pipes[i];
                let after = *emptied;
                let Some(reader) = pipe.as_mut() else { break };
                match reader.read(&mut buf) {
                    Ok(0) => {
                        *pipe = None;
                        if !pending.is_empty() {
                            let text = String::from_utf8_lossy(pending).into_owned();
                            pending.clear();
                            self.lines.push(Line {
                                at: now,
                                after,
                                stream: *stream,
                                text,
                            });
                        }
                        break;
                    }
                    Ok(n) => {
                        let room = self.max_output.saturating_sub(self.kept);
                        let take = n.min(room);
                        self.kept += take;
                        self.dropped += n - take;
                        if n > take {
                            self.capped = true;
                        }
                        let stream = *stream;
                        pending.extend_from_slice(&buf[..take]);
                        while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                            let raw: Vec<u8> = pending.drain(..=pos).collect();
                            let text = String::from_utf8_lossy(&raw[..raw.len() - 1]).into_owned();
                            if self.echo {
                                echo(stream, &text);
                            }
                            self.lines.push(Line {
                                at: now,
                                after,
                                stream,
                                text,
                            });
                        }
                        if self.capped {
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => {
                        // WouldBlock: the pipe is empty, so what comes next is written after
                        // `before`, taken ahead of every read of this pass.
                        *emptied = before;
                        break;
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Line> {
        let now = self.started.elapsed();
        for (stream, _, pending, emptied) in &mut self.pipes {
            if !pending.is_empty() {
                let text = String::from_utf8_lossy(pending).into_owned();
                self.lines.push(Line {
                    at: now,
                    after: *emptied,
                    stream: *stream,
                    text,
                });
            }
        }
        self.lines
    }
}

fn echo(stream: Stream, text: &str) {
    match stream {
        Stream::Stdout => println!("{text}"),
        Stream::Stderr => eprintln!("{text}"),
    }
}

fn set_nonblocking(fd: i32) {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}

/// The program's process tree as seen in /proc: its group plus every descendant.
struct Tree {
    pgid: i32,
    started: Instant,
    /// Every pid ever seen in the tree (descendants that left the group included).
    known: BTreeSet<i32>,
    /// Latest CPU ticks per pid, so exited processes still count.
    ticks: BTreeMap<i32, u64>,
    peak_threads: usize,
    peak_processes: usize,
    /// A process of the tree that is not the program's (the sandbox launcher).
    skip: Option<i32>,
    /// The program itself: the group's leader, or the sandbox launcher's child.
    root: i32,
    samples: Vec<Sample>,
    /// The root's executable, once it has exec'd (before that it is the runner's own).
    exe: Option<PathBuf>,
    runner_exe: Option<PathBuf>,
    /// The root's page faults and CPU ticks of children it reaped, as last seen.
    reaped_children_trace: u64,
    cores: usize,
    cpu_samples: Vec<CpuSample>,
    /// The pids of the tree at the last look, where the next cheap look starts.
    last_members: Vec<i32>,
    /// Looks taken, so every [`SCAN_EVERY`]th reads all of /proc.
    looks: usize,
}

/// Every this many samples, the tree is found by reading every process on the machine; in
/// between, from the processes last seen and the children of each of their threads.
///
/// Reading `/proc/PID/stat` of every process every 10 ms cost a running program's sampler
/// about a quarter of a core on a quiet machine, and more the busier the machine (each
/// process is one read), which took CPU from the very programs whose parallelism it
/// measures. The walk costs a few reads per process of the tree. It misses only a process
/// that left it between two looks: orphaned (its parent gone, it is now init's child) but
/// still in the program's process group, which the scan then finds, within 0.1 s; under
/// the sandbox the launcher is a subreaper, so orphans stay its children and are walked.
const SCAN_EVERY: usize = 10;

/// Samples kept per run: 10 minutes of 10 ms samples; past that only peaks are updated.
const MAX_SAMPLES: usize = 60_000;

impl Tree {
    fn new(pgid: i32, started: Instant) -> Tree {
        Tree {
            pgid,
            started,
            known: BTreeSet::from([pgid]),
            ticks: BTreeMap::new(),
            skip: None,
            root: pgid,
            // The program was started, so it was one process with one thread at least,
            // even if it ended before the first sample could see it.
            peak_threads: 1,
            peak_processes: 1,
            samples: Vec::new(),
            exe: None,
            runner_exe: procfs::exe(0),
            reaped_children_trace: 0,
            cores: available_cores(Some(pgid)),
            cpu_samples: Vec::new(),
            last_members: Vec::new(),
            looks: 0,
        }
    }

    /// The processes of the tree now (zombies included): every [`SCAN_EVERY`]th look, and
    /// whenever `thorough`, from all of /proc; otherwise by the walk described there.
    fn members(&mut self, thorough: bool) -> Vec<ProcStat> {
        self.looks += 1;
        let members = if thorough || self.looks % SCAN_EVERY == 1 {
            self.members_by_scan()
        } else {
            self.members_by_walk()
        };
        self.last_members = members.iter().map(|s| s.pid).collect();
        members
    }

    /// The processes last seen (and the group's leader), and every child of any of their
    /// threads, recursively.
    fn members_by_walk(&mut self) -> Vec<ProcStat> {
        let mut queue = self.last_members.clone();
        queue.push(self.pgid);
        let mut looked_at = BTreeSet::new();
        let mut members = Vec::new();
        while let Some(pid) = queue.pop() {
            if !looked_at.insert(pid) {
                continue;
            }
            let Some(stat) = procfs::stat(pid) else {
                continue;
            };
            for tid in procfs::tasks(pid) {
                queue.extend(procfs::thread_children(pid, tid));
            }
            self.known.insert(pid);
            members.push(stat);
        }
        members
    }

    /// Every process of the machine in the program's group, or whose parent is in the tree.
    fn members_by_scan(&mut self) -> Vec<ProcStat> {
        let all = read_all_stats();
        // A process belongs to the tree if it is in the group, or its parent does.
        let mut members: Vec<ProcStat> = Vec::new();
        let mut changed = true;
        let mut rest = all;
        while changed {
            changed = false;
            let mut keep = Vec::new();
            for stat in rest {
                if stat.pgrp == self.pgid
                    || self.known.contains(&stat.pid)
                    || self.known.contains(&stat.ppid)
                {
                    self.known.insert(stat.pid);
                    members.push(stat);
                    changed = true;
                } else {
                    keep.push(stat);
                }
            }
            rest = keep;
        }
        members
    }

    fn sample(&mut self) {
        let at = self.started.elapsed();
        let members = self.members(false);
        let live: Vec<&ProcStat> = members
            .iter()
            .filter(|s| s.state != b'Z' && s.state != b'X' && Some(s.pid) != self.skip)
            .collect();
        self.peak_processes = self.peak_processes.max(live.len());
        self.peak_threads = self.peak_threads.max(live.iter().map(|s| s.threads).sum());
        for stat in members.iter().filter(|s| Some(s.pid) != self.skip) {
            self.ticks.insert(stat.pid, stat.ticks);
            if stat.pid == self.root {
                self.reaped_children_trace = self.reaped_children_trace.max(stat.reaped);
            }
        }
        if let Some(exe) = procfs::exe(self.root)
            && Some(&exe) != self.runner_exe.as_ref()
        {
            self.exe = Some(exe);
            // Its affinity as it runs, once it is itself (a program or a wrapper may set it).
            self.cores = available_cores(Some(self.root));
        }
        // `at` was taken before /proc was read: a sample at or after a line's time saw what
        // the program had done by the time it printed that line.
        if let Some(root) = members.iter().find(|s| s.pid == self.root)
            && self.cpu_samples.len() < MAX_SAMPLES
        {
            let secs = |ticks: u64| Duration::from_secs_f64(ticks as f64 / clock_ticks());
            self.cpu_samples.push(CpuSample {
                at,
                own: secs(root.ticks),
                children: secs(root.children_ticks),
                tree: self.cpu(),
                machine: machine_busy().unwrap_or_default(),
            });
        }
        if self.samples.len() >= MAX_SAMPLES {
            return;
        }
        let mut threads = Vec::new();
        // The program itself is looked at even once it has exited (a zombie not yet reaped),
        // so the writes of its last moments are seen; other zombies are gone for good.
        let looked_at = members
            .iter()
            .filter(|s| Some(s.pid) != self.skip)
            .filter(|s| (s.state != b'Z' && s.state != b'X') || s.pid == self.root);
        for stat in looked_at {
            let own_exe = self.exe.is_some() && procfs::exe(stat.pid) == self.exe;
            for tid in procfs::tasks(stat.pid) {
                let Some((cpu_ns, wait_ns)) = procfs::thread_cpu_ns(stat.pid, tid) else {
                    continue;
                };
                threads.push(ThreadSample {
                    pid: stat.pid,
                    tid,
                    cpu_ns,
                    wait_ns,
                    wchar: procfs::thread_wchar(stat.pid, tid),
                    own_exe,
                });
            }
        }
        self.samples.push(Sample {
            at,
            until: self.started.elapsed(),
            threads,
        });
    }

    /// Processes started besides the program: distinct pids seen, or one when only the
    /// program's reaped-children counters show that a child ran.
    fn children(&self) -> usize {
        // Neither the program nor its sandbox launcher is a child of its own.
        let seen = self
            .known
            .len()
            .saturating_sub(1 + usize::from(self.skip.is_some()));
        if seen == 0 && self.reaped_children_trace > 0 {
            1
        } else {
            seen
        }
    }

    /// Pids of the tree that are alive (not zombies).
    fn alive(&mut self) -> Vec<i32> {
        self.members(true)
            .into_iter()
            .filter(|s| s.state != b'Z' && s.state != b'X' && Some(s.pid) != self.skip)
            .map(|s| s.pid)
            .collect()
    }

    /// The name (`comm`) of every thread alive in the tree, one entry per thread.
    fn thread_names(&mut self) -> Vec<String> {
        let mut names = Vec::new();
        for pid in self.alive() {
            names.extend(
                procfs::tasks(pid)
                    .into_iter()
                    .filter_map(|tid| procfs::thread_name(pid, tid)),
            );
        }
        names
    }

    fn kill_all(&mut self) {
        // SAFETY: signalling a process group and known pids; ESRCH is harmless.
        unsafe { libc::killpg(self.pgid, libc::SIGKILL) };
        for pid in self.alive() {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }

    fn cpu(&self) -> Duration {
        Duration::from_secs_f64(self.ticks.values().sum::<u64>() as f64 / clock_ticks())
    }
}

/// Busy time of all CPUs so far: all of /proc/stat's first line but idle and iowait.
fn machine_busy() -> Option<Duration> {
    let (idle, total) = procfs::cpu_times()?;
    Some(Duration::from_secs_f64(
        (total - idle) as f64 / clock_ticks(),
    ))
}

fn clock_ticks() -> f64 {
    procfs::ticks_per_second() as f64
}

/// The cores `pid` may run on (its affinity), within what this process's
/// `available_parallelism` allows (which also reads the cgroup's CPU quota).
fn available_cores(pid: Option<i32>) -> usize {
    let quota = std::thread::available_parallelism().map_or(1, |n| n.get());
    let Some(pid) = pid else { return quota };
    // SAFETY: a zeroed cpu_set_t is a valid empty set for the kernel to fill.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: sched_getaffinity writes at most size_of::<cpu_set_t>() bytes into `set`.
    let r = unsafe { libc::sched_getaffinity(pid, std::mem::size_of_val(&set), &mut set) };
    if r != 0 {
        return quota;
    }
    // SAFETY: CPU_COUNT reads the set we own.
    let affinity = unsafe { libc::CPU_COUNT(&set) } as usize;
    affinity.clamp(1, quota)
}

/// A made-up run for the judge's and the timeline's tests: stdout lines at the given
/// times in units of 0.1 s, the run ending with the last of them.
#[cfg(test)]
pub(crate) fn fake_run(lines: &[(f64, &str)], ending: Ending) -> Run {
    let at = |units: f64| Duration::from_secs_f64(units * 0.1);
    Run {
        lines: lines
            .iter()
            .map(|&(t, text)| Line {
                at: at(t),
                after: at(t),
                stream: Stream::Stdout,
                text: text.into(),
            })
            .collect(),
        ending,
        status: None,
        wall: at(lines.last().map_or(0.0, |l| l.0)),
        peak_threads: 1,
        peak_processes: 1,
        cpu: Duration::ZERO,
        left_running: 0,
        pipe_held_open: false,
        dropped_bytes: 0,
        timeout: Duration::from_secs(30),
        cpu_samples: Vec::new(),
        alive_at_timeout: Vec::new(),
        samples: Vec::new(),
        exe: None,
        children: 0,
        reaped_a_child: false,
        cores: 2,
        cpu_lag: Duration::from_millis(10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> RunOptions {
        let mut options = RunOptions::new("/bin/sh");
        options.args = vec!["-c".into(), script.into()];
        options.timeout = Duration::from_secs(5);
        options
    }

    #[test]
    fn records_lines_in_order_with_times_and_exit_code() {
        let run = run(&sh("echo one; sleep 0.2; echo two; echo oops >&2; exit 3"));
        assert_eq!(run.ending, Ending::Exited(3));
        let out: Vec<_> = run.stdout_lines().map(|l| l.text.as_str()).collect();
        assert_eq!(out, ["one", "two"]);
        assert_eq!(run.stderr(), "oops\n");
        // Each line keeps the time it arrived: the second came after the sleep, not with the first.
        let one = &run.lines[0];
        let two = &run.lines[1];
        assert!(two.at > one.at, "{run:?}");
        let sampled_between = run
            .samples
            .iter()
            .filter(|s| s.at > one.at && s.at < two.at)
            .count();
        assert!(
            sampled_between > 0,
            "the sleep between the lines was never sampled"
        );
    }

    /// Every pid the run's samples saw, so tests can check none is left alive.
    fn pids_seen(run: &Run) -> BTreeSet<i32> {
        run.samples
            .iter()
            .flat_map(|s| s.threads.iter().map(|t| t.pid))
            .collect()
    }

    fn alive(pid: i32) -> bool {
        procfs::stat(pid).is_some_and(|s| s.is_alive())
    }

    #[test]
    fn stdin_is_empty() {
        let run = run(&sh("cat; echo done"));
        assert_eq!(run.stdout(), "done\n");
    }

    #[test]
    fn timeout_kills_the_whole_group_and_says_what_was_last() {
        let mut options = sh("echo started; sleep 30 & sleep 30; echo never");
        options.timeout = Duration::from_millis(300);
        let run = run(&options);
        assert_eq!(run.ending, Ending::TimedOut);
        let seen = pids_seen(&run);
        assert!(
            seen.len() >= 3,
            "the shell and both sleeps were seen: {seen:?}"
        );
        let survivors: Vec<i32> = seen.into_iter().filter(|&p| alive(p)).collect();
        assert_eq!(survivors, Vec::<i32>::new(), "the whole group was killed");
        assert_eq!(
            run.ending_text(),
            "timed out after 0.3 s; last output: \"started\""
        );
        // The shell and its background sleep were alive when the timeout struck.
        assert_eq!(run.alive_at_timeout.len(), 3, "{:?}", run.alive_at_timeout);
    }

    #[test]
    fn an_orphan_holding_stdout_is_reported_and_killed_without_hanging() {
        let run = run(&sh("sleep 30 & echo parent done"));
        assert_eq!(run.ending, Ending::Exited(0));
        assert_eq!(run.left_running, 1);
        assert!(
            !run.pipe_held_open,
            "the orphan was killed, so its pipe closed"
        );
        let survivors: Vec<i32> = pids_seen(&run).into_iter().filter(|&p| alive(p)).collect();
        assert_eq!(survivors, Vec::<i32>::new());
    }

    #[test]
    fn a_flood_is_capped_and_stopped() {
        let mut options = sh("yes flood");
        options.max_output = 10_000;
        let run = run(&options);
        assert_eq!(run.ending, Ending::OutputCapped);
        let kept: usize = run.lines.iter().map(|l| l.text.len() + 1).sum();
        assert!(kept <= 10_000 + 100, "kept {kept}");
        assert!(run.dropped_bytes > 0);
    }

    #[test]
    fn invalid_utf8_is_shown_lossily() {
        let run = run(&sh("printf 'caf\\351\\n'"));
        assert_eq!(run.stdout(), "caf\u{fffd}\n");
    }

    #[test]
    fn counts_processes_in_the_tree() {
        let run = run(&sh("sleep 0.3 & sleep 0.3 & sleep 0.3 & wait"));
        assert!(run.peak_processes >= 4, "{}", run.peak_processes);
    }

    #[test]
    fn a_reaped_childs_cpu_time_shows_in_the_programs_children_time() {
        // The child spins for a while; only once it is waited for does its time reach the parent.
        let run = run(&sh(
            "sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'; echo reaped; sleep 0.1",
        ));
        assert_eq!(run.stdout(), "reaped\n");
        let first = run.cpu_samples.first().expect("the run was sampled");
        let last = run.cpu_samples.last().expect("the run was sampled");
        assert_eq!(first.children, Duration::ZERO, "{:?}", run.cpu_samples);
        assert!(last.children > Duration::ZERO, "{:?}", run.cpu_samples);
        assert!(last.machine >= last.children, "{last:?}");
        assert!(run.cpu_samples.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn a_missing_program_is_reported_not_panicked() {
        let run = run(&RunOptions::new("/nonexistent/lesson"));
        assert!(matches!(run.ending, Ending::FailedToStart(_)));
        assert!(run.ending_text().contains("/nonexistent/lesson"));
    }

    #[test]
    fn cancelling_kills_the_whole_group_at_once() {
        let marker = format!("cancel-marker-{}", std::process::id());
        let mut options = sh(&format!(
            "sh -c 'sleep 60 # {marker}' & sh -c 'sleep 60 # {marker}' & echo up; wait"
        ));
        options.timeout = Duration::from_secs(120);
        options.cancel = Cancel::new();
        let cancel = options.cancel.clone();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            cancel.request();
        });
        let run = run(&options);
        canceller.join().unwrap();
        assert_eq!(run.ending, Ending::Cancelled);
        assert_eq!(run.stdout(), "up\n");
        let left: Vec<i32> = read_all_stats()
            .into_iter()
            .filter(|s| s.state != b'Z')
            .filter(|s| {
                std::fs::read(format!("/proc/{}/cmdline", s.pid))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&marker))
            })
            .map(|s| s.pid)
            .collect();
        assert_eq!(left, Vec::<i32>::new(), "processes left running");
        // A cancelled token starts nothing more.
        assert_eq!(super::run(&options).ending, Ending::Cancelled);
    }

    #[test]
    fn a_fork_bomb_is_stopped_by_the_process_cap() {
        let mut options = sh("for i in 1 2 3 4 5 6 7 8 9 10; do sleep 2 & done; wait");
        options.limits = Some(Limits {
            max_processes: 4,
            max_memory_mb: 512,
            max_cpu_seconds: 10,
        });
        let run = run(&options);
        assert!(
            matches!(run.ending, Ending::TooManyProcesses(_)),
            "{:?}",
            run.ending
        );
    }

    #[test]
    fn a_child_too_brief_to_sample_is_still_counted() {
        // `/bin/true` lives well under one 10 ms sample; the shell reaps it.
        let run = run(&sh("/bin/true; echo done"));
        assert_eq!(run.stdout(), "done\n");
        assert!(run.children >= 1, "{}", run.children);
        assert!(run.reaped_a_child);
        let alone = super::run(&sh("echo done"));
        assert_eq!(alone.children, 0);
    }

    #[test]
    fn a_program_too_brief_for_the_loop_is_still_sampled() {
        let run = run(&RunOptions::new("/bin/true"));
        assert_eq!(run.ending, Ending::Exited(0));
        assert!(run.peak_processes >= 1 && run.peak_threads >= 1, "{run:?}");
    }

    #[test]
    fn other_programs_are_told_from_the_programs_own_executable() {
        let run = run(&sh("sleep 0.3 & sleep 0.3 & wait"));
        assert_eq!(
            run.exe.as_deref(),
            std::fs::canonicalize("/bin/sh").ok().as_deref()
        );
        // A child caught between fork and exec still runs /bin/sh, so one sample may count
        // it; in the 0.3 s both children sleep, some sample sees them as `sleep`.
        let counts: Vec<(usize, usize)> = run.samples.iter().map(Sample::processes).collect();
        assert!(
            counts.iter().any(|&(all, own)| all >= 3 && own == 1),
            "no sample saw the shell and its two children with only the shell running /bin/sh: {counts:?}"
        );
    }

    #[test]
    fn writes_and_cpu_time_are_seen_per_thread() {
        let run = run(&sh(
            "echo hello; i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; sleep 0.1",
        ));
        let last = run
            .samples
            .iter()
            .rev()
            .find(|s| !s.threads.is_empty())
            .unwrap();
        let shell = &last.threads[0];
        assert!(shell.wchar >= 6, "{shell:?}");
        assert!(shell.cpu_ns > 0, "{shell:?}");
        assert!(run.cores >= 1);
    }

    #[test]
    fn cores_are_those_the_program_may_run_on() {
        // taskset pins itself to one CPU and then becomes the shell.
        let mut options = RunOptions::new("taskset");
        options.args = vec![
            "-c".into(),
            "0".into(),
            "/bin/sh".into(),
            "-c".into(),
            "sleep 0.1".into(),
        ];
        let pinned = run(&options);
        assert_eq!(pinned.ending, Ending::Exited(0));
        assert_eq!(pinned.cores, 1);
        let free = run(&sh("sleep 0.1"));
        assert_eq!(
            free.cores,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
    }
}
