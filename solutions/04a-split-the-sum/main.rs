//! Solution to exercise 04a: four scoped threads each sum the squares of one part of a
//! local Vec, borrowing it, and main adds up what they return.
//!
//! `thread::spawn` needs data it can keep forever (an Arc, or a copy); a scope
//! promises that every thread in it is joined before the scope ends, so its threads
//! may borrow local variables. Python threads can always read shared data, but the
//! GIL would let only one of them compute at a time.

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

    let total: u64 = thread::scope(|s| {
        // Spawn all four before joining any, so they run at the same time.
        let handles: Vec<_> = numbers
            .chunks(numbers.len() / PARTS)
            .enumerate()
            .map(|(part, chunk)| s.spawn(move || sum_of_squares(part, chunk)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a summing thread panicked"))
            .sum()
    });
    println!("Total: {total}");
}
