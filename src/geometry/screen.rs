//! Unit Web Mercator ↔ screen points for one frame, and distances on the screen. Knows
//! egui's screen types, nothing of the app or its data.

use egui::{Pos2, Rect, pos2};

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
    fn transform_round_trips() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), egui::vec2(800.0, 600.0));
        let t = ScreenTransform::new(rect, [0.6, 0.4], 5.0);
        assert_eq!(t.to_screen([0.6, 0.4]), rect.center());
        let u = t.to_unit(pos2(100.0, 100.0));
        let back = t.to_screen(u);
        assert!((back.x - 100.0).abs() < 1e-3 && (back.y - 100.0).abs() < 1e-3);
    }
}
