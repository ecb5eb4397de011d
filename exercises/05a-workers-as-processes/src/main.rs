//! Exercise 05a: five workers, each in an OS process of its own, started by re-running this program.
//!
//! `cargo run -p exercise-05a-workers-as-processes -- worker 3` already runs
//! worker 3 on its own; the parent just does not use that yet.

use std::thread;

fn worker(name: u32) {
    println!("Worker {name} starting in process {}", std::process::id());
    lesson_kit::sleep(2.0);
    println!("Worker {name} finished");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => start_workers(),
        // How a child knows it is a worker, like a fresh Python interpreter that was told
        // to call worker(3) by multiprocessing.
        [role, name] if role == "worker" => match name.parse() {
            Ok(name) => worker(name),
            Err(_) => usage(&format!("`worker` takes a number, not `{name}`")),
        },
        _ => usage(&format!("unexpected argument(s): {}", args.join(" "))),
    }
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

/// Explains a bad command line and exits with code 2.
fn usage(problem: &str) -> ! {
    eprintln!("error: {problem}");
    eprintln!("run it as: cargo run -p exercise-05a-workers-as-processes");
    std::process::exit(2);
}
