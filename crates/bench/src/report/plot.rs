//! Draws the cost of one worker (thread, process or task) against N, on log scales, one line per kind.
//!
//! plotters draws it, with only its SVG backend: an SVG needs no fonts or image codecs at
//! build time, diffs as text, and GitHub shows it inline in the report.

use crate::rows::Family;
use crate::stats::{fmt_count, fmt_secs};
use anyhow::{Result, anyhow};
use plotters::prelude::*;
use std::path::Path;

/// One kind of worker: its label and its (N, seconds per worker beyond the sleep) points.
#[derive(Clone, Debug)]
pub struct Line {
    pub label: String,
    /// Python lines are dashed, in the colour of the Rust kind they compare with.
    pub python: bool,
    /// Picks the colour.
    pub family: Family,
    pub points: Vec<(f64, f64)>,
}

const COLOURS: [RGBColor; 3] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
];

/// Writes the plot of `lines` to `path` as SVG.
pub fn draw(path: &Path, title: &str, lines: &[Line]) -> Result<()> {
    let points = || lines.iter().flat_map(|l| l.points.iter().copied());
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let xs: Vec<f64> = points().map(|p| p.0).filter(|&x| positive(x)).collect();
    let ys: Vec<f64> = points().map(|p| p.1).filter(|&y| positive(y)).collect();
    if xs.is_empty() || ys.is_empty() {
        return Err(anyhow!("nothing to plot"));
    }
    let (x_min, x_max) = bounds(&xs);
    let (y_min, y_max) = bounds(&ys);

    let root = SVGBackend::new(path, (960, 620)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(90)
        .build_cartesian_2d(
            (x_min / 2.0..x_max * 2.0).log_scale(),
            (y_min / 2.0..y_max * 2.0).log_scale(),
        )
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("N, workers started (log scale)")
        .y_desc("time per worker beyond the sleep (log scale)")
        .x_label_formatter(&|x| fmt_count(x.round() as u64))
        .y_label_formatter(&|y| fmt_secs(*y))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(plot_error)?;

    for line in lines {
        let colour = match line.family {
            Family::Threads => COLOURS[0],
            Family::Processes => COLOURS[1],
            Family::Tasks => COLOURS[2],
        };
        let style = colour.stroke_width(2);
        let dashed = line.python;
        let kept: Vec<(f64, f64)> = line
            .points
            .iter()
            .copied()
            .filter(|&(x, y)| positive(x) && positive(y))
            .collect();
        let series = if line.python {
            chart.draw_series(DashedLineSeries::new(kept.clone(), 10, 6, style))
        } else {
            chart.draw_series(LineSeries::new(kept.clone(), style))
        };
        series
            .map_err(plot_error)?
            .label(line.label.as_str())
            .legend(move |(x, y)| {
                // The legend's sample is dashed too for a Python line (solid: one dash twice).
                let (a, b) = if dashed {
                    ((0, 9), (15, 24))
                } else {
                    ((0, 24), (0, 24))
                };
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(a.0, 0), (a.1, 0)], style)
                    + PathElement::new(vec![(b.0, 0), (b.1, 0)], style)
            });
        let marker = |p: (f64, f64)| -> DynElement<'static, SVGBackend<'_>, (f64, f64)> {
            if line.python {
                Cross::new(p, 5, colour.stroke_width(2)).into_dyn()
            } else {
                Circle::new(p, 4, colour.filled()).into_dyn()
            }
        };
        chart
            .draw_series(kept.into_iter().map(marker))
            .map_err(plot_error)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(plot_error)?;
    root.present().map_err(plot_error)?;
    Ok(())
}

fn bounds(values: &[f64]) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

fn plot_error(error: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("cannot draw the plot: {error}")
}
