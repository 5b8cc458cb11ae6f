//! The page around the map: margins and text sizes, the page's ink, the map's transform
//! for an extent, text fitted to a width, the footnotes' columns and the pages they
//! continue on, and the credit line.

use egui::{Align2, Color32, Pos2, Rect, Vec2, pos2};

use super::Footnote;
use super::options::Extent;
use crate::geometry::screen::ScreenTransform;
use crate::map::MapLayers;
use crate::scene::font::Font;
use crate::scene::{Scene, Stroke, Tag};

/// Margin around the page, in points.
pub(super) const MARGIN: f32 = 20.0;

/// Footnote text size.
pub(super) const NOTE_SIZE: f32 = 8.5;

/// Width of a footnote column, at least.
pub(super) const NOTE_COLUMN_MIN: f32 = 380.0;

/// The most of the page's height the footnotes take below the map.
pub(super) const NOTE_SHARE: f32 = 0.34;

/// Credit line text size.
pub(super) const CREDIT_SIZE: f32 = 9.0;

/// The colours of the page around the map.
pub(super) struct Ink {
    pub(super) paper: Color32,
    pub(super) text: Color32,
    pub(super) muted: Color32,
    pub(super) link: Color32,
}

impl Ink {
    pub(super) fn new(dark: bool) -> Self {
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
pub(super) fn view_for(extent: Extent, layers: &MapLayers, rect: Rect) -> (ScreenTransform, f64) {
    let (center, zoom) = match extent {
        Extent::Fit => layers.bounds().map_or(([0.5, 0.5], 1.0), |(min, max)| {
            crate::map::fit(min, max, rect.size(), crate::map::FIT_SHARE, (1.0, 16.0))
        }),
        Extent::Bounds(min, max) => crate::map::fit(min, max, rect.size(), 1.0, (0.0, 19.0)),
    };
    (ScreenTransform::new(rect, center, zoom), zoom)
}

/// A line cut to `width` points with an ellipsis.
pub(super) fn fit_text(text: &str, size: f32, width: f32) -> String {
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
pub(super) struct NoteLayout {
    pub(super) columns: usize,
    pub(super) column_width: f32,
    pub(super) entry_height: f32,
}

impl NoteLayout {
    pub(super) fn new(width: f32) -> Self {
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

    pub(super) fn heading_height() -> f32 {
        Font::shared().row_height(10.5) + 4.0
    }

    /// The height `n` entries take (with the heading).
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn height(&self, n: usize) -> f32 {
        if n == 0 {
            return 0.0;
        }
        Self::heading_height() + n.div_ceil(self.columns) as f32 * self.entry_height
    }

    /// How many entries fit in `height` (with the heading).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub(super) fn fits(&self, height: f32) -> usize {
        // A hair of slack, so that the height `height(n)` gave holds those n.
        let rows = ((height - Self::heading_height()) / self.entry_height + 1e-3).floor();
        if rows <= 0.0 {
            0
        } else {
            rows as usize * self.columns
        }
    }

    /// Sets `notes` in `rect`, column by column, under `heading`.
    pub(super) fn draw(
        &self,
        scene: &mut Scene,
        rect: Rect,
        heading: &str,
        notes: &[Footnote],
        ink: &Ink,
    ) {
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

/// The credit line at the foot of a figure.
pub(super) fn credit_line(basemap: Option<&str>) -> String {
    match basemap {
        Some(basemap) => format!("Basemap: {basemap}  ·  Made with Sortie"),
        None => "Made with Sortie".to_owned(),
    }
}

/// A page of paper colour.
pub(super) fn blank_page(size: Vec2, ink: &Ink) -> Scene {
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
pub(super) fn continuation_pages(
    notes: &[Footnote],
    size: Vec2,
    title: &str,
    ink: &Ink,
) -> Vec<Scene> {
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
