//! Lesson 1, "Threads and Processes": a child process changes only its own copy
//! of a variable, a thread changes the one its process shares, and memory that
//! threads share needs synchronisation or updates get lost. `-- communicate`
//! sends the same stream of small messages between two threads, then from a
//! child process to its parent, and compares what each message costs.
//!
//! The child process is this same program, started again with the argument
//! `child` (or `sender N` for `communicate`).

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::{self, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::Instant;

/// A global variable, like a module-level `value = 0` in Python. Rust only lets a
/// global be changed through something thread-safe, so it is an atomic integer.
static VALUE: AtomicU64 = AtomicU64::new(0);

/// The argument that tells this program it is running as the child process.
const CHILD: &str = "child";

const THREADS: u64 = 4;
const INCREMENTS: u64 = 100_000;

/// The argument that runs `communicate`, and the one that makes its child the sender.
const COMMUNICATE: &str = "communicate";
const SENDER: &str = "sender";

/// Messages sent each way in `communicate`: enough that starting the sender is lost in the total.
const MESSAGES: u64 = 100_000;

fn main() {
    // The child process runs this same program, started again with the argument `child`;
    // `communicate`'s child is started as `sender N`.
    if lesson_kit::role(CHILD) {
        child();
        return;
    }
    if let Some(count) = lesson_kit::role_number(SENDER) {
        sender(count);
        return;
    }
    match lesson_kit::start(&[COMMUNICATE]) {
        None => {
            processes();
            threads();
            synchronisation();
        }
        Some(_communicate) => communicate(),
    }
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

/// What one side of `communicate` sent or received: how many messages, and their sum.
/// The sum changes if any message is lost, repeated or altered on the way.
#[derive(Clone, Copy, Default, PartialEq)]
struct Tally {
    count: u64,
    checksum: u64,
}

impl Tally {
    fn add(&mut self, message: u64) {
        self.count += 1;
        self.checksum = self.checksum.wrapping_add(message);
    }
}

/// Threads share memory, so they communicate more cheaply than processes: the same
/// stream of small messages, between two threads and then from a child process.
fn communicate() {
    let threads = over_a_channel();
    let processes = over_a_pipe();
    println!(
        "processes take {:.1}x as long per message",
        processes / threads
    );
}

/// Prints what arrived beside what was sent, then the time per message; returns that time.
fn show_messages(who: &str, received: Tally, sent: Tally, seconds: f64) -> f64 {
    println!(
        "{who}: received {} messages, checksum {} (sent {}, checksum {})",
        received.count, received.checksum, sent.count, sent.checksum
    );
    let each = seconds / received.count.max(1) as f64;
    println!(
        "{who}: {} messages, {:.2} µs each",
        received.count,
        each * 1e6
    );
    each
}

/// One thread sends MESSAGES numbers to another over a channel, one `send` and one `recv` each.
fn over_a_channel() -> f64 {
    let started = Instant::now();
    let (sender, receiver) = mpsc::channel::<u64>();
    let sending = thread::spawn(move || {
        let mut sent = Tally::default();
        for message in 0..MESSAGES {
            // The value is moved into the channel's queue, in memory both threads share;
            // recv() takes it out. No copy through the kernel, usually no system call.
            sender.send(message).expect("the receiving thread hung up");
            sent.add(message);
        }
        sent
        // `sender` is dropped here, which ends the receiver's loop below.
    });
    let mut received = Tally::default();
    while let Ok(message) = receiver.recv() {
        received.add(message);
    }
    let seconds = started.elapsed().as_secs_f64();
    let sent = sending.join().expect("the sending thread panicked");
    show_messages("threads", received, sent, seconds)
}

/// A child process (this program, run as `sender N`) writes MESSAGES numbers to a pipe,
/// and the parent reads them: one `write` and one `read` system call per message.
fn over_a_pipe() -> f64 {
    let exe = std::env::current_exe().expect("cannot find this program's own executable");
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args([SENDER, &MESSAGES.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the sender process");
    // ChildStdout is not buffered: each read_exact below is one read(2) of 8 bytes, and a
    // pipe hands over a write of 8 bytes whole, so it never needs a second read.
    let mut pipe = child.stdout.take().expect("stdout was piped");
    let mut received = Tally::default();
    let mut bytes = [0u8; 8];
    // Until the sender closes its end of the pipe (it exits): read_exact then fails.
    while pipe.read_exact(&mut bytes).is_ok() {
        received.add(u64::from_le_bytes(bytes));
    }
    let seconds = started.elapsed().as_secs_f64();
    // The child reports what it sent on its stderr, a second pipe, once it is done.
    let mut report = String::new();
    let mut errors = child.stderr.take().expect("stderr was piped");
    errors
        .read_to_string(&mut report)
        .expect("cannot read the sender's report");
    let status = child.wait().expect("cannot wait for the sender process");
    let sent = parse_report(&report).unwrap_or_else(|| {
        eprint!("{report}");
        panic!("the sender process did not report what it sent ({status})")
    });
    show_messages("processes", received, sent, seconds)
}

/// Runs in the child process: writes `count` numbers to stdout, 8 bytes and one system call
/// each, then says on stderr how many it sent and their sum.
fn sender(count: u64) {
    // std's stdout is line-buffered, which would gather many messages into one write.
    // A File made from a copy of the descriptor writes each message on its own.
    let descriptor = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .expect("cannot use stdout");
    let mut pipe = std::fs::File::from(descriptor);
    let mut sent = Tally::default();
    for message in 0..count {
        pipe.write_all(&message.to_le_bytes())
            .expect("the parent stopped reading");
        sent.add(message);
    }
    eprintln!("sent {} {}", sent.count, sent.checksum);
}

/// Reads the sender's `sent COUNT CHECKSUM` line.
fn parse_report(report: &str) -> Option<Tally> {
    let mut words = report.trim().strip_prefix("sent ")?.split(' ');
    let count = words.next()?.parse().ok()?;
    let checksum = words.next()?.parse().ok()?;
    Some(Tally { count, checksum })
}
