//! The message-cost row: what one small message costs between two threads over a channel and
//! from a child process to its parent over a pipe, in Rust (as lesson 1's `communicate` does
//! it) and in Python (`queue.Queue` against `multiprocessing.Pipe`).
//!
//! Kept in one file, with `py/messages.py`, so the bench's layout can move around it: the
//! bench calls [`child_main`] for `__bench-unit messages ...`, `Bench::message_rows` for the
//! rows, and [`section`] and [`claim`] for the report.

use crate::measure::Bench;
use crate::stats::{Summary, fmt_count, fmt_secs, fmt_summary, markdown_table};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

/// The Python driver, written beside `workers.py` when the bench runs it.
pub const MESSAGES_PY: &str = include_str!("../py/messages.py");

/// What a driver prints on its stdout, as one JSON line.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Outcome {
    /// Seconds from starting the sender to receiving its last message.
    wall: f64,
    received: u64,
    checksum: u64,
}

/// One row: one way of sending, in one language.
#[derive(Clone, Debug, Serialize)]
pub struct MessageRow {
    pub python: bool,
    pub method: String,
    /// Messages sent per run.
    pub n: u64,
    pub wall: Summary,
    /// Wall time over N, seconds.
    pub per_message: Summary,
}

/// The ways compared: (Python?, label, driver argument).
const METHODS: [(bool, &str, &str); 4] = [
    (
        false,
        "std::sync::mpsc channel, thread to thread",
        "threads",
    ),
    (false, "pipe, child process to parent", "processes"),
    (true, "queue.Queue, thread to thread", "threads"),
    (
        true,
        "multiprocessing.Pipe, child process to parent",
        "processes",
    ),
];

/// Handles `__bench-unit messages ...`; errors are printed by the caller.
pub fn child_main(args: &[String]) -> Result<()> {
    let count = |raw: &str| -> Result<u64> {
        raw.parse()
            .ok()
            .with_context(|| format!("message count {raw:?} is not a whole number"))
    };
    match args {
        [kind, n] if kind == "threads" => report(over_a_channel(count(n)?)),
        [kind, n] if kind == "processes" => report(over_a_pipe(count(n)?)?),
        [role, n] if role == "sender" => sender(count(n)?),
        _ => bail!("unexpected arguments {args:?}: expected messages threads|processes N"),
    }
}

fn report(outcome: Outcome) -> Result<()> {
    println!("{}", serde_json::to_string(&outcome)?);
    Ok(())
}

/// One thread sends `n` numbers over an mpsc channel; this one receives them.
fn over_a_channel(n: u64) -> Outcome {
    let started = Instant::now();
    let (tx, rx) = mpsc::channel::<u64>();
    let sending = thread::spawn(move || {
        for message in 0..n {
            tx.send(message).expect("the receiver hung up");
        }
    });
    let (mut received, mut checksum) = (0, 0u64);
    while let Ok(message) = rx.recv() {
        received += 1;
        checksum = checksum.wrapping_add(message);
    }
    let wall = started.elapsed().as_secs_f64();
    sending.join().expect("the sending thread panicked");
    Outcome {
        wall,
        received,
        checksum,
    }
}

/// A child (the bench re-executed as `messages sender N`) writes `n` numbers to a pipe, 8 bytes
/// and one write each; this process reads them, 8 bytes and one read each.
fn over_a_pipe(n: u64) -> Result<Outcome> {
    let exe = std::env::current_exe().context("cannot find the bench's own binary")?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args([
            crate::workers::HIDDEN_ARG,
            "messages",
            "sender",
            &n.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start the sending process")?;
    let mut pipe = child.stdout.take().context("stdout was piped")?;
    let (mut received, mut checksum) = (0, 0u64);
    let mut bytes = [0u8; 8];
    while pipe.read_exact(&mut bytes).is_ok() {
        received += 1;
        checksum = checksum.wrapping_add(u64::from_le_bytes(bytes));
    }
    let wall = started.elapsed().as_secs_f64();
    let status = child.wait()?;
    if !status.success() {
        bail!("the sending process failed: {status}");
    }
    Ok(Outcome {
        wall,
        received,
        checksum,
    })
}

/// The child's side: unbuffered writes to stdout, one per message (std's stdout would gather
/// them into lines).
fn sender(n: u64) -> Result<()> {
    let descriptor = std::io::stdout().as_fd().try_clone_to_owned()?;
    let mut pipe = std::fs::File::from(descriptor);
    for message in 0..n {
        pipe.write_all(&message.to_le_bytes())
            .context("the parent stopped reading")?;
    }
    Ok(())
}

/// The sum the receiver must arrive at: 0 + 1 + ... + (n - 1).
fn expected_checksum(n: u64) -> u64 {
    (u128::from(n) * u128::from(n.saturating_sub(1)) / 2) as u64
}

impl Bench {
    /// Messages per run: lesson 1's count, or a tenth in a quick run.
    fn message_count(&self) -> u64 {
        if self.quick { 10_000 } else { 100_000 }
    }

    /// How many driver runs `message_rows` makes, for the progress bar.
    pub(crate) fn message_runs(&self) -> u64 {
        let methods = if self.python.is_some() { 4 } else { 2 };
        methods * (self.runs as u64 + 1)
    }

    /// Every method's row: one warm-up, then the bench's timed runs, alternating the methods so
    /// a busy spell of the machine falls on all of them alike.
    pub(crate) fn message_rows(&self) -> Result<Vec<MessageRow>> {
        let n = self.message_count();
        let script = match (&self.python, &self.workers_py) {
            (Some(_), Some(workers_py)) => {
                let path = workers_py.with_file_name("messages.py");
                std::fs::write(&path, MESSAGES_PY)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Some(path)
            }
            _ => None,
        };
        let methods: Vec<_> = METHODS
            .iter()
            .filter(|(python, ..)| !python || script.is_some())
            .collect();
        let mut walls = vec![Vec::new(); methods.len()];
        for run in 0..=self.runs {
            for (walls, &&(python, label, arg)) in walls.iter_mut().zip(&methods) {
                self.progress.set_message(format!("messages: {label}"));
                let mut command = match (python, &self.python, &script) {
                    (true, Some(exe), Some(script)) => {
                        let mut command = Command::new(exe);
                        command.arg(script);
                        command
                    }
                    _ => {
                        let mut command = Command::new(std::env::current_exe()?);
                        command.args([crate::workers::HIDDEN_ARG, "messages"]);
                        command
                    }
                };
                command.args([arg, &n.to_string()]);
                let probe = crate::probe::run(&mut command, false)?;
                self.progress.inc(1);
                let line = probe.stdout.lines().last().unwrap_or_default();
                let outcome: Outcome = serde_json::from_str(line).with_context(|| {
                    format!(
                        "the {label} driver printed {:?}, not its outcome",
                        probe.stdout
                    )
                })?;
                if (outcome.received, outcome.checksum) != (n, expected_checksum(n)) {
                    bail!(
                        "{label}: {} of {n} messages arrived (checksum {}, expected {})",
                        outcome.received,
                        outcome.checksum,
                        expected_checksum(n)
                    );
                }
                if run > 0 {
                    walls.push(outcome.wall);
                }
            }
        }
        methods
            .iter()
            .zip(walls)
            .map(|(&&(python, label, _), walls)| {
                let wall = Summary::of(&walls).context("no run finished")?;
                Ok(MessageRow {
                    python,
                    method: label.to_string(),
                    n,
                    wall,
                    per_message: wall.map(|w| w / n as f64),
                })
            })
            .collect()
    }
}

/// The row of `python` sent with driver argument `arg`'s label.
fn find(rows: &[MessageRow], python: bool, processes: bool) -> Option<&MessageRow> {
    let label = METHODS
        .iter()
        .find(|(p, _, arg)| *p == python && (*arg == "processes") == processes)?
        .1;
    rows.iter()
        .find(|r| r.python == python && r.method == label)
}

/// Processes' time per message over threads', in one language.
fn ratio(rows: &[MessageRow], python: bool) -> Option<f64> {
    let threads = find(rows, python, false)?;
    let processes = find(rows, python, true)?;
    Some(processes.per_message.median / threads.per_message.median)
}

/// The report's section on messages, with its table.
pub fn section(rows: &[MessageRow]) -> String {
    let mut md = String::from(
        "\n## 5. Sending messages: threads against processes\n\n\
         The same stream of small numbers, sent one at a time and received one at a time \
         (no batching), from one thread to another over a channel, and from a child process \
         to its parent over a pipe; the wall time runs from starting the sender to receiving \
         the last message, and every run is checked to have received every message. Rust \
         sends 8 bytes per message with one `write` and reads them with one `read`, as lesson \
         1's `communicate` does; Python uses `queue.Queue` and `multiprocessing.Pipe` \
         (`send`/`recv`, which pickle each number).\n\n",
    );
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let lang = if r.python { "Python" } else { "Rust" };
            vec![
                format!("{lang} {}", r.method),
                fmt_count(r.n),
                fmt_summary(&r.wall, fmt_secs),
                fmt_summary(&r.per_message, fmt_secs),
            ]
        })
        .collect();
    md += &markdown_table(
        &[
            "method",
            "messages",
            "wall: median (min–max)",
            "per message",
        ],
        &body,
    );
    for python in [false, true] {
        if let Some(ratio) = ratio(rows, python) {
            md += &format!(
                "\n{}: a message between processes takes {ratio:.1}× as long as between threads.\n",
                if python { "Python" } else { "Rust" }
            );
        }
    }
    md
}

/// The notes' claim that threads communicate more efficiently, beside what was measured.
pub fn claim(rows: &[MessageRow]) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for python in [false, true] {
        let (Some(threads), Some(processes), Some(ratio)) = (
            find(rows, python, false),
            find(rows, python, true),
            ratio(rows, python),
        ) else {
            continue;
        };
        parts.push(format!(
            "{}: {} per message between threads, {} between processes ({ratio:.1}×)",
            if python { "Python" } else { "Rust" },
            fmt_secs(threads.per_message.median),
            fmt_secs(processes.per_message.median),
        ));
    }
    (!parts.is_empty()).then(|| {
        vec![
            "Threads communicate more efficiently than processes".into(),
            parts.join("; "),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_drivers_receive_every_message() {
        let channel = over_a_channel(1000);
        assert_eq!(
            (channel.received, channel.checksum),
            (1000, expected_checksum(1000))
        );
        assert_eq!(expected_checksum(100_000), 4_999_950_000);
        assert_eq!(expected_checksum(0), 0);
    }

    #[test]
    fn rows_give_a_ratio_per_language() {
        let row = |python, processes: bool, each: f64| {
            let label = METHODS
                .iter()
                .find(|(p, _, arg)| *p == python && (*arg == "processes") == processes)
                .unwrap()
                .1;
            let wall = Summary::of(&[each * 10.0]).unwrap();
            MessageRow {
                python,
                method: label.into(),
                n: 10,
                wall,
                per_message: wall.map(|w| w / 10.0),
            }
        };
        let rows = [row(false, false, 1e-7), row(false, true, 4e-7)];
        assert!((ratio(&rows, false).unwrap() - 4.0).abs() < 1e-9);
        assert_eq!(ratio(&rows, true), None);
        let claim = claim(&rows).unwrap();
        assert!(claim[1].starts_with("Rust: "), "{claim:?}");
        assert!(section(&rows).contains("takes 4.0× as long"));
    }
}
