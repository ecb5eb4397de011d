//! Solution to exercise 01a: four threads add their names to one shared list.
//!
//! `Arc` gives every thread a pointer to the same list, and the `Mutex` lets one
//! thread at a time change it; Python's list needs neither, because the GIL
//! keeps a single `append` whole.

use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    lesson_kit::start(&[]);

    let names = Arc::new(Mutex::new(Vec::new()));

    let mut threads = Vec::new();
    for i in 0..4 {
        // Cloning an Arc copies the pointer, not the list: all four point at the same one.
        let names = Arc::clone(&names);
        threads.push(thread::spawn(move || {
            names.lock().unwrap().push(format!("thread {i}"));
            println!("Thread {i} added its name");
        }));
    }

    for t in threads {
        t.join().expect("a thread panicked");
    }

    let names = names.lock().unwrap();
    println!("The list holds {} names", names.len());
    for name in names.iter() {
        println!("- {name}");
    }
}
