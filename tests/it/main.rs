//! The one integration test binary; each module covers one topic.

/// `cargo xtask bench --quick`: every row is produced.
mod bench;
/// The exercises' solutions and starting points, and watch, hint, reset and progress end to end.
mod exercises;
/// `cargo xtask grade` over submissions made by the tests.
mod grade;
/// Every lesson, run and judged against its own expect.toml.
mod lessons;
/// The Python originals, judged against the same specs as their translations.
mod originals;
/// House rules that hold for every file: headers, dependencies, one source of truth.
mod tidy;
/// Wrong but plausible programs, five or more per lesson: the specs fail them for the reason named.
mod variants;
/// `cargo xtask` end to end: list, check of broken and hanging copies, bad specs.
mod xtask;

mod support;
