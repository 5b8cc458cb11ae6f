//! Route analysis against independent references.
//!
//! Lengths and bearings: GeographicLib 2.1 (Python), `Geodesic.WGS84.Inverse`. Airspace: the
//! geodesic sampled every 100 m with GeographicLib and each sample placed in a Natural Earth
//! 1:10m country with shapely. Both computed by `tests/reference/airspace_reference.py`,
//! whose output on 2026-11-25 is quoted beside each value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use geo_types::Point;
use sortie::dataset::parse_str;
use sortie::geometry::geodesic::RouteMetrics;
use sortie::routes::airspace::AirspaceIndex;

const NOJEH: (f64, f64) = (48.65333, 35.21167);
const DEIR_EZ_ZOR: (f64, f64) = (40.150, 35.333);
const ALEPPO: (f64, f64) = (37.167, 36.217);

fn pts(list: &[(f64, f64)]) -> Vec<Point<f64>> {
    list.iter()
        .map(|&(lon, lat)| Point::new(lon, lat))
        .collect()
}

fn close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} vs {expected} (±{tolerance})"
    );
}

/// Vertices, length km, initial bearing, final bearing, legs km.
type Case = (&'static [(f64, f64)], f64, f64, f64, &'static [f64]);

#[test]
fn lengths_and_bearings_match_geographiclib() {
    // (vertices, length km, initial bearing, final bearing, legs km), from GeographicLib 2.1.
    let cases: [Case; 3] = [
        (
            &[NOJEH, DEIR_EZ_ZOR],
            773.5524,
            273.4531,
            268.5367,
            &[773.5524],
        ),
        (
            &[NOJEH, ALEPPO],
            1044.7153,
            279.4651,
            272.7449,
            &[1044.7153],
        ),
        (
            &[NOJEH, (44.0, 37.0), DEIR_EZ_ZOR],
            856.1821,
            296.7005,
            240.7716,
            &[463.5374, 392.6447],
        ),
    ];
    for (vertices, km, initial, fin, legs) in cases {
        let m = RouteMetrics::measure(&pts(vertices)).unwrap();
        close(m.length_km(), km, 0.001, "length km");
        close(m.initial_bearing_deg, initial, 0.001, "initial bearing");
        close(m.final_bearing_deg, fin, 0.001, "final bearing");
        assert_eq!(m.legs_m.len(), legs.len());
        for (leg, expected) in m.legs_m.iter().zip(legs) {
            close(leg / 1000.0, *expected, 0.001, "leg km");
        }
    }
}

#[test]
fn hamedan_to_deir_ez_zor_crosses_iran_iraq_syria() {
    let rows = AirspaceIndex::shared().airspace(&pts(&[NOJEH, DEIR_EZ_ZOR]));
    let countries: Vec<Option<&str>> = rows.iter().map(|r| r.country.as_deref()).collect();
    assert_eq!(countries, [Some("Iran"), Some("Iraq"), Some("Syria")]);
    // Reference: Iran=230.4km Iraq=444.2km Syria=98.9km.
    for (row, expected) in rows.iter().zip([230.4, 444.2, 98.9]) {
        close(
            row.km,
            expected,
            expected * 0.02,
            row.country.as_deref().unwrap_or("sea"),
        );
    }
    let total: f64 = rows.iter().map(|r| r.km).sum();
    close(total, 773.5524, 0.01, "the rows add up to the route");
    assert_eq!(rows[0].entry, [NOJEH.0, NOJEH.1]);
    assert_eq!(rows[2].exit, [DEIR_EZ_ZOR.0, DEIR_EZ_ZOR.1]);
    assert_eq!(
        rows[0].exit, rows[1].entry,
        "one country's exit is the next one's entry"
    );
    // The Iran–Iraq border crossing lies near 46.1°E.
    close(rows[0].exit[0], 46.1, 0.2, "border longitude");
}

#[test]
fn hamedan_to_aleppo_matches_the_reference() {
    let rows = AirspaceIndex::shared().airspace(&pts(&[NOJEH, ALEPPO]));
    // Reference: order=['Iran', 'Iraq', 'Syria'] Iran=246.3km Iraq=428.1km Syria=370.3km.
    let got: Vec<(&str, f64)> = rows
        .iter()
        .map(|r| (r.country.as_deref().unwrap_or("sea"), r.km))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    for ((name, km), (expected_name, expected_km)) in
        got.iter()
            .zip([("Iran", 246.3), ("Iraq", 428.1), ("Syria", 370.3)])
    {
        assert_eq!(*name, expected_name);
        close(*km, expected_km, expected_km * 0.02, name);
    }
}

#[test]
fn a_route_inside_one_country_has_one_row() {
    // Tehran to Isfahan. Reference: order=['Iran'] Iran=337.6km.
    let rows = AirspaceIndex::shared().airspace(&pts(&[(51.389, 35.689), (51.668, 32.654)]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].country.as_deref(), Some("Iran"));
    close(rows[0].km, 337.6399, 0.01, "km");
}

#[test]
fn a_route_across_the_antimeridian_measures_right_and_draws_no_world_wide_line() {
    // Tokyo to San Francisco. GeographicLib: 8289.5376 km, initial 54.3723°, final 123.3732°.
    let vertices = pts(&[(139.6917, 35.6895), (-122.4194, 37.7749)]);
    let m = RouteMetrics::measure(&vertices).unwrap();
    close(m.length_km(), 8289.5376, 8289.5376 * 0.005, "length");
    close(m.initial_bearing_deg, 54.3723, 0.01, "initial bearing");
    close(m.final_bearing_deg, 123.3732, 0.01, "final bearing");
    let track = sortie::geometry::geodesic::geodesic_track(&vertices);
    assert_eq!(track.len(), 2);
    for piece in &track {
        for w in piece.windows(2) {
            assert!(
                (w[1].x() - w[0].x()).abs() < 5.0,
                "a drawn segment spans {}°",
                w[1].x() - w[0].x()
            );
        }
    }
    let rows = AirspaceIndex::shared().airspace(&vertices);
    assert_eq!(
        rows.first().and_then(|r| r.country.as_deref()),
        Some("Japan")
    );
    assert_eq!(
        rows.last().and_then(|r| r.country.as_deref()),
        Some("United States of America")
    );
    assert!(
        rows.iter().any(|r| r.country.is_none()),
        "the Pacific is open sea"
    );
    let total: f64 = rows.iter().map(|r| r.km).sum();
    close(
        total,
        m.length_km(),
        0.05,
        "the rows add up across the antimeridian",
    );
}

#[test]
fn flight_time_from_the_route_or_the_aircraft_table() {
    let text = r#"{"type":"FeatureCollection","aircraft":{"Su-34":{"cruise_kmh":900,"source":"test"}},
      "features":[
      {"type":"Feature","id":"a","properties":{"kind":"route","from":"x","to":"y","cruise_kmh":800},
       "geometry":{"type":"LineString","coordinates":[[48.65333,35.21167],[40.15,35.333]]}},
      {"type":"Feature","id":"b","properties":{"kind":"route","aircraft":["Su-34","Tu-22M3"]},
       "geometry":{"type":"LineString","coordinates":[[48.65333,35.21167],[40.15,35.333]]}}]}"#;
    let d = parse_str(text, None).unwrap();
    let a = d
        .feature(0)
        .unwrap()
        .route
        .as_ref()
        .unwrap()
        .flight_times_h(&d.aircraft_cruise_kmh);
    assert_eq!(a.len(), 1);
    close(
        a[0].1,
        773.5524 / 800.0,
        1e-3,
        "hours at the route's cruise",
    );
    let b = d
        .feature(1)
        .unwrap()
        .route
        .as_ref()
        .unwrap()
        .flight_times_h(&d.aircraft_cruise_kmh);
    assert_eq!(b.len(), 1, "only the Su-34's speed is documented");
    close(
        b[0].1,
        773.5524 / 900.0,
        1e-3,
        "hours at the Su-34's cruise",
    );
    assert!(b[0].0.contains("Su-34"));
}
