//! The colours and sizes our features and panels are drawn with, for the light and the dark
//! theme: by kind, claim status and simplestyle. Knows the model's kinds, nothing that
//! draws; the basemap's own colours are in `basemap::palette`.

use egui::Color32;

use crate::dataset::{ClaimStatus, FeatureKind, MarkerSize, Rgb};

/// The colours the map and panels draw with.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    /// Map background where no tile is drawn.
    pub map_background: Color32,
    /// Graticule lines.
    pub graticule: Color32,
    /// Graticule labels.
    pub graticule_text: Color32,
    /// Label text on the map.
    pub label_text: Color32,
    /// Halo behind map labels.
    pub label_halo: Color32,
    /// Outline around markers.
    pub marker_outline: Color32,
    /// Selection ring and highlight.
    pub selection: Color32,
    /// Hover highlight.
    pub hover: Color32,
    /// Uncertainty circles.
    pub uncertainty: Color32,
    /// Disc of a cluster of points.
    pub cluster_fill: Color32,
    /// Count on a cluster.
    pub cluster_text: Color32,
}

impl Palette {
    /// The palette for a theme.
    pub fn for_dark_mode(dark: bool) -> Self {
        if dark {
            Self {
                map_background: Color32::from_rgb(0x1d, 0x22, 0x2a),
                graticule: Color32::from_rgb(0x33, 0x3b, 0x47),
                graticule_text: Color32::from_rgb(0x7a, 0x85, 0x94),
                label_text: Color32::from_rgb(0xf0, 0xf2, 0xf5),
                label_halo: Color32::from_rgba_unmultiplied(0x10, 0x14, 0x1a, 0xd0),
                marker_outline: Color32::from_rgb(0x10, 0x14, 0x1a),
                selection: Color32::from_rgb(0x4d, 0xc3, 0xff),
                hover: Color32::from_rgb(0xff, 0xe0, 0x66),
                uncertainty: Color32::from_rgba_unmultiplied(0xff, 0xff, 0xff, 0x60),
                cluster_fill: Color32::from_rgba_unmultiplied(0xe0, 0x55, 0x4a, 0xd8),
                cluster_text: Color32::WHITE,
            }
        } else {
            Self {
                map_background: Color32::from_rgb(0xe9, 0xed, 0xf1),
                graticule: Color32::from_rgb(0xcf, 0xd6, 0xde),
                graticule_text: Color32::from_rgb(0x80, 0x8a, 0x96),
                label_text: Color32::from_rgb(0x1b, 0x1f, 0x24),
                label_halo: Color32::from_rgba_unmultiplied(0xff, 0xff, 0xff, 0xd0),
                marker_outline: Color32::WHITE,
                selection: Color32::from_rgb(0x00, 0x6e, 0xd6),
                hover: Color32::from_rgb(0xd9, 0x8e, 0x00),
                uncertainty: Color32::from_rgba_unmultiplied(0x30, 0x30, 0x30, 0x50),
                cluster_fill: Color32::from_rgba_unmultiplied(0xc0, 0x2f, 0x2f, 0xd8),
                cluster_text: Color32::WHITE,
            }
        }
    }
}

/// The colour a kind is drawn in when the file gives none.
pub fn kind_color(kind: FeatureKind) -> Color32 {
    rgb(crate::dataset::kind_rgb(kind))
}

/// A dataset colour as an egui colour.
pub fn rgb(color: Rgb) -> Color32 {
    let [r, g, b] = color.0;
    Color32::from_rgb(r, g, b)
}

/// Marker radius in points for a simplestyle size.
pub fn marker_radius_px(size: MarkerSize) -> f32 {
    match size {
        MarkerSize::Small => 4.5,
        MarkerSize::Medium => 6.5,
        MarkerSize::Large => 9.0,
    }
}

/// Background colour of a claim-status badge.
pub fn status_color(status: Option<ClaimStatus>) -> Color32 {
    match status {
        Some(ClaimStatus::Confirmed) => Color32::from_rgb(0x2e, 0x7d, 0x32),
        Some(ClaimStatus::Claimed) => Color32::from_rgb(0xb2, 0x6a, 0x00),
        Some(ClaimStatus::Reported) => Color32::from_rgb(0x45, 0x5a, 0x78),
        Some(ClaimStatus::Disputed) => Color32::from_rgb(0x8e, 0x3b, 0xa8),
        Some(ClaimStatus::Denied) => Color32::from_rgb(0xb7, 0x1c, 0x1c),
        Some(ClaimStatus::Inferred) => Color32::from_rgb(0x00, 0x69, 0x5c),
        None => Color32::from_rgb(0x70, 0x70, 0x70),
    }
}

/// Extra distance around a shape within which the pointer still picks it, in points.
pub const PICK_TOLERANCE_PX: f32 = 4.0;
/// Default route line width in points (simplestyle's default of 2 reads thin on a map).
pub const ROUTE_WIDTH_PX: f32 = 2.5;
