//! The report: tables and ratios, the goals, the Markdown around them and the plot.

pub mod goals;
pub mod markdown;
pub mod plot;
pub mod tables;

use crate::rows::Results;
use anyhow::{Context, Result};
use std::path::Path;

/// Writes report.md, results.json and the plot into `out`; a plot that cannot be drawn is a
/// note in the report, not a failure.
pub fn write(results: &mut Results, out: &Path) -> Result<()> {
    let plotted = plot::draw(
        &out.join(tables::PLOT),
        tables::PLOT_TITLE,
        &tables::plot_lines(&results.workers),
    );
    if let Err(error) = &plotted {
        results
            .notes
            .push(format!("The plot was not drawn: {error:#}."));
    }
    let markdown = markdown::render(results, plotted.is_ok());
    let report = out.join("report.md");
    std::fs::write(&report, &markdown)
        .with_context(|| format!("cannot write {}", report.display()))?;
    let json = out.join("results.json");
    std::fs::write(&json, serde_json::to_string_pretty(results)? + "\n")
        .with_context(|| format!("cannot write {}", json.display()))?;
    Ok(())
}
