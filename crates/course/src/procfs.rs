//! The one place that reads Linux's `/proc`: processes, their state, threads, CPU time and memory.
//!
//! The runner samples a lesson's process tree with these readers, and the bench
//! sums its measured programs' memory with them, so both see a process the same way.
//! Every reader returns nothing (or zero) for a process that is gone by the time
//! it is read: processes come and go while they are sampled.

use std::os::unix::fs::MetadataExt;

/// One line of `/proc/PID/stat`, the fields the course uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    pub pid: i32,
    pub ppid: i32,
    pub pgrp: i32,
    /// `R`, `S`, `D`, `Z` (zombie), `X` (dead), ...
    pub state: u8,
    /// User plus system CPU time, in clock ticks ([`ticks_per_second`]).
    pub ticks: u64,
    pub threads: usize,
    /// Minor faults plus CPU ticks of the children this process has waited for.
    pub reaped: u64,
    /// CPU ticks of the children this process has waited for (cutime + cstime).
    pub children_ticks: u64,
}

impl Stat {
    /// Running or sleeping, not a zombie waiting to be reaped.
    pub fn is_alive(&self) -> bool {
        self.state != b'Z' && self.state != b'X'
    }
}

/// Every process id in `/proc` now.
pub fn pids() -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .collect()
}

/// `/proc/PID/stat` of every process now.
pub fn all_stats() -> Vec<Stat> {
    pids().into_iter().filter_map(stat).collect()
}

/// `/proc/PID/stat`, or `None` once the process is gone.
pub fn stat(pid: i32) -> Option<Stat> {
    parse_stat(
        pid,
        &std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?,
    )
}

fn parse_stat(pid: i32, text: &str) -> Option<Stat> {
    // The command name may hold spaces and parentheses; fields resume after the last ')'.
    let rest = text.get(text.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let num = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some(Stat {
        pid,
        state: *fields.first()?.as_bytes().first()?,
        ppid: num(1)? as i32,
        pgrp: num(2)? as i32,
        ticks: num(11)? + num(12)?,
        threads: num(17)? as usize,
        // cminflt, cutime and cstime: non-zero once the process has reaped a child.
        reaped: num(8)? + num(13)? + num(14)?,
        children_ticks: num(13)? + num(14)?,
    })
}

/// The thread ids of process `pid` (`/proc/PID/task`), empty once it is gone.
pub fn tasks(pid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// The executable `pid` runs (`/proc/PID/exe`; `pid` 0 means this process).
pub fn exe(pid: i32) -> Option<std::path::PathBuf> {
    if pid == 0 {
        return std::fs::read_link("/proc/self/exe").ok();
    }
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// A thread's name (`comm`), or `None` once it is gone.
pub fn thread_name(pid: i32, tid: i32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm"))
        .ok()
        .map(|comm| comm.trim_end().to_owned())
}

/// A thread's CPU time in ns and the time it spent runnable but waiting for a core: the
/// first two fields of schedstat; without schedstat, its stat ticks and no wait.
pub fn thread_cpu_ns(pid: i32, tid: i32) -> Option<(u64, u64)> {
    let dir = format!("/proc/{pid}/task/{tid}");
    if let Ok(text) = std::fs::read_to_string(format!("{dir}/schedstat")) {
        let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
        if let (Some(Some(cpu)), Some(Some(wait))) = (fields.next(), fields.next()) {
            return Some((cpu, wait));
        }
    }
    let text = std::fs::read_to_string(format!("{dir}/stat")).ok()?;
    let fields: Vec<&str> = text
        .get(text.rfind(')')? + 2..)?
        .split_whitespace()
        .collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(((ticks as f64 / ticks_per_second() as f64 * 1e9) as u64, 0))
}

/// How far a running thread's CPU time, as `/proc/.../schedstat` reports it, may lag behind
/// what it has used: the kernel adds a running thread's time to that total only at each
/// scheduler tick (1/HZ s) and when the thread leaves its core, so the lag is one tick.
///
/// HZ is a kernel build option that `/proc` does not show, so it is measured, once per
/// process: this thread computes for a few ticks while reading its own total, whose largest
/// step is one tick. The result is clamped to 1–10 ms (HZ=1000 to HZ=100, the range kernels
/// are built with), and is 10 ms when schedstat cannot be read.
pub fn cpu_time_lag_ns() -> u64 {
    static LAG: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    const MAX: u64 = 10_000_000;
    *LAG.get_or_init(|| {
        let read = || {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()?
                .split_ascii_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        };
        let Some(mut last) = read() else {
            return MAX;
        };
        let started = std::time::Instant::now();
        let (mut steps, mut largest) = (0, 0);
        // Three steps see at least two whole ticks; 60 ms is enough for three at HZ=100.
        while steps < 3 && started.elapsed() < std::time::Duration::from_millis(60) {
            let Some(now) = read() else {
                return MAX;
            };
            if now != last {
                steps += 1;
                largest = largest.max(now - last);
                last = now;
            }
        }
        if steps < 2 {
            MAX
        } else {
            largest.clamp(1_000_000, MAX)
        }
    })
}

/// The bytes a thread has written so far (`wchar` of its own io file; 0 when unreadable).
pub fn thread_wchar(pid: i32, tid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/io"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("wchar:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// How many processes the user `uid` owns now (what `RLIMIT_NPROC` counts).
pub fn processes_of_user(uid: u32) -> usize {
    pids()
        .into_iter()
        .filter(|pid| std::fs::metadata(format!("/proc/{pid}")).is_ok_and(|m| m.uid() == uid))
        .count()
}

/// The children of `pid`'s main thread, from `/proc/PID/task/PID/children`.
pub fn children(pid: i32) -> Vec<i32> {
    thread_children(pid, pid)
}

/// The children one thread of `pid` started (`/proc/PID/task/TID/children`: a child is
/// listed under the thread that forked it).
pub fn thread_children(pid: i32, tid: i32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/children"))
        .map(|text| {
            text.split_ascii_whitespace()
                .filter_map(|c| c.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// `pid` and its descendants, following the children of each main thread.
pub fn descendants(root: i32) -> Vec<i32> {
    let mut pids = vec![root];
    let mut next = 0;
    while next < pids.len() {
        pids.extend(children(pids[next]));
        next += 1;
    }
    pids
}

/// Resident memory of `pid` in bytes, from `/proc/PID/statm` (0 once it is gone).
pub fn resident_bytes(pid: i32) -> u64 {
    let pages: u64 = std::fs::read_to_string(format!("/proc/{pid}/statm"))
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0);
    pages * page_size()
}

/// Proportional set size of `pid` in bytes (shared pages divided among their sharers),
/// from `/proc/PID/smaps_rollup` (0 once it is gone).
pub fn proportional_bytes(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|line| line.strip_prefix("Pss:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

/// The raw contents of `/proc/PID/FILE` (`cmdline`, `environ`), or `None` once it is gone.
pub fn read(pid: i32, file: &str) -> Option<Vec<u8>> {
    std::fs::read(format!("/proc/{pid}/{file}")).ok()
}

/// Idle and total CPU time of the whole machine so far, in ticks, from the first line of
/// `/proc/stat` (idle counts iowait too; guest time is already inside user).
pub fn cpu_times() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let times: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: idle and iowait are idle.
    let idle = times.get(3)? + times.get(4)?;
    Some((idle, times.iter().sum()))
}

/// Clock ticks per second: how [`Stat::ticks`] counts CPU time.
pub fn ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_threads_cpu_time_lags_by_one_tick_of_some_kernel_rate() {
        // HZ is 100 to 1000 on the kernels in use: one tick is 1 to 10 ms.
        let lag = cpu_time_lag_ns();
        assert!((1_000_000..=10_000_000).contains(&lag), "{lag}");
    }

    #[test]
    fn a_command_name_with_spaces_and_parentheses_is_skipped() {
        let line = "42 (a (b) c) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 5 0 100 0 0";
        let stat = parse_stat(42, line).unwrap();
        assert_eq!(
            stat,
            Stat {
                pid: 42,
                ppid: 1,
                pgrp: 42,
                state: b'S',
                ticks: 10,
                threads: 5,
                reaped: 0,
                children_ticks: 0,
            }
        );
        assert!(parse_stat(1, "garbage").is_none());
    }

    #[test]
    fn this_process_is_seen_with_its_memory_and_threads() {
        let me = std::process::id() as i32;
        assert!(pids().contains(&me));
        let stat = stat(me).unwrap();
        assert!(stat.is_alive() && stat.threads >= 1);
        assert!(resident_bytes(me) > 0);
        assert!(descendants(me).starts_with(&[me]));
        assert!(cpu_times().is_some_and(|(idle, total)| idle <= total));
    }
}
