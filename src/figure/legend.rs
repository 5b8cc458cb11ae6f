//! The legend: what the figure shows, drawn with the symbols the map draws with, in a box
//! set in the map corner that covers the fewest markers and labels.

use egui::{Align2, Color32, Pos2, Rect, Vec2, pos2, vec2};

use crate::dataset::{Dataset, FeatureKind, PrecisionLevel};
use crate::map::MapLayers;
use crate::map::draw::{self, SCHEMATIC_DASH};
use crate::scene::font::Font;
use crate::scene::{Scene, Stroke, Tag};
use crate::theme::{self, Palette};

/// One line of the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Point features of a kind.
    Kind(FeatureKind),
    /// A route whose flown path is reported (solid).
    Route,
    /// A schematic route (dashed).
    Schematic,
    /// A position known only approximately.
    Uncertainty,
    /// Features only possibly in the date range.
    Faded,
    /// A cluster of points.
    Cluster,
    /// Route density cells.
    Density,
    /// The selected feature.
    Selected,
    /// Source numbers on labels.
    Footnotes,
}

impl Entry {
    /// The entry's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kind(FeatureKind::Base) => "Air base",
            Self::Kind(FeatureKind::Target) => "Reported target",
            Self::Kind(FeatureKind::Event) => "Event",
            Self::Kind(FeatureKind::Place) => "Place (for reference)",
            Self::Kind(_) => "Other feature",
            Self::Route => "Route, with direction of flight",
            Self::Schematic => "Schematic route (flown path not known)",
            Self::Uncertainty => "Approximate position (circle: uncertainty)",
            Self::Faded => "Faded: possibly in the date range",
            Self::Cluster => "Cluster (number of points)",
            Self::Density => "Route density",
            Self::Selected => "Selected",
            Self::Footnotes => "[1] Source numbers, listed below",
        }
    }
}

/// The entries for what is drawn: `features` drawn one by one, and whether clusters and
/// density cells are drawn.
pub fn entries(
    dataset: &Dataset,
    layers: &MapLayers,
    features: &[usize],
    aggregates: (bool, bool),
    selected: Option<usize>,
    footnotes: bool,
) -> Vec<Entry> {
    let mut kinds = [false; 6];
    let (mut route, mut schematic, mut uncertain, mut faded) = (false, false, false, false);
    for f in features.iter().filter_map(|&i| dataset.get(i)) {
        if let Some(r) = f.route {
            if r.schematic {
                schematic = true;
            } else {
                route = true;
            }
        } else if f.is_point() {
            kinds[kind_slot(f.kind)] = true;
        }
        if f.location_precision
            .is_some_and(|p| p.level != PrecisionLevel::Exact && p.radius_km.is_some())
        {
            uncertain = true;
        }
        faded |= layers.is_partly_in_range(f.index);
    }
    let mut out: Vec<Entry> = [
        FeatureKind::Base,
        FeatureKind::Target,
        FeatureKind::Event,
        FeatureKind::Place,
        FeatureKind::Other,
    ]
    .into_iter()
    .filter(|&k| kinds[kind_slot(k)])
    .map(Entry::Kind)
    .collect();
    let flags = [
        (route, Entry::Route),
        (schematic, Entry::Schematic),
        (uncertain, Entry::Uncertainty),
        (aggregates.0, Entry::Cluster),
        (aggregates.1, Entry::Density),
        (faded, Entry::Faded),
        (
            selected.is_some_and(|s| features.contains(&s)),
            Entry::Selected,
        ),
        (footnotes, Entry::Footnotes),
    ];
    out.extend(flags.into_iter().filter(|(on, _)| *on).map(|(_, e)| e));
    out
}

fn kind_slot(kind: FeatureKind) -> usize {
    match kind {
        FeatureKind::Base => 0,
        FeatureKind::Target => 1,
        FeatureKind::Event => 2,
        FeatureKind::Place => 3,
        FeatureKind::Route => 4,
        FeatureKind::Other => 5,
    }
}

/// Text size of the legend.
const SIZE: f32 = 11.0;
/// Width of the symbol column.
const SYMBOL_W: f32 = 30.0;
/// Height of a line.
const ROW: f32 = 19.0;
/// Padding inside the box.
const PAD: f32 = 8.0;

/// The legend box's size for `entries`.
pub fn size(entries: &[Entry]) -> Vec2 {
    let font = Font::shared();
    let title = font.measure("Legend", SIZE + 1.0);
    let widest = entries
        .iter()
        .map(|e| font.measure(e.label(), SIZE).x)
        .fold(title.x - SYMBOL_W, f32::max);
    #[allow(clippy::cast_precision_loss)]
    vec2(
        PAD * 2.0 + SYMBOL_W + widest,
        PAD * 2.0 + title.y + 4.0 + ROW * entries.len() as f32,
    )
}

/// The corner of `map` (inset by `inset`) for a box of `size` that meets the fewest
/// `obstacles`, trying top left, top right, bottom right, bottom left; `avoid` are
/// rectangles the box must not take (the scale bar, the north arrow).
pub fn corner(map: Rect, size: Vec2, inset: f32, obstacles: &[Rect], avoid: &[Rect]) -> Rect {
    let inner = map.shrink(inset);
    let candidates = [
        Rect::from_min_size(inner.left_top(), size),
        Rect::from_min_size(pos2(inner.right() - size.x, inner.top()), size),
        Rect::from_min_size(inner.right_bottom() - size, size),
        Rect::from_min_size(pos2(inner.left(), inner.bottom() - size.y), size),
    ];
    candidates
        .into_iter()
        .enumerate()
        .min_by_key(|(k, r)| {
            let blocked = avoid.iter().any(|a| a.intersects(*r));
            let hidden = obstacles.iter().filter(|o| o.intersects(*r)).count();
            (blocked, hidden, *k)
        })
        .map_or(candidates[0], |(_, r)| r)
}

/// Draws the legend in `rect`.
pub fn scene(scene: &mut Scene, rect: Rect, entries: &[Entry], palette: &Palette, ink: Color32) {
    let tag = Tag::Legend;
    scene.rect(
        tag,
        rect,
        4.0,
        palette.label_halo,
        Stroke::new(1.0, palette.graticule),
    );
    let font = Font::shared();
    let mut y = rect.top() + PAD;
    scene.text(
        tag,
        pos2(rect.left() + PAD, y),
        Align2::LEFT_TOP,
        "Legend",
        SIZE + 1.0,
        ink,
    );
    y += font.row_height(SIZE + 1.0) + 4.0;
    for &entry in entries {
        let mid = pos2(rect.left() + PAD + SYMBOL_W / 2.0 - 2.0, y + ROW / 2.0);
        symbol(scene, entry, mid, palette);
        scene.text(
            tag,
            pos2(rect.left() + PAD + SYMBOL_W, y + ROW / 2.0),
            Align2::LEFT_CENTER,
            entry.label(),
            SIZE,
            ink,
        );
        y += ROW;
    }
}

fn symbol(scene: &mut Scene, entry: Entry, c: Pos2, palette: &Palette) {
    let tag = Tag::Legend;
    let r = theme::marker_radius_px(crate::dataset::MarkerSize::Medium);
    let route = theme::kind_color(FeatureKind::Route);
    let line = |scene: &mut Scene, dash: Option<[f32; 2]>| {
        let (a, b) = (c - vec2(13.0, 0.0), c + vec2(11.0, 0.0));
        scene.line(
            tag,
            vec![a, b],
            Stroke {
                dash,
                ..Stroke::new(theme::ROUTE_WIDTH_PX, route)
            },
        );
        scene.polygon(
            tag,
            crate::scene::arrowhead(b + vec2(2.0, 0.0), vec2(1.0, 0.0), 8.0),
            route,
            Stroke::NONE,
        );
    };
    match entry {
        Entry::Kind(kind) => {
            let r = if kind == FeatureKind::Place {
                r * 0.8
            } else {
                r
            };
            draw::symbol_scene(
                scene,
                tag,
                kind,
                c,
                r,
                theme::kind_color(kind),
                None,
                palette,
            );
        }
        Entry::Route => line(scene, None),
        Entry::Schematic => line(scene, Some(SCHEMATIC_DASH)),
        Entry::Uncertainty => {
            draw::uncertainty_scene(scene, tag, c, 8.5, palette);
            draw::symbol_scene(
                scene,
                tag,
                FeatureKind::Target,
                c,
                r * 0.6,
                theme::kind_color(FeatureKind::Target),
                None,
                palette,
            );
        }
        Entry::Faded => {
            scene.set_opacity(draw::FADED_OPACITY);
            draw::symbol_scene(
                scene,
                tag,
                FeatureKind::Target,
                c,
                r,
                theme::kind_color(FeatureKind::Target),
                None,
                palette,
            );
            scene.set_opacity(1.0);
        }
        Entry::Cluster => {
            scene.circle(
                tag,
                c,
                8.5,
                palette.cluster_fill,
                Stroke::new(1.5, palette.marker_outline),
            );
            scene.text(
                tag,
                c,
                Align2::CENTER_CENTER,
                "12",
                9.0,
                palette.cluster_text,
            );
        }
        Entry::Density => {
            scene.rect(
                tag,
                Rect::from_center_size(c, vec2(18.0, 12.0)),
                0.0,
                route.gamma_multiply(0.5),
                Stroke::NONE,
            );
        }
        Entry::Selected => {
            scene.circle(
                tag,
                c,
                r + 2.0,
                palette.selection.gamma_multiply(0.35),
                Stroke::new(2.5, palette.selection),
            );
        }
        Entry::Footnotes => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_goes_where_it_hides_least() {
        let map = Rect::from_min_size(Pos2::ZERO, vec2(400.0, 300.0));
        let size = vec2(100.0, 80.0);
        // Something in the top left: the box moves to the top right.
        let busy = [Rect::from_min_size(pos2(20.0, 20.0), vec2(10.0, 10.0))];
        let r = corner(map, size, 10.0, &busy, &[]);
        assert_eq!(r.min, pos2(290.0, 10.0));
        // The scale bar keeps it out of the bottom left even when all else is busy.
        let everywhere = [
            Rect::from_min_size(pos2(20.0, 20.0), vec2(10.0, 10.0)),
            Rect::from_min_size(pos2(350.0, 20.0), vec2(10.0, 10.0)),
            Rect::from_min_size(pos2(350.0, 250.0), vec2(10.0, 10.0)),
        ];
        let scale = [Rect::from_min_size(pos2(10.0, 260.0), vec2(60.0, 30.0))];
        let r = corner(map, size, 10.0, &everywhere, &scale);
        assert_ne!(r.min, pos2(10.0, 210.0));
    }
}
