//! What the map draws, computed once per dataset: every feature's geometry in unit Web
//! Mercator (routes densified along geodesics), an R-tree over their bounding boxes for
//! culling and picking, and the extent of the whole dataset.

use egui::{Pos2, Rect, Vec2, pos2};
use geo_types::Geometry;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, Envelope as _, RTree};

use super::mercator::{self, Unit};
use crate::dataset::{Dataset, FeatureKind};
use crate::geometry::even_odd_contains;
use crate::routes::geodesic_track;

/// One feature's drawable geometry in unit Web Mercator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shape {
    /// Points (markers).
    pub points: Vec<Unit>,
    /// Polylines; a route's pieces are its densified geodesic track.
    pub lines: Vec<Vec<Unit>>,
    /// Polygons: exterior ring then holes.
    pub polygons: Vec<Vec<Vec<Unit>>>,
}

impl Shape {
    fn is_empty(&self) -> bool {
        self.points.is_empty() && self.lines.is_empty() && self.polygons.is_empty()
    }

    fn bounds(&self) -> Option<AABB<Unit>> {
        let all = self
            .points
            .iter()
            .chain(self.lines.iter().flatten())
            .chain(self.polygons.iter().flatten().flatten());
        let mut iter = all.copied();
        let first = iter.next()?;
        Some(iter.fold(AABB::from_point(first), |b, p| {
            b.merged(&AABB::from_point(p))
        }))
    }
}

/// What an R-tree entry covers: a marker, a run of a line, or a whole polygon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// `shape.points[i]`.
    Point(u32),
    /// Points `start..=end` of `shape.lines[line]`.
    Line { line: u32, start: u32, end: u32 },
    /// `shape.polygons[i]`.
    Polygon(u32),
}

/// Points per indexed run of a line: small enough that a pick tests few segments.
const LINE_CHUNK: usize = 8;

type Indexed = GeomWithData<Rectangle<Unit>, (u32, Part)>;

/// The dataset's geometry, ready to draw and pick.
pub struct MapLayers {
    /// One shape per feature, in dataset order.
    pub shapes: Vec<Shape>,
    index: RTree<Indexed>,
    bounds: Option<AABB<Unit>>,
}

impl MapLayers {
    /// Projects every feature once and indexes it.
    pub fn new(dataset: &Dataset) -> Self {
        let shapes: Vec<Shape> = dataset
            .features
            .iter()
            .map(|f| {
                let mut shape = Shape::default();
                if let Some(geometry) = &f.geometry {
                    add_geometry(&mut shape, geometry, f.kind == FeatureKind::Route);
                }
                shape
            })
            .collect();
        let mut boxes: Vec<Indexed> = Vec::new();
        for (i, shape) in shapes.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for (k, p) in shape.points.iter().enumerate() {
                let k = u32::try_from(k).unwrap_or(u32::MAX);
                boxes.push(GeomWithData::new(
                    Rectangle::from_corners(*p, *p),
                    (i, Part::Point(k)),
                ));
            }
            for (l, line) in shape.lines.iter().enumerate() {
                let l = u32::try_from(l).unwrap_or(u32::MAX);
                let mut start = 0;
                while start + 1 < line.len() {
                    let end = (start + LINE_CHUNK).min(line.len() - 1);
                    if let Some(b) = envelope(line.get(start..=end).unwrap_or(&[])) {
                        let (s32, e32) = (
                            u32::try_from(start).unwrap_or(0),
                            u32::try_from(end).unwrap_or(0),
                        );
                        let part = Part::Line {
                            line: l,
                            start: s32,
                            end: e32,
                        };
                        boxes.push(GeomWithData::new(
                            Rectangle::from_corners(b.lower(), b.upper()),
                            (i, part),
                        ));
                    }
                    start = end;
                }
            }
            for (k, rings) in shape.polygons.iter().enumerate() {
                let k = u32::try_from(k).unwrap_or(u32::MAX);
                let all: Vec<Unit> = rings.iter().flatten().copied().collect();
                if let Some(b) = envelope(&all) {
                    boxes.push(GeomWithData::new(
                        Rectangle::from_corners(b.lower(), b.upper()),
                        (i, Part::Polygon(k)),
                    ));
                }
            }
        }
        let bounds = shapes
            .iter()
            .filter_map(Shape::bounds)
            .reduce(|a, b| a.merged(&b));
        Self {
            shapes,
            index: RTree::bulk_load(boxes),
            bounds,
        }
    }

    /// The extent of every drawn feature, in unit Mercator.
    pub fn bounds(&self) -> Option<(Unit, Unit)> {
        self.bounds.map(|b| (b.lower(), b.upper()))
    }

    /// Indices of features whose bounding box meets `rect` (unit Mercator), sorted.
    pub fn in_rect(&self, min: Unit, max: Unit) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .index
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|g| g.data.0 as usize)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The feature under a screen position: the nearest marker within its radius, else the
    /// nearest line within reach, else a polygon containing the position.
    ///
    /// `radius_px` gives each feature's marker radius and line half-width in points.
    pub fn pick(
        &self,
        view: &ScreenTransform,
        pointer: Pos2,
        radius_px: impl Fn(usize) -> f32,
    ) -> Option<usize> {
        let reach_px = 16.0;
        let min = view.to_unit(pointer - Vec2::splat(reach_px));
        let max = view.to_unit(pointer + Vec2::splat(reach_px));
        let mut best_point: Option<(f32, usize)> = None;
        let mut best_line: Option<(f32, usize)> = None;
        let mut polygon_hit: Option<usize> = None;
        let unit = view.to_unit(pointer);
        for entry in self
            .index
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
        {
            let (i, part) = (entry.data.0 as usize, entry.data.1);
            let Some(shape) = self.shapes.get(i) else {
                continue;
            };
            let reach = radius_px(i) + crate::theme::PICK_TOLERANCE_PX;
            match part {
                Part::Point(k) => {
                    let Some(p) = shape.points.get(k as usize) else {
                        continue;
                    };
                    let d = view.to_screen(*p).distance(pointer);
                    if d <= reach && best_point.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                        best_point = Some((d, i));
                    }
                }
                Part::Line { line, start, end } => {
                    let Some(run) = shape
                        .lines
                        .get(line as usize)
                        .and_then(|l| l.get(start as usize..=end as usize))
                    else {
                        continue;
                    };
                    let d = distance_to_polyline(run.iter().map(|p| view.to_screen(*p)), pointer);
                    if d <= reach && best_line.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                        best_line = Some((d, i));
                    }
                }
                Part::Polygon(k) => {
                    let inside = shape
                        .polygons
                        .get(k as usize)
                        .is_some_and(|rings| even_odd_contains(rings, unit));
                    if inside && polygon_hit.is_none_or(|h| i < h) {
                        polygon_hit = Some(i);
                    }
                }
            }
        }
        best_point.or(best_line).map(|(_, i)| i).or(polygon_hit)
    }

    /// Whether a feature has anything to draw.
    pub fn is_drawn(&self, index: usize) -> bool {
        self.shapes.get(index).is_some_and(|s| !s.is_empty())
    }
}

fn envelope(points: &[Unit]) -> Option<AABB<Unit>> {
    let mut iter = points.iter().copied();
    let first = iter.next()?;
    Some(iter.fold(AABB::from_point(first), |b, p| {
        b.merged(&AABB::from_point(p))
    }))
}

fn add_geometry(shape: &mut Shape, geometry: &Geometry<f64>, route: bool) {
    let unit = |c: &geo_types::Coord<f64>| mercator::project(c.x, c.y);
    let line = |shape: &mut Shape, ls: &geo_types::LineString<f64>| {
        if route {
            let vertices: Vec<_> = ls.points().collect();
            for piece in geodesic_track(&vertices) {
                shape.lines.push(
                    piece
                        .iter()
                        .map(|p| mercator::project(p.x(), p.y()))
                        .collect(),
                );
            }
        } else {
            shape.lines.push(ls.0.iter().map(unit).collect());
        }
    };
    let polygon = |shape: &mut Shape, p: &geo_types::Polygon<f64>| {
        let rings = std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| r.0.iter().map(unit).collect())
            .collect();
        shape.polygons.push(rings);
    };
    match geometry {
        Geometry::Point(p) => shape.points.push(unit(&p.0)),
        Geometry::MultiPoint(mp) => shape.points.extend(mp.0.iter().map(|p| unit(&p.0))),
        Geometry::LineString(ls) => line(shape, ls),
        Geometry::MultiLineString(mls) => mls.0.iter().for_each(|ls| line(shape, ls)),
        Geometry::Polygon(p) => polygon(shape, p),
        Geometry::MultiPolygon(mp) => mp.0.iter().for_each(|p| polygon(shape, p)),
        Geometry::GeometryCollection(gc) => gc.0.iter().for_each(|g| add_geometry(shape, g, route)),
        Geometry::Line(l) => shape.lines.push(vec![unit(&l.start), unit(&l.end)]),
        Geometry::Rect(r) => polygon(shape, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(shape, &t.to_polygon()),
    }
}

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

    fn sample() -> (crate::dataset::Dataset, MapLayers) {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"a","properties":{"kind":"base"},"geometry":{"type":"Point","coordinates":[44,33]}},
          {"type":"Feature","id":"far","properties":{},"geometry":{"type":"Point","coordinates":[-100,40]}},
          {"type":"Feature","id":"r","properties":{"kind":"route","from":"a","to":"b"},
           "geometry":{"type":"LineString","coordinates":[[44,33],[40,35]]}},
          {"type":"Feature","id":"b","properties":{"kind":"target"},"geometry":{"type":"Point","coordinates":[40,35]}}]}"#;
        let d = crate::dataset::parse_str(text, None).expect("loads");
        let layers = MapLayers::new(&d);
        (d, layers)
    }

    fn view() -> ScreenTransform {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), egui::vec2(1000.0, 700.0));
        ScreenTransform::new(rect, crate::map::mercator::project(42.0, 34.0), 6.0)
    }

    #[test]
    fn picking_finds_points_then_lines_and_nothing_on_an_empty_spot() {
        let (_, layers) = sample();
        let view = view();
        let radius = |_| 6.5;
        let at = |lon, lat| view.to_screen(crate::map::mercator::project(lon, lat));
        assert_eq!(
            layers.pick(&view, at(44.0, 33.0), radius),
            Some(0),
            "the base, above the route's start"
        );
        assert_eq!(layers.pick(&view, at(40.0, 35.0), radius), Some(3));
        // The middle of the route (its geodesic is near the straight line at this scale).
        let mid = layers.shapes[2].lines[0][layers.shapes[2].lines[0].len() / 2];
        assert_eq!(layers.pick(&view, view.to_screen(mid), radius), Some(2));
        assert_eq!(layers.pick(&view, at(43.0, 30.0), radius), None);
    }

    #[test]
    fn a_point_far_outside_the_view_is_not_drawn() {
        let (_, layers) = sample();
        let (min, max) = view().visible_unit_rect();
        let visible = layers.in_rect(min, max);
        assert_eq!(
            visible,
            vec![0, 2, 3],
            "each feature once, the far one left out"
        );
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
