//! Exercise 01a: four threads each add their name to a list, and main prints the list.
//!
//! Threads live in one process and can share its memory; right now each thread
//! gets a copy of the list instead, the way a child process would.

use std::thread;

fn main() {
    lesson_kit::start(&[]);

    // TODO: make this one list that every thread shares: Arc<Mutex<Vec<String>>>.
    let names: Vec<String> = Vec::new();

    let mut threads = Vec::new();
    for i in 0..4 {
        // TODO: this hands each thread a copy of the list, so main never sees what it adds.
        // Give the thread a clone of the Arc instead: a second pointer to the same list.
        let mut names = names.clone();
        threads.push(thread::spawn(move || {
            names.push(format!("thread {i}"));
            println!("Thread {i} added its name");
        }));
    }

    for t in threads {
        t.join().expect("a thread panicked");
    }

    // TODO: lock the shared list to read it.
    println!("The list holds {} names", names.len());
    for name in &names {
        println!("- {name}");
    }
}
