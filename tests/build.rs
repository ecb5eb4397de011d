//! Build script of the integration tests: lists the lesson folders, so each per-lesson test exists for every lesson.
//!
//! Tests that build and run every lesson (each lesson's Try-it changes, its wrong variants)
//! are one `#[test]` per lesson, so libtest runs them side by side with the rest of the
//! suite, where a single test looping over eight lessons ran alone at the suite's end. The
//! list comes from the `lessons/` folder itself, so no hand-kept list can forget a lesson.
//! std only: it runs before every test build.

use std::path::PathBuf;

fn main() {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lessons = PathBuf::from(manifest).join("../lessons");
    // A directory is scanned for any change, so a new or removed lesson reruns this.
    println!("cargo::rerun-if-changed=../lessons");
    let mut folders: Vec<String> = std::fs::read_dir(&lessons)
        .expect("lessons/ is readable")
        .flatten()
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    folders.sort();
    // `for_each_lesson!(m)` calls `m!(test_name, "folder")` once per lesson; the test name is
    // the folder's, as an identifier: `l04_gil` for `04-gil`.
    let mut out = String::from("macro_rules! for_each_lesson {\n    ($m:ident) => {\n");
    for folder in &folders {
        let ident: String = folder
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        out += &format!("        $m!(l{ident}, {folder:?});\n");
    }
    out += "    };\n}\n";
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("lessons.rs"), out).expect("OUT_DIR is writable");
}
