//! Solution to exercise 02b: main matches on each `join` result, so one panicking worker is
//! reported and the others still are.
//!
//! Python's `join()` returns normally even if the thread raised (the exception is only
//! printed by `threading.excepthook`); Rust's `join` returns `Err` so main can act on it.

use std::thread;

/// Pretends to process a batch of records; batch 1 holds one it cannot handle.
fn work(name: u32) -> u32 {
    lesson_kit::sleep(1.0);
    if name == 1 {
        panic!("worker {name} hit a bad record");
    }
    name * 10
}

fn main() {
    lesson_kit::start(&[]);

    let mut threads = Vec::new();
    for name in 0..3 {
        threads.push((name, thread::spawn(move || work(name))));
    }

    for (name, thread) in threads {
        // The panic message itself has already gone to stderr, printed by the panicking thread.
        match thread.join() {
            Ok(result) => println!("Worker {name} returned {result}"),
            Err(_) => println!("Worker {name} panicked"),
        }
    }
    println!("Main thread: every worker accounted for");
}
