//! Exercise 02b: three threads do some work, one of them panics, and main reports every outcome.
//!
//! A panic ends only the thread it happens in; `join` tells main about it by
//! returning `Err`. Calling `expect` on that `Err` makes main panic as well.

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
        // TODO: `expect` turns worker 1's panic into a panic of main, which ends the program
        // before worker 2 is reported. Match on the Result of join() instead: print
        // `Worker {name} returned {result}` for Ok and `Worker {name} panicked` for Err.
        let result = thread.join().expect("a worker panicked");
        println!("Worker {name} returned {result}");
    }
    println!("Main thread: every worker accounted for");
}
