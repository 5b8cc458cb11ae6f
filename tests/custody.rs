//! Captured copies of sources, as an investigator keeps them: a page saved beside the
//! dataset under its SHA-256, recorded on the source, and `sortie check` (the real binary)
//! verifying each file and each quote against it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use sortie::dataset::capture::{Sha256, keep_capture};
use sortie::dataset::{Capture, load_path};

fn sortie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sortie"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn run_check(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = sortie(args);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), report)
}

/// The evidence warnings of a `check --json` report: (property, message).
fn evidence(report: &serde_json::Value, list: &str) -> Vec<(String, String)> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "evidence")
        .map(|w| {
            (
                w["property"].as_str().unwrap_or("").to_owned(),
                w["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The ministry's statement as a news site served it.
const PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<script>var q = \"not in the text\";</script></head><body>\
<p>Long-range Tu&#8209;22M3 bombers and Su-34 front-line bombers, taking off\n\
from the Hamadan airfield, delivered a <b>concentrated</b> air&nbsp;strike.</p>\
<p>&ldquo;All aircraft returned to their bases,&rdquo; the ministry said.</p></body></html>";

/// A dataset whose claim cites a source with one capture, the capture kept in the folder's
/// `captures/`; gives the dataset's path and the capture record.
fn dataset_with_capture(dir: &Path, quote: &str) -> (String, Capture) {
    let saved = dir.join("downloaded page.html");
    std::fs::write(&saved, PAGE).unwrap();
    let capture = keep_capture(
        dir,
        &saved,
        "2016-08-16T12:00:00Z".into(),
        Some("Test Editor".into()),
        None,
    )
    .unwrap();
    let record = serde_json::json!({
        "sha256": capture.sha256, "file": capture.file, "media_type": capture.media_type,
        "bytes": capture.bytes, "captured_at": capture.captured_at,
        "captured_by": capture.captured_by,
    });
    let text = serde_json::json!({
        "type": "FeatureCollection",
        "sources": [{"id": "mod-ru", "publisher": "Russian Ministry of Defence",
                     "url": "https://example.org/mod", "captures": [record]}],
        "features": [{
            "type": "Feature", "id": "deir-ez-zor",
            "properties": {"kind": "target", "name": "Deir ez-Zor",
                "claims": [{"text": "Struck by Tu-22M3 from Hamedan", "by": "Russian MoD",
                            "status": "claimed",
                            "sources": [{"id": "mod-ru", "quote": quote}]}]},
            "geometry": {"type": "Point", "coordinates": [40.14, 35.33]}
        }]
    });
    let path = dir.join("strikes.geojson");
    std::fs::write(&path, serde_json::to_string_pretty(&text).unwrap()).unwrap();
    (path.to_string_lossy().into_owned(), capture)
}

#[test]
fn a_kept_capture_and_a_quote_found_in_it_pass_the_strict_check() {
    let dir = tempfile::tempdir().unwrap();
    let (file, capture) = dataset_with_capture(
        dir.path(),
        "Tu-22M3 bombers … taking off from the Hamadan airfield, delivered a concentrated air strike",
    );
    let (code, checked) = run_check(&["check", "--strict", "--json", &file]);
    assert_eq!(code, Some(0), "{checked:#}");
    assert_eq!(checked["errors"].as_array().map(Vec::len), Some(0));
    // The record reads back as written.
    let dataset = load_path(Path::new(&file)).unwrap();
    assert_eq!(dataset.registry[0].captures, std::slice::from_ref(&capture));
    let digest = Sha256::of(PAGE.as_bytes()).to_string();
    assert_eq!(capture.sha256.as_deref(), Some(digest.as_str()));
    assert_eq!(capture.file, Some(format!("captures/{digest}.html")));
}

#[test]
fn one_changed_byte_in_a_capture_is_named_with_both_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let (file, capture) = dataset_with_capture(dir.path(), "the Hamadan airfield");
    let kept = dir.path().join(capture.file.as_deref().unwrap());
    let mut bytes = std::fs::read(&kept).unwrap();
    bytes[200] ^= 1;
    let mut permissions = std::fs::metadata(&kept).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&kept, permissions).unwrap();
    std::fs::write(&kept, &bytes).unwrap();

    let (code, checked) = run_check(&["check", "--json", &file]);
    assert_eq!(code, Some(0), "a warning without --strict");
    let found = evidence(&checked, "warnings");
    assert_eq!(found.len(), 1, "{found:#?}");
    let (property, message) = &found[0];
    assert_eq!(property, "sources[0].captures[0]");
    let recorded = capture.sha256.unwrap();
    let now = Sha256::of(&bytes).to_string();
    for part in [
        "\"mod-ru\"",
        capture.file.as_deref().unwrap(),
        &recorded,
        &now,
        "has changed",
    ] {
        assert!(message.contains(part), "{part} not in {message}");
    }
    let (code, checked) = run_check(&["check", "--strict", "--json", &file]);
    assert_eq!(code, Some(1));
    assert_eq!(evidence(&checked, "errors").len(), 1);
}

#[test]
fn a_quote_not_in_the_capture_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = dataset_with_capture(dir.path(), "All aircraft returned safely to their bases");
    let (code, checked) = run_check(&["check", "--strict", "--json", &file]);
    assert_eq!(code, Some(1));
    let found = evidence(&checked, "errors");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].0,
        "features[0].properties.claims[0].sources[0].quote"
    );
    assert!(
        found[0]
            .1
            .contains("not in the captured text of source \"mod-ru\""),
        "{}",
        found[0].1
    );
    // Text only in the page's script is not the page's text.
    let (file, _) = dataset_with_capture(dir.path(), "not in the text");
    let (code, _) = run_check(&["check", "--strict", "--json", &file]);
    assert_eq!(code, Some(1));
}

#[test]
fn missing_files_folders_and_malformed_records_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("captures/a-folder.html")).unwrap();
    let good = Sha256::of(b"x").to_string();
    let text = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature", "id": "aleppo",
            "properties": {"sources": [{"id": "s1", "publisher": "P", "captures": [
                {"sha256": good, "file": "captures/gone.pdf"},
                {"sha256": good, "file": "captures/a-folder.html"},
                {"sha256": "3f9a", "file": "captures/x.png"},
                {"file": "captures/y.png"},
                {"sha256": good}
            ]}]},
            "geometry": null
        }]
    });
    let file = dir.path().join("d.geojson");
    std::fs::write(&file, serde_json::to_string(&text).unwrap()).unwrap();
    let (code, checked) = run_check(&["check", "--json", file.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    let found = evidence(&checked, "warnings");
    let properties: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        properties,
        (0..5)
            .map(|k| format!("features[0].properties.sources[0].captures[{k}]"))
            .collect::<Vec<_>>(),
        "{found:#?}"
    );
    let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert!(messages[0].contains("is missing") && messages[0].contains(&good));
    assert!(messages[1].contains("is a folder, not a file"));
    assert!(messages[2].contains("malformed sha256 \"3f9a\""));
    assert!(messages[3].contains("has no sha256"));
    assert!(messages[4].contains("names no file"));
}

#[test]
fn capture_records_of_the_wrong_shape_are_warned_about_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"sources":[
  {"id":"s1","publisher":"P","captures":[{"sha256":7,"file":"f.html","bytes":-3,"note":"kept"}]},
  {"id":"s2","publisher":"Q","captures":["just a name"]},
  {"id":"s3","publisher":"R","captures":{"file":"x"}}]},"geometry":null}]}"#;
    let file = dir.path().join("w.geojson");
    std::fs::write(&file, text).unwrap();
    let dataset = load_path(&file).unwrap();
    let warned: Vec<&str> = dataset
        .warnings
        .iter()
        .filter_map(|w| w.property.as_deref())
        .collect();
    assert_eq!(
        warned,
        [
            "features[0].properties.sources[0].captures[0].sha256",
            "features[0].properties.sources[0].captures[0].bytes",
            "features[0].properties.sources[1].captures[0]",
            "features[0].properties.sources[2].captures",
        ],
        "{:#?}",
        dataset.warnings
    );
    let f = dataset.feature(0).unwrap();
    assert_eq!(f.sources[0].captures.len(), 1);
    assert_eq!(f.sources[0].captures[0].file.as_deref(), Some("f.html"));
    assert!(f.sources[1].captures.is_empty() && f.sources[2].captures.is_empty());
    // Written again, every value is where it was.
    let written: serde_json::Value =
        serde_json::from_str(&sortie::dataset::feature_geojson(&f)).unwrap();
    let original: serde_json::Value = serde_json::from_str(text).unwrap();
    for j in 0..3 {
        assert_eq!(
            written["properties"]["sources"][j]["captures"],
            original["features"][0]["properties"]["sources"][j]["captures"],
            "source {j}"
        );
    }
}
