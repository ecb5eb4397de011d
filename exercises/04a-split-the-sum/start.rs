//! Exercise 04a: the sum of squares of a million numbers, in four parts, one thread per part.
//!
//! With no GIL, threads running Rust code really do run at the same time, so
//! CPU-bound work split across them can use every core.

use std::hint::black_box;
use std::thread;

const PARTS: usize = 4;

/// CPU-bound work: the sum of the squares of one part of the numbers.
fn sum_of_squares(part: usize, numbers: &[u64]) -> u64 {
    // `black_box` keeps the optimiser from replacing the loop by a formula.
    let sum = numbers.iter().map(|&n| black_box(n) * n).sum();
    println!("Part {part} summed on {}", current_thread());
    sum
}

/// Which thread runs this: Rust names the main thread "main"; threads spawned here have no name.
fn current_thread() -> &'static str {
    match thread::current().name() {
        Some("main") => "the main thread",
        _ => "its own thread",
    }
}

fn main() {
    lesson_kit::start(&[]);

    let numbers: Vec<u64> = (0..1_000_000).collect();

    let mut total = 0;
    // TODO: these parts are summed one after another on the main thread. Inside
    // `thread::scope(|s| ...)`, spawn one thread per part with `s.spawn`; scoped threads
    // may borrow `numbers` (no Arc, no copy), because the scope joins them before it ends.
    // Then add up what their handles' join() returns.
    for (part, chunk) in numbers.chunks(numbers.len() / PARTS).enumerate() {
        total += sum_of_squares(part, chunk);
    }
    println!("Total: {total}");
}
