//! Publishing the map: a figure with a title, the map as the window draws it (the same
//! [`crate::map::draw`] code into the same [`Scene`]), a legend, a scale bar, a north arrow,
//! the attribution and numbered source footnotes, written as PNG (pixels, on the CPU), SVG
//! or PDF (vectors and text). The window's File > Export map and `sortie render` both come
//! here. Sits on the map; below the panels, the app and the command line.

pub mod footnotes;
mod layout;
pub mod legend;
mod options;
pub mod scale;

use std::path::Path;

use egui::{Align2, Color32, Rect, pos2};

use crate::basemap::palette::BasemapPalette;
use crate::basemap::raster::{Mosaic, RasterSource};
use crate::dataset::Dataset;
use crate::geometry::mercator::Unit;
use crate::geometry::screen::ScreenTransform;
use crate::map::MapLayers;
use crate::map::draw::{self, Emphasis};
use crate::scene::font::Font;
use crate::scene::{Scene, SceneStats, Shape, Stroke, Tag};
use crate::theme::Palette;
pub use footnotes::{Footnote, Footnotes};
use layout::{
    CREDIT_SIZE, Ink, MARGIN, NOTE_SHARE, NoteLayout, blank_page, continuation_pages, credit_line,
    fit_text, view_for,
};
pub use options::{
    A4_LANDSCAPE, Extent, FigureBasemap, FigureFormat, FigureOptions, Parts,
    VECTOR_BASEMAP_PX_PER_PT,
};

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
                "{} is too small: it needs at least 200 × 150",
                sized(size)
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

        let y = title_band(&mut page, &title, options, &ink);

        // Credit line at the foot.
        let credit_h = font.row_height(CREDIT_SIZE);
        let credit_top = size.y - MARGIN - credit_h;

        // The map, then the footnotes below it.
        let notes_layout = NoteLayout::new(size.x - 2.0 * MARGIN);
        let full_map = Rect::from_min_max(pos2(MARGIN, y), pos2(size.x - MARGIN, credit_top - 8.0));
        let map_rect = map_above_notes(dataset, layers, options, full_map, &notes_layout);
        if map_rect.height() < 60.0 {
            return Err(format!("{} leaves no room for the map", sized(size)));
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
        if options.basemap == FigureBasemap::None {
            crate::map::graticule::graticule_scene(&mut page, &view, &palette);
        } else {
            let world = crate::world::World::shared();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            // The level walkers picks tiles at, so the detail is the window's.
            let level = zoom.round().clamp(0.0, 20.0) as u8;
            let scene =
                crate::basemap::render::world_scene(&world, &basemap_palette, &view, level, 1.0);
            page.extend(scene);
        }
        let basemap_items = basemap_start..page.items.len();
        crate::map::tint::tint_scene(&mut page, &view, &options.tinted_countries, &palette);
        let map_stats = MapPart {
            dataset,
            layers,
            options,
            view: &view,
            zoom,
            plan: &plan,
            drawn: &drawn,
            notes: &notes,
            rect: map_rect,
            palette: &palette,
            basemap_palette: &basemap_palette,
            ink: &ink,
        }
        .draw(&mut page);

        // Footnotes below the map; in a PDF those that do not fit go on further pages.
        let notes_rect = Rect::from_min_max(
            pos2(MARGIN, map_rect.bottom() + 10.0),
            pos2(size.x - MARGIN, credit_top - 8.0),
        );
        let (listed, more_pages) = notes_below(
            &mut page,
            notes_rect,
            &notes,
            &notes_layout,
            format,
            &title,
            &ink,
        );

        // Credit line.
        let credit_item = page.items.len();
        let credit = credit_line(match options.basemap {
            FigureBasemap::None => None,
            FigureBasemap::Offline => Some("Natural Earth · GeoNames"),
            // Until its tiles are drawn, the offline basemap without its names.
            FigureBasemap::Raster(_) => Some("Natural Earth"),
        });
        let at = pos2(size.x - MARGIN, credit_top);
        page.text(
            Tag::Attribution,
            at,
            Align2::RIGHT_TOP,
            credit,
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

/// The map of a figure, placed: what draws it over the basemap and the tints.
struct MapPart<'a> {
    dataset: &'a Dataset,
    layers: &'a MapLayers,
    options: &'a FigureOptions,
    view: &'a ScreenTransform,
    zoom: f64,
    plan: &'a crate::map::FramePlan,
    /// The features drawn one by one.
    drawn: &'a [usize],
    notes: &'a Footnotes,
    /// Where the map lies on the page.
    rect: Rect,
    palette: &'a Palette,
    basemap_palette: &'a BasemapPalette,
    ink: &'a Ink,
}

impl MapPart<'_> {
    /// Draws the features with their labels, the basemap's names, the scale bar, the north
    /// arrow and the legend, and the map's frame, on `page`; returns what the map drew.
    fn draw(&self, page: &mut Scene) -> SceneStats {
        let suffix = |i: usize| self.notes.label_suffix(i);
        let suffix = self
            .options
            .parts
            .footnotes
            .then_some(&suffix as draw::LabelSuffix<'_>);
        let features_with = |avoid: &[Rect]| {
            let mut features = Scene::new(page.size);
            let obstacles = draw::features_scene(
                &mut features,
                self.view,
                self.dataset,
                self.layers,
                self.plan,
                Emphasis {
                    selected: self.options.selected,
                    hovered: None,
                    highlighted: &[],
                },
                self.palette,
                draw::LabelRules { suffix, avoid },
            );
            (features, obstacles)
        };

        // What sits on the map: the scale bar (bottom left), the north arrow (top right),
        // and the legend in the corner where the features drawn freely would lose least.
        // Labels are then placed clear of all three.
        let inset = 10.0;
        let mut furniture: Vec<Rect> = Vec::new();
        let (scale_rect, north_rect) =
            scale::corners(self.view, self.rect, inset, self.options.parts);
        furniture.extend(scale_rect.iter().chain(north_rect.iter()));
        let entries = if self.options.parts.legend {
            legend::entries(
                self.dataset,
                self.layers,
                self.drawn,
                (self.plan.clusters.is_some(), self.plan.density.is_some()),
                self.options.selected,
                !self.notes.notes.is_empty(),
            )
        } else {
            Vec::new()
        };
        let legend_rect = (!entries.is_empty()).then(|| {
            let (_, free) = features_with(&furniture);
            legend::corner(self.rect, legend::size(&entries), inset, &free, &furniture)
        });
        furniture.extend(legend_rect.iter());
        let (features, mut obstacles) = features_with(&furniture);
        // The offline basemap's names; a raster basemap carries its own.
        if self.options.basemap == FigureBasemap::Offline {
            let labels = crate::basemap::labels_now();
            obstacles.extend(furniture.iter().copied());
            page.extend(labels.scene(self.view, self.zoom, &mut obstacles, self.basemap_palette));
        }
        let stats = features.stats();
        page.extend(features);
        if let Some(rect) = scale_rect {
            let nautical = self.options.parts.nautical;
            scale::scale_bar(
                page,
                self.view,
                rect,
                nautical,
                self.palette,
                self.ink.text,
                self.ink.paper,
            );
        }
        if let Some(rect) = north_rect {
            scale::north_arrow(page, rect, self.palette, self.ink.text);
        }
        if let Some(rect) = legend_rect {
            legend::scene(page, rect, &entries, self.palette, self.ink.text);
        }
        page.push(Tag::Background, Shape::Clip(None));
        page.rect(
            Tag::Background,
            self.rect,
            0.0,
            Color32::TRANSPARENT,
            Stroke::new(0.8, self.ink.muted),
        );
        stats
    }
}

/// "a figure of W × H", for messages.
fn sized(size: egui::Vec2) -> String {
    format!("a figure of {:.0} × {:.0}", size.x, size.y)
}

/// The map's part of `full`, above the footnotes of the features it would draw there: the
/// map's view decides which features are drawn, whose sources decide the footnotes' height,
/// which decides the map's.
fn map_above_notes(
    dataset: &Dataset,
    layers: &MapLayers,
    options: &FigureOptions,
    full: Rect,
    notes_layout: &NoteLayout,
) -> Rect {
    let mut notes_height = 0.0;
    if options.parts.footnotes {
        let (view, zoom) = view_for(options.extent, layers, full);
        let plan = layers.plan(&view, zoom);
        let drawn = drawn_features(&plan, layers, &view, options.selected);
        let first = Footnotes::number(dataset, &drawn);
        notes_height = notes_layout
            .height(first.notes.len())
            .min(options.size.y * NOTE_SHARE);
        if notes_height > 0.0 {
            notes_height += 10.0;
        }
    }
    Rect::from_min_max(full.min, pos2(full.right(), full.bottom() - notes_height))
}

/// The footnotes in `rect` under a heading; in a PDF, those that do not fit on further
/// pages. Returns how many are listed and the further pages.
fn notes_below(
    page: &mut Scene,
    rect: Rect,
    notes: &Footnotes,
    layout: &NoteLayout,
    format: FigureFormat,
    title: &str,
    ink: &Ink,
) -> (usize, Vec<Scene>) {
    let all = notes.notes.len();
    let shown = layout.fits(rect.height()).min(all);
    if all == 0 {
        return (shown, Vec::new());
    }
    let heading = if shown == all {
        "Sources".to_owned()
    } else if format == FigureFormat::Pdf {
        format!("Sources ({shown} of {all}; continued overleaf)")
    } else {
        format!("Sources ({shown} of {all}; export as PDF for the full list)")
    };
    layout.draw(page, rect, &heading, &notes.notes[..shown], ink);
    if format == FigureFormat::Pdf && shown < all {
        let more = continuation_pages(&notes.notes[shown..], page.size, title, ink);
        return (all, more);
    }
    (shown, Vec::new())
}

/// The title, and the date range under it when asked for, from the top margin; returns
/// where the map may start.
fn title_band(page: &mut Scene, title: &str, options: &FigureOptions, ink: &Ink) -> f32 {
    let width = page.size.x;
    let title_size = (width / 60.0).clamp(15.0, 26.0);
    let mut lines = vec![(
        fit_text(title, title_size, width - 2.0 * MARGIN),
        title_size,
        ink.text,
    )];
    if options.parts.date_range
        && let Some(range) = &options.date_range
    {
        lines.push((range.clone(), 12.0, ink.muted));
    }
    let mut y = MARGIN;
    for (i, (text, size, color)) in lines.into_iter().enumerate() {
        if i > 0 {
            y += 2.0;
        }
        let at = pos2(MARGIN, y);
        y += page
            .text(Tag::Title, at, Align2::LEFT_TOP, text, size, color)
            .height();
    }
    y + 10.0
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
