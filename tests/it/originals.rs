//! The Python originals print what their translations print: each passes its lesson's default case.

use course::{Program, Spec, Trust, check_case, explain};

use crate::support;

#[test]
fn every_original_passes_the_default_case_of_its_lesson() {
    let mut checked = Vec::new();
    for package in support::lessons() {
        let script = package.dir.join("original.py");
        if !script.exists() {
            continue;
        }
        let spec = Spec::load(&package.spec_path()).unwrap();
        let mut case = spec.case("default").unwrap().clone();
        // A larger scale than the lessons' keeps python3's start-up (and `import asyncio`)
        // small beside the sleeps; specs are in units, so they hold at any scale.
        case.scale = 0.3;
        let result = check_case(&Program::python(&script), &case, Trust::Course);
        assert!(
            result.passed(),
            "{}: {}",
            script.display(),
            explain::explain(&result, 80)
        );
        checked.push(package.name.as_str());
    }
    // Every translation (a lesson with an original.py) was checked, and each gives the
    // critical path its Python and its Rust are measured against.
    let translations = support::translations();
    assert_eq!(checked, translations);
}
