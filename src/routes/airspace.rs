//! The airspace a route crosses: the countries under it, in order, with the distance flown
//! over each and where it enters and leaves, against Natural Earth 1:10m admin-0 countries.
//!
//! # Method
//! The route is sampled along its WGS84 geodesics into chords of at most
//! [`CHORD_MAX_M`] wherever a boundary may be near (100 km chords elsewhere, which cross
//! none), each with its distance from the start, and cut at the antimeridian. Every chord is intersected, in
//! longitude/latitude, with the country boundary edges an R-tree finds near it; each
//! intersection is a place where the country below may change. Between consecutive
//! intersections the country is decided by a point-in-polygon test at the middle of the
//! stretch (so a missed or doubled intersection at a shared vertex cannot derail the
//! result), and stretches over no country are open sea. Distances along the route are the
//! samples' geodesic distances from the start, interpolated within a chord.
//!
//! A grid of quarter-degree cells, built with the index, skips the work where no boundary
//! is: a chord whose cells no boundary touches crosses none, and a point in such a cell takes
//! the country found once for its whole region of such cells. The answer is the same as
//! without it; it comes about four times sooner.
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

/// Longest chord of the densified route near a boundary, in metres.
pub const CHORD_MAX_M: f64 = 10_000.0;

/// Longest chord far from any boundary, in metres: it is only cut into [`CHORD_MAX_M`]
/// chords where a boundary may be near.
const COARSE_CHORD_M: f64 = 100_000.0;

/// How far, in degrees, a coarse chord's box is widened before asking whether a boundary is
/// near: more than a 100 km chord departs from its geodesic in longitude and latitude.
const COARSE_MARGIN_DEG: f64 = 0.1;

type Edge = GeomWithData<Line<[f64; 2]>, u32>;
type Bounds = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

/// Country boundaries indexed for crossing and containment tests.
pub struct AirspaceIndex {
    names: Vec<String>,
    /// Rings of each country's polygons, in degrees: `rings[country][polygon][ring]`.
    rings: Vec<Vec<Vec<Vec<[f64; 2]>>>>,
    edges: RTree<Edge>,
    polygons: RTree<Bounds>,
    grid: Grid,
}

/// A grid over longitude and latitude that knows, for each cell no boundary passes through,
/// the country that holds all of it (or open sea): a chord inside such cells crosses no
/// boundary, and a point in one needs no polygon test. Cells a boundary touches are
/// [`Grid::MIXED`] and take the full tests.
struct Grid {
    /// Per cell, row by row from 90°S: a country index, [`Grid::SEA`] or [`Grid::MIXED`].
    cells: Vec<u32>,
}

impl Grid {
    /// Cells per degree.
    const PER_DEGREE: f64 = 4.0;
    const COLS: usize = 360 * 4;
    const ROWS: usize = 180 * 4;
    const MIXED: u32 = u32::MAX;
    const SEA: u32 = u32::MAX - 1;
    /// Not yet filled (while building).
    const UNSET: u32 = u32::MAX - 2;

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn col_row(p: [f64; 2]) -> (usize, usize) {
        let col = ((p[0] + 180.0) * Self::PER_DEGREE).floor().max(0.0) as usize;
        let row = ((p[1] + 90.0) * Self::PER_DEGREE).floor().max(0.0) as usize;
        (col.min(Self::COLS - 1), row.min(Self::ROWS - 1))
    }

    fn cell(&self, p: [f64; 2]) -> u32 {
        let (c, r) = Self::col_row(p);
        self.cells
            .get(r * Self::COLS + c)
            .copied()
            .unwrap_or(Self::MIXED)
    }

    /// Whether any cell of the box `a`..`b` has a boundary in it.
    fn any_mixed(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        let (c0, r0) = Self::col_row([a[0].min(b[0]), a[1].min(b[1])]);
        let (c1, r1) = Self::col_row([a[0].max(b[0]), a[1].max(b[1])]);
        (r0..=r1).any(|r| {
            self.cells
                .get(r * Self::COLS + c0..=r * Self::COLS + c1)
                .is_none_or(|row| row.contains(&Self::MIXED))
        })
    }

    /// Marks the cells the edges' boxes touch, then gives each connected region of the rest
    /// (no boundary inside, so one country or sea throughout) the country found at one of
    /// its cells' centres.
    fn new(edges: &[Edge], country_at: impl Fn([f64; 2]) -> Option<u32>) -> Self {
        let mut cells = vec![Self::UNSET; Self::COLS * Self::ROWS];
        for e in edges {
            let (a, b) = (e.geom().from, e.geom().to);
            let (c0, r0) = Self::col_row([a[0].min(b[0]), a[1].min(b[1])]);
            let (c1, r1) = Self::col_row([a[0].max(b[0]), a[1].max(b[1])]);
            for r in r0..=r1 {
                if let Some(row) = cells.get_mut(r * Self::COLS + c0..=r * Self::COLS + c1) {
                    row.fill(Self::MIXED);
                }
            }
        }
        let mut stack = Vec::new();
        for start in 0..cells.len() {
            if cells[start] != Self::UNSET {
                continue;
            }
            let (c, r) = (start % Self::COLS, start / Self::COLS);
            #[allow(clippy::cast_precision_loss)]
            let center = [
                (c as f64 + 0.5) / Self::PER_DEGREE - 180.0,
                (r as f64 + 0.5) / Self::PER_DEGREE - 90.0,
            ];
            let value = country_at(center).unwrap_or(Self::SEA);
            cells[start] = value;
            stack.push(start);
            while let Some(i) = stack.pop() {
                let (c, r) = (i % Self::COLS, i / Self::COLS);
                // Not across the antimeridian, where rings are cut without edges.
                let neighbours = [
                    (c > 0).then(|| i - 1),
                    (c + 1 < Self::COLS).then(|| i + 1),
                    (r > 0).then(|| i - Self::COLS),
                    (r + 1 < Self::ROWS).then(|| i + Self::COLS),
                ];
                for n in neighbours.into_iter().flatten() {
                    if cells[n] == Self::UNSET {
                        cells[n] = value;
                        stack.push(n);
                    }
                }
            }
        }
        Self { cells }
    }
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
        let (indices, routes): (Vec<usize>, Vec<Vec<Point<f64>>>) = dataset
            .route_vertices(None, |_, _| true)
            .into_iter()
            .filter(|(_, v)| v.len() >= 2)
            .unzip();
        let rows = indices
            .into_iter()
            .zip(self.airspace_of_routes(&routes))
            .collect();
        dataset.set_airspace(rows);
    }

    /// The airspace of each route, in order, on every core.
    pub fn airspace_of_routes<R: AsRef<[Point<f64>]> + Sync>(
        &self,
        routes: &[R],
    ) -> Vec<Vec<AirspaceRow>> {
        crate::parallel::map_ranges(routes.len(), 64, |range| {
            routes
                .get(range)
                .unwrap_or(&[])
                .iter()
                .map(|r| self.airspace(r.as_ref()))
                .collect()
        })
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
        let mut index = Self {
            names,
            rings,
            edges: RTree::new(),
            polygons: RTree::bulk_load(polygons),
            grid: Grid { cells: Vec::new() },
        };
        index.grid = Grid::new(&edges, |p| index.country_by_polygons(p));
        index.edges = RTree::bulk_load(edges);
        index
    }

    /// The country containing a point (degrees), if any.
    pub fn country_at(&self, lon: f64, lat: f64) -> Option<&str> {
        self.country_index_at([lon, lat])
            .and_then(|c| self.names.get(c as usize))
            .map(String::as_str)
    }

    fn country_index_at(&self, p: [f64; 2]) -> Option<u32> {
        match self.grid.cell(p) {
            Grid::MIXED => self.country_by_polygons(p),
            Grid::SEA => None,
            country => Some(country),
        }
    }

    /// The country containing `p`, by the polygons' boxes and an even-odd test.
    fn country_by_polygons(&self, p: [f64; 2]) -> Option<u32> {
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
        if !self.grid.any_mixed(a, b) {
            return;
        }
        let envelope = AABB::from_corners(a, b);
        for e in self.edges.locate_in_envelope_intersecting(&envelope) {
            if let Some(t) = crossing(a, b, e.geom().from, e.geom().to) {
                marks.push((da + t * (db - da), lerp(a, b, t)));
            }
        }
    }

    /// Points along the route's geodesics with their distance from the start: 100 km apart
    /// where no boundary is near, 10 km apart where one may be (or at the antimeridian).
    fn samples(&self, vertices: &[Point<f64>]) -> Vec<(Point<f64>, f64)> {
        let coarse = geodesic_samples(vertices, COARSE_CHORD_M);
        let mut samples = Vec::with_capacity(coarse.len() * 2);
        samples.extend(coarse.first().copied());
        for w in coarse.windows(2) {
            let ((pa, da), (pb, db)) = (w[0], w[1]);
            let m = COARSE_MARGIN_DEG;
            let near = (pb.x() - pa.x()).abs() > 180.0
                || self.grid.any_mixed(
                    [pa.x().min(pb.x()) - m, pa.y().min(pb.y()) - m],
                    [pa.x().max(pb.x()) + m, pa.y().max(pb.y()) + m],
                );
            if near {
                // The same geodesic, walked in 10 km chords.
                let fine = geodesic_samples(&[pa, pb], CHORD_MAX_M);
                let inner = fine.len().saturating_sub(1);
                samples.extend(
                    fine.into_iter()
                        .take(inner)
                        .skip(1)
                        .map(|(p, d)| (p, da + d)),
                );
            }
            samples.push((pb, db));
        }
        samples
    }

    /// The countries under a route through `vertices` (longitude, latitude), in order.
    pub fn airspace(&self, vertices: &[Point<f64>]) -> Vec<AirspaceRow> {
        let samples = self.samples(vertices);
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

    #[test]
    fn the_grid_changes_no_answer() {
        let index = AirspaceIndex::shared();
        let mut plain = AirspaceIndex::new(&World::shared().large.countries);
        plain.grid = Grid {
            cells: vec![Grid::MIXED; Grid::COLS * Grid::ROWS],
        };
        let mut rng = crate::synth::Rng::new(11);
        for _ in 0..20_000 {
            let p = [rng.range(-180.0, 180.0), rng.range(-85.0, 85.0)];
            assert_eq!(
                index.country_index_at(p),
                plain.country_index_at(p),
                "{p:?}"
            );
        }
        for _ in 0..300 {
            let a = Point::new(rng.range(-180.0, 180.0), rng.range(-60.0, 70.0));
            let b = Point::new(
                a.x() + rng.range(-25.0, 25.0),
                (a.y() + rng.range(-20.0, 20.0)).clamp(-80.0, 80.0),
            );
            let (x, y) = (index.airspace(&[a, b]), plain.airspace(&[a, b]));
            assert_eq!(x.len(), y.len(), "{a:?} {b:?}");
            for (r, q) in x.iter().zip(&y) {
                assert_eq!(r.country, q.country, "{a:?} {b:?}");
                // The same stretches, summed in another order at most.
                assert!((r.km - q.km).abs() < 1e-6, "{a:?} {b:?}: {x:?} {y:?}");
                assert_eq!((r.entry, r.exit), (q.entry, q.exit), "{a:?} {b:?}");
            }
        }
    }
}
