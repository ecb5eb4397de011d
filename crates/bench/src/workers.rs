//! The Rust side of the measurements, run in a fresh process each time (the bench's own binary
//! re-executed): N threads, processes or tasks that sleep, and CPU-bound work on k threads.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::hint::black_box;
use std::io::Write;
use std::ops::Range;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The hidden first argument that turns the bench binary into one of its own measured workers.
pub const HIDDEN_ARG: &str = "__bench-worker";

/// If this process was started as one of the bench's own workers (`__bench-worker ...`), runs
/// that worker and returns its exit code; otherwise returns `None` at once.
pub fn child_entry() -> Option<i32> {
    let mut args = std::env::args();
    args.next();
    if args.next().as_deref() != Some(HIDDEN_ARG) {
        return None;
    }
    let rest: Vec<String> = args.collect();
    Some(match child_main(&rest) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error:#}");
            2
        }
    })
}

/// What a driver reports on its stdout, as one JSON line.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Seconds from the first spawn to the last join (or for the whole CPU-bound job).
    pub wall: f64,
    /// Workers that were alive at the same instant, at most.
    #[serde(default)]
    pub peak_alive: u64,
}

/// Workers alive now and at most, counted by the workers themselves.
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn enter() {
    let now = ALIVE.fetch_add(1, Ordering::Relaxed) + 1;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn leave() {
    ALIVE.fetch_sub(1, Ordering::Relaxed);
}

/// Handles `__bench-worker ...` (see [`child_entry`]); errors are printed by the caller.
pub fn child_main(args: &[String]) -> Result<()> {
    match args {
        [role, sleep_ns] if role == "child" => sleep_child(parse(sleep_ns, "sleep")?),
        [role, rest @ ..] if role == "messages" => crate::messages::child_main(rest),
        [role, kind, n, sleep_ns] if role == "workers" => {
            let (n, sleep) = (
                parse(n, "N")?,
                Duration::from_nanos(parse(sleep_ns, "sleep")?),
            );
            let outcome = match kind.as_str() {
                "threads" => threads(n, sleep),
                "processes" => processes(n, sleep)?,
                "tasks" => tasks(n, sleep)?,
                _ => bail!("unknown worker kind {kind:?}: expected threads, processes or tasks"),
            };
            report(&outcome)
        }
        [role, how, k, work] if role == "cpu" => {
            let (k, work) = (parse(k, "thread count")?, parse(work, "work")?);
            let started = Instant::now();
            let sum = match how.as_str() {
                "threads" => cpu_threads(k, work),
                "rayon" => cpu_rayon(k, work)?,
                _ => bail!("unknown CPU-bound method {how:?}: expected threads or rayon"),
            };
            let wall = started.elapsed().as_secs_f64();
            if sum != expected_sum(work) {
                bail!("the {how} run computed a wrong sum");
            }
            report(&Outcome {
                wall,
                peak_alive: k,
            })
        }
        _ => bail!("unexpected arguments {args:?}: {HIDDEN_ARG} is for the bench's own use"),
    }
}

fn parse<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T> {
    raw.parse()
        .ok()
        .with_context(|| format!("{what} {raw:?} is not a whole number"))
}

fn report(outcome: &Outcome) -> Result<()> {
    println!("{}", serde_json::to_string(outcome)?);
    Ok(())
}

/// CLOCK_MONOTONIC in nanoseconds: the clock `Instant` reads, shared by every process, so
/// intervals written by different processes can be compared.
fn monotonic_ns() -> u64 {
    // SAFETY: timespec is plain old data and the pointer is to a live local.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// One process worker: sleep, then write when it was alive as one line (one `write`, so lines
/// from many processes appending to one file never mix).
fn sleep_child(sleep_ns: u64) -> Result<()> {
    let start = monotonic_ns();
    thread::sleep(Duration::from_nanos(sleep_ns));
    let line = format!("{start} {}\n", monotonic_ns());
    std::io::stdout()
        .lock()
        .write_all(line.as_bytes())
        .context("cannot record the worker's lifetime")
}

/// N std threads, each sleeping, joined in order.
fn threads(n: u64, sleep: Duration) -> Outcome {
    let started = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            thread::spawn(move || {
                enter();
                thread::sleep(sleep);
                leave();
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a worker thread panicked");
    }
    Outcome {
        wall: started.elapsed().as_secs_f64(),
        peak_alive: PEAK.load(Ordering::Relaxed) as u64,
    }
}

/// N child processes (this binary re-executed), each sleeping, waited for in order.
fn processes(n: u64, sleep: Duration) -> Result<Outcome> {
    let exe = std::env::current_exe().context("cannot find the bench's own binary")?;
    let dir = tempfile::tempdir()?;
    let record = dir.path().join("lifetimes");
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&record)
        .context("cannot create the lifetimes file")?;
    let sleep_ns = sleep.as_nanos().to_string();
    let started = Instant::now();
    let mut children = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let child = Command::new(&exe)
            .args([HIDDEN_ARG, "child", &sleep_ns])
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .spawn()
            .context("cannot start a worker process")?;
        children.push(child);
    }
    for mut child in children {
        let status = child.wait()?;
        if !status.success() {
            bail!("a worker process failed: {status}");
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let intervals: Vec<(u64, u64)> = std::fs::read_to_string(&record)?
        .lines()
        .filter_map(|line| {
            let (start, end) = line.split_once(' ')?;
            Some((start.parse().ok()?, end.parse().ok()?))
        })
        .collect();
    if intervals.len() as u64 != n {
        bail!(
            "{} of {n} worker processes recorded their lifetime",
            intervals.len()
        );
    }
    Ok(Outcome {
        wall,
        peak_alive: crate::stats::peak_overlap(&intervals) as u64,
    })
}

/// N tokio tasks spawned from main on the multi-threaded runtime, awaited in order.
fn tasks(n: u64, sleep: Duration) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .context("cannot start the tokio runtime")?;
    let wall = runtime.block_on(async move {
        let started = Instant::now();
        let handles: Vec<_> = (0..n)
            .map(|_| {
                tokio::spawn(async move {
                    enter();
                    tokio::time::sleep(sleep).await;
                    leave();
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("a worker task panicked");
        }
        started.elapsed().as_secs_f64()
    });
    Ok(Outcome {
        wall,
        peak_alive: PEAK.load(Ordering::Relaxed) as u64,
    })
}

/// The CPU-bound work of lesson-gil: the sum of i * i over a range. `black_box` hides `i`
/// from the optimiser, so it cannot replace the loop by a formula and skip the work.
pub fn cpu_bound_task(range: Range<u64>) -> u64 {
    range.fold(0, |sum, i| sum.wrapping_add(black_box(i).wrapping_mul(i)))
}

/// The wrapping sum of i * i for i < n, by formula, to check the measured runs.
fn expected_sum(n: u64) -> u64 {
    // Sum of squares n(n-1)(2n-1)/6, computed in u128 then wrapped like the loop.
    let n = u128::from(n);
    if n == 0 {
        return 0;
    }
    ((n * (n - 1) * (2 * n - 1) / 6) % (1u128 << 64)) as u64
}

/// The numbers 0..n cut into `parts` consecutive ranges of (nearly) equal size.
pub fn split(n: u64, parts: u64) -> Vec<Range<u64>> {
    let parts = parts.max(1);
    (0..parts)
        .map(|k| n * k / parts..n * (k + 1) / parts)
        .collect()
}

/// The work cut into k parts, one std thread each.
fn cpu_threads(k: u64, work: u64) -> u64 {
    let handles: Vec<_> = split(work, k)
        .into_iter()
        .map(|part| thread::spawn(move || cpu_bound_task(part)))
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a CPU-bound thread panicked"))
        .fold(0, u64::wrapping_add)
}

/// The work cut into 8k parts, balanced by a rayon pool of k threads.
fn cpu_rayon(k: u64, work: u64) -> Result<u64> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(k as usize)
        .build()?;
    Ok(pool.install(|| {
        split(work, k * 8)
            .into_par_iter()
            .map(cpu_bound_task)
            .reduce(|| 0, u64::wrapping_add)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_the_range_without_gaps() {
        let parts = split(10, 3);
        assert_eq!(parts, vec![0..3, 3..6, 6..10]);
        assert_eq!(split(5, 0), vec![0..5]);
    }

    #[test]
    fn formula_matches_the_loop() {
        for n in [0, 1, 2, 10, 1000, 123_457] {
            assert_eq!(expected_sum(n), cpu_bound_task(0..n), "n = {n}");
        }
    }
}
