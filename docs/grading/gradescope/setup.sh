#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
# The autograder zip holds this file, run_autograder, and the instructor's course
# checkout as `course/`; Gradescope unpacks it into /autograder/source.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends build-essential python3 curl ca-certificates
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
source "$HOME/.cargo/env"
cd /autograder/source/course
# Compile the grader and warm the shared target dir with the lessons' dependencies,
# so grading a submission costs only its own lesson crates.
cargo build --workspace --bins
cargo xtask grade --target-dir /autograder/target > /dev/null
