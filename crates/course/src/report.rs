//! Grade reports: the console table, Gradescope's results.json, JUnit XML, all written atomically.
//!
//! Student output is untrusted here too: it is capped per test (its end kept,
//! with a note of what was cut) so a report stays small, and console output
//! is fenced with GitHub Actions' stop-commands marker so a student's line
//! starting with `::` cannot drive the CI that shows it.

use std::fmt::Write as _;

use anyhow::Context;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::json;

use crate::grade::Grade;

/// Student output kept per test in a report (Exercism caps a whole results.json at 500 KB).
pub const MAX_TEST_OUTPUT: usize = 16 * 1024;

/// Keeps the end of `text` within `max` bytes, saying how much was cut.
pub fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!(
        "[… {start} bytes cut; the end follows …]\n{}",
        &text[start..]
    )
}

/// Gradescope's autograder results.json for one graded submission.
pub fn gradescope_json(grade: &Grade) -> serde_json::Value {
    let tests: Vec<_> = grade
        .tests
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "score": t.score,
                "max_score": t.max_score,
                "status": if t.passed { "passed" } else { "failed" },
                "output": cap(&format!("{}\n\n{}", t.reason, t.output), MAX_TEST_OUTPUT),
                // Gradescope shows an `after_published` test once grades are published,
                // which is what the README and the spec format promise for `hidden = true`.
                "visibility": if t.hidden { "after_published" } else { "visible" },
            })
        })
        .collect();
    json!({
        "score": grade.score(),
        "max_score": grade.max_score(),
        "execution_time": (grade.build_time + grade.run_time).as_secs_f64().round(),
        "output": format!(
            "{} of {} points; built in {:.1} s, ran in {:.1} s\n{}",
            fmt_points(grade.score()),
            fmt_points(grade.max_score()),
            grade.build_time.as_secs_f64(),
            grade.run_time.as_secs_f64(),
            crate::sandbox::summary(&grade.protections)
        ),
        "tests": tests,
    })
}

/// What students may see of a test: hidden cases keep their lesson but lose their name,
/// and are numbered in the order they were graded ("lesson-x: hidden case 1").
fn shown_names(grade: &Grade) -> Vec<String> {
    let mut hidden = 0;
    grade
        .tests
        .iter()
        .map(|t| {
            if t.hidden {
                hidden += 1;
                format!("{}: hidden case {hidden}", t.package)
            } else {
                t.name.clone()
            }
        })
        .collect()
}

/// Said of a hidden case wherever students can read it.
const HIDDEN: &str = "hidden until grades are published";

/// JUnit XML: one suite per lesson, one test case per graded case.
///
/// CI shows JUnit to students, so a hidden case appears only as skipped, with neither its
/// name, its verdict nor its explanation.
pub fn junit(grade: &Grade) -> anyhow::Result<String> {
    let mut report = Report::new("course grade");
    let mut suites: Vec<TestSuite> = Vec::new();
    for (test, name) in grade.tests.iter().zip(shown_names(grade)) {
        if suites
            .last()
            .is_none_or(|s| s.name.as_str() != test.package)
        {
            suites.push(TestSuite::new(test.package.as_str()));
        }
        let status = if test.hidden {
            let mut status = TestCaseStatus::skipped();
            status.set_message(HIDDEN);
            status
        } else if test.passed {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(test.reason.as_str());
            status.set_description(cap(&test.output, MAX_TEST_OUTPUT));
            status
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(test.package.as_str());
        case.set_time(test.time);
        suites
            .last_mut()
            .expect("a suite was just pushed")
            .add_test_case(case);
    }
    // Which protections held is part of the result: JUnit readers show suite properties.
    for suite in &mut suites {
        for p in &grade.protections {
            let state = if p.active { "in place" } else { "MISSING" };
            suite.add_property(quick_junit::Property::new(
                format!("sandbox.{}", p.name),
                format!("{state}: {}", p.detail),
            ));
        }
    }
    report.add_test_suites(suites);
    report.to_string().context("cannot write the JUnit report")
}

/// The console table: lesson case, points, verdict, reason.
///
/// GitHub Classroom shows this log to students, so a hidden case shows neither its name, its
/// points, its verdict nor its reason; the total counts it, and says so.
pub fn table(grade: &Grade) -> String {
    let names = shown_names(grade);
    let name_width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<name_width$}  {:>9}  {:<7}  reason",
        "test", "points", "verdict"
    );
    for (t, name) in grade.tests.iter().zip(&names) {
        let (points, verdict, reason) = if t.hidden {
            (
                format!("?/{}", fmt_points(t.max_score)),
                "hidden",
                HIDDEN.to_owned(),
            )
        } else {
            (
                format!("{}/{}", fmt_points(t.score), fmt_points(t.max_score)),
                if t.passed { "pass" } else { "FAIL" },
                one_line(&t.reason, 160),
            )
        };
        let _ = writeln!(
            out,
            "{name:<name_width$}  {points:>9}  {verdict:<7}  {reason}"
        );
    }
    let hidden = grade.tests.iter().filter(|t| t.hidden).count();
    let _ = writeln!(
        out,
        "{:<name_width$}  {:>9}{}",
        "total",
        format!(
            "{}/{}",
            fmt_points(grade.score()),
            fmt_points(grade.max_score())
        ),
        match hidden {
            0 => String::new(),
            n => format!("  (with {n} hidden case{})", if n == 1 { "" } else { "s" }),
        }
    );
    out
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

pub fn fmt_points(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// Fences untrusted text for a GitHub Actions log, as GitHub Classroom's grader does:
/// between `::stop-commands::TOKEN` and `::TOKEN::` no line is taken as a workflow command.
pub fn fence_for_ci(text: &str) -> String {
    let token = stop_token();
    format!(
        "::stop-commands::{token}\n{text}{}::{token}::\n",
        if text.ends_with('\n') { "" } else { "\n" }
    )
}

fn stop_token() -> String {
    // Not a secret, only unguessable by the student's program before it runs:
    // the clock and our pid are enough, so no random-number crate is pulled in.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("grade-{:x}{:x}", nanos, std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Test;
    use std::path::PathBuf;
    use std::time::Duration;

    fn grade() -> Grade {
        let test = |name: &str, passed: bool, output: String| Test {
            name: format!("lesson-x: {name}"),
            package: "lesson-x".into(),
            score: if passed { 1.0 } else { 0.0 },
            max_score: 1.0,
            passed,
            hidden: name == "secret",
            reason: if passed {
                "ok".into()
            } else {
                "overlap: expected 5, got 1. Join later.".into()
            },
            output,
            time: Duration::from_millis(200),
        };
        Grade {
            submission: PathBuf::from("alice"),
            tests: vec![
                test("default", true, "passed".into()),
                test(
                    "secret",
                    false,
                    format!("::error::pwned\n{}", "flood\n".repeat(50_000)),
                ),
            ],
            build_time: Duration::from_secs(3),
            run_time: Duration::from_secs(1),
            protections: crate::sandbox::protections(),
        }
    }

    #[test]
    fn cap_keeps_the_end_and_says_how_much_was_cut() {
        assert_eq!(cap("short", 10), "short");
        let capped = cap("0123456789abcdef", 6);
        assert_eq!(capped, "[… 10 bytes cut; the end follows …]\nabcdef");
        // Never splits a character.
        assert!(cap("ééééé", 3).ends_with('é'));
    }

    #[test]
    fn gradescope_json_has_the_fields_gradescope_reads() {
        let json = gradescope_json(&grade());
        assert_eq!(json["score"], 1.0);
        let tests = json["tests"].as_array().unwrap();
        assert_eq!(tests[0]["name"], "lesson-x: default");
        assert_eq!(tests[0]["status"], "passed");
        assert_eq!(tests[0]["visibility"], "visible");
        assert_eq!(tests[1]["visibility"], "after_published");
        assert_eq!(tests[1]["max_score"], 1.0);
        let output = tests[1]["output"].as_str().unwrap();
        assert!(output.len() < MAX_TEST_OUTPUT + 100, "{}", output.len());
        assert!(output.starts_with("[… "), "{output:.80}");
    }

    #[test]
    fn junit_marks_failures_with_their_reason() {
        let mut grade = grade();
        grade.tests[1].hidden = false;
        let xml = junit(&grade).unwrap();
        assert!(
            xml.contains("<testsuite name=\"lesson-x\" tests=\"2\""),
            "{xml:.400}"
        );
        assert!(
            xml.contains("<failure message=\"overlap: expected 5, got 1. Join later.\""),
            "{xml:.600}"
        );
        assert!(xml.len() < 2 * MAX_TEST_OUTPUT);
    }

    #[test]
    fn table_lists_points_verdict_and_reason() {
        let mut grade = grade();
        grade.tests[1].hidden = false;
        let table = table(&grade);
        assert!(
            table.contains(
                "lesson-x: secret         0/1  FAIL     overlap: expected 5, got 1. Join later."
            ),
            "{table}"
        );
        assert!(table.lines().last().unwrap().ends_with("1/2"), "{table}");
    }

    #[test]
    fn hidden_cases_leak_nothing_to_the_table_or_junit() {
        let grade = grade();
        let table = table(&grade);
        let xml = junit(&grade).unwrap();
        for shown in [&table, &xml] {
            for secret in ["secret", "overlap", "Join later", "pwned", "flood"] {
                assert!(!shown.contains(secret), "{secret:?} leaked:\n{shown:.2000}");
            }
        }
        assert!(
            table.contains(
                "lesson-x: hidden case 1        ?/1  hidden   hidden until grades are published"
            ),
            "{table}"
        );
        assert!(
            table
                .lines()
                .last()
                .unwrap()
                .ends_with("1/2  (with 1 hidden case)"),
            "{table}"
        );
        assert!(
            xml.contains("<testcase name=\"lesson-x: hidden case 1\""),
            "{xml}"
        );
        assert!(
            xml.contains("<skipped message=\"hidden until grades are published\""),
            "{xml}"
        );
    }

    #[test]
    fn fenced_text_is_between_matching_stop_commands() {
        let fenced = fence_for_ci("::error::pwned\n");
        let lines: Vec<&str> = fenced.lines().collect();
        let token = lines[0].strip_prefix("::stop-commands::").unwrap();
        assert_eq!(lines[1], "::error::pwned");
        assert_eq!(lines[2], format!("::{token}::"));
    }
}
