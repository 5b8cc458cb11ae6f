//! The airspace a route crosses: the countries under it, in order, with the distance flown
//! over each and where it enters and leaves, against Natural Earth 1:10m admin-0 countries.
//!
//! # Method
//! The route is sampled along its WGS84 geodesics into chords of at most
//! [`CHORD_MAX_M`], each with its distance from the start, and cut at the antimeridian. Every chord is intersected, in
//! longitude/latitude, with the country boundary edges an R-tree finds near it; each
//! intersection is a place where the country below may change. Between consecutive
//! intersections the country is decided by a point-in-polygon test at the middle of the
//! stretch (so a missed or doubled intersection at a shared vertex cannot derail the
//! result), and stretches over no country are open sea. Distances along the route are the
//! samples' geodesic distances from the start, interpolated within a chord.
//!
//! # Accuracy
//! A 10 km chord departs from the geodesic by under 5 m; the boundaries themselves are
//! Natural Earth's 1:10m lines, good to a few hundred metres. A country's share of a route is
//! therefore exact to about the boundary's own accuracy, and the rows always add up to the
//! route's length. Territory narrower than the data resolves (tiny islands) is not seen.
//!
//! Uses the model (routes in, [`AirspaceRow`]s out), the world's 1:10m countries and
//! geodesy; knows no screen.

use std::sync::{Arc, OnceLock};

use geo_types::Point;
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{AABB, RTree};

use crate::dataset::{AirspaceRow, Dataset};
use crate::geometry::even_odd_contains;
use crate::geometry::geodesic::geodesic_samples;
use crate::world::{Area, World};

/// Longest chord of the densified route, in metres.
pub const CHORD_MAX_M: f64 = 10_000.0;

type Edge = GeomWithData<Line<[f64; 2]>, u32>;
type Bounds = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

/// Country boundaries indexed for crossing and containment tests.
pub struct AirspaceIndex {
    names: Vec<String>,
    /// Rings of each country's polygons, in degrees: `rings[country][polygon][ring]`.
    rings: Vec<Vec<Vec<Vec<[f64; 2]>>>>,
    edges: RTree<Edge>,
    polygons: RTree<Bounds>,
}

impl AirspaceIndex {
    /// The index over the embedded 1:10m countries, built on first use.
    pub fn shared() -> Arc<Self> {
        static INDEX: OnceLock<Arc<AirspaceIndex>> = OnceLock::new();
        INDEX
            .get_or_init(|| Arc::new(Self::new(&World::shared().large.countries)))
            .clone()
    }

    /// Computes the airspace of every route of `dataset` and stores it there.
    pub fn fill(&self, dataset: &mut Dataset) {
        let rows = dataset
            .route_vertices()
            .into_iter()
            .filter(|(_, v)| v.len() >= 2)
            .map(|(i, v)| (i, self.airspace(&v)))
            .collect();
        dataset.set_airspace(rows);
    }

    /// Indexes `countries`.
    pub fn new(countries: &[Area]) -> Self {
        let mut names = Vec::with_capacity(countries.len());
        let mut rings = Vec::with_capacity(countries.len());
        let mut edges = Vec::new();
        let mut polygons = Vec::new();
        for (c, country) in countries.iter().enumerate() {
            let c = u32::try_from(c).unwrap_or(u32::MAX);
            names.push(country.name.clone());
            let mut country_rings = Vec::with_capacity(country.polygons.len());
            for (p, polygon) in country.polygons.iter().enumerate() {
                let p = u32::try_from(p).unwrap_or(u32::MAX);
                let mut lo = [f64::INFINITY; 2];
                let mut hi = [f64::NEG_INFINITY; 2];
                let mut polygon_rings = Vec::with_capacity(polygon.rings.len());
                for ring in &polygon.rings {
                    for w in ring.lon_lat.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        // Edges along ±180° only close rings cut at the antimeridian.
                        if a[0].abs() >= 179.9999 && b[0].abs() >= 179.9999 {
                            continue;
                        }
                        edges.push(GeomWithData::new(Line::new(a, b), c));
                    }
                    for q in &ring.lon_lat {
                        lo = [lo[0].min(q[0]), lo[1].min(q[1])];
                        hi = [hi[0].max(q[0]), hi[1].max(q[1])];
                    }
                    polygon_rings.push(ring.lon_lat.clone());
                }
                if lo[0] <= hi[0] {
                    polygons.push(GeomWithData::new(Rectangle::from_corners(lo, hi), (c, p)));
                }
                country_rings.push(polygon_rings);
            }
            rings.push(country_rings);
        }
        Self {
            names,
            rings,
            edges: RTree::bulk_load(edges),
            polygons: RTree::bulk_load(polygons),
        }
    }

    /// The country containing a point (degrees), if any.
    pub fn country_at(&self, lon: f64, lat: f64) -> Option<&str> {
        self.country_index_at([lon, lat])
            .and_then(|c| self.names.get(c as usize))
            .map(String::as_str)
    }

    fn country_index_at(&self, p: [f64; 2]) -> Option<u32> {
        let mut found: Vec<(u32, u32)> = self
            .polygons
            .locate_all_at_point(&p)
            .map(|g| g.data)
            .collect();
        found.sort_unstable();
        found.into_iter().find_map(|(c, poly)| {
            let rings = self.rings.get(c as usize)?.get(poly as usize)?;
            even_odd_contains(rings, p).then_some(c)
        })
    }

    /// Adds a mark where chord a→b (from `da` to `db` metres along the route) crosses a
    /// boundary.
    fn mark_crossings(
        &self,
        a: [f64; 2],
        b: [f64; 2],
        da: f64,
        db: f64,
        marks: &mut Vec<(f64, [f64; 2])>,
    ) {
        let envelope = AABB::from_corners(a, b);
        for e in self.edges.locate_in_envelope_intersecting(&envelope) {
            if let Some(t) = crossing(a, b, e.geom().from, e.geom().to) {
                marks.push((da + t * (db - da), lerp(a, b, t)));
            }
        }
    }

    /// The countries under a route through `vertices` (longitude, latitude), in order.
    pub fn airspace(&self, vertices: &[Point<f64>]) -> Vec<AirspaceRow> {
        let samples = geodesic_samples(vertices, CHORD_MAX_M);
        // Every place the country may change, as (distance along the route in metres, point),
        // plus both ends and both sides of every antimeridian crossing.
        let mut marks: Vec<(f64, [f64; 2])> = Vec::new();
        if let (Some(first), Some(last)) = (samples.first(), samples.last()) {
            marks.push((first.1, [first.0.x(), first.0.y()]));
            marks.push((last.1, [last.0.x(), last.0.y()]));
        }
        for w in samples.windows(2) {
            let ((pa, da), (pb, db)) = (w[0], w[1]);
            let (a, b) = ([pa.x(), pa.y()], [pb.x(), pb.y()]);
            let dlon = b[0] - a[0];
            if dlon.abs() > 180.0 {
                // Cut at ±180: the chord continues on the other side of the map.
                let edge = if dlon < 0.0 { 180.0 } else { -180.0 };
                let unwrapped = b[0] - 360.0 * dlon.signum();
                let t = (edge - a[0]) / (unwrapped - a[0]);
                let lat = a[1] + t * (b[1] - a[1]);
                let d = da + t * (db - da);
                self.mark_crossings(a, [edge, lat], da, d, &mut marks);
                marks.push((d, [edge, lat]));
                marks.push((d, [-edge, lat]));
                self.mark_crossings([-edge, lat], b, d, db, &mut marks);
            } else {
                self.mark_crossings(a, b, da, db, &mut marks);
            }
        }
        marks.sort_by(|x, y| x.0.total_cmp(&y.0));
        // Marks at the same place merge; the two ends of an antimeridian cut (same distance,
        // longitudes ±180) do not.
        marks.dedup_by(|x, y| (x.0 - y.0).abs() < 0.5 && (x.1[0] - y.1[0]).abs() < 1.0);

        let mut rows: Vec<AirspaceRow> = Vec::new();
        for w in marks.windows(2) {
            let ((d0, p0), (d1, p1)) = (w[0], w[1]);
            if d1 - d0 <= 0.0 {
                continue;
            }
            let country = if (p0[0] - p1[0]).abs() > 180.0 {
                // The jump between two pieces at the antimeridian: no distance, no country.
                continue;
            } else {
                self.country_index_at(lerp(p0, p1, 0.5))
            };
            let name = country.and_then(|c| self.names.get(c as usize)).cloned();
            let km = (d1 - d0) / 1000.0;
            match rows.last_mut() {
                Some(last) if last.country == name => {
                    last.km += km;
                    last.exit = p1;
                }
                _ => rows.push(AirspaceRow {
                    country: name,
                    km,
                    entry: p0,
                    exit: p1,
                }),
            }
        }
        rows
    }
}

/// Where segment a→b crosses edge c→d, as a fraction of a→b; the edge's own end is excluded
/// so that a crossing at a shared vertex counts once.
fn crossing(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<f64> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let denom = r[0] * s[1] - r[1] * s[0];
    if denom.abs() < 1e-18 {
        return None;
    }
    let q = [c[0] - a[0], c[1] - a[1]];
    let t = (q[0] * s[1] - q[1] * s[0]) / denom;
    let u = (q[0] * r[1] - q[1] * r[0]) / denom;
    ((0.0..=1.0).contains(&t) && (0.0..1.0).contains(&u)).then_some(t)
}

fn lerp(a: [f64; 2], b: [f64; 2], t: f64) -> [f64; 2] {
    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_are_found_once() {
        assert_eq!(
            crossing([0.0, 0.0], [2.0, 0.0], [1.0, -1.0], [1.0, 1.0]),
            Some(0.5)
        );
        assert_eq!(
            crossing([0.0, 0.0], [2.0, 0.0], [3.0, -1.0], [3.0, 1.0]),
            None
        );
        // Through a shared vertex: the edge ending there does not count, the one starting does.
        assert_eq!(
            crossing([0.0, 0.0], [2.0, 0.0], [1.0, -1.0], [1.0, 0.0]),
            None
        );
        assert_eq!(
            crossing([0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, 1.0]),
            Some(0.5)
        );
    }

    #[test]
    fn points_fall_in_the_right_country() {
        let index = AirspaceIndex::shared();
        assert_eq!(index.country_at(51.39, 35.69), Some("Iran"));
        assert_eq!(index.country_at(44.37, 33.31), Some("Iraq"));
        assert_eq!(index.country_at(36.29, 33.51), Some("Syria"));
        assert_eq!(index.country_at(18.0, 34.5), None, "the Mediterranean");
    }
}
