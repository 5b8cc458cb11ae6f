//! What a figure is asked for: its format, extent, parts, basemap and page, and how a
//! user's `--bbox` and `--page` read.

use std::path::Path;

use egui::{Vec2, vec2};

use crate::basemap::raster::RasterSource;
use crate::geometry::mercator::{self, Unit};

/// What a figure is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureFormat {
    /// Pixels, at a scale factor.
    Png,
    /// Vectors and text, for a graphics desk.
    Svg,
    /// Vectors, embedded fonts, clickable source links; footnotes that do not fit below
    /// the map continue on further pages.
    Pdf,
}

impl FigureFormat {
    /// The format a file name's extension names.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::parse(&ext)
    }

    /// `png`, `svg` or `pdf`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "png" => Some(Self::Png),
            "svg" => Some(Self::Svg),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    /// The extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
            Self::Pdf => "pdf",
        }
    }
}

/// Which part of the world the map shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Extent {
    /// Every feature, with a margin, as the window's first view.
    Fit,
    /// This rectangle of unit Web Mercator (min, max), filling the map.
    Bounds(Unit, Unit),
}

impl Extent {
    /// The extent of `--bbox W,S,E,N` (degrees).
    ///
    /// # Errors
    /// A message saying what is wrong with the box.
    pub fn from_bbox(text: &str) -> Result<Self, String> {
        let values: Vec<f64> = text
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("--bbox {text:?}: give four numbers, W,S,E,N in degrees"))?;
        let [w, s, e, n] = values[..] else {
            return Err(format!(
                "--bbox {text:?}: give four numbers, W,S,E,N in degrees (got {})",
                values.len()
            ));
        };
        if values.iter().any(|v| !v.is_finite()) {
            return Err(format!("--bbox {text:?}: the numbers must be finite"));
        }
        if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) {
            return Err(format!(
                "--bbox {text:?}: longitudes must lie between -180 and 180"
            ));
        }
        let max = mercator::MAX_LATITUDE_DEG;
        if !(-max..=max).contains(&s) || !(-max..=max).contains(&n) {
            return Err(format!(
                "--bbox {text:?}: latitudes must lie between -{max:.2} and {max:.2}"
            ));
        }
        if w >= e {
            return Err(format!(
                "--bbox {text:?}: west ({w}) must be less than east ({e})"
            ));
        }
        if s >= n {
            return Err(format!(
                "--bbox {text:?}: south ({s}) must be less than north ({n})"
            ));
        }
        let a = mercator::project(w, n);
        let b = mercator::project(e, s);
        Ok(Self::Bounds(a, b))
    }
}

/// Which parts of a figure to draw besides the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Parts {
    /// The legend.
    pub legend: bool,
    /// The scale bar.
    pub scale_bar: bool,
    /// A second scale bar in nautical miles.
    pub nautical: bool,
    /// The north arrow.
    pub north_arrow: bool,
    /// Source numbers on labels and the numbered list.
    pub footnotes: bool,
    /// The date range under the title, when one is set.
    pub date_range: bool,
}

impl Default for Parts {
    fn default() -> Self {
        Self {
            legend: true,
            scale_bar: true,
            nautical: false,
            north_arrow: true,
            footnotes: true,
            date_range: true,
        }
    }
}

/// What a figure's map is drawn on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FigureBasemap {
    /// A neutral background with a labelled graticule.
    None,
    /// The offline basemap (Natural Earth, GeoNames' city names), as vectors.
    Offline,
    /// Raster tiles over the offline basemap (without its names, as in the window), drawn
    /// into the figure by [`Figure::fetch_basemap`]; until then, the offline basemap.
    Raster(RasterSource),
}

impl From<&crate::map::Basemap> for FigureBasemap {
    /// The figure's basemap for the window's: the same tiles.
    fn from(basemap: &crate::map::Basemap) -> Self {
        use crate::map::Basemap;
        match basemap {
            Basemap::None => Self::None,
            Basemap::Offline => Self::Offline,
            Basemap::OpenStreetMap => Self::Raster(RasterSource::open_street_map()),
            Basemap::PmTiles(path) => Self::Raster(RasterSource::PmTiles(path.clone())),
        }
    }
}

/// How to make a figure.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureOptions {
    /// The page, in points (one PNG pixel per point at scale 1).
    pub size: Vec2,
    /// What the map shows.
    pub extent: Extent,
    /// Dark theme.
    pub dark: bool,
    /// What lies under the features.
    pub basemap: FigureBasemap,
    /// The title; the dataset's when `None`.
    pub title: Option<String>,
    /// What to draw besides the map.
    pub parts: Parts,
    /// The feature drawn as selected.
    pub selected: Option<usize>,
    /// The timeline's range, as words, when one is set.
    pub date_range: Option<String>,
    /// Countries to tint (those the selected route crosses).
    pub tinted_countries: Vec<String>,
}

impl Default for FigureOptions {
    fn default() -> Self {
        Self {
            size: vec2(1600.0, 1000.0),
            extent: Extent::Fit,
            dark: false,
            basemap: FigureBasemap::Offline,
            title: None,
            parts: Parts::default(),
            selected: None,
            date_range: None,
            tinted_countries: Vec::new(),
        }
    }
}

/// Pixels per point of a raster basemap in an SVG or a PDF (144 per inch).
pub const VECTOR_BASEMAP_PX_PER_PT: f32 = 2.0;

/// A4 landscape, in points: the PDF's default page.
pub const A4_LANDSCAPE: Vec2 = vec2(841.89, 595.28);
