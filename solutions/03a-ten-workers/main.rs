//! Solution to exercise 03a: ten workers run at once and send their results through a channel.
//!
//! Each thread owns a clone of the Sender; main's loop over the Receiver takes each
//! result as it arrives and ends when the last Sender is dropped with its thread.

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
    for i in 0..10 {
        let results_tx = results_tx.clone();
        let t = thread::spawn(move || {
            let result = worker(i);
            // send fails only if the Receiver is gone, and main keeps it until every result is in.
            results_tx
                .send((i, result))
                .expect("main stopped listening");
        });
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
