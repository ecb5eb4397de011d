//! Exercise 05b: four child processes each compute `cpu_bound_task(n)`, and the parent adds up
//! their answers.
//!
//! The children run at the same time, but their answers go straight to the
//! terminal: the parent never sees them, so its total stays 0.

use std::process::{Child, Command};

/// The notes' stand-in for CPU-bound work: takes `n` seconds, returns `n * n`.
fn cpu_bound_task(n: u64) -> u64 {
    lesson_kit::sleep(n as f64);
    n * n
}

fn main() {
    // How a child knows what to compute: `exercise-05b-results-through-pipes square 3`.
    if let Some(n) = lesson_kit::role_number("square") {
        println!("{}", cpu_bound_task(n));
        return;
    }
    lesson_kit::start(&[]);
    parent();
}

fn parent() {
    let exe = std::env::current_exe().expect("cannot find this program's own executable");

    // Start all four children before waiting for any, so they run at the same time.
    let mut children: Vec<(u64, Child)> = Vec::new();
    for n in 1..=4 {
        // TODO: connect the child's stdout to a pipe with `.stdout(Stdio::piped())`,
        // so what it prints comes to the parent instead of the terminal.
        let child = Command::new(&exe)
            .args(["square", &n.to_string()])
            .spawn()
            .expect("cannot start a child process");
        children.push((n, child));
    }

    let total = 0;
    for (n, mut child) in children {
        // TODO: `wait_with_output()` waits like `wait()` and also reads the pipe. Parse the
        // child's answer from `output.stdout`, print `Parent got {answer} from child {n}`
        // and add it to `total`.
        let status = child.wait().expect("cannot wait for a child process");
        assert!(status.success(), "child {n} failed: {status}");
    }
    println!("Parent: the children's answers add up to {total}");
}
