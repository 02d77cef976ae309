//! The chart model: what a briefing plots, as typed values. `report` builds them from the
//! figures and `render` draws them; a chart that does not fit the model does not compile.
//! It depends on nothing else of xbrief's, so both stages can share it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub label: String,
    pub value: f64,
}

/// A limit drawn as one or more polylines (the funnel's upper and lower branches).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    pub label: String,
    pub branches: Vec<Vec<[f64; 2]>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub label: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub label: String,
    pub at: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttainmentPanel {
    pub title: String,
    /// (value, attainment) corners of the payout curve.
    pub curve: Vec<[f64; 2]>,
    /// Threshold, target and maximum.
    pub markers: Vec<Marker>,
    /// The site's value and attainment, when the component counts.
    pub point: Option<[f64; 2]>,
    /// Why there is no point (too few responses, …).
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Plot {
    Histogram {
        values: Vec<f64>,
        #[serde(default)]
        markers: Vec<Marker>,
        bar_label: String,
    },
    Funnel {
        points: Vec<[f64; 2]>,
        points_label: String,
        centre: Option<Marker>,
        limits: Vec<Curve>,
        highlight: Option<Highlight>,
    },
    Scatter {
        points: Vec<[f64; 2]>,
        points_label: String,
        x_median: Option<f64>,
        y_median: Option<f64>,
        /// Top right, top left, bottom right, bottom left.
        quadrants: Vec<String>,
        highlight: Option<Highlight>,
    },
    Lines {
        categories: Vec<String>,
        series: Vec<Series>,
    },
    Bars {
        categories: Vec<String>,
        series: Vec<Series>,
    },
    Attainment {
        panels: Vec<AttainmentPanel>,
    },
}
