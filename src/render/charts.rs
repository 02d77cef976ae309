//! Vector charts: histogram, funnel plot, scatter with quadrants, trend lines, horizontal
//! bars and scorecard attainment curves. A chart arrives as data (the `chart()` template
//! helper writes it) and is drawn into the body width; with nothing to plot it draws a
//! panel with its `empty` message instead.

use super::draw::{
    Align, BLUE, Canvas, Colour, GRID, INK, MUTED, ORANGE, PALETTE, RULE, SHADE, SKY, VERMILLION,
};
use crate::plot::{AttainmentPanel, Curve, Highlight, Marker, Plot, Series};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    #[serde(default)]
    pub x_label: String,
    #[serde(default)]
    pub y_label: String,
    /// Shown instead of the plot when there is nothing (or too little) to draw.
    #[serde(default)]
    pub empty: String,
    /// Decimal separator of the reader's language.
    #[serde(default = "point")]
    pub decimal: String,
    /// Height of the chart in mm (bars size themselves).
    #[serde(default = "default_height")]
    pub height: f32,
    #[serde(flatten)]
    pub plot: Plot,
}

fn point() -> String {
    ".".into()
}

fn default_height() -> f32 {
    60.0
}

/// Linear map from data to page.
#[derive(Clone, Copy)]
struct Axis {
    min: f64,
    max: f64,
    from: f32,
    to: f32,
}

impl Axis {
    fn at(&self, v: f64) -> f32 {
        let span = (self.max - self.min).max(f64::EPSILON);
        self.from + ((v - self.min) / span) as f32 * (self.to - self.from)
    }
}

/// Round tick positions covering [min, max] with about `target` steps.
fn ticks(min: f64, max: f64, target: usize) -> (f64, f64, f64) {
    let span = (max - min).abs().max(1e-9);
    let raw = span / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (
        (min / step).floor() * step,
        (max / step).ceil() * step,
        step,
    )
}

fn tick_values(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let count = ((hi - lo) / step).round() as i64;
    (0..=count).map(|i| lo + step * i as f64).collect()
}

fn number(v: f64, step: f64, decimal: &str) -> String {
    let decimals = if step >= 1.0 {
        0
    } else if step >= 0.1 {
        1
    } else {
        2
    };
    let text = format!("{:.*}", decimals, v);
    let text = if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    };
    text.replace('.', decimal)
}

struct Frame {
    x: Axis,
    y: Axis,
}

/// Title and legend; returns the top of the plot.
fn heading(
    c: &mut Canvas,
    x: f32,
    top: f32,
    width: f32,
    chart: &Chart,
    legend: &[(String, Colour, bool)],
) -> f32 {
    let title = c.fonts.fit(&chart.title, 9.5, true, width);
    c.text(x, top - 3.6, &title, 9.5, true, INK, Align::Left);
    let mut y = top - 5.5;
    if !legend.is_empty() {
        let mut lx = x;
        let baseline = y - 3.0;
        for (label, colour, line) in legend {
            if *line {
                c.line(
                    vec![(lx, baseline + 1.0), (lx + 5.0, baseline + 1.0)],
                    0.8,
                    *colour,
                    false,
                );
                lx += 6.5;
            } else {
                c.dot(lx + 1.2, baseline + 1.0, 1.1, *colour);
                lx += 3.5;
            }
            c.text(lx, baseline, label, 7.0, false, MUTED, Align::Left);
            lx += c.fonts.width(label, 7.0, false) + 4.0;
        }
        y -= 4.5;
    }
    if !chart.y_label.is_empty() {
        c.text(x, y - 3.0, &chart.y_label, 7.0, false, MUTED, Align::Left);
        y -= 4.0;
    }
    y - 1.5
}

fn empty_panel(c: &mut Canvas, x: f32, top: f32, width: f32, bottom: f32, message: &str) {
    c.rect(x, bottom, width, top - bottom, SHADE);
    let lines = c.fonts.wrap(message, 9.0, false, width - 10.0);
    let mid = (top + bottom) / 2.0 + lines.len() as f32 * 1.8;
    for (i, line) in lines.iter().enumerate() {
        c.text(
            x + width / 2.0,
            mid - 4.0 * i as f32 - 1.5,
            line,
            9.0,
            false,
            MUTED,
            Align::Centre,
        );
    }
}

/// Axes with grid lines and tick labels; the plot area spans [left, right] × [bottom, top].
#[allow(clippy::too_many_arguments)]
fn axes(
    c: &mut Canvas,
    chart: &Chart,
    (left, right, bottom, top): (f32, f32, f32, f32),
    x: (f64, f64, f64),
    y: Option<(f64, f64, f64)>,
    x_ticks: bool,
) -> Frame {
    let y_ticks = y.is_some();
    let y = y.unwrap_or((0.0, 1.0, 1.0));
    let frame = Frame {
        x: Axis {
            min: x.0,
            max: x.1,
            from: left,
            to: right,
        },
        y: Axis {
            min: y.0,
            max: y.1,
            from: bottom,
            to: top,
        },
    };
    for v in tick_values(y.0, y.1, y.2).into_iter().filter(|_| y_ticks) {
        let py = frame.y.at(v);
        c.line(vec![(left, py), (right, py)], 0.2, GRID, false);
        c.text(
            left - 1.5,
            py - 1.0,
            &number(v, y.2, &chart.decimal),
            7.0,
            false,
            MUTED,
            Align::Right,
        );
    }
    if x_ticks {
        for v in tick_values(x.0, x.1, x.2) {
            let px = frame.x.at(v);
            c.line(vec![(px, bottom), (px, bottom - 1.0)], 0.3, RULE, false);
            c.text(
                px,
                bottom - 4.0,
                &number(v, x.2, &chart.decimal),
                7.0,
                false,
                MUTED,
                Align::Centre,
            );
        }
    }
    c.line(vec![(left, bottom), (right, bottom)], 0.4, RULE, false);
    c.line(vec![(left, bottom), (left, top)], 0.4, RULE, false);
    if !chart.x_label.is_empty() {
        c.text(
            (left + right) / 2.0,
            bottom - 8.0,
            &chart.x_label,
            7.0,
            false,
            MUTED,
            Align::Centre,
        );
    }
    frame
}

fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Draws `chart` with its top at `top`; returns its height.
pub fn draw(c: &mut Canvas, x: f32, top: f32, width: f32, chart: &Chart) -> f32 {
    match &chart.plot {
        Plot::Bars { categories, series } => bars(c, x, top, width, chart, categories, series),
        Plot::Attainment { panels } => attainment(c, x, top, width, chart, panels),
        plot => {
            let bottom = top - chart.height;
            let legend = legend_of(plot);
            let plot_top = heading(c, x, top, width, chart, &legend);
            let area = (x + 12.0, x + width - 2.0, bottom + 10.0, plot_top);
            if !has_data(plot) {
                empty_panel(c, x, plot_top, width, bottom + 2.0, &chart.empty);
                return chart.height;
            }
            match plot {
                Plot::Histogram {
                    values, markers, ..
                } => histogram(c, chart, area, values, markers),
                Plot::Funnel {
                    points,
                    centre,
                    limits,
                    highlight,
                    ..
                } => funnel(c, chart, area, points, centre, limits, highlight),
                Plot::Scatter {
                    points,
                    x_median,
                    y_median,
                    quadrants,
                    highlight,
                    ..
                } => scatter(
                    c, chart, area, points, *x_median, *y_median, quadrants, highlight,
                ),
                Plot::Lines { categories, series } => lines(c, chart, area, categories, series),
                Plot::Bars { .. } | Plot::Attainment { .. } => {}
            }
            chart.height
        }
    }
}

fn has_data(plot: &Plot) -> bool {
    match plot {
        Plot::Histogram { values, .. } => values.len() >= 2,
        Plot::Funnel { points, .. } | Plot::Scatter { points, .. } => !points.is_empty(),
        Plot::Lines { series, .. } | Plot::Bars { series, .. } => {
            series.iter().any(|s| s.values.iter().any(Option::is_some))
        }
        Plot::Attainment { panels } => !panels.is_empty(),
    }
}

fn legend_of(plot: &Plot) -> Vec<(String, Colour, bool)> {
    match plot {
        Plot::Histogram { bar_label, .. } => vec![(bar_label.clone(), SKY, false)],
        Plot::Funnel {
            points_label,
            limits,
            highlight,
            ..
        } => {
            let mut legend = vec![(points_label.clone(), SKY, false)];
            for (i, l) in limits.iter().enumerate() {
                legend.push((
                    l.label.clone(),
                    if i == 0 { ORANGE } else { VERMILLION },
                    true,
                ));
            }
            if let Some(h) = highlight {
                legend.push((h.label.clone(), BLUE, false));
            }
            legend
        }
        Plot::Scatter {
            points_label,
            highlight,
            ..
        } => {
            let mut legend = vec![(points_label.clone(), SKY, false)];
            if let Some(h) = highlight {
                legend.push((h.label.clone(), BLUE, false));
            }
            legend
        }
        Plot::Lines { series, .. } => series
            .iter()
            .enumerate()
            .map(|(i, s)| (s.label.clone(), PALETTE[i % PALETTE.len()], true))
            .collect(),
        Plot::Bars { .. } | Plot::Attainment { .. } => Vec::new(),
    }
}

fn histogram(
    c: &mut Canvas,
    chart: &Chart,
    area: (f32, f32, f32, f32),
    values: &[f64],
    markers: &[Marker],
) {
    let Some((lo, hi)) = extent(values.iter().copied()) else {
        return;
    };
    let (x0, x1, step) = ticks(lo, hi.max(lo + 1.0), 6);
    let bin = ticks(x0, x1, 16).2;
    let bins = ((x1 - x0) / bin).round().max(1.0) as usize;
    let mut counts = vec![0usize; bins];
    for v in values {
        let i = (((v - x0) / bin).floor() as usize).min(bins - 1);
        counts[i] += 1;
    }
    let top_count = *counts.iter().max().unwrap_or(&1) as f64;
    let (y0, y1, ystep) = ticks(0.0, top_count.max(1.0), 4);
    let ystep = ystep.max(1.0);
    let f = axes(
        c,
        chart,
        area,
        (x0, x1, step),
        Some((y0, y1.max(ystep), ystep)),
        true,
    );
    for (i, count) in counts.iter().enumerate() {
        let left = f.x.at(x0 + bin * i as f64) + 0.2;
        let right = f.x.at(x0 + bin * (i + 1) as f64) - 0.2;
        let h = f.y.at(*count as f64) - f.y.at(0.0);
        c.rect(left, f.y.at(0.0), right - left, h, SKY);
    }
    for (i, m) in markers.iter().enumerate() {
        let px = f.x.at(m.value);
        let colour = if i == 1 { ORANGE } else { INK };
        c.line(vec![(px, area.2), (px, area.3)], 0.5, colour, true);
        let label = format!("{} {}", m.label, number(m.value, 0.1, &chart.decimal));
        c.text(
            px + 0.8,
            area.3 - 2.5 - 3.2 * i as f32,
            &label,
            6.5,
            false,
            INK,
            Align::Left,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn funnel(
    c: &mut Canvas,
    chart: &Chart,
    area: (f32, f32, f32, f32),
    points: &[[f64; 2]],
    centre: &Option<Marker>,
    limits: &[Curve],
    highlight: &Option<Highlight>,
) {
    let xs = points.iter().map(|p| p[0]);
    let Some((_, x_hi)) = extent(xs) else { return };
    let y_values = points.iter().map(|p| p[1]).chain(
        limits
            .iter()
            .flat_map(|l| l.branches.iter().flatten().map(|p| p[1])),
    );
    let Some((y_lo, y_hi)) = extent(y_values) else {
        return;
    };
    let xt = ticks(0.0, x_hi * 1.05, 6);
    let yt = ticks(y_lo.max(0.0), y_hi.min(100.0), 5);
    let f = axes(c, chart, area, xt, Some(yt), true);
    let clip = |v: f64| v.clamp(yt.0, yt.1);
    if let Some(m) = centre {
        c.line(
            vec![
                (f.x.at(xt.0), f.y.at(m.value)),
                (f.x.at(xt.1), f.y.at(m.value)),
            ],
            0.4,
            MUTED,
            false,
        );
        c.text(
            area.1,
            f.y.at(m.value) + 0.8,
            &m.label,
            6.5,
            false,
            MUTED,
            Align::Right,
        );
    }
    for (i, curve) in limits.iter().enumerate() {
        let colour = if i == 0 { ORANGE } else { VERMILLION };
        for branch in &curve.branches {
            let pts = branch
                .iter()
                .filter(|p| p[0] <= xt.1)
                .map(|p| (f.x.at(p[0]), f.y.at(clip(p[1]))))
                .collect();
            c.line(pts, 0.6, colour, i == 0);
        }
    }
    for p in points {
        c.dot(f.x.at(p[0]), f.y.at(clip(p[1])), 0.55, SKY);
    }
    if let Some(h) = highlight {
        c.dot(f.x.at(h.at[0]), f.y.at(clip(h.at[1])), 1.3, BLUE);
    }
}

#[allow(clippy::too_many_arguments)]
fn scatter(
    c: &mut Canvas,
    chart: &Chart,
    area: (f32, f32, f32, f32),
    points: &[[f64; 2]],
    x_median: Option<f64>,
    y_median: Option<f64>,
    quadrants: &[String],
    highlight: &Option<Highlight>,
) {
    let (Some((x_lo, x_hi)), Some((y_lo, y_hi))) = (
        extent(points.iter().map(|p| p[0])),
        extent(points.iter().map(|p| p[1])),
    ) else {
        return;
    };
    let xt = ticks(x_lo, x_hi.max(x_lo + 1.0), 6);
    let yt = ticks(y_lo, y_hi.max(y_lo + 1.0), 5);
    let f = axes(c, chart, area, xt, Some(yt), true);
    if let Some(m) = x_median {
        c.line(
            vec![(f.x.at(m), area.2), (f.x.at(m), area.3)],
            0.5,
            MUTED,
            true,
        );
    }
    if let Some(m) = y_median {
        c.line(
            vec![(area.0, f.y.at(m)), (area.1, f.y.at(m))],
            0.5,
            MUTED,
            true,
        );
    }
    // top right, top left, bottom right, bottom left
    let corners = [
        (area.1 - 1.0, area.3 - 3.0, Align::Right),
        (area.0 + 1.5, area.3 - 3.0, Align::Left),
        (area.1 - 1.0, area.2 + 1.5, Align::Right),
        (area.0 + 1.5, area.2 + 1.5, Align::Left),
    ];
    for ((x, y, align), label) in corners.into_iter().zip(quadrants) {
        c.text(x, y, label, 7.0, true, MUTED, align);
    }
    for p in points {
        c.dot(f.x.at(p[0]), f.y.at(p[1]), 0.7, SKY);
    }
    if let Some(h) = highlight {
        c.dot(f.x.at(h.at[0]), f.y.at(h.at[1]), 1.3, BLUE);
    }
}

fn lines(
    c: &mut Canvas,
    chart: &Chart,
    area: (f32, f32, f32, f32),
    categories: &[String],
    series: &[Series],
) {
    let all = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let Some((lo, hi)) = extent(all) else { return };
    let pad = ((hi - lo) * 0.15).max(1.0);
    let yt = ticks(lo - pad, hi + pad, 4);
    let n = categories.len().max(1);
    let f = axes(
        c,
        chart,
        area,
        (0.0, (n.max(2) - 1) as f64, 1.0),
        Some(yt),
        false,
    );
    let every = if n > 8 { 2 } else { 1 };
    for (i, label) in categories.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            c.text(
                f.x.at(i as f64),
                area.2 - 4.0,
                label,
                6.5,
                false,
                MUTED,
                Align::Centre,
            );
        }
    }
    for (k, s) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut run: Vec<(f32, f32)> = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let p = (f.x.at(i as f64), f.y.at(*v));
                    c.dot(p.0, p.1, 0.7, colour);
                    run.push(p);
                }
                None => c.line(std::mem::take(&mut run), 0.7, colour, k > 0),
            }
        }
        c.line(run, 0.7, colour, k > 0);
    }
}

#[allow(clippy::too_many_arguments)]
fn bars(
    c: &mut Canvas,
    x: f32,
    top: f32,
    width: f32,
    chart: &Chart,
    categories: &[String],
    series: &[Series],
) -> f32 {
    let legend: Vec<(String, Colour, bool)> = if series.len() > 1 {
        series
            .iter()
            .enumerate()
            .map(|(i, s)| (s.label.clone(), PALETTE[i % PALETTE.len()], false))
            .collect()
    } else {
        Vec::new()
    };
    let plot_top = heading(c, x, top, width, chart, &legend);
    let bar = 2.6;
    let row = bar * series.len().max(1) as f32 + 2.2;
    let plot_height = row * categories.len() as f32;
    let bottom = plot_top - plot_height;
    let height = top - bottom + 10.0;
    if !has_data(&chart.plot) {
        empty_panel(c, x, plot_top, width, plot_top - 20.0, &chart.empty);
        return top - plot_top + 22.0;
    }
    let label_width = categories
        .iter()
        .map(|l| c.fonts.width(l, 7.5, false))
        .fold(0.0, f32::max)
        .min(width * 0.35)
        + 2.0;
    let all = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (lo, hi) = extent(all).unwrap_or((0.0, 1.0));
    let xt = ticks(lo.min(0.0), hi.max(0.0), 5);
    let area = (x + label_width, x + width - 8.0, bottom, plot_top);
    let f = axes(c, chart, area, xt, None, true);
    for (i, label) in categories.iter().enumerate() {
        let row_top = plot_top - row * i as f32;
        let text = c.fonts.fit(label, 7.5, false, label_width - 2.0);
        c.text(
            area.0 - 1.5,
            row_top - row / 2.0 - 1.2,
            &text,
            7.5,
            false,
            INK,
            Align::Right,
        );
        for (k, s) in series.iter().enumerate() {
            let Some(Some(v)) = s.values.get(i) else {
                continue;
            };
            let y = row_top - 1.1 - bar * (k as f32 + 1.0);
            let (a, b) = (f.x.at(0f64.max(xt.0)), f.x.at(*v));
            c.rect(
                a.min(b),
                y + 0.2,
                (b - a).abs(),
                bar - 0.4,
                PALETTE[k % PALETTE.len()],
            );
            c.text(
                a.max(b) + 0.8,
                y + 0.5,
                &number(*v, 0.1, &chart.decimal),
                6.5,
                false,
                MUTED,
                Align::Left,
            );
        }
    }
    height
}

fn attainment(
    c: &mut Canvas,
    x: f32,
    top: f32,
    width: f32,
    chart: &Chart,
    panels: &[AttainmentPanel],
) -> f32 {
    let plot_top = heading(c, x, top, width, chart, &[]);
    let bottom = top - chart.height;
    if panels.is_empty() {
        empty_panel(c, x, plot_top, width, bottom + 2.0, &chart.empty);
        return chart.height;
    }
    let gap = 6.0;
    let panel_width = (width - gap * (panels.len() as f32 - 1.0)) / panels.len() as f32;
    for (i, panel) in panels.iter().enumerate() {
        let left = x + i as f32 * (panel_width + gap);
        let title = c.fonts.fit(&panel.title, 8.0, true, panel_width);
        c.text(left, plot_top - 3.0, &title, 8.0, true, INK, Align::Left);
        let area = (
            left + 8.0,
            left + panel_width - 2.0,
            bottom + 10.0,
            plot_top - 6.0,
        );
        let xs = panel
            .curve
            .iter()
            .map(|p| p[0])
            .chain(panel.point.map(|p| p[0]));
        let Some((lo, hi)) = extent(xs) else { continue };
        let pad = (hi - lo) * 0.12;
        let xt = ticks(lo - pad, hi + pad, 4);
        let ys = panel
            .curve
            .iter()
            .map(|p| p[1])
            .chain(panel.point.map(|p| p[1]));
        let y_hi = extent(ys).map_or(1.5, |e| e.1);
        let f = axes(c, chart, area, xt, Some(ticks(0.0, y_hi, 3)), true);
        let mut curve = vec![(
            f.x.at(xt.0),
            f.y.at(panel.curve.first().map_or(0.0, |p| p[1])),
        )];
        curve.extend(panel.curve.iter().map(|p| (f.x.at(p[0]), f.y.at(p[1]))));
        if let Some(last) = panel.curve.last() {
            curve.push((f.x.at(xt.1), f.y.at(last[1])));
        }
        c.line(curve, 0.8, ORANGE, false);
        for m in &panel.markers {
            c.text(
                f.x.at(m.value),
                area.3 + 0.4,
                &m.label,
                6.0,
                false,
                MUTED,
                Align::Centre,
            );
        }
        match panel.point {
            Some(p) => c.dot(f.x.at(p[0]), f.y.at(p[1]), 1.3, BLUE),
            None => {
                c.text(
                    (area.0 + area.1) / 2.0,
                    (area.2 + area.3) / 2.0,
                    &panel.note,
                    7.0,
                    false,
                    MUTED,
                    Align::Centre,
                );
            }
        }
    }
    chart.height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(61.3, 84.9, 6), (60.0, 85.0, 5.0));
        assert_eq!(ticks(0.0, 7.0, 4), (0.0, 8.0, 2.0));
        assert_eq!(ticks(0.2, 0.9, 4), (0.2, 1.0, 0.2));
        assert_eq!(tick_values(60.0, 85.0, 5.0).len(), 6);
    }

    #[test]
    fn tick_labels_use_the_reader_s_decimal_separator() {
        assert_eq!(number(0.5, 0.5, ","), "0,5");
        assert_eq!(number(75.0, 5.0, ","), "75");
        assert_eq!(number(-0.0001, 0.1, "."), "0.0");
    }
}
