//! Solution to exercise 04b: `par_iter` spreads the eight ranges over rayon's thread pool.
//!
//! Python would need `multiprocessing.Pool.map` and a process per core to get the
//! same parallelism past the GIL; rayon does it with threads sharing `ranges`.

use rayon::prelude::*;
use std::ops::Range;

/// CPU-bound work: counts the primes in `range` by trial division.
fn count_primes(range: Range<u64>) -> usize {
    range
        .filter(|&n| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count()
}

/// Which thread runs this: one of rayon's pool threads, or the main thread.
fn current_thread() -> String {
    match rayon::current_thread_index() {
        Some(index) => format!("rayon thread {index}"),
        None => "the main thread".to_owned(),
    }
}

fn main() {
    lesson_kit::start(&[]);

    let ranges: Vec<Range<u64>> = (0..8).map(|i| i * 25_000..(i + 1) * 25_000).collect();

    // The main thread hands the work to the pool and waits; every range runs on a pool thread.
    let counts: Vec<(usize, String)> = ranges
        .par_iter()
        .map(|range| (count_primes(range.clone()), current_thread()))
        .collect();

    for (range, (count, thread)) in ranges.iter().zip(&counts) {
        println!("{range:?}: {count} primes, counted on {thread}");
    }
    let total: usize = counts.iter().map(|(count, _)| count).sum();
    println!("Total: {total} primes below 200000");
}
