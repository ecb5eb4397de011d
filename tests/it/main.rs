//! The one integration test binary; each module covers one topic.

// `for_each_lesson!(m)`: `m!(test_name, "folder")` for every lesson, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// `cargo xtask bench --quick`: every row is produced.
mod bench;
/// Lesson 1's `communicate` and lesson 5's `cpu`: wrong variants fail for the reason the spec gives.
mod claims;
/// The exercises' solutions and starting points, and watch, hint, reset and progress end to end.
mod exercises;
/// `cargo xtask grade` over submissions made by the tests.
mod grade;
/// Every lesson, run and judged against its own expect.toml.
mod lessons;
/// The Python originals, judged against the same specs as their translations.
mod originals;
/// Hostile submissions: the sandbox holds against each attack, at build time and at run time.
mod sandbox;
/// House rules that hold for every file: headers, dependencies, one source of truth.
mod tidy;
/// Every lesson README's "Try it", rendered from try.toml and applied to a copy.
mod tryit;
/// Wrong but plausible programs, five or more per lesson: the specs fail them for the reason named.
mod variants;
/// `cargo xtask` end to end: list, check of broken and hanging copies, bad specs.
mod xtask;

mod support;
