//! The offline basemap's colours, light and dark. Knows nothing of the dataset or its kinds.

use egui::Color32;

/// Colours of the offline basemap, muted so that routes and markers stand out (in the
/// spirit of CARTO's Positron and Dark Matter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasemapPalette {
    /// Sea and lakes.
    pub water: [u8; 3],
    /// Land.
    pub land: [u8; 3],
    /// Coastlines.
    pub coast: [u8; 3],
    /// Borders between countries.
    pub border: [u8; 3],
    /// Rivers.
    pub river: [u8; 3],
    /// Country names.
    pub country_label: Color32,
    /// City names.
    pub city_label: Color32,
    /// City dots.
    pub city_dot: Color32,
    /// Halo behind basemap labels.
    pub label_halo: Color32,
}

impl BasemapPalette {
    /// The palette for a theme.
    pub fn for_dark_mode(dark: bool) -> Self {
        if dark {
            Self {
                water: [0x1a, 0x1f, 0x26],
                land: [0x2d, 0x31, 0x36],
                coast: [0x3e, 0x46, 0x50],
                border: [0x5a, 0x60, 0x68],
                river: [0x26, 0x2e, 0x38],
                country_label: Color32::from_rgb(0x8e, 0x95, 0x9e),
                city_label: Color32::from_rgb(0xb0, 0xb6, 0xbd),
                city_dot: Color32::from_rgb(0x80, 0x86, 0x8d),
                label_halo: Color32::from_rgba_unmultiplied(0x1a, 0x1f, 0x26, 0xb0),
            }
        } else {
            Self {
                water: [0xd4, 0xdd, 0xe2],
                land: [0xf5, 0xf5, 0xf3],
                coast: [0xb7, 0xc4, 0xcc],
                border: [0xbd, 0xb8, 0xc2],
                river: [0xc9, 0xd6, 0xdd],
                country_label: Color32::from_rgb(0x8c, 0x8c, 0x92),
                city_label: Color32::from_rgb(0x6a, 0x6e, 0x74),
                city_dot: Color32::from_rgb(0x9a, 0x9e, 0xa4),
                label_halo: Color32::from_rgba_unmultiplied(0xf5, 0xf5, 0xf3, 0xb0),
            }
        }
    }
}
