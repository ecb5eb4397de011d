//! Lesson 4, "The GIL" (the NOTE under "Multithreading"): Rust has no global
//! interpreter lock, so CPU-bound work split across threads runs in parallel
//! and finishes faster, where Python threads would take turns.

use rayon::prelude::*;
use std::hint::black_box;
use std::ops::Range;
use std::thread;
use std::time::Instant;

/// Numbers summed per timing at LESSON_TIME_SCALE=1: about a second for one thread, so the
/// threads phase is long enough to be seen computing in parallel even on a loaded machine.
const WORK: f64 = 1.4e9;

/// Each way is timed this many times and its best time kept: on a shared machine other
/// programs only ever add time, so the fastest run is the closest to the work's own cost,
/// and the printed speedup stays steady from run to run (one sample swung from 1.5x to 1.9x).
const ROUNDS: usize = 3;

/// CPU-bound work: the sum of i * i over a range. `black_box` hides `i` from the
/// optimiser, so it cannot replace the loop by a formula and skip the work, and
/// `inline(never)` keeps a single copy of the loop, so all three timings below
/// measure the very same machine code.
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

/// The best of ROUNDS timings of `work`, in seconds, and its result.
fn best_of(work: impl Fn() -> u64) -> (f64, u64) {
    let mut best = f64::INFINITY;
    let mut result = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        result = work();
        best = best.min(started.elapsed().as_secs_f64());
    }
    (best, result)
}

/// One thread per core, each on its own part. In Python the GIL would let only one of
/// them run at a time, so this would take as long as one thread, or longer.
fn on_threads(n: u64, cores: u64) -> u64 {
    let handles: Vec<_> = split(n, cores)
        .into_iter()
        .map(|part| thread::spawn(move || cpu_bound_task(part)))
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a worker thread panicked"))
        .fold(0, u64::wrapping_add)
}

/// Rayon's pool (one thread per core) shares out smaller parts, and a thread that runs
/// out takes parts from busy ones. Python's nearest is multiprocessing.Pool, with
/// processes instead of threads, and every part and result copied between them.
fn on_rayon(n: u64, cores: u64) -> u64 {
    split(n, cores * 8)
        .into_par_iter()
        .map(cpu_bound_task)
        .reduce(|| 0, u64::wrapping_add)
}

fn main() {
    lesson_kit::start(&[]);
    let n = (WORK * lesson_kit::scale()) as u64;
    let cores = thread::available_parallelism().map_or(1, |c| c.get() as u64);
    println!("cores: {cores}");

    // Each way runs ROUNDS times and keeps its best time, and its line is printed as soon
    // as it is measured, so the output shows each way's work as it happens.
    let (one, expected) = best_of(|| cpu_bound_task(0..n));
    println!("one thread: {one:.2} s");
    let (threads, total) = best_of(|| on_threads(n, cores));
    assert_eq!(total, expected, "the threads computed a different sum");
    println!("threads: {threads:.2} s, speedup: {:.1}x", one / threads);
    let (rayon, total) = best_of(|| on_rayon(n, cores));
    assert_eq!(total, expected, "rayon computed a different sum");
    println!("rayon: {rayon:.2} s, speedup: {:.1}x", one / rayon);
}
