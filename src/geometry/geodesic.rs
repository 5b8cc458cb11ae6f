//! Geodesy on the WGS84 ellipsoid: lengths, bearings, and great-circle tracks densified for
//! drawing and sampled for analysis. Knows nothing of the app or its data.
//!
//! A route's segments are geodesics (the shortest paths aircraft fly), not RFC 7946's
//! straight lines in longitude/latitude: this departs from the RFC on purpose, for routes
//! only. Other lines are drawn as the file gives them.

use geo_types::{Coord, Point};

use super::mercator::Unit;

/// Maximum length of a drawn segment of a densified route, in metres.
pub const DENSIFY_MAX_SEGMENT_M: f64 = 20_000.0;

/// Longest chord of a route's track as the map keeps it, in metres. The chords' ends lie on
/// the geodesic; where a view magnifies a chord enough to show its distance from the great
/// circle, [`super::screen::track_on_screen`] adds points along it, so the load does a fifth
/// of the work [`DENSIFY_MAX_SEGMENT_M`] would ask and the drawing stays as true.
pub const DRAWN_CHORD_M: f64 = 100_000.0;

/// How far, at most, the great circle between a track's chord's ends strays from the
/// chord in unit Web Mercator, as a share of the chord's length (for chords up to
/// [`DRAWN_CHORD_M`] between 84°S and 84°N, checked by a test): the margin by which the
/// map grows a track's boxes.
pub const CHORD_BULGE: f64 = 0.02;

/// The point a share `t` of the way along the great circle from `a` to `b` (unit Web
/// Mercator, on the sphere; from the chord's ends, on the geodesic, it strays from the
/// WGS84 geodesic by under a metre for chords of [`DRAWN_CHORD_M`]).
pub fn great_circle_at(a: Unit, b: Unit, t: f64) -> Unit {
    let vector = |u: Unit| {
        let (lon, lat) = super::mercator::unproject(u);
        let (lon, lat) = (lon.to_radians(), lat.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    };
    let (va, vb) = (vector(a), vector(b));
    let dot = (va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]).clamp(-1.0, 1.0);
    let omega = dot.acos();
    if omega < 1e-12 {
        return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    }
    let (wa, wb) = (
        ((1.0 - t) * omega).sin() / omega.sin(),
        (t * omega).sin() / omega.sin(),
    );
    let v = [
        wa * va[0] + wb * vb[0],
        wa * va[1] + wb * vb[1],
        wa * va[2] + wb * vb[2],
    ];
    let lat = v[2].atan2(v[0].hypot(v[1])).to_degrees();
    let lon = v[1].atan2(v[0]).to_degrees();
    super::mercator::project(lon, lat)
}

/// Length and bearings of a route, measured along geodesics on the WGS84 ellipsoid.
///
/// # Units
/// Metres and degrees clockwise from true north, 0 to 360.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteMetrics {
    /// Total length, in metres.
    pub length_m: f64,
    /// Length of each leg (between consecutive vertices), in metres.
    pub legs_m: Vec<f64>,
    /// Bearing at departure, in degrees from true north.
    pub initial_bearing_deg: f64,
    /// Bearing on arrival, in degrees from true north.
    pub final_bearing_deg: f64,
}

impl RouteMetrics {
    /// Measures a route through `vertices`, leg by leg. `None` with fewer than two distinct
    /// vertices.
    ///
    /// # Examples
    /// ```
    /// use geo_types::Point;
    /// let hamedan = Point::new(48.65333, 35.21167);
    /// let deir_ez_zor = Point::new(40.150, 35.333);
    /// let m = sortie::geometry::geodesic::RouteMetrics::measure(&[hamedan, deir_ez_zor]).unwrap();
    /// assert!((m.length_m / 1000.0 - 773.0).abs() < 3.0);
    /// ```
    pub fn measure(vertices: &[Point<f64>]) -> Option<Self> {
        use geographiclib_rs::{Geodesic as Wgs84, InverseGeodesic as _};
        let wgs84 = Wgs84::wgs84();
        // One inverse solution a leg gives its length and both its azimuths.
        let mut legs_m = Vec::with_capacity(vertices.len().saturating_sub(1));
        let mut bearings = None;
        for pair in vertices.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (s12, azi1, azi2, _a12): (f64, f64, f64, f64) =
                wgs84.inverse(a.y(), a.x(), b.y(), b.x());
            legs_m.push(s12);
            if a != b {
                let initial = bearings.map_or(azi1, |(initial, _)| initial);
                bearings = Some((initial, azi2));
            }
        }
        let (initial, last) = bearings?;
        Some(Self {
            length_m: legs_m.iter().sum(),
            legs_m,
            initial_bearing_deg: normalize_deg(initial),
            final_bearing_deg: normalize_deg(last),
        })
    }

    /// Total length in kilometres.
    pub fn length_km(&self) -> f64 {
        self.length_m / 1000.0
    }
}

/// An angle in degrees brought into 0..360.
pub fn normalize_deg(deg: f64) -> f64 {
    let d = deg.rem_euclid(360.0);
    if d >= 360.0 { 0.0 } else { d }
}

/// The drawn track of a route: its vertices joined by geodesics, densified so that no
/// drawn segment exceeds [`DENSIFY_MAX_SEGMENT_M`], and cut where it crosses the
/// antimeridian so that no piece spans the world.
pub fn geodesic_track(vertices: &[Point<f64>]) -> Vec<Vec<Point<f64>>> {
    geodesic_track_with(vertices, DENSIFY_MAX_SEGMENT_M)
}

/// [`geodesic_track`] with chords of at most `max_segment_m` metres.
pub fn geodesic_track_with(vertices: &[Point<f64>], max_segment_m: f64) -> Vec<Vec<Point<f64>>> {
    split_at_antimeridian(
        geodesic_samples(vertices, max_segment_m)
            .into_iter()
            .map(|(p, _)| p),
    )
}

/// Points along the geodesics through `vertices`, at most `max_segment_m` apart, each with
/// its distance from the start in metres. Each leg is solved once and walked along its
/// geodesic line (Karney's algorithm, WGS84); longitudes stay within ±180.
pub fn geodesic_samples(vertices: &[Point<f64>], max_segment_m: f64) -> Vec<(Point<f64>, f64)> {
    use geographiclib_rs::{
        Geodesic as Wgs84, GeodesicLine, InverseGeodesic as _, capability as caps,
    };
    let wgs84 = Wgs84::wgs84();
    let mut out = Vec::new();
    let mut start_m = 0.0;
    for (i, leg) in vertices.windows(2).enumerate() {
        let (a, b) = (leg[0], leg[1]);
        if i == 0 {
            out.push((a, 0.0));
        }
        let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) =
            wgs84.inverse(a.y(), a.x(), b.y(), b.x());
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = ((s12 / max_segment_m.max(1.0)).ceil() as usize).max(1);
        let line = GeodesicLine::new(
            &wgs84,
            a.y(),
            a.x(),
            azi1,
            Some(caps::STANDARD | caps::DISTANCE_IN),
            None,
            None,
        );
        for k in 1..n {
            #[allow(clippy::cast_precision_loss)]
            let s = s12 * k as f64 / n as f64;
            let (_, lat, lon, ..) = line._gen_position(false, s, caps::LATITUDE | caps::LONGITUDE);
            out.push((Point::new(lon, lat), start_m + s));
        }
        start_m += s12;
        out.push((b, start_m));
    }
    out
}

/// The latitude at which the great circle from `a` to `b` (a short segment that crosses
/// ±180° longitude) meets the antimeridian, in degrees.
fn antimeridian_latitude(a: Point<f64>, b: Point<f64>) -> f64 {
    let vector = |p: Point<f64>| {
        let (lon, lat) = (p.x().to_radians(), p.y().to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    };
    let (u, v) = (vector(a), vector(b));
    // The great circle's pole, crossed with the pole of the plane of meridians 0 and 180
    // (y = 0), gives where the two meet; the antimeridian is the side with x < 0.
    let n = [
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0],
    ];
    let mut d = [-n[2], 0.0, n[0]];
    if d[0] > 0.0 {
        d = [-d[0], 0.0, -d[2]];
    }
    if d[0].abs() + d[2].abs() < 1e-15 {
        // Degenerate (both ends on the antimeridian's plane): the mean latitude.
        return (a.y() + b.y()) / 2.0;
    }
    d[2].atan2(d[0].abs()).to_degrees()
}

/// Cuts a path where consecutive points jump across ±180° longitude, adding a point on the
/// line on each side so the pieces meet the edge of the map.
pub fn split_at_antimeridian(points: impl IntoIterator<Item = Point<f64>>) -> Vec<Vec<Point<f64>>> {
    let mut pieces: Vec<Vec<Point<f64>>> = Vec::new();
    let mut current: Vec<Point<f64>> = Vec::new();
    for p in points {
        if let Some(&prev) = current.last() {
            let dlon = p.x() - prev.x();
            if dlon.abs() > 180.0 {
                // Crossing: unwrap the next longitude next to the previous one and find
                // the latitude where the segment meets ±180.
                let edge = if dlon < 0.0 { 180.0 } else { -180.0 };
                let lat = antimeridian_latitude(prev, p);
                current.push(Point(Coord { x: edge, y: lat }));
                pieces.push(std::mem::take(&mut current));
                current.push(Point(Coord { x: -edge, y: lat }));
            }
        }
        current.push(p);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_antimeridian_is_crossed_on_the_great_circle() {
        use geographiclib_rs::{DirectGeodesic as _, Geodesic as Wgs84};
        // A chord of the drawn length from 179.6°E north-eastwards, at 50°N.
        let (lat2, lon2): (f64, f64) = Wgs84::wgs84().direct(50.0, 179.6, 60.0, DRAWN_CHORD_M);
        let (a, b) = (Point::new(179.6, 50.0), Point::new(lon2, lat2));
        assert!(lon2 < 0.0, "it crosses");
        let pieces = split_at_antimeridian([a, b]);
        assert_eq!(pieces.len(), 2);
        let cut = pieces[0][1];
        assert_eq!(cut.x(), 180.0);
        assert_eq!(pieces[1][0].y(), cut.y());
        // The great circle's own crossing, found by walking it finely.
        let unit = |p: Point<f64>| super::super::mercator::project(p.x(), p.y());
        let (ua, ub) = (unit(a), unit(Point::new(lon2 + 360.0, lat2)));
        let mut best = (f64::INFINITY, 0.0);
        for k in 0..=100_000 {
            let t = f64::from(k) / 100_000.0;
            let (lon, lat) = super::super::mercator::unproject(great_circle_at(ua, ub, t));
            let off = (lon.rem_euclid(360.0) - 180.0).abs();
            if off < best.0 {
                best = (off, lat);
            }
        }
        // Within a few metres (1e-4 degrees is 11 m); a straight line in degrees would be
        // hundreds of metres off.
        assert!(
            (cut.y() - best.1).abs() < 1e-4,
            "{} against {}",
            cut.y(),
            best.1
        );
    }

    /// Chords of the drawn track's length, from many places in many directions: the great
    /// circle between their ends stays within [`CHORD_BULGE`] of them (relative to their
    /// length), and the sphere's great circle within a metre of the WGS84 geodesic.
    #[test]
    fn the_great_circle_stays_near_a_chord() {
        use geographiclib_rs::{DirectGeodesic as _, Geodesic as Wgs84, InverseGeodesic as _};
        let wgs84 = Wgs84::wgs84();
        let mut worst: f64 = 0.0;
        let mut worst_m: f64 = 0.0;
        for lat in (-84..=84).step_by(6) {
            for azi in (0..360).step_by(15) {
                let (lat1, lon1) = (f64::from(lat), 20.0);
                let (lat2, lon2): (f64, f64) =
                    wgs84.direct(lat1, lon1, f64::from(azi), DRAWN_CHORD_M);
                let (a, b) = (
                    super::super::mercator::project(lon1, lat1),
                    super::super::mercator::project(lon2, lat2),
                );
                let chord = (b[0] - a[0]).hypot(b[1] - a[1]);
                for k in 1..10 {
                    let t = f64::from(k) / 10.0;
                    let p = great_circle_at(a, b, t);
                    // Distance from the chord's line, in unit.
                    let cross = ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]))
                        .abs()
                        / chord;
                    worst = worst.max(cross / chord);
                    // Against the geodesic: the nearest point of it to p, by its distance.
                    let (plon, plat) = super::super::mercator::unproject(p);
                    let (s_p, ..): (f64, f64, f64, f64) = wgs84.inverse(lat1, lon1, plat, plon);
                    let (glat, glon): (f64, f64) = wgs84.direct(lat1, lon1, f64::from(azi), s_p);
                    let off: f64 = wgs84.inverse(plat, plon, glat, glon);
                    worst_m = worst_m.max(off);
                }
            }
        }
        eprintln!("worst bulge {worst:.5} of the chord, {worst_m:.3} m from the geodesic");
        assert!(worst < CHORD_BULGE, "bulge {worst}");
        assert!(worst_m < 1.0, "{worst_m} m from the geodesic");
    }

    #[test]
    fn one_inverse_a_leg_measures_as_geo_does() {
        use geo::{Bearing as _, Distance as _, Geodesic};
        let mut rng = crate::synth::Rng::new(7);
        for _ in 0..500 {
            let n = 2 + rng.below(4);
            let mut vertices: Vec<Point<f64>> = (0..n)
                .map(|_| Point::new(rng.range(-180.0, 180.0), rng.range(-89.0, 89.0)))
                .collect();
            if rng.below(4) == 0 {
                // A repeated vertex: a leg of length zero, skipped for bearings.
                let last = vertices[n - 1];
                vertices.push(last);
            }
            let m = RouteMetrics::measure(&vertices).expect("distinct vertices");
            let legs: Vec<f64> = vertices
                .windows(2)
                .map(|p| Geodesic.distance(p[0], p[1]))
                .collect();
            for (a, b) in m.legs_m.iter().zip(&legs) {
                assert!((a - b).abs() < 1e-6, "leg {a} against {b}");
            }
            let first = vertices.windows(2).find(|p| p[0] != p[1]).expect("a leg");
            let last = vertices
                .windows(2)
                .rev()
                .find(|p| p[0] != p[1])
                .expect("a leg");
            let initial = normalize_deg(Geodesic.bearing(first[0], first[1]));
            let fin = normalize_deg(Geodesic.bearing(last[1], last[0]) + 180.0);
            let close = |a: f64, b: f64| {
                let d = (a - b).rem_euclid(360.0);
                d.min(360.0 - d) < 1e-9
            };
            assert!(close(m.initial_bearing_deg, initial));
            assert!(
                close(m.final_bearing_deg, fin),
                "{} against {fin}",
                m.final_bearing_deg
            );
        }
        assert_eq!(RouteMetrics::measure(&[Point::new(1.0, 2.0); 3]), None);
    }

    #[test]
    fn a_route_across_the_antimeridian_is_cut_in_two() {
        // Tokyo to San Francisco.
        let track = geodesic_track(&[Point::new(139.69, 35.69), Point::new(-122.42, 37.77)]);
        assert_eq!(track.len(), 2, "two pieces");
        for piece in &track {
            for pair in piece.windows(2) {
                assert!(
                    (pair[1].x() - pair[0].x()).abs() < 10.0,
                    "no world-wide jump"
                );
            }
        }
        let end_of_first = track[0].last().map(|p| p.x());
        let start_of_second = track[1].first().map(|p| p.x());
        assert_eq!(end_of_first, Some(180.0));
        assert_eq!(start_of_second, Some(-180.0));
    }

    #[test]
    fn a_short_route_stays_whole_and_dense() {
        let a = Point::new(48.65333, 35.21167);
        let b = Point::new(40.150, 35.333);
        let track = geodesic_track(&[a, b]);
        assert_eq!(track.len(), 1);
        let n = track[0].len();
        assert!(
            n >= 773 / 20,
            "densified to ≤20 km segments, got {n} points"
        );
        assert_eq!(track[0].first(), Some(&a));
        assert_eq!(track[0].last(), Some(&b));
    }

    #[test]
    fn bearings_are_normalized() {
        assert_eq!(normalize_deg(-90.0), 270.0);
        assert_eq!(normalize_deg(360.0), 0.0);
        assert_eq!(normalize_deg(725.0), 5.0);
    }

    #[test]
    fn metrics_need_two_distinct_points() {
        let p = Point::new(1.0, 2.0);
        assert!(RouteMetrics::measure(&[p]).is_none());
        assert!(RouteMetrics::measure(&[p, p]).is_none());
    }

    #[test]
    fn westward_route_heads_west() {
        let m =
            RouteMetrics::measure(&[Point::new(48.65333, 35.21167), Point::new(40.150, 35.333)]);
        let m = m.expect("two distinct points");
        assert!(
            (265.0..275.0).contains(&m.initial_bearing_deg),
            "{}",
            m.initial_bearing_deg
        );
        assert!(
            (265.0..280.0).contains(&m.final_bearing_deg),
            "{}",
            m.final_bearing_deg
        );
    }
}
