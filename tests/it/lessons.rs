//! Every lesson's every case passes its own expect.toml, through the same engine as `cargo xtask check`.

use course::{Program, Spec, Trust, check_case, explain};

use crate::support;

fn check_lesson(name: &str) {
    let package = support::lessons()
        .into_iter()
        .find(|u| u.name == name)
        .expect(name);
    let spec = Spec::load(&package.spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let program = Program::binary(support::binary(name));
    for case in &spec.cases {
        let result = check_case(&program, case, Trust::Course);
        assert!(
            result.passed(),
            "{name}: {} failed:\n{}",
            case.name,
            explain::explain(&result, 80)
        );
    }
}

#[test]
fn the_lessons_are_the_notes_sections_in_order() {
    let packages: Vec<&str> = support::lessons().iter().map(|u| u.name.as_str()).collect();
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
    for package in support::lessons() {
        let out = assert_cmd::Command::new(support::binary(&package.name))
            .arg("--no-such-mode")
            .env("LESSON_TIME_SCALE", "0.01")
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("--no-such-mode"),
            "{}: {stderr}",
            package.name
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

/// A lesson cannot finish before the sleeps on its critical path have passed: the
/// `critical_path` in its metadata (which the bench takes as its ideal) is a true lower bound.
#[test]
fn translations_take_at_least_their_critical_path() {
    for package in support::lessons() {
        let Some(critical_path) = package.critical_path else {
            continue;
        };
        let spec = Spec::load(&package.spec_path()).unwrap();
        let case = spec.case("default").unwrap();
        let result = check_case(
            &Program::binary(support::binary(&package.name)),
            case,
            Trust::Course,
        );
        assert!(result.passed(), "{}", explain::explain(&result, 80));
        let lesson_time = case.units(result.run.wall);
        assert!(
            lesson_time >= critical_path * 0.99,
            "{}: finished after {lesson_time:.2} units, before its critical path of {critical_path}",
            package.name
        );
    }
}
