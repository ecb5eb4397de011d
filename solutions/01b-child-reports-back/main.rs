//! Solution to exercise 01b: the child prints its total and the parent reads it from the pipe.
//!
//! The child's memory is its own, so the answer travels as text through the
//! child's standard output, which the parent collects: inter-process communication.
//! Python's `subprocess.run(..., capture_output=True)` works the same way.

use std::process::Command;

/// The argument that tells this program it is running as the child process.
const CHILD: &str = "child";

fn main() {
    if lesson_kit::role(CHILD) {
        child();
        return;
    }
    lesson_kit::start(&[]);
    parent();
}

/// Runs in the child process.
fn child() {
    let total: u64 = (1..=100).sum();
    // The sleep stands in for a long computation.
    lesson_kit::sleep(1.0);
    // The child's stdout is a pipe to the parent, so this line is the answer, not output.
    println!("{total}");
}

/// Runs in the parent process: starts the child, waits for it and reports its answer.
fn parent() {
    let exe = std::env::current_exe().expect("cannot find this program's own executable");
    println!("parent: starting the child process");

    // `output()` pipes the child's stdout, waits for it to exit and hands back what it printed.
    let output = Command::new(exe)
        .arg(CHILD)
        .output()
        .expect("cannot start the child process");
    assert!(
        output.status.success(),
        "the child process failed: {}",
        output.status
    );

    let text = String::from_utf8_lossy(&output.stdout);
    let total: u64 = text
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("the child printed {text:?}, not a number"));
    println!("parent: the child's total is {total}");
}
