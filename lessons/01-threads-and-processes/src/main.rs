//! Lesson 1, "Threads and Processes": a child process changes only its own copy
//! of a variable, a thread changes the one its process shares, and memory that
//! threads share needs synchronisation or updates get lost.
//!
//! The child process is this same program, started again with the argument `child`.

use std::process::{self, Command};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

/// A global variable, like a module-level `value = 0` in Python. Rust only lets a
/// global be changed through something thread-safe, so it is an atomic integer.
static VALUE: AtomicU64 = AtomicU64::new(0);

/// The argument that tells this program it is running as the child process.
const CHILD: &str = "child";

const THREADS: u64 = 4;
const INCREMENTS: u64 = 100_000;

fn main() {
    // The child process runs this same program, started again with the argument `child`.
    if lesson_kit::role(CHILD) {
        child();
        return;
    }
    lesson_kit::start(&[]);
    processes();
    threads();
    synchronisation();
}

/// Prints VALUE as `who` sees it, with the id of the process `who` runs in.
fn show(who: &str) {
    let (pid, value) = (process::id(), VALUE.load(Relaxed));
    println!("{who} (pid {pid}): value = {value}");
}

/// Runs in the child process: it changes VALUE and shows it.
fn child() {
    VALUE.store(1, Relaxed);
    show("child process");
}

/// Processes run in their own memory space: the child's change never reaches the parent.
fn processes() {
    // Python's multiprocessing.Process runs a function in a copy of the interpreter.
    // Rust has no such thing built in, so we start this very program again with an
    // argument that tells it to be the child. Arguments, environment, input and output
    // are all the two processes share: inter-process communication, and nothing else.
    let exe = std::env::current_exe().expect("cannot find this program's own executable");
    // status() starts the child and waits for it: Python's p.start() and p.join() in one.
    let status = Command::new(exe).arg(CHILD).status();
    let status = status.expect("cannot start the child process");
    assert!(status.success(), "the child process failed: {status}");

    show("parent process");
}

/// Threads share their process's memory: a thread's change is seen by the main thread.
fn threads() {
    let thread = thread::spawn(|| {
        VALUE.store(1, Relaxed);
        show("spawned thread");
    });
    thread.join().expect("the spawned thread panicked");

    show("main thread");
}

/// Shared memory runs the risk of synchronisation issues: four threads each add
/// one to a shared counter 100000 times, three ways.
fn synchronisation() {
    // Read, then write back: Python's `counter += 1` does the same in two steps.
    // Another thread can write in between, and its update is then overwritten.
    let counter = Arc::new(AtomicU64::new(0));
    let shared = Arc::clone(&counter);
    run_threads(move || {
        let value = shared.load(Relaxed);
        shared.store(value + 1, Relaxed);
    });
    report("unsynchronised", counter.load(Relaxed));

    // A mutex lets one thread at a time do the read and the write, like threading.Lock.
    // In Rust the lock owns the counter, so there is no way to reach it unlocked.
    let counter = Arc::new(Mutex::new(0));
    let shared = Arc::clone(&counter);
    run_threads(move || *shared.lock().unwrap() += 1);
    report("mutex", *counter.lock().unwrap());

    // fetch_add reads and writes in one indivisible step; Python's standard library
    // has no atomic integers, so a Lock is its only choice.
    let counter = Arc::new(AtomicU64::new(0));
    let shared = Arc::clone(&counter);
    run_threads(move || {
        shared.fetch_add(1, Relaxed);
    });
    report("fetch_add", counter.load(Relaxed));
}

/// Calls `increment` INCREMENTS times on each of THREADS threads and waits for them.
fn run_threads(increment: impl Fn() + Send + Sync + 'static) {
    // Arc shares one value between threads: each thread gets a pointer, not a copy.
    let increment = Arc::new(increment);
    // The barrier holds every thread until all are ready, so they really run at once
    // instead of the first one finishing before the last one is spawned.
    let ready = Arc::new(Barrier::new(THREADS as usize));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (increment, ready) = (Arc::clone(&increment), Arc::clone(&ready));
            thread::spawn(move || {
                ready.wait();
                for _ in 0..INCREMENTS {
                    increment();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
}

/// Prints how many of the increments went missing from the final count.
fn report(how: &str, counted: u64) {
    let expected = THREADS * INCREMENTS;
    println!("{how}: lost updates: {} of {expected}", expected - counted);
}
