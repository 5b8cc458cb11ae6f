//! Unit Web Mercator ↔ screen points for one frame, and distances on the screen. Points
//! and rectangles are emath's (egui's math, without the UI); nothing of the app or its data.

use emath::{Pos2, Rect, pos2};

use super::mercator::Unit;

/// Unit Mercator ↔ screen points for one frame: `screen = unit * scale + offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenTransform {
    /// Screen points per unit (the world's width in points).
    pub scale: f64,
    /// Screen position of unit (0, 0).
    pub offset: [f64; 2],
    /// The map's rectangle on screen.
    pub rect: Rect,
}

impl ScreenTransform {
    /// The transform that puts `center` (unit Mercator) at the middle of `rect` at `zoom`
    /// (walkers' zoom: the world is 256·2^zoom points wide).
    pub fn new(rect: Rect, center: Unit, zoom: f64) -> Self {
        let scale = 256.0 * 2f64.powf(zoom);
        let c = rect.center();
        Self {
            scale,
            offset: [
                f64::from(c.x) - center[0] * scale,
                f64::from(c.y) - center[1] * scale,
            ],
            rect,
        }
    }

    /// Unit Mercator → screen.
    #[allow(clippy::cast_possible_truncation)]
    pub fn to_screen(&self, unit: Unit) -> Pos2 {
        pos2(
            (unit[0] * self.scale + self.offset[0]) as f32,
            (unit[1] * self.scale + self.offset[1]) as f32,
        )
    }

    /// Screen → unit Mercator.
    pub fn to_unit(&self, pos: Pos2) -> Unit {
        [
            (f64::from(pos.x) - self.offset[0]) / self.scale,
            (f64::from(pos.y) - self.offset[1]) / self.scale,
        ]
    }

    /// The visible area in unit Mercator (min, max).
    pub fn visible_unit_rect(&self) -> (Unit, Unit) {
        (self.to_unit(self.rect.min), self.to_unit(self.rect.max))
    }
}

/// How far a drawn route may stray from its great circle, in screen points.
pub const TRACK_TOLERANCE_PX: f32 = 0.2;

/// The screen points of a route's track (vertices on the geodesic, chords of up to
/// [`super::geodesic::DRAWN_CHORD_M`]), with points added along the great circle within a
/// chord that the view magnifies enough to stray more than [`TRACK_TOLERANCE_PX`] from it.
/// Only chords on or near the screen are refined, so the cost follows what is seen. `out`
/// is cleared first.
pub fn track_on_screen(track: &[Unit], view: &ScreenTransform, out: &mut Vec<Pos2>) {
    out.clear();
    let near = view.rect.expand(64.0);
    let mut prev: Option<(Unit, Pos2)> = None;
    for &u in track {
        let p = view.to_screen(u);
        if let Some((a, pa)) = prev {
            let length = pa.distance(p);
            // The chord's box, grown by as far as the great circle can stray from it.
            // The most the great circle can stray from the chord: below the tolerance, the
            // chord is drawn as it is.
            #[allow(clippy::cast_possible_truncation)]
            let bulge = length * super::geodesic::CHORD_BULGE as f32;
            if bulge > TRACK_TOLERANCE_PX
                && Rect::from_two_pos(pa, p)
                    .expand(bulge + 1.0)
                    .intersects(near)
            {
                let mid = view.to_screen(super::geodesic::great_circle_at(a, u, 0.5));
                let off = distance_to_segment(pa, p, mid);
                if off > TRACK_TOLERANCE_PX {
                    // A chord k times shorter strays k² times less.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let k = ((off / TRACK_TOLERANCE_PX).sqrt().ceil() as usize).clamp(2, 512);
                    #[allow(clippy::cast_precision_loss)]
                    out.extend((1..k).map(|j| {
                        let t = j as f64 / k as f64;
                        view.to_screen(super::geodesic::great_circle_at(a, u, t))
                    }));
                }
            }
        }
        out.push(p);
        prev = Some((u, p));
    }
}

/// Distance in points from `p` to a polyline.
pub fn distance_to_polyline(points: impl IntoIterator<Item = Pos2>, p: Pos2) -> f32 {
    let mut best = f32::INFINITY;
    let mut prev: Option<Pos2> = None;
    for q in points {
        if let Some(a) = prev {
            best = best.min(distance_to_segment(a, q, p));
        } else {
            best = best.min(q.distance(p));
        }
        prev = Some(q);
    }
    best
}

fn distance_to_segment(a: Pos2, b: Pos2, p: Pos2) -> f32 {
    let ab = b - a;
    let len_sq = ab.length_sq();
    if len_sq <= f32::EPSILON {
        return a.distance(p);
    }
    let t = ((p - a).dot(ab) / len_sq).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_distance() {
        let d = distance_to_segment(pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(5.0, 3.0));
        assert!((d - 3.0).abs() < 1e-6);
        let d = distance_to_segment(pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(13.0, 4.0));
        assert!((d - 5.0).abs() < 1e-6);
    }

    #[test]
    fn tracks_are_refined_where_magnified_and_only_there() {
        use crate::geometry::geodesic::{DRAWN_CHORD_M, great_circle_at};
        use crate::geometry::mercator::project;
        use geographiclib_rs::{DirectGeodesic as _, Geodesic as Wgs84};
        // One chord of the drawn length, eastwards at 35°N.
        let (lat2, lon2): (f64, f64) = Wgs84::wgs84().direct(35.0, 40.0, 80.0, DRAWN_CHORD_M);
        let (a, b) = (project(40.0, 35.0), project(lon2, lat2));
        let mid = great_circle_at(a, b, 0.5);
        let rect = Rect::from_min_size(pos2(0.0, 0.0), emath::vec2(1600.0, 1000.0));
        let mut out = Vec::new();
        // Zoomed out, the chord is true to a fraction of a point: its two ends only.
        track_on_screen(&[a, b], &ScreenTransform::new(rect, mid, 6.0), &mut out);
        assert_eq!(out.len(), 2);
        // Zoomed in on its middle, points are added, and every point drawn lies within
        // the tolerance of the great circle (sampled finely).
        for zoom in [12.0, 15.0, 18.0] {
            let view = ScreenTransform::new(rect, mid, zoom);
            track_on_screen(&[a, b], &view, &mut out);
            assert!(out.len() > 2, "zoom {zoom}: {} points", out.len());
            let fine: Vec<Pos2> = (0..=4000)
                .map(|k| view.to_screen(great_circle_at(a, b, f64::from(k) / 4000.0)))
                .filter(|p| rect.contains(*p))
                .collect();
            let worst = fine
                .iter()
                .map(|&p| distance_to_polyline(out.iter().copied(), p))
                .fold(0.0f32, f32::max);
            assert!(
                worst < 2.0 * TRACK_TOLERANCE_PX,
                "zoom {zoom}: {worst} px off"
            );
            // The plain chord would be far off.
            let chord = fine
                .iter()
                .map(|&p| distance_to_polyline([view.to_screen(a), view.to_screen(b)], p))
                .fold(0.0f32, f32::max);
            assert!(
                chord > 10.0 * TRACK_TOLERANCE_PX,
                "zoom {zoom}: the chord is only {chord} px off"
            );
        }
        // A chord far off screen is left alone.
        let away = ScreenTransform::new(rect, project(-100.0, 40.0), 12.0);
        track_on_screen(&[a, b], &away, &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn transform_round_trips() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), emath::vec2(800.0, 600.0));
        let t = ScreenTransform::new(rect, [0.6, 0.4], 5.0);
        assert_eq!(t.to_screen([0.6, 0.4]), rect.center());
        let u = t.to_unit(pos2(100.0, 100.0));
        let back = t.to_screen(u);
        assert!((back.x - 100.0).abs() < 1e-3 && (back.y - 100.0).abs() < 1e-3);
    }
}
