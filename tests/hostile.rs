//! Files made to break a reader, run through the real binary as a user would: each command
//! ends with a clear result (a warning or an error naming where), never a crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::process::{Command, Output};

/// How deep the hostile files nest: far past the stack of any recursive reader.
const DEEP: usize = 20_000;

fn sortie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sortie"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A GeoJSON point feature.
fn point(id: &str) -> String {
    format!(
        r#"{{"type":"Feature","id":"{id}","properties":{{"kind":"place"}},"geometry":{{"type":"Point","coordinates":[36.5,35.1]}}}}"#
    )
}

/// A GeoJSON GeometryCollection nested `depth` deep around a point.
fn nested_collection(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 48);
    for _ in 0..depth {
        text.push_str(r#"{"type":"GeometryCollection","geometries":["#);
    }
    text.push_str(r#"{"type":"Point","coordinates":[36.2,37.1]}"#);
    for _ in 0..depth {
        text.push_str("]}");
    }
    text
}

/// Runs `check --json`, `info --json` and `convert` (to GeoJSON and KML) on `file`: each
/// exits as a program does (no signal), and `check`'s report is JSON; gives the report.
fn every_command(dir: &tempfile::TempDir, file: &str) -> serde_json::Value {
    let check = sortie(&["check", "--json", file]);
    assert!(check.status.code().is_some(), "check crashed: {check:?}");
    let info = sortie(&["info", "--json", file]);
    assert!(info.status.code().is_some(), "info crashed: {info:?}");
    for (i, ext) in ["geojson", "kml"].iter().enumerate() {
        let out = dir.path().join(format!("out{i}.{ext}"));
        let convert = sortie(&["convert", file, out.to_str().unwrap()]);
        assert!(
            convert.status.code().is_some(),
            "convert crashed: {convert:?}"
        );
    }
    json(&check)
}

/// The features of `file` as `sortie convert` writes them to GeoJSON.
fn converted(dir: &tempfile::TempDir, file: &str) -> Vec<serde_json::Value> {
    let out = dir.path().join("converted.geojson");
    let run = sortie(&["convert", file, out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let text = std::fs::read_to_string(out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    match json["features"].as_array() {
        Some(features) => features.clone(),
        None => vec![json],
    }
}

/// The one warning of `report` that says a geometry nested too deep.
fn too_deep_warning(report: &serde_json::Value) -> &serde_json::Value {
    let found: Vec<&serde_json::Value> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            w["message"]
                .as_str()
                .unwrap()
                .contains("nested deeper than 32 levels")
        })
        .collect();
    assert_eq!(found.len(), 1, "{report:#}");
    found[0]
}

/// A GeoJSON Feature `id` whose geometry is `levels` nested GeometryCollections.
fn feature_nested(id: &str, levels: usize) -> String {
    format!(
        r#"{{"type":"Feature","id":"{id}","properties":{{"kind":"target"}},"geometry":{}}}"#,
        nested_collection(levels)
    )
}

#[test]
fn a_geometry_collection_nested_past_the_limit_keeps_its_feature() {
    let dir = tempfile::tempdir().unwrap();
    let deep = feature_nested("deep", DEEP);
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{},\n{deep},\n{}\n]}}\n",
        point("a"),
        point("b")
    );
    let file = write(&dir, "deep.geojson", text.as_bytes());
    let report = every_command(&dir, &file);
    assert_eq!(report["ok"], true, "{report:#}");
    let warning = too_deep_warning(&report);
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .ends_with("the feature is kept without a geometry"),
        "{warning}"
    );
    assert_eq!(warning["feature_id"], "deep");
    assert_eq!(warning["line"], 3);
    // At the 33rd collection's `geometries`.
    let line = text.lines().nth(2).unwrap();
    let (at, key) = line.match_indices(r#""geometries":"#).nth(32).unwrap();
    assert_eq!(warning["column"], (at + key.len() + 1) as u64, "{warning}");

    // Nested exactly to the limit, the geometry is read.
    let at_limit = feature_nested("ok", 32);
    let file = write(&dir, "limit.geojson", at_limit.as_bytes());
    let features = converted(&dir, &file);
    assert_eq!(features[0]["geometry"]["type"], "GeometryCollection");
}

#[test]
fn a_single_feature_file_nested_past_the_json_limit_is_refused_saying_where() {
    // Outside a FeatureCollection the file is read as one JSON value, and its nesting is
    // held to JSON's limit of 128 levels (as serde_json's): a clear error, not a crash.
    let dir = tempfile::tempdir().unwrap();
    let text = feature_nested("deep", DEEP);
    let file = write(&dir, "bare.geojson", text.as_bytes());
    let report = every_command(&dir, &file);
    assert_eq!(report["ok"], false, "{report:#}");
    let error = &report["errors"][0];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("nested deeper than 128 levels"),
        "{error}"
    );
    // At an opening bracket past the 128th (no bracket of this file is inside a string).
    assert_eq!(error["line"], 1);
    let at = error["column"].as_u64().unwrap() as usize - 1;
    let (limit, _) = text.match_indices(['{', '[']).nth(128).unwrap();
    assert!(
        at >= limit && matches!(&text[at..=at], "{" | "["),
        "{error}"
    );
}

#[test]
fn a_wkt_collection_nested_past_the_limit_keeps_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut wkt = "GEOMETRYCOLLECTION (".repeat(DEEP);
    wkt.push_str("POINT (36.2 37.1)");
    wkt.push_str(&")".repeat(DEEP));
    let text =
        format!("name,wkt\nfirst,POINT (36.5 35.1)\ndeep,\"{wkt}\"\nlast,POINT (36.6 35.2)\n");
    let file = write(&dir, "deep.csv", text.as_bytes());
    let report = every_command(&dir, &file);
    let warning = too_deep_warning(&report);
    assert_eq!(warning["line"], 3, "{warning}");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .starts_with("WKT GEOMETRYCOLLECTIONs nested deeper"),
        "{warning}"
    );
    let features = converted(&dir, &file);
    let names: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first", "deep", "last"]);
    assert!(features[1]["geometry"].is_null());
}

/// A KML document with one placemark whose MultiGeometries nest `depth` deep, between two
/// plain placemarks.
fn nested_kml(depth: usize) -> String {
    let plain = |name: &str| {
        format!(
            "<Placemark><name>{name}</name><Point><coordinates>36.5,35.1</coordinates></Point></Placemark>\n"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n{}<Placemark><name>deep</name>{}<Point><coordinates>36.2,37.1</coordinates></Point>{}</Placemark>\n{}</Document></kml>\n",
        plain("first"),
        "<MultiGeometry>".repeat(depth),
        "</MultiGeometry>".repeat(depth),
        plain("last"),
    )
}

#[test]
fn a_kml_multigeometry_nested_past_the_limit_keeps_its_placemark() {
    let dir = tempfile::tempdir().unwrap();
    let kml = nested_kml(DEEP);
    let file = write(&dir, "deep.kml", kml.as_bytes());
    let report = every_command(&dir, &file);
    let warning = too_deep_warning(&report);
    assert_eq!(warning["line"], 4, "{warning}");
    // At the 33rd MultiGeometry's start.
    let line = kml.lines().nth(3).unwrap();
    let (at, _) = line.match_indices("<MultiGeometry>").nth(32).unwrap();
    assert_eq!(warning["column"], (at + 1) as u64, "{warning}");
    let features = converted(&dir, &file);
    assert_eq!(features.len(), 3);
    assert!(features[1]["geometry"].is_null());

    // The same as a KMZ.
    let kmz = dir.path().join("deep.kmz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&kmz).unwrap());
    zip.start_file("doc.kml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(kml.as_bytes()).unwrap();
    zip.finish().unwrap();
    let report = every_command(&dir, kmz.to_str().unwrap());
    too_deep_warning(&report);

    // Nested to the limit, the placemark keeps its point.
    let file = write(&dir, "limit.kml", nested_kml(32).as_bytes());
    let features = converted(&dir, &file);
    assert_eq!(
        features[1]["geometry"]["type"], "GeometryCollection",
        "{:#}",
        features[1]
    );
}

/// Runs `sortie` with `args`, failing the test if it is still running after `limit`: a
/// reader that takes quadratic time on a wide row takes minutes where a linear one takes
/// well under a second.
fn sortie_within(args: &[&str], limit: std::time::Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sortie"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().ok();
            panic!("sortie {args:?} still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_row_of_many_cells_past_the_header_reads_in_linear_time() {
    // 300,000 cells past a 4-column header (the quadratic reading took over 120 s), and a
    // header that repeats one name 50,000 times (each repeat numbered).
    const EXTRA: usize = 300_000;
    const REPEATS: usize = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let mut wide = String::from("id,latitude,longitude,kind\nw,35.1,36.5,place");
    for i in 0..EXTRA {
        wide.push_str(&format!(",{i}"));
    }
    wide.push('\n');
    let mut repeated = String::from("id,latitude,longitude");
    repeated.push_str(&",note".repeat(REPEATS));
    repeated.push_str("\nr,35.1,36.5");
    for i in 0..REPEATS {
        repeated.push_str(&format!(",n{i}"));
    }
    repeated.push('\n');
    let limit = std::time::Duration::from_secs(60);
    for (name, text, keys) in [
        ("wide.csv", wide, EXTRA + 4),
        ("repeated.csv", repeated, REPEATS + 3),
    ] {
        let file = write(&dir, name, text.as_bytes());
        let out = dir.path().join(format!("{name}.geojson"));
        let run = sortie_within(&["convert", &file, out.to_str().unwrap()], limit);
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let properties = written["features"][0]["properties"].as_object().unwrap();
        // Every cell kept under a key of its own (id and coordinates are no properties).
        assert!(
            properties.len() >= keys - 3,
            "{name}: {} keys",
            properties.len()
        );
        if name == "wide.csv" {
            assert_eq!(
                properties[&format!("column {}", EXTRA + 4)],
                serde_json::json!(EXTRA - 1)
            );
        } else {
            assert_eq!(properties["note (column 5)"], "n1");
            assert_eq!(
                properties[&format!("note (column {})", REPEATS + 3)],
                format!("n{}", REPEATS - 1)
            );
        }
        let check = sortie_within(&["check", "--json", &file], limit);
        assert!(check.status.code().is_some(), "{check:?}");
    }
}
