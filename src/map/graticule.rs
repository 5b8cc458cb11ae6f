//! A neutral background with a labelled graticule, so the map is never a void.

use egui::{Align2, pos2};

use crate::geometry::mercator::{self, MAX_LATITUDE_DEG};
use crate::geometry::screen::ScreenTransform;
use crate::geometry::units::{format_lat, format_lon};
use crate::scene::{Scene, Stroke, Tag};
use crate::theme::Palette;

/// Steps between graticule lines, in degrees, from coarse to fine.
const STEPS_DEG: [f64; 9] = [30.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.1];
/// Smallest gap between graticule lines, in points.
const MIN_GAP_PX: f64 = 70.0;

/// The background and graticule of the visible map.
pub fn graticule_scene(scene: &mut Scene, view: &ScreenTransform, palette: &Palette) {
    let rect = view.rect;
    scene.rect(
        Tag::Background,
        rect,
        0.0,
        palette.map_background,
        Stroke::NONE,
    );
    let px_per_deg = view.scale / 360.0;
    let step = STEPS_DEG
        .iter()
        .rev()
        .copied()
        .find(|s| s * px_per_deg >= MIN_GAP_PX)
        .unwrap_or(30.0);
    let (min, max) = view.visible_unit_rect();
    let (west, north) = mercator::unproject([min[0].max(0.0), min[1].max(0.0)]);
    let (east, south) = mercator::unproject([max[0].min(1.0), max[1].min(1.0)]);
    let stroke = Stroke::new(1.0, palette.graticule);
    let text = palette.graticule_text;

    let world_top = view
        .to_screen(mercator::project(0.0, MAX_LATITUDE_DEG))
        .y
        .max(rect.top());
    let world_bottom = view
        .to_screen(mercator::project(0.0, -MAX_LATITUDE_DEG))
        .y
        .min(rect.bottom());
    let mut lon = (west / step).ceil() * step;
    while lon <= east + 1e-9 {
        let x = view.to_screen(mercator::project(lon, 0.0)).x;
        scene.line(
            Tag::Graticule,
            vec![pos2(x, world_top), pos2(x, world_bottom)],
            stroke,
        );
        scene.text(
            Tag::Graticule,
            pos2(x + 3.0, world_bottom - 2.0),
            Align2::LEFT_BOTTOM,
            format_lon(lon),
            10.0,
            text,
        );
        lon += step;
    }
    let world_left = view.to_screen([0.0, 0.0]).x.max(rect.left());
    let world_right = view.to_screen([1.0, 0.0]).x.min(rect.right());
    let mut lat = (south.max(-80.0) / step).ceil() * step;
    while lat <= north.min(80.0) + 1e-9 {
        let y = view.to_screen(mercator::project(0.0, lat)).y;
        scene.line(
            Tag::Graticule,
            vec![pos2(world_left, y), pos2(world_right, y)],
            stroke,
        );
        scene.text(
            Tag::Graticule,
            pos2(world_left + 3.0, y - 2.0),
            Align2::LEFT_BOTTOM,
            format_lat(lat),
            10.0,
            text,
        );
        lat += step;
    }
}
