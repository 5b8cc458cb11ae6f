//! The command line, run as a user would: the real binary, real files, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sortie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sortie"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/datasets/hamedan-2016-08.geojson")
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn check_summarises_a_valid_file() {
    let out = sortie(&["check", bundled().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("18 features (5 bases, 6 targets, 3 routes, 4 places), 3 routes,"),
        "{text}"
    );
    assert!(text.contains("0 warnings"), "{text}");
}

#[test]
fn check_prints_warnings_and_still_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "w.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"kind":"castle"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
    );
    let out = sortie(&["check", &file]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2 warnings"), "{text}");
    assert!(
        text.contains("w.geojson:2:41: feature 0 (id \"a\"): features[0].properties: the feature rests on no source"),
        "{text}"
    );
    assert!(text.contains("w.geojson:2:49: feature 0 (id \"a\"): features[0].properties.kind: unknown kind \"castle\""), "{text}");

    let out = sortie(&["check", "--json", &file]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0));
    let w = &report["warnings"][0];
    assert_eq!(
        (w["line"].as_u64(), w["column"].as_u64()),
        (Some(2), Some(49))
    );
    assert_eq!(w["feature_index"], 0);
    assert_eq!(w["feature_id"], "a");
    assert_eq!(w["property"], "features[0].properties.kind");
}

#[test]
fn check_fails_with_1_on_an_invalid_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "bad.geojson",
        "{\"type\": \"FeatureCollection\",\n\"features\": [}",
    );
    let out = sortie(&["check", &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bad.geojson:2:14:"), "{text}");

    let report = json(&sortie(&["check", "--json", &file]));
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"][0]["line"], 2);
    assert_eq!(report["errors"][0]["column"], 14);
}

#[test]
fn check_fails_with_2_when_the_file_cannot_be_read() {
    let out = sortie(&["check", "/nonexistent/sortie.geojson"]);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&sortie(&["check", "--json", "/nonexistent/sortie.geojson"]));
    assert_eq!(report["ok"], false);
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
}

#[test]
fn wrong_usage_exits_2_and_help_exits_0() {
    assert_eq!(sortie(&["check"]).status.code(), Some(2));
    assert_eq!(sortie(&["frobnicate", "x", "y"]).status.code(), Some(2));
    for args in [&["--help"][..], &["check", "--help"], &["info", "--help"]] {
        let out = sortie(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn info_prints_a_table() {
    let out = sortie(&["info", bundled().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("aleppo") && l.contains("37.16700") && l.contains("36.21700")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("route-nojeh-deir-ez-zor") && l.contains("773.6")),
        "{text}"
    );
}

#[test]
fn info_json_gives_features_and_routes() {
    let report = json(&sortie(&["info", "--json", bundled().to_str().unwrap()]));
    let features = report["features"].as_array().unwrap();
    let aleppo = features.iter().find(|f| f["id"] == "aleppo").unwrap();
    assert_eq!(aleppo["kind"], "target");
    assert_eq!(aleppo["lon"], 37.167);
    assert_eq!(aleppo["lat"], 36.217);
    assert_eq!(aleppo["date"], "2016-08-16");
    assert!(
        aleppo["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["publisher"].is_string() && s["url"].is_string())
    );
    let route = features
        .iter()
        .find(|f| f["id"] == "route-nojeh-aleppo")
        .unwrap();
    assert!(route["lon"].is_null(), "a route has no single position");

    let routes = report["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 3);
    let r = routes
        .iter()
        .find(|r| r["id"] == "route-nojeh-deir-ez-zor")
        .unwrap();
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("nojeh"), Some("deir-ez-zor"))
    );
    let km = r["length_km"].as_f64().unwrap();
    assert!((km - 773.55).abs() < 0.1, "{km}");
    let bearing = r["initial_bearing_deg"].as_f64().unwrap();
    assert!((bearing - 273.45).abs() < 0.05, "{bearing}");
}

#[test]
fn info_json_gives_each_routes_analysis() {
    let report = json(&sortie(&["info", "--json", bundled().to_str().unwrap()]));
    let r = report["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "route-nojeh-deir-ez-zor")
        .unwrap();
    let nmi = r["length_nmi"].as_f64().unwrap();
    assert!((nmi - 773.5524 / 1.852).abs() < 0.01, "{nmi}");
    assert!((r["final_bearing_deg"].as_f64().unwrap() - 268.54).abs() < 0.01);
    assert_eq!(r["legs"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        r["legs"][0]["from"],
        serde_json::json!([48.65333, 35.21167])
    );
    let airspace = r["airspace"].as_array().unwrap();
    let countries: Vec<&str> = airspace
        .iter()
        .map(|a| a["country"].as_str().unwrap_or("sea"))
        .collect();
    assert_eq!(countries, ["Iran", "Iraq", "Syria"]);
    let km: f64 = airspace.iter().map(|a| a["km"].as_f64().unwrap()).sum();
    assert!((km - 773.552).abs() < 0.01, "{km}");
    assert_eq!(airspace[0]["exit"], airspace[1]["entry"]);
    assert_eq!(airspace[0]["entry"].as_array().map(Vec::len), Some(2));

    let table = String::from_utf8(sortie(&["info", bundled().to_str().unwrap()]).stdout).unwrap();
    assert!(
        table
            .lines()
            .any(|l| l.trim_start().starts_with("over Iraq") && l.contains("444.2 km")),
        "{table}"
    );
}

#[test]
fn info_on_an_invalid_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "x.geojson", "[]");
    assert_eq!(sortie(&["info", &file]).status.code(), Some(1));
    assert_eq!(sortie(&["info", "--json", &file]).status.code(), Some(1));
}

/// The evidence warnings of a `check --json` report: (property, message, line).
fn evidence_of(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "evidence")
        .map(|w| {
            (
                w["property"].as_str().unwrap_or("").to_owned(),
                w["message"].as_str().unwrap_or("").to_owned(),
                w["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn evidence_checks_are_warnings_and_errors_with_strict() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "e.geojson",
        r#"{"type":"FeatureCollection",
"sources":[{"id":"reg","publisher":"R"},{"id":"unused","url":"https://e.org/u"}],
"features":[
{"type":"Feature","id":"a","properties":{"claims":[{"text":"T","by":"X","date":"2016-08-16","sources":["s","reg"]}],
 "sources":[{"id":"s","publisher":"P","published":"2016-09-01"}]},"geometry":{"type":"Point","coordinates":[1,2]}},
{"type":"Feature","id":"b","properties":{"claims":[{"text":"U"}],
 "sources":[{"id":"s","publisher":"Q"},{"id":"bare"}]},"geometry":null},
{"type":"Feature","id":"c","properties":{},"geometry":null}]}"#,
    );
    let out = sortie(&["check", "--json", &file]);
    assert_eq!(out.status.code(), Some(0), "evidence alone is a warning");
    let report = json(&out);
    let evidence: Vec<(String, String)> = evidence_of(&report)
        .into_iter()
        .map(|(p, m, _)| (p, m))
        .collect();
    let props: Vec<&str> = evidence.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        props,
        [
            "features[0].properties.claims[0].sources[0]",
            "features[1].properties.sources[1]",
            "features[1].properties.claims[0]",
            "features[1].properties.claims[0].sources",
            "features[2].properties",
            "sources[1]",
            "features[1].properties.sources[0]",
        ],
        "{evidence:#?}"
    );
    assert!(
        evidence[0].1.contains("published (1 September 2016) after"),
        "{evidence:#?}"
    );
    assert!(
        evidence[6]
            .1
            .contains("first at features[0].properties.sources[0]"),
        "{evidence:#?}"
    );

    // Each points at the value at fault: the citation, the source, the claim.
    let lines: Vec<u64> = evidence_of(&report).into_iter().map(|e| e.2).collect();
    assert_eq!(lines, [4, 7, 6, 6, 8, 2, 7], "{evidence:#?}");

    let out = sortie(&["check", "--strict", "--json", &file]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(7));
}

#[test]
fn the_bundled_dataset_passes_the_strict_evidence_check() {
    let out = sortie(&["check", "--strict", "--json", bundled().to_str().unwrap()]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(
        report["warnings"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
}

#[test]
fn evidence_warnings_count_the_items_the_file_has() {
    let dir = tempfile::tempdir().unwrap();
    // An unreadable claim and an unreadable registry entry come first: the paths still name
    // the items as the file numbers them.
    let file = write(
        &dir,
        "i.geojson",
        r#"{"type":"FeatureCollection",
"sources":["junk",{"id":"r","publisher":"P"}],
"features":[
{"type":"Feature","id":"a","properties":{"claims":["x",
 {"text":"t","sources":["s"]}],
 "sources":[7,{"id":"s","publisher":"Q"}]},"geometry":null}]}"#,
    );
    let report = json(&sortie(&["check", "--json", &file]));
    let evidence: Vec<(String, u64)> = evidence_of(&report)
        .into_iter()
        .map(|(p, _, l)| (p, l))
        .collect();
    assert_eq!(
        evidence,
        [
            ("features[0].properties.claims[1]".to_owned(), 5),
            ("sources[1]".to_owned(), 2),
        ],
        "{report:#}"
    );
}

/// Five features whose dates answer a week's range differently.
const DATED: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"day","properties":{"kind":"target","date":"2016-08-16"},"geometry":{"type":"Point","coordinates":[40,35]}},
{"type":"Feature","id":"month","properties":{"kind":"target","date":"2016-08"},"geometry":{"type":"Point","coordinates":[41,35]}},
{"type":"Feature","id":"week","properties":{"kind":"target","date":"2016-08-16","date_end":"2016-08-22?"},"geometry":{"type":"Point","coordinates":[42,35]}},
{"type":"Feature","id":"undated","properties":{"kind":"base"},"geometry":{"type":"Point","coordinates":[43,35]}},
{"type":"Feature","id":"later","properties":{"kind":"target","date":"2016-09-01T06:30Z"},"geometry":{"type":"Point","coordinates":[44,35]}}]}"#;

#[test]
fn info_gives_each_features_bounds_and_certainty() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "dated.geojson", DATED);
    let report = json(&sortie(&["info", "--json", &file]));
    let by_id = |id: &str| {
        report["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()
            .clone()
    };
    let week = by_id("week");
    assert_eq!(week["date_start"], "2016-08-16");
    assert_eq!(week["date_end"], "2016-08-22");
    assert_eq!(week["date_certainty"], "uncertain");
    let month = by_id("month");
    assert_eq!(
        (month["date_start"].as_str(), month["date_end"].as_str()),
        (Some("2016-08-01"), Some("2016-08-31"))
    );
    let later = by_id("later");
    assert_eq!(later["date_start"], "2016-09-01T06:30:00Z");
    assert_eq!(later["date_certainty"], "certain");
    let undated = by_id("undated");
    assert!(undated["date_start"].is_null() && undated["date_certainty"].is_null());
}

#[test]
fn info_lists_only_the_features_in_a_range() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "dated.geojson", DATED);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["info", "--json", file.as_str()];
        all.extend_from_slice(args);
        let out = sortie(&all);
        assert_eq!(out.status.code(), Some(0));
        json(&out)["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let week = ["--from", "2016-08-15", "--to", "2016-08-20"];
    assert_eq!(ids(&week), ["day", "month", "week"]);
    let mut definite = week.to_vec();
    definite.push("--definite");
    assert_eq!(ids(&definite), ["day"]);
    assert_eq!(ids(&["--from", "2016-08-23"]), ["month", "later"]);
    assert_eq!(ids(&["--to", "2016-07"]), Vec::<String>::new());
    assert_eq!(
        ids(&["--from", "2016-08", "--to", "2016-08", "--definite"]),
        ["day", "month", "week"]
    );

    let out = sortie(&["info", &file, "--from", "2016-08-15", "--to", "2016-08-20"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3 of 5 features in range"), "{text}");
    assert!(
        text.contains("16 August 2016 – 22 August 2016 (uncertain)"),
        "{text}"
    );
    assert!(!text.contains("undated"), "{text}");

    let wrong: [(&[&str], &str); 2] = [
        (
            &["--from", "2016-09", "--to", "2016-08"],
            "--from is after --to",
        ),
        (&["--definite"], "--definite needs a range"),
    ];
    for (args, says) in wrong {
        let mut all = vec!["info", file.as_str()];
        all.extend_from_slice(args);
        let out = sortie(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}"
        );
    }

    let bad = sortie(&["info", &file, "--from", "August"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"August\""));
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn check_and_info_read_every_format() {
    for (name, features) in [
        ("acled_current.csv", 4),
        ("ucdp_ged.csv", 3),
        ("spreadsheet_semicolon.csv", 3),
        ("strikes.kmz", 5),
    ] {
        let out = sortie(&["check", &fixture(name)]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let report = json(&sortie(&["info", "--json", &fixture(name)]));
        assert_eq!(
            report["features"].as_array().map(Vec::len),
            Some(features),
            "{name}"
        );
    }
    let out = sortie(&["check", &fixture("acled_current.csv")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("acled_current.csv:6:1: latitude: row skipped"),
        "{text}"
    );
    let out = sortie(&["check", &fixture("no_coordinates.csv")]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn convert_writes_kml_kmz_and_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let kml = dir.path().join("h.kml").display().to_string();
    let out = sortie(&["convert", &bundled().display().to_string(), &kml]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("18 features from GeoJSON written as KML")
    );
    let back = dir.path().join("back.json").display().to_string();
    let out = sortie(&["convert", &kml, &back]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&sortie(&["check", "--json", "--strict", &back]));
    assert_eq!(report["ok"], true, "{report}");
    // --format wins over the extension.
    let zipped = dir.path().join("h.data").display().to_string();
    let out = sortie(&[
        "convert",
        "--format",
        "kmz",
        &fixture("acled_2019.csv"),
        &zipped,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read(&zipped).unwrap().starts_with(b"PK\x03\x04"));
}

#[test]
fn convert_refuses_what_it_cannot_do_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = dir.path().join("h.shp").display().to_string();
    let out = sortie(&["convert", &bundled().display().to_string(), &unknown]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--format"));
    let bad_dir = dir.path().join("missing/h.kml").display().to_string();
    let out = sortie(&["convert", &bundled().display().to_string(), &bad_dir]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot write"));
    let out = sortie(&[
        "convert",
        &fixture("truncated.kml"),
        &dir.path().join("t.geojson").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn check_writes_many_findings_in_file_order_and_counts_them() {
    // More findings than are worded at a time (synth's claims name no author), so that the
    // report is written across blocks.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.geojson").display().to_string();
    let made = sortie(&[
        "synth", &file, "--points", "30000", "--routes", "3000", "--seed", "3",
    ]);
    assert!(made.status.success(), "{made:?}");
    let report = json(&sortie(&["check", "--json", &file]));
    assert_eq!(report["ok"], true);
    let warnings = report["warnings"].as_array().unwrap();
    let features: Vec<u64> = warnings
        .iter()
        .map(|w| w["feature_index"].as_u64().unwrap())
        .collect();
    assert_eq!(features.len(), 33_000, "one finding a feature");
    assert!(features.windows(2).all(|w| w[0] < w[1]), "in file order");
    assert!(warnings.iter().all(|w| {
        w["property"]
            .as_str()
            .unwrap()
            .ends_with("properties.claims[0]")
    }));

    let text = sortie(&["check", &file]);
    let text = String::from_utf8(text.stdout).unwrap();
    let mut lines = text.lines();
    assert!(
        lines.next().unwrap().ends_with(", 33000 warnings"),
        "{text:.300}"
    );
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len(), 33_000);
    // Each line names the feature the JSON report names, with its line in the file.
    assert!(rest[20_000].contains(&format!(
        "feature {} (id ",
        warnings[20_000]["feature_index"]
    )));
    assert!(rest[20_000].contains(&format!(":{}:", warnings[20_000]["line"])));

    let strict = sortie(&["check", "--strict", "--json", &file]);
    assert_eq!(strict.status.code(), Some(1));
    let strict = json(&strict);
    assert_eq!(strict["ok"], false);
    assert_eq!(strict["errors"].as_array().unwrap().len(), 33_000);
    assert_eq!(strict["warnings"].as_array().unwrap().len(), 0);
}
