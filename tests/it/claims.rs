//! Lesson 1's `communicate` and lesson 5's `cpu`, edited the way students get them wrong: each
//! wrong variant fails `cargo xtask check` for the reason its spec states.

use crate::support;
use crate::xtask::failing_check;

/// A copy of the course with `edits` (from, to) made to one file; each `from` must be there.
fn copy_with(file: &str, edits: &[(&str, &str)]) -> tempfile::TempDir {
    let copy = support::copy_of_course();
    let path = copy.path().join(file);
    let mut source = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(
            source.contains(from),
            "{file} no longer contains {from:?}; update this test's edit"
        );
        source = source.replacen(from, to, 1);
    }
    std::fs::write(&path, source).unwrap();
    copy
}

const LESSON_1: &str = "lessons/01-threads-and-processes/src/main.rs";
const LESSON_5: &str = "lessons/05-multiprocessing/src/main.rs";

/// Off by one: lesson 1's receiving thread stops one message short.
const OFF_BY_ONE: (&str, &str) = (
    "    while let Ok(message) = receiver.recv() {\n        received.add(message);\n    }",
    "    for _ in 1..MESSAGES {\n        received.add(receiver.recv().unwrap());\n    }",
);

#[test]
fn communicate_fails_when_messages_are_lost() {
    let _one = support::copies_lock();
    let copy = copy_with(
        LESSON_1,
        &[
            OFF_BY_ONE,
            // The child buffers its writes and exits without flushing: the tail never leaves it.
            (
                "    let mut pipe = std::fs::File::from(descriptor);",
                "    let mut pipe = std::io::BufWriter::new(std::fs::File::from(descriptor));",
            ),
            (
                "    eprintln!(\"sent {} {}\", sent.count, sent.checksum);\n}",
                "    eprintln!(\"sent {} {}\", sent.count, sent.checksum);\n    std::process::exit(0);\n}",
            ),
        ],
    );
    let text = failing_check(copy.path(), "lesson-threads-and-processes");
    assert!(
        text.contains("FAIL  lesson-threads-and-processes: communicate"),
        "{text}"
    );
    assert!(
        text.contains("ok    lesson-threads-and-processes: default"),
        "{text}"
    );
    assert!(
        text.contains(
            "to be equal in every `threads_received` line\n  got:      got = 99999, sent = 100000\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("to be equal in every `processes_received` line\n  got:      got = "),
        "{text}"
    );
}

#[test]
fn communicate_fails_a_hard_coded_count_on_the_checksum() {
    let _one = support::copies_lock();
    let copy = copy_with(
        LESSON_1,
        &[
            OFF_BY_ONE,
            // The received count printed is the one that should have come, not the one that did.
            (
                "        received.count, received.checksum, sent.count, sent.checksum\n",
                "        MESSAGES, received.checksum, sent.count, sent.checksum\n",
            ),
        ],
    );
    let text = failing_check(copy.path(), "lesson-threads-and-processes");
    assert!(
        text.contains("FAIL  lesson-threads-and-processes: communicate"),
        "{text}"
    );
    assert!(
        text.contains(
            "to be equal in every `threads_received` line\n  got:      sum = 4999850001, sent_sum = 4999950000\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains("got = "),
        "the count itself looks right; only the checksum gives it away: {text}"
    );
}

/// Whether this machine lets a program use two cores: where it cannot, the cpu case only
/// requires a child and says why parallelism was not judged.
fn several_cores() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

#[test]
fn cpu_fails_when_the_children_run_one_after_another() {
    let _one = support::copies_lock();
    let copy = copy_with(
        LESSON_5,
        &[
            // Each child is waited for as soon as it is spawned.
            (
                "                    .expect(\"could not start a child process\")\n",
                "                    .expect(\"could not start a child process\")\n                    .wait_with_output()\n",
            ),
            (
                "                let output = child\n                    .wait_with_output()\n                    .expect(\"could not wait for a child process\");",
                "                let output = child.expect(\"could not wait for a child process\");",
            ),
        ],
    );
    if !several_cores() {
        let out = crate::xtask::xtask()
            .arg("--root")
            .arg(copy.path())
            .args(["check", "lesson-multiprocessing"])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            text.contains("not judged: the program could use 1 core"),
            "{text}"
        );
        return;
    }
    let text = failing_check(copy.path(), "lesson-multiprocessing");
    assert!(text.contains("FAIL  lesson-multiprocessing: cpu"), "{text}");
    assert!(
        text.contains("parallel_children (expect.toml line"),
        "{text}"
    );
    assert!(
        text.contains("at most 2 at once (observed in /proc): the children ran one after another"),
        "{text}"
    );
    assert!(
        text.contains("ok    lesson-multiprocessing: default"),
        "{text}"
    );
}

#[test]
fn cpu_fails_when_threads_do_the_work_instead_of_processes() {
    let _one = support::copies_lock();
    let copy = copy_with(
        LESSON_5,
        &[
            (
                "                Command::new(&exe)\n                    .args([\"part\", &part.start.to_string(), &part.end.to_string()])\n                    .stdout(Stdio::piped())\n                    .spawn()\n                    .expect(\"could not start a child process\")\n",
                "                let _ = &exe;\n                thread::spawn(move || cpu_bound_task(part))\n",
            ),
            (
                "                let output = child\n                    .wait_with_output()\n                    .expect(\"could not wait for a child process\");\n                assert!(\n                    output.status.success(),\n                    \"a child process failed: {}\",\n                    output.status\n                );\n                let text = String::from_utf8_lossy(&output.stdout);\n                text.trim()\n                    .parse::<u64>()\n                    .unwrap_or_else(|_| panic!(\"a child process printed {text:?}, not its sum\"))\n",
                "                child.join().expect(\"a thread panicked\")\n",
            ),
        ],
    );
    let text = failing_check(copy.path(), "lesson-multiprocessing");
    assert!(text.contains("FAIL  lesson-multiprocessing: cpu"), "{text}");
    assert!(
        text.contains("at most 1 at once (observed in /proc)"),
        "{text}"
    );
}
