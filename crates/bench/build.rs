//! Records the optimisation level the bench was built with, so its report can say it.

fn main() {
    let level = std::env::var("OPT_LEVEL").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=BENCH_OPT_LEVEL={level}");
    println!("cargo:rerun-if-changed=build.rs");
}
