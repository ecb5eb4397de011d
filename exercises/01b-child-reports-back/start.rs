//! Exercise 01b: a child process adds up 1 to 100 and the parent prints the total.
//!
//! The child is this same program, started again with the argument `child`. It
//! stores its total in a global variable, but a process has its own memory: the
//! parent's copy of that variable never changes.

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A global variable, like a module-level `total = 0` in Python.
static TOTAL: AtomicU64 = AtomicU64::new(0);

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
    // TODO: this changes the child's own TOTAL, which the parent cannot see.
    // Print the total on stdout instead: the pipe is how the answer travels back.
    TOTAL.store(total, Relaxed);
}

/// Runs in the parent process: starts the child, waits for it and reports its answer.
fn parent() {
    let exe = std::env::current_exe().expect("cannot find this program's own executable");
    println!("parent: starting the child process");

    // TODO: `status()` only tells whether the child succeeded. Use `output()` to also
    // collect what the child printed, and parse the total from `output.stdout`.
    let status = Command::new(exe)
        .arg(CHILD)
        .status()
        .expect("cannot start the child process");
    assert!(status.success(), "the child process failed: {status}");

    let total = TOTAL.load(Relaxed);
    println!("parent: the child's total is {total}");
}
