//! The course engine: lesson discovery, a safe runner, the expectation spec and its judge.
//!
//! xtask (check, run, grade, watch) and the integration tests both go through
//! this crate, so a lesson is judged the same way wherever it runs.

pub mod cancel;
pub mod check;
pub mod exercise;
pub mod explain;
pub mod grade;
pub mod judge;
pub mod procfs;
pub mod report;
pub mod rules;
pub mod runner;
pub mod spec;
pub mod timeline;
pub mod tryit;
pub mod workspace;

pub use check::{CaseResult, Program, Trust, check_case};
pub use judge::{Failure, Judgement, Note, judge, judge_at};
pub use runner::{Ending, Run, RunOptions};
pub use spec::{Case, Spec, SpecError};
pub use workspace::{Package, Role};
