//! Solution to exercise 05a: the parent re-runs this program five times as `worker N`,
//! then waits for the five child processes, as `multiprocessing.Process` does.

use std::process::Command;

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

/// Explains a bad command line and exits with code 2.
fn usage(problem: &str) -> ! {
    eprintln!("error: {problem}");
    eprintln!("run it as: cargo run -p exercise-05a-workers-as-processes");
    std::process::exit(2);
}
