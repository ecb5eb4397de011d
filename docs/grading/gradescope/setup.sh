#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# The autograder zip holds this file, run_autograder, and the instructor's course
# checkout as `course/`; Gradescope unpacks it into /autograder/source.
set -euo pipefail
# Gradescope's base image lacks a C linker and Rust; an image that has them skips this.
if ! command -v cc >/dev/null || ! command -v python3 >/dev/null; then
  apt-get update
  apt-get install -y --no-install-recommends build-essential python3 curl ca-certificates
fi
if ! command -v cargo >/dev/null && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
if [ -f "$HOME/.cargo/env" ]; then source "$HOME/.cargo/env"; fi
cd /autograder/source/course
# Compile the grader, then warm the shared target dir: the grader builds every lesson's
# dependencies from its own lessons and records them (grading nothing), so grading a
# submission costs only its own lesson crates and no submission can swap a dependency.
cargo build --package xtask
cargo xtask grade --prepare --target-dir /autograder/target
