//! Solution to exercise 05a: the parent re-runs this program five times as `worker N`,
//! then waits for the five child processes, as `multiprocessing.Process` does.

use std::process::Command;

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
    let exe = std::env::current_exe().expect("cannot find this program's own executable");
    // Start all five before waiting for any, so the five processes run at the same time.
    let mut processes = Vec::new();
    for i in 0..5 {
        let p = Command::new(&exe)
            .args(["worker", &i.to_string()])
            .spawn()
            .expect("cannot start a worker process");
        processes.push(p);
    }
    for mut p in processes {
        let status = p.wait().expect("cannot wait for a worker process");
        assert!(status.success(), "a worker process failed: {status}");
    }
}
