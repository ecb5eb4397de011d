//! Lesson 5, "Multiprocessing": each worker runs in an OS process of its own.
//!
//! The parent starts five copies of this very program, each told by its
//! arguments to be `worker 0` ... `worker 4`, then waits for all of them. The
//! children share no memory with the parent or each other; they only share the
//! terminal they print to.

use std::process::{Command, ExitCode};

fn worker(name: u64) {
    println!("Worker {name} starting");
    lesson_kit::sleep(2.0);
    println!("Worker {name} finished");
}

fn main() -> ExitCode {
    // The child's side. multiprocessing's spawn start method launches a fresh
    // interpreter that imports the module and calls `worker(3)`; here the
    // program is run again with `worker 3` and calls `worker(3)` itself.
    if let Some(name) = lesson_kit::role_number("worker") {
        worker(name);
        return ExitCode::SUCCESS;
    }
    // Python's `if __name__ == "__main__":` block: only the parent starts workers.
    lesson_kit::start(&[]);
    start_workers()
}

/// `multiprocessing.Process(target=worker, args=(i,))` then `start()` for each, then `join()` each.
fn start_workers() -> ExitCode {
    // The spawn start method runs a fresh interpreter on the same script; this runs the same binary.
    let exe = std::env::current_exe().expect("cannot find this program's own path to re-run it");
    let mut processes = Vec::new();

    for i in 0..5 {
        // The child inherits stdout (and LESSON_TIME_SCALE), as Python's children do.
        let p = Command::new(&exe)
            .args(["worker", &i.to_string()])
            .spawn()
            .expect("could not start a worker process");
        processes.push(p);
    }

    // `p.join()` is `wait()`: block until that process has exited.
    // Python only records a failed child in `p.exitcode`; here it is reported.
    let mut all_ok = true;
    for mut p in processes {
        let status = p.wait().expect("could not wait for a worker process");
        if !status.success() {
            eprintln!("error: worker process {} failed: {status}", p.id());
            all_ok = false;
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
