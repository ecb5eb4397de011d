//! Every lesson's every case passes its own expect.toml, through the same engine as `cargo xtask check`.

use course::{Program, Spec, Trust, check_case, explain};

use crate::support;

fn check_lesson(package: &str) {
    let unit = support::lessons()
        .into_iter()
        .find(|u| u.package == package)
        .expect(package);
    let spec = Spec::load(&unit.spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let program = Program::binary(support::binary(package));
    for case in &spec.cases {
        let result = check_case(&program, case, Trust::Course);
        assert!(
            result.passed(),
            "{package}: {} failed:\n{}",
            case.name,
            explain::explain(&result, 80)
        );
    }
}

#[test]
fn the_lessons_are_the_notes_sections_in_order() {
    let packages: Vec<&str> = support::lessons()
        .iter()
        .map(|u| u.package.as_str())
        .collect();
    assert_eq!(
        packages,
        [
            "lesson-threads-and-processes",
            "lesson-thread",
            "lesson-multithreading",
            "lesson-gil",
            "lesson-multiprocessing",
            "lesson-asyncio-concepts",
            "lesson-asyncio",
            "lesson-asyncio-cpu-bound",
        ]
    );
}

#[test]
fn threads_and_processes() {
    check_lesson("lesson-threads-and-processes");
}

#[test]
fn thread() {
    check_lesson("lesson-thread");
}

#[test]
fn multithreading() {
    check_lesson("lesson-multithreading");
}

#[test]
fn gil() {
    check_lesson("lesson-gil");
}

#[test]
fn multiprocessing() {
    check_lesson("lesson-multiprocessing");
}

#[test]
fn asyncio_concepts() {
    check_lesson("lesson-asyncio-concepts");
}

#[test]
fn asyncio() {
    check_lesson("lesson-asyncio");
}

#[test]
fn asyncio_cpu_bound() {
    check_lesson("lesson-asyncio-cpu-bound");
}

#[test]
fn a_bad_argument_is_refused_with_advice() {
    for unit in support::lessons() {
        let out = assert_cmd::Command::new(support::binary(&unit.package))
            .arg("--no-such-mode")
            .env("LESSON_TIME_SCALE", "0.01")
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("--no-such-mode"),
            "{}: {stderr}",
            unit.package
        );
    }
}

#[test]
fn a_bad_time_scale_is_refused_with_advice() {
    assert_cmd::Command::new(support::binary("lesson-thread"))
        .env("LESSON_TIME_SCALE", "fast")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "LESSON_TIME_SCALE=\"fast\" is not a positive number",
        ));
}
