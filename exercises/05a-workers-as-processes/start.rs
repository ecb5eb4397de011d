//! Exercise 05a: five workers, each in an OS process of its own, started by re-running this program.
//!
//! `cargo run -p exercise-05a-workers-as-processes -- worker 3` already runs
//! worker 3 on its own; the parent just does not use that yet.

use std::thread;

fn worker(name: u64) {
    println!("Worker {name} starting in process {}", std::process::id());
    lesson_kit::sleep(2.0);
    println!("Worker {name} finished");
}

fn main() {
    // How a child knows it is a worker, like a fresh Python interpreter that was told
    // to call worker(3) by multiprocessing.
    if let Some(name) = lesson_kit::role_number("worker") {
        worker(name);
        return;
    }
    lesson_kit::start(&[]);
    start_workers();
}

fn start_workers() {
    // TODO: these are threads, all in this one process. Start each worker as a process
    // instead: `Command::new(&exe).args(["worker", &i.to_string()]).spawn()`, where
    // `exe` is `std::env::current_exe()`, keep every Child, and `wait()` for each after the loop.
    let mut threads = Vec::new();
    for i in 0..5 {
        threads.push(thread::spawn(move || worker(i)));
    }
    for t in threads {
        t.join().expect("a worker thread panicked");
    }
}
