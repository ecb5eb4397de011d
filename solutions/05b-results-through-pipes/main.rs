//! Solution to exercise 05b: each child's stdout is a pipe to the parent, which reads every
//! answer and adds them up.
//!
//! `multiprocessing.Pool.map` does this for you in Python, pickling each result
//! through a pipe; here the result travels as one line of text.

use std::process::{Child, Command, Stdio};

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
        let child = Command::new(&exe)
            .args(["square", &n.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("cannot start a child process");
        children.push((n, child));
    }

    let mut total = 0;
    for (n, child) in children {
        // Each child writes one short line, far less than a pipe holds, so none of them
        // blocks on a full pipe while the parent is still waiting for an earlier one.
        let output = child
            .wait_with_output()
            .expect("cannot wait for a child process");
        assert!(
            output.status.success(),
            "child {n} failed: {}",
            output.status
        );
        let text = String::from_utf8_lossy(&output.stdout);
        let answer: u64 = text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("child {n} printed {text:?}, not a number"));
        println!("Parent got {answer} from child {n}");
        total += answer;
    }
    println!("Parent: the children's answers add up to {total}");
}
