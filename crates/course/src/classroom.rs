//! GitHub Classroom's runner-result payload: the base64 JSON its grading reporter reads from a step output.
//!
//! `github-education-resources/autograding-grading-reporter` reads each runner's
//! result from the environment variable `<RUNNER>_RESULTS` as base64 JSON
//! (`src/main.js`), adds up `tests[].score` against `max_score` and writes the
//! points onto the check run named "Autograding Tests" (`src/notify-classroom.js`),
//! and prints every test's `name` and, when its `status` is not `pass`, its
//! `message` into the log unfenced (`src/console-results.js`). So hidden cases are
//! left out (their points too), `::` in a message is broken up so no line can be a
//! workflow command, and the payload stays under the 1 MB a step output may hold.

use base64::Engine;
use serde_json::json;

use crate::grade::Grade;

/// A step output may hold 1 MB; the payload leaves room for `result=` and the rest.
pub const MAX_PAYLOAD: usize = 900 * 1024;

/// Message bytes kept per test before the whole payload is measured.
const MESSAGE: usize = 4 * 1024;

/// The runner-result JSON (version 1, as the autograding graders write it).
pub fn result(grade: &Grade, message_cap: usize) -> serde_json::Value {
    let visible: Vec<_> = grade.tests.iter().filter(|t| !t.hidden).collect();
    let tests: Vec<_> = visible
        .iter()
        .map(|t| {
            let message = if t.passed {
                String::new()
            } else {
                neutralise(&crate::report::cap(
                    &format!("{}\n\n{}", t.reason, t.output),
                    message_cap,
                ))
            };
            json!({
                "name": neutralise(&t.name),
                "status": if t.passed { "pass" } else { "fail" },
                "score": t.score,
                "message": message,
                "test_code": "",
                "line_no": 0,
                "execution_time": format!("{:.2}s", t.time.as_secs_f64()),
            })
        })
        .collect();
    let max: f64 = visible.iter().map(|t| t.max_score).sum();
    json!({
        "version": 1,
        "status": if visible.iter().all(|t| t.passed) { "pass" } else { "fail" },
        "max_score": max,
        "tests": tests,
    })
}

/// The payload for the step output: base64 of [`result`], its messages shortened until it fits.
pub fn payload(grade: &Grade) -> String {
    let mut cap = MESSAGE;
    loop {
        let text = result(grade, cap).to_string();
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        if encoded.len() <= MAX_PAYLOAD || cap == 0 {
            return encoded;
        }
        cap /= 4;
    }
}

/// Breaks up every `::` so no line the reporter prints can start a workflow command.
fn neutralise(text: &str) -> String {
    let mut out = text.to_owned();
    while out.contains("::") {
        out = out.replace("::", ": :");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Test;
    use std::path::PathBuf;
    use std::time::Duration;

    fn test(name: &str, passed: bool, hidden: bool, output: String) -> Test {
        Test {
            name: name.into(),
            package: "lesson-x".into(),
            score: if passed { 2.0 } else { 0.0 },
            max_score: 2.0,
            passed,
            hidden,
            reason: "overlap".into(),
            output,
            time: Duration::from_millis(300),
        }
    }

    fn grade(tests: Vec<Test>) -> Grade {
        Grade {
            submission: PathBuf::from("alice"),
            tests,
            build_time: Duration::ZERO,
            run_time: Duration::ZERO,
            protections: Vec::new(),
        }
    }

    fn decode(payload: &str) -> serde_json::Value {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .expect("base64");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    #[test]
    fn the_reporter_adds_up_the_visible_points_and_reads_pass_or_fail() {
        let g = grade(vec![
            test("lesson-x: default", true, false, String::new()),
            test("lesson-x: scoped", false, false, "no overlap".into()),
            test("lesson-x: secret", false, true, "the hidden case".into()),
        ]);
        let r = decode(&payload(&g));
        // What notify-classroom.js computes: the sum of tests[].score against max_score.
        let total: f64 = r["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["score"].as_f64().unwrap())
            .sum();
        assert_eq!((total, r["max_score"].as_f64().unwrap()), (2.0, 4.0));
        // What main.js and console-results.js read.
        assert_eq!(r["status"], "fail");
        assert_eq!(r["tests"][0]["status"], "pass");
        assert_eq!(r["tests"][1]["status"], "fail");
        assert!(
            r["tests"][1]["message"]
                .as_str()
                .unwrap()
                .contains("no overlap")
        );
        assert!(
            !r.to_string().contains("secret"),
            "hidden cases are left out"
        );
    }

    #[test]
    fn no_message_can_issue_a_workflow_command() {
        let g = grade(vec![test(
            "lesson-x: default",
            false,
            false,
            "::error::pwned\n:::add-mask::x\n".into(),
        )]);
        let r = decode(&payload(&g));
        let message = r["tests"][0]["message"].as_str().unwrap();
        assert!(!message.contains("::"), "{message}");
    }

    #[test]
    fn a_flood_of_failures_still_fits_in_a_step_output() {
        let tests = (0..400)
            .map(|i| {
                test(
                    &format!("lesson-x: {i}"),
                    false,
                    false,
                    "x".repeat(64 * 1024),
                )
            })
            .collect();
        let p = payload(&grade(tests));
        assert!(p.len() <= MAX_PAYLOAD, "{}", p.len());
        assert_eq!(decode(&p)["tests"].as_array().unwrap().len(), 400);
    }
}
