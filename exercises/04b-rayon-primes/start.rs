//! Exercise 04b: count the primes below 200000 in eight ranges, spread over rayon's thread pool.
//!
//! rayon keeps one thread per core and hands them the items of a parallel
//! iterator; changing `iter` to `par_iter` is often all it takes.

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

    // TODO: `iter()` counts the ranges one after another on the main thread. Bring in
    // `rayon::prelude::*` and use `par_iter()`: rayon then spreads the ranges over its
    // pool, and `collect` still keeps the results in the order of `ranges`.
    let counts: Vec<(usize, String)> = ranges
        .iter()
        .map(|range| (count_primes(range.clone()), current_thread()))
        .collect();

    for (range, (count, thread)) in ranges.iter().zip(&counts) {
        println!("{range:?}: {count} primes, counted on {thread}");
    }
    let total: usize = counts.iter().map(|(count, _)| count).sum();
    println!("Total: {total} primes below 200000");
}
