//! The course engine: lesson discovery, a safe runner, the expectation spec and its judge.
//!
//! xtask (check, run, watch), the grader and the integration tests all go through
//! this crate, so a lesson is judged the same way wherever it runs. Grading itself
//! (staging, the sandbox launcher, the reports) is behind the `grade` feature, which
//! only the grader turns on: xtask's everyday commands compile none of it.

pub mod cancel;
pub mod check;
#[cfg(feature = "grade")]
pub mod classroom;
pub mod exercise;
pub mod explain;
pub mod files;
#[cfg(feature = "grade")]
pub mod grade;
pub mod judge;
pub mod procfs;
#[cfg(feature = "grade")]
pub mod report;
pub mod rules;
pub mod runner;
pub mod sandbox;
pub mod spec;
#[cfg(feature = "grade")]
pub mod stage;
pub mod timeline;
pub mod tryit;
pub mod workspace;

pub use check::{CaseResult, Program, Trust, check_case};
pub use judge::{Failure, Judgement, Note, judge, judge_at};
pub use runner::{Ending, Run, RunOptions};
pub use spec::{Case, Spec, SpecError};
pub use workspace::{Package, Role};
