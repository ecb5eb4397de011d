//! House rules checked on every file: `//!` headers, lesson dependencies, and the pieces each lesson folder holds.

use std::path::{Path, PathBuf};

use crate::support;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_doc_line_saying_what_it_is_for() {
    let mut files = Vec::new();
    rust_files(&support::root(), &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    let missing: Vec<_> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//! "))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` first line: {missing:?}"
    );
}

#[test]
fn lessons_depend_only_on_what_they_teach() {
    let allowed = ["lesson-kit", "tokio", "rayon"];
    let metadata = cargo_metadata();
    for package in metadata["packages"].as_array().unwrap() {
        let is_course_package = package["metadata"].get("lesson").is_some()
            || package["metadata"].get("exercise").is_some();
        if !is_course_package {
            continue;
        }
        for dep in package["dependencies"].as_array().unwrap() {
            let name = dep["name"].as_str().unwrap();
            assert!(
                allowed.contains(&name),
                "{} depends on {name}; lessons use only std, lesson-kit, tokio and rayon",
                package["name"]
            );
            if name == "tokio" {
                assert_eq!(
                    dep["uses_default_features"], false,
                    "{}: tokio with only the features used",
                    package["name"]
                );
            }
        }
    }
}

#[test]
fn every_lesson_folder_is_self_contained() {
    for package in support::lessons() {
        for file in ["Cargo.toml", "src/main.rs", "README.md", "expect.toml"] {
            assert!(
                package.dir.join(file).is_file(),
                "{} has no {file}",
                package.name
            );
        }
        let readme = std::fs::read_to_string(package.dir.join("README.md")).unwrap();
        assert!(
            readme.contains("Try it"),
            "{}: README.md needs a \"Try it\" section",
            package.name
        );
        let main = std::fs::read_to_string(package.dir.join("src/main.rs")).unwrap();
        assert!(
            main.starts_with("//! Lesson"),
            "{}: main.rs should open by naming its lesson",
            package.name
        );
    }
}

/// Everyday commands build lean: xtask links neither the bench nor its plotting, progress
/// bars and optimised runtimes, and the engine keeps assert_cmd and predicates for the tests.
#[test]
fn xtask_and_the_engine_link_no_bench_and_no_test_tools() {
    let metadata = cargo_metadata();
    let depends_on = |package: &str| -> Vec<String> {
        metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == package)
            .unwrap_or_else(|| panic!("no package {package}"))["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect()
    };
    for (package, never) in [
        (
            "xtask",
            &["bench", "plotters", "indicatif", "assert_cmd", "predicates"][..],
        ),
        (
            "course",
            &["bench", "plotters", "indicatif", "assert_cmd", "predicates"][..],
        ),
    ] {
        let deps = depends_on(package);
        for name in never {
            assert!(
                !deps.iter().any(|d| d == name),
                "{package} depends on {name}: {deps:?}"
            );
        }
    }
}

fn cargo_metadata() -> serde_json::Value {
    course::workspace::metadata(&support::root()).unwrap()
}

/// docs/expectations.md's rules table is the one each rule's file documents itself with.
/// `UPDATE_DOCS=1 cargo test -p course-tests --test it -- tidy::` writes it from the code.
#[test]
fn every_rule_has_its_docs_entry() {
    let path = support::root().join("docs/expectations.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let a = text
        .find(begin)
        .expect("docs/expectations.md lost its rules:begin marker")
        + begin.len();
    let b = text
        .find(end)
        .expect("docs/expectations.md lost its rules:end marker");
    let table = course::rules::docs_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &text[..a], &text[b..])).unwrap();
        return;
    }
    for entry in course::rules::ALL {
        assert!(
            text[a..b].contains(&format!("| `{}` | {} |", entry.syntax, entry.doc)),
            "docs/expectations.md has no entry for the rule `{}` as its file documents it; \
             run `UPDATE_DOCS=1 cargo test -p course-tests --test it -- tidy::` to regenerate the table",
            entry.name
        );
    }
    assert_eq!(
        &text[a..b],
        table,
        "docs/expectations.md's rules table is out of step with the rules; \
         run `UPDATE_DOCS=1 cargo test -p course-tests --test it -- tidy::` to regenerate it"
    );
}
