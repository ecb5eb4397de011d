//! Exercise 03a: ten workers run at once and each sends its result to main through a channel.
//!
//! A channel is a queue between threads, like Python's `queue.Queue`: many
//! senders, one receiver, and the receiver can wait for the next message.

use std::sync::mpsc;
use std::thread;

/// Stands in for I/O-bound work; what it returns is the worker's result.
fn worker(name: u32) -> u32 {
    println!("Worker {name} starting");
    lesson_kit::sleep(2.0);
    println!("Worker {name} finished");
    name * name
}

fn main() {
    lesson_kit::start(&[]);

    // Workers put (name, result) pairs in at the Sender end; main takes them out of the Receiver.
    let (results_tx, results_rx) = mpsc::channel::<(u32, u32)>();

    let mut threads = Vec::new();
    // TODO: start ten workers, not five.
    for i in 0..5 {
        // TODO: move a clone of results_tx into the thread, and send (i, result)
        // once worker(i) has returned its result.
        let t = thread::spawn(move || worker(i));
        threads.push(t);
    }
    // Main's own Sender must go: the loop below ends only when every Sender is gone.
    drop(results_tx);

    let mut count = 0;
    let mut total = 0;
    for (name, result) in results_rx {
        println!("Main received {result} from worker {name}");
        count += 1;
        total += result;
    }

    for t in threads {
        t.join().expect("a worker thread panicked");
    }
    println!("Main collected {count} results, total {total}");
}
