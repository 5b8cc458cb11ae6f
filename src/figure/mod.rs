//! Publishing the map: a figure with a title, the map as the window draws it (the same
//! [`crate::map::draw`] code into the same [`Scene`]), a legend, a scale bar, a north arrow,
//! the attribution and numbered source footnotes, written as PNG (pixels, on the CPU), SVG
//! or PDF (vectors and text). The window's File > Export map and `sortie render` both come
//! here. Sits on the map; below the panels, the app and the command line.

pub mod footnotes;
pub mod legend;
pub mod scale;

use std::path::Path;

use egui::{Align2, Color32, Pos2, Rect, Vec2, pos2, vec2};

use crate::basemap::palette::BasemapPalette;
use crate::basemap::raster::{Mosaic, RasterSource};
use crate::dataset::Dataset;
use crate::geometry::mercator::{self, Unit};
use crate::geometry::screen::ScreenTransform;
use crate::map::MapLayers;
use crate::map::draw::{self, Emphasis};
use crate::scene::font::Font;
use crate::scene::{Scene, SceneStats, Shape, Stroke, Tag};
use crate::theme::Palette;
pub use footnotes::{Footnote, Footnotes};

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

/// A figure, ready to write.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The first page (the only one in PNG and SVG), then pages of footnotes that did not fit.
    pub pages: Vec<Scene>,
    /// The title.
    pub title: String,
    /// What the map draws (markers, lines, labels, clusters).
    pub map: SceneStats,
    /// The numbered sources.
    pub footnotes: Footnotes,
    /// The map's view (its rectangle is the map's place on the page).
    pub view: ScreenTransform,
    /// How many footnotes the first page lists (the rest are on later pages, or left out
    /// of a PNG or SVG with a line saying so).
    pub listed: usize,
    /// The raster basemap still to fetch, and where its offline stand-in lies in the
    /// first page's items.
    raster: Option<RasterSlot>,
}

/// Where a raster basemap goes on the first page.
#[derive(Clone, Debug)]
struct RasterSlot {
    source: RasterSource,
    /// The offline basemap's items, which the tiles' image replaces.
    items: std::ops::Range<usize>,
    /// The credit line's item.
    credit: usize,
    dark: bool,
}

/// The most pixels a PNG may have (about 0.8 GB of pixmap while it is drawn).
const MAX_PNG_PIXELS: f64 = 200e6;

/// Margin around the page, in points.
const MARGIN: f32 = 20.0;
/// Footnote text size.
const NOTE_SIZE: f32 = 8.5;
/// Width of a footnote column, at least.
const NOTE_COLUMN_MIN: f32 = 380.0;
/// The most of the page's height the footnotes take below the map.
const NOTE_SHARE: f32 = 0.34;
/// Credit line text size.
const CREDIT_SIZE: f32 = 9.0;

/// The colours of the page around the map.
struct Ink {
    paper: Color32,
    text: Color32,
    muted: Color32,
    link: Color32,
}

impl Ink {
    fn new(dark: bool) -> Self {
        if dark {
            Self {
                paper: Color32::from_rgb(0x15, 0x19, 0x1f),
                text: Color32::from_rgb(0xee, 0xf0, 0xf3),
                muted: Color32::from_rgb(0xa0, 0xa8, 0xb3),
                link: Color32::from_rgb(0x7c, 0xc4, 0xff),
            }
        } else {
            Self {
                paper: Color32::WHITE,
                text: Color32::from_rgb(0x1b, 0x1f, 0x24),
                muted: Color32::from_rgb(0x5b, 0x63, 0x6e),
                link: Color32::from_rgb(0x0b, 0x5c, 0xad),
            }
        }
    }
}

/// The map's transform for `extent` in `rect`, and its zoom.
fn view_for(extent: Extent, layers: &MapLayers, rect: Rect) -> (ScreenTransform, f64) {
    let (center, zoom) = match extent {
        Extent::Fit => layers.bounds().map_or(([0.5, 0.5], 1.0), |(min, max)| {
            crate::map::fit(min, max, rect.size(), crate::map::FIT_SHARE, (1.0, 16.0))
        }),
        Extent::Bounds(min, max) => crate::map::fit(min, max, rect.size(), 1.0, (0.0, 19.0)),
    };
    (ScreenTransform::new(rect, center, zoom), zoom)
}

/// A line cut to `width` points with an ellipsis.
fn fit_text(text: &str, size: f32, width: f32) -> String {
    let font = Font::shared();
    if font.measure(text, size).x <= width {
        return text.to_owned();
    }
    let ellipsis = font.advance('…', size);
    let mut out = String::new();
    let mut x = 0.0;
    for c in text.chars() {
        let a = font.advance(c, size);
        if x + a + ellipsis > width {
            break;
        }
        out.push(c);
        x += a;
    }
    out.push('…');
    out
}

/// How footnotes are set in columns.
struct NoteLayout {
    columns: usize,
    column_width: f32,
    entry_height: f32,
}

impl NoteLayout {
    fn new(width: f32) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let columns = ((width / NOTE_COLUMN_MIN).floor() as usize).clamp(1, 3);
        #[allow(clippy::cast_precision_loss)]
        let column_width = (width - 16.0 * (columns as f32 - 1.0)) / columns as f32;
        let row = Font::shared().row_height(NOTE_SIZE);
        Self {
            columns,
            column_width,
            entry_height: row * 2.0 + 3.0,
        }
    }

    fn heading_height() -> f32 {
        Font::shared().row_height(10.5) + 4.0
    }

    /// The height `n` entries take (with the heading).
    #[allow(clippy::cast_precision_loss)]
    fn height(&self, n: usize) -> f32 {
        if n == 0 {
            return 0.0;
        }
        Self::heading_height() + n.div_ceil(self.columns) as f32 * self.entry_height
    }

    /// How many entries fit in `height` (with the heading).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn fits(&self, height: f32) -> usize {
        // A hair of slack, so that the height `height(n)` gave holds those n.
        let rows = ((height - Self::heading_height()) / self.entry_height + 1e-3).floor();
        if rows <= 0.0 {
            0
        } else {
            rows as usize * self.columns
        }
    }

    /// Sets `notes` in `rect`, column by column, under `heading`.
    fn draw(&self, scene: &mut Scene, rect: Rect, heading: &str, notes: &[Footnote], ink: &Ink) {
        scene.text(
            Tag::Footnotes,
            rect.left_top(),
            Align2::LEFT_TOP,
            heading,
            10.5,
            ink.text,
        );
        let top = rect.top() + Self::heading_height();
        let per_column = notes.len().div_ceil(self.columns).max(1);
        let row = Font::shared().row_height(NOTE_SIZE);
        for (k, note) in notes.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let (col, line) = ((k / per_column) as f32, (k % per_column) as f32);
            let x = rect.left() + col * (self.column_width + 16.0);
            let y = top + line * self.entry_height;
            scene.text(
                Tag::Footnotes,
                pos2(x, y),
                Align2::LEFT_TOP,
                fit_text(&note.heading(), NOTE_SIZE, self.column_width),
                NOTE_SIZE,
                ink.text,
            );
            let indent = 12.0;
            scene.text(
                Tag::Footnotes,
                pos2(x + indent, y + row),
                Align2::LEFT_TOP,
                fit_text(&note.address_line(), NOTE_SIZE, self.column_width - indent),
                NOTE_SIZE,
                if note.url().is_some() {
                    ink.link
                } else {
                    ink.muted
                },
            );
            if let Some(url) = note.url() {
                scene.link_last(url);
            }
        }
    }
}

/// The features a plan draws one by one, with the selected one when it is in view (the map
/// draws it even where it would otherwise be in a cluster).
fn drawn_features(
    plan: &crate::map::FramePlan,
    layers: &MapLayers,
    view: &ScreenTransform,
    selected: Option<usize>,
) -> Vec<usize> {
    let mut drawn: Vec<usize> = plan
        .features()
        .into_iter()
        .filter(|&i| layers.is_drawn(i) && layers.is_shown(i))
        .collect();
    let (min, max) = view.visible_unit_rect();
    let inside = |u: &Unit| u[0] >= min[0] && u[0] <= max[0] && u[1] >= min[1] && u[1] <= max[1];
    // A line is in view when one of its chords' boxes is (grown, for a geodesic track, by
    // how far the great circle bows): its vertices may all lie outside a close view.
    let chord_meets = |a: &Unit, b: &Unit, grow: f64| {
        let g = grow * (b[0] - a[0]).hypot(b[1] - a[1]);
        a[0].min(b[0]) - g <= max[0]
            && a[0].max(b[0]) + g >= min[0]
            && a[1].min(b[1]) - g <= max[1]
            && a[1].max(b[1]) + g >= min[1]
    };
    if let Some(i) = selected
        && layers.is_drawn(i)
        && layers.is_shown(i)
        && let Some(shape) = layers.shape(i)
        && (shape.points.iter().any(inside)
            || shape.lines.iter().any(|l| {
                let grow = if shape.geodesic {
                    crate::geometry::geodesic::CHORD_BULGE
                } else {
                    0.0
                };
                l.windows(2).any(|w| chord_meets(&w[0], &w[1], grow))
                    || l.first().is_some_and(inside)
            })
            || shape.polygons.iter().flatten().flatten().any(inside))
        && let Err(at) = drawn.binary_search(&i)
    {
        drawn.insert(at, i);
    }
    drawn
}

impl Figure {
    /// Lays out a figure of `dataset` for `format`.
    ///
    /// # Errors
    /// When the page is too small to hold a map.
    pub fn build(
        dataset: &Dataset,
        layers: &MapLayers,
        options: &FigureOptions,
        format: FigureFormat,
    ) -> Result<Self, String> {
        let size = options.size;
        if size.x < 200.0 || size.y < 150.0 || !size.x.is_finite() || !size.y.is_finite() {
            return Err(format!(
                "a figure of {:.0} × {:.0} is too small: it needs at least 200 × 150",
                size.x, size.y
            ));
        }
        let ink = Ink::new(options.dark);
        let palette = Palette::for_dark_mode(options.dark);
        let title = options
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| default_title(dataset));
        let font = Font::shared();
        let mut page = blank_page(size, &ink);

        // Title band.
        let title_size = (size.x / 60.0).clamp(15.0, 26.0);
        let mut y = MARGIN;
        let title_text = fit_text(&title, title_size, size.x - 2.0 * MARGIN);
        y += page
            .text(
                Tag::Title,
                pos2(MARGIN, y),
                Align2::LEFT_TOP,
                title_text,
                title_size,
                ink.text,
            )
            .height();
        if options.parts.date_range
            && let Some(range) = &options.date_range
        {
            y += 2.0;
            y += page
                .text(
                    Tag::Title,
                    pos2(MARGIN, y),
                    Align2::LEFT_TOP,
                    range.as_str(),
                    12.0,
                    ink.muted,
                )
                .height();
        }
        y += 10.0;

        // Credit line at the foot.
        let credit_h = font.row_height(CREDIT_SIZE);
        let credit_top = size.y - MARGIN - credit_h;

        // The map, then the footnotes below it: the map's view decides which features are
        // drawn, whose sources decide the footnotes' height, which decides the map's.
        let notes_layout = NoteLayout::new(size.x - 2.0 * MARGIN);
        let full_map = Rect::from_min_max(pos2(MARGIN, y), pos2(size.x - MARGIN, credit_top - 8.0));
        let emphasis = Emphasis {
            selected: options.selected,
            hovered: None,
            highlighted: &[],
        };
        let mut notes_height = 0.0;
        if options.parts.footnotes {
            let (view, zoom) = view_for(options.extent, layers, full_map);
            let plan = layers.plan(&view, zoom);
            let first = Footnotes::number(
                dataset,
                &drawn_features(&plan, layers, &view, options.selected),
            );
            notes_height = notes_layout
                .height(first.notes.len())
                .min(size.y * NOTE_SHARE);
            if notes_height > 0.0 {
                notes_height += 10.0;
            }
        }
        let map_rect = Rect::from_min_max(
            full_map.min,
            pos2(full_map.right(), full_map.bottom() - notes_height),
        );
        if map_rect.height() < 60.0 {
            return Err(format!(
                "a figure of {:.0} × {:.0} leaves no room for the map",
                size.x, size.y
            ));
        }
        let (view, zoom) = view_for(options.extent, layers, map_rect);
        let plan = layers.plan(&view, zoom);
        let drawn = drawn_features(&plan, layers, &view, options.selected);
        let notes = if options.parts.footnotes {
            Footnotes::number(dataset, &drawn)
        } else {
            Footnotes::default()
        };

        // The map: basemap, tints, names under the features, features, then what sits on it.
        page.push(Tag::Background, Shape::Clip(Some(map_rect)));
        let basemap_palette = BasemapPalette::for_dark_mode(options.dark);
        let basemap_start = page.items.len();
        if options.basemap != FigureBasemap::None {
            let world = crate::world::World::shared();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            // The level walkers picks tiles at, so the detail is the window's.
            let level = zoom.round().clamp(0.0, 20.0) as u8;
            page.extend(crate::basemap::render::world_scene(
                &world,
                &basemap_palette,
                &view,
                level,
                1.0,
            ));
        }
        let basemap_items = basemap_start..page.items.len();
        if options.basemap != FigureBasemap::None {
            tint_scene(&mut page, &view, &options.tinted_countries, &palette);
        } else {
            crate::map::graticule::graticule_scene(&mut page, &view, &palette);
            tint_scene(&mut page, &view, &options.tinted_countries, &palette);
        }
        let suffix = |i: usize| notes.label_suffix(i);
        let suffix = options
            .parts
            .footnotes
            .then_some(&suffix as draw::LabelSuffix<'_>);
        let features_with = |avoid: &[Rect]| {
            let mut features = Scene::new(size);
            let obstacles = draw::features_scene(
                &mut features,
                &view,
                dataset,
                layers,
                &plan,
                emphasis,
                &palette,
                draw::LabelRules { suffix, avoid },
            );
            (features, obstacles)
        };

        // What sits on the map: the scale bar (bottom left), the north arrow (top right),
        // and the legend in the corner where the features drawn freely would lose least.
        // Labels are then placed clear of all three.
        let inset = 10.0;
        let mut furniture: Vec<Rect> = Vec::new();
        let scale_rect = options.parts.scale_bar.then(|| {
            let s = scale::size(&view, options.parts.nautical);
            Rect::from_min_size(
                pos2(map_rect.left() + inset, map_rect.bottom() - inset - s.y),
                s,
            )
        });
        let north_rect = options.parts.north_arrow.then(|| {
            Rect::from_min_size(
                pos2(
                    map_rect.right() - inset - scale::NORTH_SIZE.x,
                    map_rect.top() + inset,
                ),
                scale::NORTH_SIZE,
            )
        });
        furniture.extend(scale_rect.iter().chain(north_rect.iter()));
        let entries = if options.parts.legend {
            legend::entries(
                dataset,
                layers,
                &drawn,
                (plan.clusters.is_some(), plan.density.is_some()),
                options.selected,
                !notes.notes.is_empty(),
            )
        } else {
            Vec::new()
        };
        let legend_rect = (!entries.is_empty()).then(|| {
            let (_, free) = features_with(&furniture);
            legend::corner(map_rect, legend::size(&entries), inset, &free, &furniture)
        });
        furniture.extend(legend_rect.iter());
        let (features, mut obstacles) = features_with(&furniture);
        // The offline basemap's names; a raster basemap carries its own.
        if options.basemap == FigureBasemap::Offline {
            let labels = crate::basemap::labels_now();
            obstacles.extend(furniture.iter().copied());
            page.extend(labels.scene(&view, zoom, &mut obstacles, &basemap_palette));
        }
        let map_stats = features.stats();
        page.extend(features);
        if let Some(rect) = scale_rect {
            scale::scale_bar(
                &mut page,
                &view,
                rect,
                options.parts.nautical,
                &palette,
                ink.text,
                ink.paper,
            );
        }
        if let Some(rect) = north_rect {
            scale::north_arrow(&mut page, rect, &palette, ink.text);
        }
        if let Some(rect) = legend_rect {
            legend::scene(&mut page, rect, &entries, &palette, ink.text);
        }
        page.push(Tag::Background, Shape::Clip(None));
        page.rect(
            Tag::Background,
            map_rect,
            0.0,
            Color32::TRANSPARENT,
            Stroke::new(0.8, ink.muted),
        );

        // Footnotes below the map; in a PDF those that do not fit go on further pages.
        let notes_rect = Rect::from_min_max(
            pos2(MARGIN, map_rect.bottom() + 10.0),
            pos2(size.x - MARGIN, credit_top - 8.0),
        );
        let fit_first = notes_layout
            .fits(notes_rect.height())
            .min(notes.notes.len());
        let overflow = notes.notes.len() - fit_first;
        let mut listed = fit_first;
        let mut more_pages = Vec::new();
        if !notes.notes.is_empty() {
            let (shown, heading) = if overflow == 0 {
                (fit_first, "Sources".to_owned())
            } else if format == FigureFormat::Pdf {
                (
                    fit_first,
                    format!(
                        "Sources ({fit_first} of {}; continued overleaf)",
                        notes.notes.len()
                    ),
                )
            } else {
                (
                    fit_first,
                    format!(
                        "Sources ({fit_first} of {}; export as PDF for the full list)",
                        notes.notes.len()
                    ),
                )
            };
            listed = shown;
            notes_layout.draw(&mut page, notes_rect, &heading, &notes.notes[..shown], &ink);
            if format == FigureFormat::Pdf && overflow > 0 {
                more_pages = continuation_pages(&notes.notes[shown..], size, &title, &ink);
                listed = notes.notes.len();
            }
        }

        // Credit line.
        let credit_item = page.items.len();
        page.text(
            Tag::Attribution,
            pos2(size.x - MARGIN, credit_top),
            Align2::RIGHT_TOP,
            credit_line(match options.basemap {
                FigureBasemap::None => None,
                FigureBasemap::Offline => Some("Natural Earth · GeoNames"),
                // Until its tiles are drawn, the offline basemap without its names.
                FigureBasemap::Raster(_) => Some("Natural Earth"),
            }),
            CREDIT_SIZE,
            ink.muted,
        );
        let raster = match &options.basemap {
            FigureBasemap::Raster(source) => Some(RasterSlot {
                source: source.clone(),
                items: basemap_items,
                credit: credit_item,
                dark: options.dark,
            }),
            _ => None,
        };
        let mut pages = vec![page];
        pages.extend(more_pages);
        Ok(Self {
            pages,
            title,
            map: map_stats,
            footnotes: notes,
            view,
            listed,
            raster,
        })
    }

    /// Fetches the tiles of a raster basemap ([`FigureBasemap::Raster`]) and draws them in
    /// place of the offline basemap, at `px_per_pt` pixels per point (a PNG's scale; 2 for
    /// SVG and PDF), crediting their source. Does nothing for other basemaps. Reads files
    /// or the network: call it on the thread that writes the figure.
    ///
    /// Returns what was drawn, or `None` when there was nothing to fetch.
    ///
    /// # Errors
    /// When the source cannot be opened at all; the figure keeps its offline basemap.
    pub fn fetch_basemap(&mut self, px_per_pt: f32) -> Result<Option<Mosaic>, String> {
        let Some(slot) = self.raster.take() else {
            return Ok(None);
        };
        let palette = BasemapPalette::for_dark_mode(slot.dark);
        let (image, mosaic) =
            crate::basemap::raster::mosaic(&slot.source, &self.view, px_per_pt, &palette)?;
        let page = &mut self.pages[0];
        let image = crate::scene::Item {
            tag: Tag::Basemap,
            shape: Shape::Image {
                rect: self.view.rect,
                image: std::sync::Arc::new(image),
            },
        };
        // Over a raster basemap the offline place names are not drawn: no GeoNames.
        let credit = if mosaic.drawn == 0 {
            "Natural Earth".to_owned()
        } else if mosaic.drawn < mosaic.tiles {
            format!("{} · Natural Earth where tiles are missing", mosaic.credit)
        } else {
            mosaic.credit.clone()
        };
        if let Some(item) = page.items.get_mut(slot.credit)
            && let Shape::Text(text) = &mut item.shape
        {
            let right = text.pos.x + Font::shared().measure(&text.text, text.size).x;
            text.text = credit_line(Some(&credit));
            text.pos.x = right - Font::shared().measure(&text.text, text.size).x;
        }
        page.items.splice(slot.items, [image]);
        Ok(Some(mosaic))
    }

    /// The PNG of the first page at `scale` pixels per point.
    ///
    /// # Errors
    /// When the pixmap cannot be made (too large) or encoded.
    pub fn png(&self, scale: f32) -> Result<Vec<u8>, String> {
        let page = &self.pages[0];
        let pixels = f64::from(page.size.x * scale) * f64::from(page.size.y * scale);
        if pixels > MAX_PNG_PIXELS {
            return Err(format!(
                "a PNG of {:.0} × {:.0} pixels ({:.0} megapixels) is too large: at most {:.0} \
                 megapixels; lower the size or the scale, or write an SVG or a PDF",
                page.size.x * scale,
                page.size.y * scale,
                pixels / 1e6,
                MAX_PNG_PIXELS / 1e6
            ));
        }
        let pixmap = crate::scene::raster::render(page, scale).ok_or_else(|| {
            format!(
                "a PNG of {:.0} × {:.0} pixels is too large",
                page.size.x * scale,
                page.size.y * scale
            )
        })?;
        pixmap
            .encode_png()
            .map_err(|e| format!("the PNG could not be encoded: {e}"))
    }

    /// The SVG of the first page.
    pub fn svg(&self) -> String {
        crate::scene::svg::to_svg(&self.pages[0], &self.title)
    }

    /// The PDF of every page.
    ///
    /// # Errors
    /// When krilla cannot write it.
    pub fn pdf(&self) -> Result<Vec<u8>, String> {
        crate::scene::pdf::to_pdf(&self.pages, &self.title)
    }

    /// Writes the figure to `path` in `format` (PNG at `scale`), through a temporary file
    /// renamed into place.
    ///
    /// # Errors
    /// A message naming the file.
    pub fn write(&self, path: &Path, format: FigureFormat, scale: f32) -> Result<(), String> {
        let bytes = match format {
            FigureFormat::Png => self.png(scale)?,
            FigureFormat::Svg => self.svg().into_bytes(),
            FigureFormat::Pdf => self.pdf()?,
        };
        crate::dataset::formats::write_atomically(path, |w| std::io::Write::write_all(w, &bytes))
            .map_err(|e| e.to_string())
    }
}

/// The credit line at the foot of a figure.
fn credit_line(basemap: Option<&str>) -> String {
    match basemap {
        Some(basemap) => format!("Basemap: {basemap}  ·  Made with Sortie"),
        None => "Made with Sortie".to_owned(),
    }
}

/// A dataset's title for a figure: the collection's `name` or `title` member, else its
/// file's name.
pub fn default_title(dataset: &Dataset) -> String {
    dataset
        .foreign_members
        .iter()
        .find(|(k, _)| k == "name" || k == "title")
        .and_then(|(_, v)| v.as_str())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or_else(|| dataset.title.clone(), str::to_owned)
}

/// A page of paper colour.
fn blank_page(size: Vec2, ink: &Ink) -> Scene {
    let mut page = Scene::new(size);
    page.rect(
        Tag::Background,
        Rect::from_min_size(Pos2::ZERO, size),
        0.0,
        ink.paper,
        Stroke::NONE,
    );
    page
}

/// Pages listing the footnotes that did not fit under the map.
fn continuation_pages(notes: &[Footnote], size: Vec2, title: &str, ink: &Ink) -> Vec<Scene> {
    let layout = NoteLayout::new(size.x - 2.0 * MARGIN);
    let area = Rect::from_min_max(pos2(MARGIN, MARGIN), pos2(size.x - MARGIN, size.y - MARGIN));
    let per_page = layout.fits(area.height()).max(1);
    notes
        .chunks(per_page)
        .map(|chunk| {
            let mut page = blank_page(size, ink);
            let heading = fit_text(&format!("Sources, continued: {title}"), 10.5, area.width());
            layout.draw(&mut page, area, &heading, chunk, ink);
            page
        })
        .collect()
}

/// Countries tinted as the window tints those a selected route crosses.
fn tint_scene(scene: &mut Scene, view: &ScreenTransform, names: &[String], palette: &Palette) {
    if names.is_empty() {
        return;
    }
    let world = crate::world::World::shared();
    let color = palette.selection.gamma_multiply(0.14);
    for country in world
        .medium
        .countries
        .iter()
        .filter(|c| names.contains(&c.name))
    {
        for polygon in &country.polygons {
            let parts: Vec<Vec<Pos2>> = polygon
                .rings
                .iter()
                .map(|r| {
                    r.points
                        .iter()
                        .map(|p| view.to_screen([f64::from(p[0]), f64::from(p[1])]))
                        .collect()
                })
                .collect();
            scene.push(
                Tag::Tint,
                Shape::Path {
                    parts,
                    closed: true,
                    fill: color,
                    stroke: Stroke::NONE,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_checked() {
        assert!(matches!(
            Extent::from_bbox("30,25,60,45"),
            Ok(Extent::Bounds(..))
        ));
        for (bad, says) in [
            ("30,25,60", "four numbers"),
            ("30,25,60,x", "four numbers"),
            ("60,25,30,45", "west (60) must be less than east (30)"),
            ("30,45,60,25", "south (45) must be less than north (25)"),
            ("30,25,200,45", "longitudes"),
            ("30,-89,60,45", "latitudes"),
            ("30,25,inf,45", "finite"),
        ] {
            let err = Extent::from_bbox(bad).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn long_lines_are_cut() {
        let long = "x".repeat(400);
        let cut = fit_text(&long, 10.0, 100.0);
        assert!(cut.ends_with('…'));
        assert!(Font::shared().measure(&cut, 10.0).x <= 100.0);
        assert_eq!(fit_text("short", 10.0, 100.0), "short");
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            FigureFormat::from_path(Path::new("a/b.PNG")),
            Some(FigureFormat::Png)
        );
        assert_eq!(
            FigureFormat::from_path(Path::new("b.svg")),
            Some(FigureFormat::Svg)
        );
        assert_eq!(FigureFormat::from_path(Path::new("b.tiff")), None);
    }
}
