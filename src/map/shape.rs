//! One feature's drawable geometry in unit Web Mercator: [`Shape`] as built (routes
//! densified along geodesics), stored inline for a single point, and the borrowed
//! [`ShapeRef`] the drawing and picking read; with the boxes culling uses.

use egui::Pos2;
use geo_types::Geometry;
use rstar::{AABB, Envelope as _};

use crate::geometry::geodesic::{DRAWN_CHORD_M, geodesic_track_with};
use crate::geometry::mercator::{self, Unit};
use crate::geometry::screen::{ScreenTransform, track_on_screen};

/// One feature's drawable geometry in unit Web Mercator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shape {
    /// Points (markers).
    pub points: Vec<Unit>,
    /// Polylines; a route's pieces are its densified geodesic track.
    pub lines: Vec<Vec<Unit>>,
    /// Polygons: exterior ring then holes.
    pub polygons: Vec<Vec<Vec<Unit>>>,
    /// Whether the lines are a route's geodesic track (chords whose ends lie on the
    /// geodesic, refined on screen by [`track_on_screen`]); otherwise straight in Mercator.
    pub geodesic: bool,
}

/// A feature's drawable geometry as stored: a single point (most features) inline, anything
/// else boxed, so a million points cost 24 bytes each here.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Drawn {
    /// Nothing to draw.
    #[default]
    None,
    /// One marker.
    Point(Unit),
    /// Anything else.
    Shape(Box<Shape>),
}

/// A borrowed view of one feature's drawable geometry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShapeRef<'a> {
    /// Points (markers).
    pub points: &'a [Unit],
    /// Polylines; a route's pieces are its densified geodesic track.
    pub lines: &'a [Vec<Unit>],
    /// Polygons: exterior ring then holes.
    pub polygons: &'a [Vec<Vec<Unit>>],
    /// Whether the lines are a route's geodesic track.
    pub geodesic: bool,
}

impl ShapeRef<'_> {
    /// The screen points of line `line` in `view`: a geodesic track refined where the view
    /// magnifies it ([`track_on_screen`]), other lines as they are. `out` is cleared first.
    pub fn line_on_screen(&self, line: &[Unit], view: &ScreenTransform, out: &mut Vec<Pos2>) {
        if self.geodesic {
            track_on_screen(line, view, out);
        } else {
            out.clear();
            out.extend(line.iter().map(|&u| view.to_screen(u)));
        }
    }
}

impl ShapeRef<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.points.is_empty() && self.lines.is_empty() && self.polygons.is_empty()
    }

    pub(super) fn bounds(&self) -> Option<AABB<Unit>> {
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

impl Drawn {
    pub(super) fn view(&self) -> ShapeRef<'_> {
        match self {
            Self::None => ShapeRef {
                points: &[],
                lines: &[],
                polygons: &[],
                geodesic: false,
            },
            Self::Point(p) => ShapeRef {
                points: std::slice::from_ref(p),
                lines: &[],
                polygons: &[],
                geodesic: false,
            },
            Self::Shape(s) => ShapeRef {
                points: &s.points,
                lines: &s.lines,
                polygons: &s.polygons,
                geodesic: s.geodesic,
            },
        }
    }
}

pub(super) fn envelope_of<'a>(points: impl IntoIterator<Item = &'a Unit>) -> Option<AABB<Unit>> {
    let mut iter = points.into_iter().copied();
    let first = iter.next()?;
    Some(iter.fold(AABB::from_point(first), |b, p| {
        b.merged(&AABB::from_point(p))
    }))
}

/// The box of a line's points; a geodesic track's grown by as far as the great circle can
/// stray from its longest chord, so that culling and picking find what is drawn.
pub(super) fn envelope(points: &[Unit], geodesic: bool) -> Option<AABB<Unit>> {
    let b = envelope_of(points)?;
    if !geodesic {
        return Some(b);
    }
    let longest = points
        .windows(2)
        .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
        .fold(0.0, f64::max);
    let grow = longest * crate::geometry::geodesic::CHORD_BULGE;
    let (lo, hi) = (b.lower(), b.upper());
    Some(AABB::from_corners(
        [lo[0] - grow, lo[1] - grow],
        [hi[0] + grow, hi[1] + grow],
    ))
}

pub(super) fn add_geometry(shape: &mut Shape, geometry: &Geometry<f64>, route: bool) {
    let unit = |c: &geo_types::Coord<f64>| mercator::project(c.x, c.y);
    let line = |shape: &mut Shape, ls: &geo_types::LineString<f64>| {
        if route {
            let vertices: Vec<_> = ls.points().collect();
            for piece in geodesic_track_with(&vertices, DRAWN_CHORD_M) {
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
