//! The bench's quick mode: a smoke test that every row of the report is produced (no timings asserted).
//!
//! It runs the bench binary as `cargo test` built it, unoptimised: `cargo xtask bench`
//! builds it with `--release`, which the tests never force.

use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use crate::support;

#[test]
fn quick_bench_produces_every_row_the_report_promises() {
    let out = tempfile::tempdir().unwrap();
    Command::new(support::binary("bench"))
        .args(["--quick", "--python", "--out"])
        .arg(out.path())
        .current_dir(support::root())
        .timeout(Duration::from_secs(600))
        .assert()
        .success();
    let results: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("results.json")).unwrap()).unwrap();
    let kinds: Vec<(bool, &str)> = results["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["python"].as_bool().unwrap(), u["kind"].as_str().unwrap()))
        .collect();
    for kind in [
        (false, "std::thread::spawn"),
        (false, "child process (own binary)"),
        (false, "tokio::spawn"),
        (true, "threading.Thread"),
        (true, "multiprocessing.Process"),
        (true, "asyncio.create_task"),
    ] {
        assert!(
            kinds.contains(&kind),
            "no worker-cost rows for {kind:?}: {kinds:?}"
        );
    }
    for row in results["workers"].as_array().unwrap() {
        for field in [
            "wall",
            "per_worker",
            "growth",
            "peak_alive",
            "memory",
            "family",
        ] {
            assert!(!row[field].is_null(), "{field} missing in {row}");
        }
    }
    let cpu_methods: Vec<&str> = results["cpu"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["method"].as_str())
        .collect();
    assert!(cpu_methods.len() >= 4, "CPU-bound rows: {cpu_methods:?}");
    let lessons: Vec<&str> = results["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["package"].as_str())
        .collect();
    // The translations (lessons with an original.py), as the bench finds them.
    let translations = support::translations();
    assert_eq!(lessons, translations);
    assert_eq!(
        results["tearing"].as_array().unwrap().len(),
        2,
        "Rust and Python print-tearing rows"
    );
    let messages: Vec<(bool, &str)> = results["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["python"].as_bool().unwrap(),
                r["method"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        messages.len(),
        4,
        "message-cost rows: a channel and a pipe, in Rust and in Python: {messages:?}"
    );
    assert!(!results["goals"].as_array().unwrap().is_empty());
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    for heading in [
        "## The machine",
        "## 1. The cost of a worker",
        "## 2. CPU-bound parallelism",
        "## 3. The lessons beside their Python originals",
        "## 4. Printing from several threads",
        "## 5. Sending messages: threads against processes",
    ] {
        assert!(report.contains(heading), "report.md has no {heading:?}");
    }
    let svg = std::fs::read_to_string(out.path().join("cost-per-worker.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.contains("<svg"),
        "cost-per-worker.svg is not an SVG"
    );
}
