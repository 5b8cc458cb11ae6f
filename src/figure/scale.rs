//! The scale bar (km, and nautical miles on request), true at the map's centre latitude,
//! and the north arrow.

use egui::{Align2, Color32, Pos2, Rect, pos2, vec2};

use crate::geometry::mercator::{self, EARTH_CIRCUMFERENCE_M};
use crate::geometry::screen::ScreenTransform;
use crate::scene::font::Font;
use crate::scene::{Scene, Stroke, Tag};
use crate::theme::Palette;

/// Metres in a nautical mile.
const NMI_M: f64 = 1_852.0;
const SIZE: f32 = 10.0;
const BAR_H: f32 = 5.0;
const PAD: f32 = 6.0;

/// Metres per point at the latitude of the map's centre.
pub fn metres_per_point(view: &ScreenTransform) -> (f64, f64) {
    let lat = mercator::unproject(view.to_unit(view.rect.center())).1;
    (
        EARTH_CIRCUMFERENCE_M * lat.to_radians().cos() / view.scale,
        lat,
    )
}

/// The longest round length (1, 2 or 5 times a power of ten) not above `max`.
pub fn nice_length(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 0.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&v| v <= max)
        .unwrap_or(power)
}

/// A length as people write it: `500`, `2.5`, `0.25`.
fn format_length(v: f64) -> String {
    format!("{}", (v * 1e6).round() / 1e6)
}

/// One bar: `length` units of `unit_m` metres, `px` points long, from `at` (its left end).
#[allow(clippy::too_many_arguments)]
fn bar(
    scene: &mut Scene,
    at: Pos2,
    px: f32,
    length: f64,
    unit: &str,
    ink: Color32,
    paper: Color32,
) -> f32 {
    let half = px / 2.0;
    for (k, fill) in [(0.0, ink), (1.0, paper)] {
        scene.rect(
            Tag::Scale,
            Rect::from_min_size(pos2(at.x + k * half, at.y), vec2(half, BAR_H)),
            0.0,
            fill,
            Stroke::new(0.8, ink),
        );
    }
    let y = at.y + BAR_H + 1.5;
    scene.text(
        Tag::Scale,
        pos2(at.x, y),
        Align2::CENTER_TOP,
        "0",
        SIZE,
        ink,
    );
    scene.text(
        Tag::Scale,
        pos2(at.x + half, y),
        Align2::CENTER_TOP,
        format_length(length / 2.0),
        SIZE,
        ink,
    );
    scene.text(
        Tag::Scale,
        pos2(at.x + px, y),
        Align2::CENTER_TOP,
        format!("{} {unit}", format_length(length)),
        SIZE,
        ink,
    );
    BAR_H + 1.5 + Font::shared().row_height(SIZE)
}

/// The bars to draw: unit name, length in units, length in points.
fn bars(view: &ScreenTransform, nautical: bool) -> Vec<(&'static str, f64, f32)> {
    let (m_per_pt, _) = metres_per_point(view);
    if !(m_per_pt.is_finite() && m_per_pt > 0.0) {
        return Vec::new();
    }
    let max_pt = f64::from(view.rect.width()) * 0.22;
    let mut units = vec![(1_000.0, "km")];
    if nautical {
        units.push((NMI_M, "nmi"));
    }
    units
        .into_iter()
        .map(|(unit_m, name)| {
            let length = nice_length(max_pt * m_per_pt / unit_m);
            #[allow(clippy::cast_possible_truncation)]
            let px = (length * unit_m / m_per_pt) as f32;
            (name, length, px)
        })
        .collect()
}

/// Where the scale bar (bottom left) and the north arrow (top right) sit in `map`, `inset`
/// from its edges; `None` for those `parts` leaves out.
pub fn corners(
    view: &ScreenTransform,
    map: Rect,
    inset: f32,
    parts: super::Parts,
) -> (Option<Rect>, Option<Rect>) {
    let scale = parts.scale_bar.then(|| {
        let s = size(view, parts.nautical);
        Rect::from_min_size(pos2(map.left() + inset, map.bottom() - inset - s.y), s)
    });
    let north = parts.north_arrow.then(|| {
        let at = pos2(map.right() - inset - NORTH_SIZE.x, map.top() + inset);
        Rect::from_min_size(at, NORTH_SIZE)
    });
    (scale, north)
}

/// The size of the scale bar's box.
pub fn size(view: &ScreenTransform, nautical: bool) -> egui::Vec2 {
    let font = Font::shared();
    let rows = if nautical { 2.0 } else { 1.0 };
    let longest = bars(view, nautical)
        .iter()
        .map(|&(name, length, px)| {
            px + font
                .measure(&format!("{} {name}", format_length(length)), SIZE)
                .x
                / 2.0
        })
        .fold(0.0, f32::max);
    let caption = font.measure("Scale true at 00°N", SIZE - 1.0).x;
    let width = (longest + 4.0).max(caption);
    vec2(
        width + PAD * 2.0,
        PAD * 2.0
            + rows * (BAR_H + 1.5 + font.row_height(SIZE))
            + (rows - 1.0) * 4.0
            + font.row_height(SIZE - 1.0),
    )
}

/// Draws the scale bar in `rect` (from [`size`]).
pub fn scale_bar(
    scene: &mut Scene,
    view: &ScreenTransform,
    rect: Rect,
    nautical: bool,
    palette: &Palette,
    ink: Color32,
    paper: Color32,
) {
    let bars = bars(view, nautical);
    if bars.is_empty() {
        return;
    }
    let (_, lat) = metres_per_point(view);
    scene.rect(Tag::Scale, rect, 4.0, palette.label_halo, Stroke::NONE);
    let x = rect.left() + PAD + 4.0;
    let mut y = rect.top() + PAD;
    for (name, length, px) in bars {
        y += bar(scene, pos2(x, y), px, length, name, ink, paper) + 4.0;
    }
    let hemisphere = if lat >= 0.0 { "N" } else { "S" };
    scene.text(
        Tag::Scale,
        pos2(x - 4.0, y - 3.0),
        Align2::LEFT_TOP,
        format!("Scale true at {:.0}°{hemisphere}", lat.abs()),
        SIZE - 1.0,
        ink,
    );
}

/// The north arrow's size.
pub const NORTH_SIZE: egui::Vec2 = vec2(24.0, 38.0);

/// A north arrow in `rect` (from [`NORTH_SIZE`]): north is up on a Web Mercator map.
pub fn north_arrow(scene: &mut Scene, rect: Rect, palette: &Palette, ink: Color32) {
    scene.rect(Tag::Scale, rect, 4.0, palette.label_halo, Stroke::NONE);
    let c = rect.center();
    let top = pos2(c.x, rect.top() + 15.0);
    let bottom = pos2(c.x, rect.bottom() - 4.0);
    scene.polygon(
        Tag::Scale,
        vec![top, pos2(c.x + 6.0, bottom.y), pos2(c.x, bottom.y - 5.0)],
        ink,
        Stroke::new(0.8, ink),
    );
    scene.polygon(
        Tag::Scale,
        vec![top, pos2(c.x, bottom.y - 5.0), pos2(c.x - 6.0, bottom.y)],
        Color32::TRANSPARENT,
        Stroke::new(0.8, ink),
    );
    scene.text(
        Tag::Scale,
        pos2(c.x, rect.top() + 2.0),
        Align2::CENTER_TOP,
        "N",
        11.0,
        ink,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_lengths_keep_their_fraction() {
        assert_eq!(format_length(2.5), "2.5");
        assert_eq!(format_length(500.0), "500");
        assert_eq!(format_length(0.2 * 0.5), "0.1");
    }

    #[test]
    fn lengths_are_round() {
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(199.0), 100.0);
        assert_eq!(nice_length(2.5), 2.0);
        assert_eq!(nice_length(0.3), 0.2);
        assert_eq!(nice_length(0.0), 0.0);
    }

    #[test]
    fn a_point_is_shorter_in_the_north() {
        let at = |lat: f64| {
            let view = ScreenTransform::new(
                Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
                mercator::project(45.0, lat),
                6.0,
            );
            metres_per_point(&view).0
        };
        // At zoom 6 a point is 40,075 km / 16,384 at the equator: 2,446 m.
        assert!((at(0.0) - 2_446.0).abs() < 1.0, "{}", at(0.0));
        assert!((at(60.0) - 1_223.0).abs() < 1.0, "{}", at(60.0));
    }
}
