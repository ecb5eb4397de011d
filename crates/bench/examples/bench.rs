//! Runs the bench without xtask, for trying it: `cargo run -p bench --example bench -- --quick`.

use clap::Parser;

/// The same options as `cargo xtask bench`.
#[derive(Parser)]
#[command(name = "bench")]
struct Cli {
    #[command(flatten)]
    args: bench::BenchArgs,
}

fn main() -> anyhow::Result<()> {
    // First, as xtask does: this binary is re-executed as the bench's own units.
    if let Some(code) = bench::child_entry() {
        std::process::exit(code);
    }
    let cli = Cli::parse();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    bench::run(&cli.args, &root.canonicalize()?)
}
