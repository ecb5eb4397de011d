//! Every lesson's "Try it": the README section is rendered from try.toml, and each change, applied to a copy, does what it says.

use std::ffi::OsString;
use std::path::Path;

use course::check::{self, Program, Trust};
use course::runner;
use course::tryit::{self, Runs, TryIt};
use course::{Package, Spec, explain, workspace};

use crate::support;

fn try_it(lesson: &Package) -> TryIt {
    TryIt::load(&lesson.dir).unwrap_or_else(|e| panic!("{}: {e}", lesson.name))
}

#[test]
fn every_readme_try_it_section_is_rendered_from_its_try_toml() {
    let mut wrong = Vec::new();
    for lesson in support::lessons() {
        let rendered = try_it(lesson).render();
        let path = lesson.dir.join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let section = tryit::readme_section(&readme)
            .unwrap_or_else(|| panic!("{} has no `## Try it` section", path.display()));
        if section != rendered.trim_end() {
            if std::env::var_os("TRYIT_BLESS").is_some() {
                let fixed = readme.replacen(section, rendered.trim_end(), 1);
                std::fs::write(&path, fixed).unwrap();
            } else {
                wrong.push(format!(
                    "{}: its Try it section differs from try.toml; it should read:\n{rendered}",
                    path.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}\n(TRYIT_BLESS=1 writes the rendering into the README)",
        wrong.join("\n")
    );
}

/// Puts the lesson folder of the copy back as it is in the checkout.
fn restore(lesson: &Package, copy_dir: &Path) {
    for file in ["src/main.rs", "Cargo.toml", "original.py"] {
        let from = lesson.dir.join(file);
        if from.is_file() {
            std::fs::copy(&from, copy_dir.join(file)).unwrap();
        }
    }
}

/// One test per lesson (see build.rs), so the lessons' Try-it changes build and run side by
/// side with the rest of the suite.
macro_rules! try_it_test {
    ($name:ident, $folder:literal) => {
        #[test]
        fn $name() {
            every_try_it_change_does_what_it_says($folder);
        }
    };
}
for_each_lesson!(try_it_test);

/// Applies each of the lesson's Try-it changes to a copy of the course, builds it and checks
/// that it does what the README says.
fn every_try_it_change_does_what_it_says(folder: &str) {
    // A target dir of the Try-it tests' own: no other test builds lessons there, so they
    // need no turn at the copies' lock. Each test builds only its own lesson, from its own
    // copy, and cargo's lock on the target dir keeps their builds one at a time.
    let copy = support::copy_of_course();
    let target = support::target_dir("it-tryit");
    let lesson = support::lesson(folder);
    let mut failed = Vec::new();
    let mut checked = 0;
    let dir = copy.path().join("lessons").join(folder);
    let spec = Spec::load(&lesson.spec_path()).unwrap();
    let try_path = lesson.dir.join(tryit::FILE);
    for (i, item) in try_it(lesson).items.iter().enumerate() {
        for check in &item.check {
            let name = format!("{} Try it {}", lesson.name, i + 1);
            restore(lesson, &dir);
            if let Err(error) = tryit::apply(&dir, &check.patch) {
                failed.push(format!("{name}: {error:#}"));
                continue;
            }
            let build = workspace::build(copy.path(), &[&lesson.name], Some(&target)).unwrap();
            checked += 1;
            if let Some(expected) = &check.compile_error {
                let errors = build.errors.get(&lesson.name).cloned().unwrap_or_default();
                if !tryit::compile_error_matches(&errors, expected) {
                    failed.push(format!(
                        "{name}: expected the build to fail with {expected}; it {}",
                        if errors.is_empty() {
                            "compiled".to_owned()
                        } else {
                            format!("failed with:\n{errors}")
                        }
                    ));
                }
                continue;
            }
            let Some(binary) = build.binaries.get(&lesson.name) else {
                failed.push(format!(
                    "{name}: does not compile:\n{}",
                    build.errors.get(&lesson.name).cloned().unwrap_or_default()
                ));
                continue;
            };
            let mut program = match check.program {
                Runs::Rust => Program::binary(binary),
                Runs::Python => Program::python(&dir.join("original.py")),
            };
            if let Some(cpus) = &check.cpus {
                let list: Vec<String> = cpus.iter().map(usize::to_string).collect();
                let mut leading: Vec<OsString> =
                    vec!["-c".into(), list.join(",").into(), program.path.into()];
                leading.extend(program.leading_args);
                program = Program {
                    path: "taskset".into(),
                    leading_args: leading,
                };
            }
            for case in check.cases(&spec, &try_path).unwrap() {
                let mut options = check::options(&program, &case, Trust::Course);
                options
                    .env
                    .extend(check.env.iter().map(|(k, v)| (k.into(), v.into())));
                let run = runner::run(&options);
                if let Err(failures) = check::assert(&case, &run) {
                    let result = course::CaseResult {
                        case: case.clone(),
                        run,
                        failures,
                        notes: Vec::new(),
                        runs: 1,
                        failed_runs: 1,
                        busy: false,
                    };
                    failed.push(format!(
                        "{name} ({:?}): not what it says:\n{}",
                        case.name,
                        explain::explain(&result, 30)
                    ));
                }
            }
        }
    }
    assert!(checked > 0);
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
