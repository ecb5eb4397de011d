//! Lesson 4, "The GIL" (the NOTE under "Multithreading"): Rust has no global
//! interpreter lock, so CPU-bound work split across threads runs in parallel
//! and finishes faster, where Python threads would take turns.

use rayon::prelude::*;
use std::hint::black_box;
use std::ops::Range;
use std::thread;
use std::time::Instant;

/// Numbers summed at LESSON_TIME_SCALE=1: about one second of work for one thread.
const WORK: f64 = 1.4e9;

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

fn main() {
    if let Some(arg) = std::env::args().nth(1) {
        eprintln!("error: unexpected argument {arg:?}: this lesson takes no arguments");
        eprintln!("run it as: cargo run -p lesson-gil (LESSON_TIME_SCALE=0.1 for less work)");
        std::process::exit(2);
    }

    let n = (WORK * lesson_kit::scale()) as u64;
    let cores = thread::available_parallelism().map_or(1, |c| c.get() as u64);
    println!("cores: {cores}");

    // One thread does all the work.
    let started = Instant::now();
    let expected = cpu_bound_task(0..n);
    let one = started.elapsed().as_secs_f64();
    println!("one thread: {one:.2} s");

    // One thread per core, each on its own part. In Python the GIL would let only one of
    // them run at a time, so this would take as long as one thread, or longer.
    let started = Instant::now();
    let handles: Vec<_> = split(n, cores)
        .into_iter()
        .map(|part| thread::spawn(move || cpu_bound_task(part)))
        .collect();
    let total = handles
        .into_iter()
        .map(|handle| handle.join().expect("a worker thread panicked"))
        .fold(0, u64::wrapping_add);
    let took = started.elapsed().as_secs_f64();
    assert_eq!(total, expected, "the threads computed a different sum");
    println!("threads: {took:.2} s, speedup: {:.1}x", one / took);

    // Rayon's pool (one thread per core) shares out smaller parts, and a thread that runs
    // out takes parts from busy ones. Python's nearest is multiprocessing.Pool, with
    // processes instead of threads, and every part and result copied between them.
    let started = Instant::now();
    let total = split(n, cores * 8)
        .into_par_iter()
        .map(cpu_bound_task)
        .reduce(|| 0, u64::wrapping_add);
    let took = started.elapsed().as_secs_f64();
    assert_eq!(total, expected, "rayon computed a different sum");
    println!("rayon: {took:.2} s, speedup: {:.1}x", one / took);
}
