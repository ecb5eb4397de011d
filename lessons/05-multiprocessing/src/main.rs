//! Lesson 5, "Multiprocessing": each worker runs in an OS process of its own.
//!
//! The parent starts five copies of this very program, each told by its
//! arguments to be `worker 0` ... `worker 4`, then waits for all of them. The
//! children share no memory with the parent or each other; they only share the
//! terminal they print to.
//!
//! `-- cpu` runs lesson 4's CPU-bound sum in one process, then split across one
//! child process per core (`part START END`, each printing its sum), and
//! compares the times: processes, like threads in Rust, run in parallel.

use std::hint::black_box;
use std::ops::Range;
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::Instant;

fn worker(name: u64) {
    println!("Worker {name} starting");
    lesson_kit::sleep(2.0);
    println!("Worker {name} finished");
}

fn main() -> ExitCode {
    // The child's side. multiprocessing's spawn start method launches a fresh
    // interpreter that imports the module and calls `worker(3)`; here the
    // program is run again with `worker 3` and calls `worker(3)` itself.
    if let Some(name) = lesson_kit::role_number("worker") {
        worker(name);
        return ExitCode::SUCCESS;
    }
    // A child of `cpu`: sum its part of the work and print the sum for the parent.
    if let Some([start, end]) = lesson_kit::role_numbers("part") {
        if start > end {
            eprintln!("error: `part` takes START <= END, not {start} {end}");
            return ExitCode::from(2);
        }
        println!("{}", cpu_bound_task(start..end));
        return ExitCode::SUCCESS;
    }
    // Python's `if __name__ == "__main__":` block: only the parent starts workers.
    match lesson_kit::start(&["cpu"]) {
        None => start_workers(),
        Some(_cpu) => cpu(),
    }
}

/// `multiprocessing.Process(target=worker, args=(i,))` then `start()` for each, then `join()` each.
fn start_workers() -> ExitCode {
    // The spawn start method runs a fresh interpreter on the same script; this runs the same binary.
    let exe = std::env::current_exe().expect("cannot find this program's own path to re-run it");
    let mut processes = Vec::new();

    for i in 0..5 {
        // The child inherits stdout (and LESSON_TIME_SCALE), as Python's children do.
        let p = Command::new(&exe)
            .args(["worker", &i.to_string()])
            .spawn()
            .expect("could not start a worker process");
        processes.push(p);
    }

    // `p.join()` is `wait()`: block until that process has exited.
    // Python only records a failed child in `p.exitcode`; here it is reported.
    let mut all_ok = true;
    for mut p in processes {
        let status = p.wait().expect("could not wait for a worker process");
        if !status.success() {
            eprintln!("error: worker process {} failed: {status}", p.id());
            all_ok = false;
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ---- `cpu`: CPU-bound work in one process, then in one process per core ----------

/// Numbers summed at LESSON_TIME_SCALE=1: about one second of work for one core (as in lesson 4).
const WORK: f64 = 1.4e9;

/// Each way is timed this many times and the best time kept: on a busy machine other
/// programs only ever add time, so the fastest run is the closest to the work's own cost.
const RUNS: usize = 3;

/// At most this many child processes, however many cores there are.
const MAX_PROCESSES: u64 = 8;

/// Lesson 4's CPU-bound work, copied here so that each lesson stands alone: the sum of
/// i * i over a range. `black_box` hides `i` from the optimiser, so it cannot replace the
/// loop by a formula and skip the work.
#[inline(never)]
fn cpu_bound_task(range: Range<u64>) -> u64 {
    range.fold(0, |sum, i| sum.wrapping_add(black_box(i).wrapping_mul(i)))
}

/// The numbers 0..n cut into `parts` consecutive ranges of (nearly) equal size.
fn split(n: u64, parts: u64) -> Vec<Range<u64>> {
    (0..parts)
        .map(|k| n * k / parts..n * (k + 1) / parts)
        .collect()
}

/// The fastest of RUNS timings of `work`, in seconds, with the value it returned.
fn best_of(mut work: impl FnMut() -> u64) -> (f64, u64) {
    let mut best = f64::INFINITY;
    let mut value = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        value = work();
        best = best.min(started.elapsed().as_secs_f64());
    }
    (best, value)
}

/// Python's `multiprocessing.Pool(cores).starmap(cpu_bound_task, parts)`, by hand: the
/// same sum in this process, then split across one child process per core.
fn cpu() -> ExitCode {
    let n = (WORK * lesson_kit::scale()) as u64;
    let cores = thread::available_parallelism().map_or(1, |c| c.get() as u64);
    let k = cores.min(MAX_PROCESSES);
    println!("cores: {cores}");

    let (one, expected) = best_of(|| cpu_bound_task(0..n));
    println!("one process: {one:.2} s");

    let exe = std::env::current_exe().expect("cannot find this program's own path to re-run it");
    let (took, total) = best_of(|| {
        // Start every child first, so they all compute at once...
        let children: Vec<_> = split(n, k)
            .into_iter()
            .map(|part| {
                Command::new(&exe)
                    .args(["part", &part.start.to_string(), &part.end.to_string()])
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("could not start a child process")
            })
            .collect();
        // ...then collect each one's sum from its stdout (pool.starmap's results).
        children
            .into_iter()
            .map(|child| {
                let output = child
                    .wait_with_output()
                    .expect("could not wait for a child process");
                assert!(
                    output.status.success(),
                    "a child process failed: {}",
                    output.status
                );
                let text = String::from_utf8_lossy(&output.stdout);
                text.trim()
                    .parse::<u64>()
                    .unwrap_or_else(|_| panic!("a child process printed {text:?}, not its sum"))
            })
            .fold(0, u64::wrapping_add)
    });
    assert_eq!(
        total, expected,
        "the child processes computed a different sum"
    );
    let processes = if k == 1 { "process" } else { "processes" };
    println!("{k} {processes}: {took:.2} s, speedup: {:.1}x", one / took);
    ExitCode::SUCCESS
}
