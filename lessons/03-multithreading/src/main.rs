//! Lesson 3, "Multithreading": five threads wait at the same time, so five
//! two-second waits take two seconds in all, as I/O-bound work would.
//!
//! `cargo run -p lesson-multithreading` is the notes' example; add `-- scoped`
//! for the same run with `std::thread::scope`, which joins every thread for you.

use std::thread;

fn worker(name: u32) {
    println!("Worker {name} starting");
    // Sleeping stands in for waiting on a file or the network: the thread is idle, others run.
    lesson_kit::sleep(2.0);
    println!("Worker {name} finished");
}

/// The notes' example: start all five threads, then join them all.
fn spawned() {
    let mut threads = Vec::new();

    for i in 0..5 {
        // Python's `args=(i,)` becomes a closure that owns its own copy of `i` (`move`):
        // a spawned thread may outlive this loop, so it cannot borrow the loop's variable.
        let t = thread::spawn(move || worker(i));
        threads.push(t);
    }

    for t in threads {
        t.join().expect("a worker thread panicked");
    }
}

/// The same five workers in a scope. The scope joins every thread spawned in it before
/// it returns, so there are no handles to keep and no join to forget, and the threads may
/// borrow the function's local variables (here `names`), since they cannot outlive them.
/// Python has no counterpart in `threading`; `with ThreadPoolExecutor() as pool:` comes closest.
fn scoped() {
    let names = [0, 1, 2, 3, 4];
    thread::scope(|s| {
        for name in &names {
            // `name` points into `names`; `move` hands that reference to the thread.
            s.spawn(move || worker(*name));
        }
    });
}

fn main() {
    match lesson_kit::start(&["scoped"]) {
        None => spawned(),
        Some(_scoped) => scoped(),
    }
}
