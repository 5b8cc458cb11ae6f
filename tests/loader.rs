//! Loader tests: every error and warning the format promises, and what must survive.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use sortie::dataset::{
    ClaimStatus, Dataset, Diagnostic, FeatureKind, LoadError, PrecisionLevel, parse_bytes,
    parse_str,
};

fn load(text: &str) -> Dataset {
    parse_str(text, Some(Path::new("test.geojson"))).unwrap_or_else(|e| panic!("should load: {e}"))
}

fn error(text: &[u8]) -> Diagnostic {
    match parse_bytes(text, Some(Path::new("test.geojson"))) {
        Err(LoadError::Invalid { diagnostic, origin }) => {
            assert_eq!(origin.as_deref(), Some(Path::new("test.geojson")));
            *diagnostic
        }
        Err(other) => panic!("expected an invalid-file error, got {other}"),
        Ok(d) => panic!("expected an error, loaded {} features", d.len()),
    }
}

fn collection(features: &str) -> String {
    format!("{{\"type\": \"FeatureCollection\", \"features\": [{features}]}}")
}

fn point(id: &str, props: &str, coords: &str) -> String {
    format!(
        "{{\"type\": \"Feature\", \"id\": \"{id}\", \"properties\": {{{props}}}, \"geometry\": {{\"type\": \"Point\", \"coordinates\": {coords}}}}}"
    )
}

fn only_warning(d: &Dataset) -> &Diagnostic {
    assert_eq!(d.warnings.len(), 1, "warnings: {:#?}", d.warnings);
    &d.warnings[0]
}

#[test]
fn the_bundled_dataset_is_complete_and_clean() {
    let d = sortie::app::bundled_dataset().unwrap();
    assert!(d.warnings.is_empty(), "{:#?}", d.warnings);
    assert!(d.len() >= 18);
    for f in d.full_features() {
        assert!(
            d.sources_of(&f)
                .iter()
                .any(|s| s.publisher.is_some() && s.url.is_some()),
            "{} needs a source with a publisher and a URL",
            f.id
        );
        assert!(!f.claims.is_empty(), "{} makes no claim", f.id);
    }
    let routes: Vec<_> = d
        .full_features()
        .filter(|f| f.kind == FeatureKind::Route)
        .collect();
    assert_eq!(routes.len(), 3);
    for r in &routes {
        let info = r.route.as_ref().unwrap();
        assert!(info.schematic, "{} must be marked schematic", r.id);
        assert_eq!(info.from.as_deref(), Some("nojeh"));
        assert!(info.to_index.is_some() && info.metrics.is_some());
    }
    let nojeh = d.feature_by_id("nojeh").unwrap();
    assert_eq!(nojeh.kind, FeatureKind::Base);
    let mod_claim = nojeh
        .claims
        .iter()
        .find(|c| c.by.as_deref() == Some("Russian Ministry of Defence"))
        .unwrap();
    assert_eq!(mod_claim.status, Some(ClaimStatus::Claimed));
    // The newspaper's "departed Thursday" is its report; that the weekday conflicts with the
    // other reports is the editors' inference, a claim of its own.
    assert!(
        nojeh
            .claims
            .iter()
            .any(|c| c.text.contains("departed Thursday")
                && c.status == Some(ClaimStatus::Reported)
                && c.citations.iter().any(|x| x.quote.is_some()))
    );
    assert!(nojeh.claims.iter().any(|c| c.text.contains("Thursday")
        && c.status == Some(ClaimStatus::Inferred)
        && c.by.as_deref() == Some("Sortie editors")));
    assert!(
        nojeh
            .claims
            .iter()
            .any(|c| c.text.contains("Tuesday 16 August 2016"))
    );
    let aleppo = d.feature_by_id("aleppo").unwrap();
    assert!(aleppo.claims.iter().any(|c| {
        c.status == Some(ClaimStatus::Reported)
            && c.by.as_deref().is_some_and(|b| b.contains("Garver"))
            && c.citations
                .iter()
                .any(|x| x.id == "voa-3467078" && x.quote.is_some())
    }));
    for id in [
        "nojeh",
        "deir-ez-zor",
        "aleppo",
        "idlib",
        "raqqa",
        "mosul",
        "homs",
        "khmeimim",
        "mozdok",
        "incirlik",
        "al-udeid",
    ] {
        assert!(d.feature_by_id(id).is_some(), "missing {id}");
    }
}

#[test]
fn invalid_json_names_line_and_column() {
    let d = error(b"{\n  \"type\": \"FeatureCollection\",\n  \"features\": [,]\n}");
    assert_eq!((d.line, d.column), (Some(3), Some(16)));
    assert!(d.message.contains("expected value"), "{}", d.message);
}

#[test]
fn truncated_json_is_an_end_of_file_error() {
    let d = error(b"{\"type\": \"FeatureCollection\", \"features\": [");
    assert!(d.message.contains("end of file"), "{}", d.message);
    assert_eq!(d.line, Some(1));
}

#[test]
fn json_that_is_not_geojson_names_the_path() {
    assert!(error(b"[1, 2]").message.contains("GeoJSON object"));
    assert_eq!(
        error(b"{\"features\": []}").property.as_deref(),
        Some("type")
    );
    assert_eq!(
        error(b"{\"type\": \"Banana\"}").property.as_deref(),
        Some("type")
    );
    let d = error(b"{\"type\": \"FeatureCollection\", \"features\": {}}");
    assert_eq!(d.property.as_deref(), Some("features"));
    assert_eq!((d.line, d.column), (Some(1), Some(43)));
    let text = collection(&format!(
        "{}, {}, {}, 7",
        point("a", "", "[1,2]"),
        point("b", "", "[1,2]"),
        point("c", "", "[1,2]")
    ));
    assert_eq!(
        error(text.as_bytes()).property.as_deref(),
        Some("features[3]")
    );
    let text = collection("{\"type\": \"Point\", \"coordinates\": [1, 2]}");
    assert_eq!(
        error(text.as_bytes()).property.as_deref(),
        Some("features[0].type")
    );
}

#[test]
fn a_position_out_of_range_is_a_warning_and_the_rest_loads() {
    let text = collection(&format!(
        "{},\n{}",
        point("ok", "\"name\": \"Fine\"", "[40, 35]"),
        point("far", "\"name\": \"Too far east\"", "[200, 35]")
    ));
    let d = load(&text);
    assert_eq!(d.len(), 2);
    let w = only_warning(&d);
    assert_eq!(w.feature_index, Some(1));
    assert_eq!(w.feature_id.as_deref(), Some("far"));
    assert_eq!(
        w.property.as_deref(),
        Some("features[1].geometry.coordinates")
    );
    assert!(w.message.contains("longitude 200"), "{}", w.message);
    assert_eq!(w.line, Some(2));
    let far = &d.feature(1).unwrap();
    assert!(far.geometry.is_none());
    assert_eq!(far.name, "Too far east");
    // The geometry as written is kept, not lost.
    assert!(
        far.foreign_members
            .iter()
            .any(|(k, v)| k == "geometry" && v["coordinates"][0] == 200)
    );
    assert!(d.feature(0).unwrap().geometry.is_some());
}

#[test]
fn a_latitude_out_of_range_and_non_numeric_positions_are_warnings() {
    let d = load(&collection(&point("x", "", "[10, -91]")));
    assert!(only_warning(&d).message.contains("latitude -91"));
    let d = load(&collection(&point("x", "", "[\"40\", 35]")));
    let w = only_warning(&d);
    assert!(
        w.message
            .contains("coordinates[0]: expected a number, found a string"),
        "{}",
        w.message
    );
    let d = load(&collection(&point("x", "", "[40]")));
    assert!(
        only_warning(&d)
            .message
            .contains("at least longitude and latitude")
    );
    let text = collection(
        "{\"type\":\"Feature\",\"id\":\"l\",\"properties\":{},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,null]]}}",
    );
    let d = load(&text);
    assert!(
        only_warning(&d)
            .message
            .contains("coordinates[1][1]: expected a number, found null")
    );
}

#[test]
fn an_unknown_kind_is_a_warning_and_kept() {
    let d = load(&collection(&point(
        "h",
        "\"kind\": \"hospital\", \"name\": \"H\"",
        "[40, 35]",
    )));
    let w = only_warning(&d);
    assert_eq!(w.property.as_deref(), Some("features[0].properties.kind"));
    assert!(w.message.contains("\"hospital\""));
    let f = &d.feature(0).unwrap();
    assert_eq!(f.kind, FeatureKind::Other);
    assert!(
        f.other_properties
            .iter()
            .any(|(k, v)| k == "kind" && v == "hospital")
    );
}

#[test]
fn a_route_to_a_missing_id_is_a_warning() {
    let text = collection(&format!(
        "{}, {{\"type\":\"Feature\",\"id\":\"r\",\"properties\":{{\"kind\":\"route\",\"from\":\"a\",\"to\":\"nowhere\"}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[[48,35],[40,35]]}}}}",
        point("a", "\"kind\": \"base\"", "[48, 35]")
    ));
    let d = load(&text);
    let w = only_warning(&d);
    assert_eq!(
        (w.feature_index, w.feature_id.as_deref()),
        (Some(1), Some("r"))
    );
    assert_eq!(w.property.as_deref(), Some("features[1].properties.to"));
    assert!(w.message.contains("\"nowhere\""));
    let route = d.feature(1).unwrap().route.unwrap();
    assert_eq!(route.from_index, Some(0));
    assert_eq!(route.to_index, None);
    assert!(route.metrics.is_some(), "the route is still measured");
}

#[test]
fn a_bad_colour_is_a_warning_and_the_default_applies() {
    let d = load(&collection(&point(
        "c",
        "\"marker-color\": \"red\", \"stroke\": \"#00f\"",
        "[1, 2]",
    )));
    let w = only_warning(&d);
    assert_eq!(
        w.property.as_deref(),
        Some("features[0].properties.marker-color")
    );
    let f = &d.feature(0).unwrap();
    assert_eq!(f.style.marker_color, None);
    assert_eq!(f.style.stroke.map(|c| c.0), Some([0, 0, 255]));
    assert!(
        f.other_properties
            .iter()
            .any(|(k, v)| k == "marker-color" && v == "red")
    );
}

#[test]
fn a_duplicate_id_is_a_warning_and_links_go_to_the_first() {
    let d = load(&collection(&format!(
        "{}, {}",
        point("same", "\"name\": \"One\"", "[1,2]"),
        point("same", "\"name\": \"Two\"", "[3,4]")
    )));
    let w = only_warning(&d);
    assert_eq!(
        (w.feature_index, w.feature_id.as_deref()),
        (Some(1), Some("same"))
    );
    assert_eq!(w.property.as_deref(), Some("features[1].id"));
    assert_eq!(d.len(), 2);
    assert_eq!(
        d.feature_by_id("same").map(|f| f.name).as_deref(),
        Some("One")
    );
}

#[test]
fn an_empty_id_is_a_warning_and_replaced() {
    let d = load(&collection(&point("", "", "[1, 2]")));
    assert_eq!(d.feature(0).unwrap().id, "#0");
    let w = only_warning(&d);
    assert_eq!(w.property.as_deref(), Some("features[0].id"));
    assert!(w.message.contains("empty id"));
}

#[test]
fn empty_and_blank_files_are_errors() {
    assert!(error(b"").message.contains("empty"));
    assert!(error(b" \n\t ").message.contains("empty"));
}

#[test]
fn invalid_utf8_names_where() {
    let d = error(b"{\"type\": \"Feature\",\n \"properties\": {\"name\": \"\xff\"}}");
    assert!(
        d.message.contains("UTF-8") && d.message.contains("0xFF"),
        "{}",
        d.message
    );
    assert_eq!((d.line, d.column), (Some(2), Some(26)));
}

#[test]
fn a_byte_order_mark_is_ignored_with_a_warning() {
    let text = format!("\u{feff}{}", collection(&point("a", "", "[1,2]")));
    let d = parse_bytes(text.as_bytes(), None).unwrap();
    assert_eq!(d.len(), 1);
    assert!(only_warning(&d).message.contains("byte-order mark"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text =
        format!("{{\"type\":\"Feature\",\"properties\":{{\"x\":{deep}}},\"geometry\":null}}");
    let d = error(text.as_bytes());
    assert!(
        d.message.contains("nested deeper than 128"),
        "{}",
        d.message
    );
    assert_eq!((d.line, d.column), (Some(1), Some(163)));
    // Brackets inside strings are text, not nesting.
    let text = collection(&point(
        "s",
        &format!("\"name\": \"{}\"", "[".repeat(1000)),
        "[1,2]",
    ));
    assert_eq!(load(&text).feature(0).unwrap().name.len(), 1000);
}

#[test]
fn huge_numbers_and_strings_get_a_clear_result() {
    let d = load(&collection(&point("n", "", "[1e999, 2]")));
    let w = only_warning(&d);
    assert!(w.message.contains("number out of range"), "{}", w.message);
    assert_eq!(
        w.property.as_deref(),
        Some("features[0].geometry.coordinates")
    );
    let big_name = "x".repeat(20_000_000);
    let d = load(&collection(&point(
        "s",
        &format!("\"name\": \"{big_name}\""),
        "[1, 2]",
    )));
    assert_eq!(d.feature(0).unwrap().name.len(), 20_000_000);
}

#[test]
fn a_single_feature_and_a_bare_geometry_load() {
    let d = load(&point("solo", "\"name\": \"Solo\"", "[1, 2]"));
    assert_eq!(d.len(), 1);
    assert_eq!(d.feature(0).unwrap().id, "solo");
    let d = load("{\"type\": \"LineString\", \"coordinates\": [[1, 2], [3, 4]]}");
    assert_eq!(d.len(), 1);
    assert!(matches!(
        d.feature(0).unwrap().geometry,
        Some(geo_types::Geometry::LineString(_))
    ));
}

#[test]
fn every_geometry_type_loads_with_altitudes_kept() {
    let geometries = [
        r#"{"type":"MultiPoint","coordinates":[[1,2,100],[3,4,200]]}"#,
        r#"{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}"#,
        r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2,3]},{"type":"LineString","coordinates":[[1,2],[3,4]]}]}"#,
        "null",
    ];
    let features: Vec<String> = geometries
        .iter()
        .enumerate()
        .map(|(i, g)| {
            format!("{{\"type\":\"Feature\",\"id\":{i},\"properties\":null,\"geometry\":{g}}}")
        })
        .collect();
    let d = load(&collection(&features.join(",")));
    assert!(d.warnings.is_empty(), "{:#?}", d.warnings);
    assert_eq!(d.len(), 6);
    assert_eq!(d.feature(0).unwrap().altitudes_m, vec![100.0, 200.0]);
    assert_eq!(d.feature(4).unwrap().altitudes_m, vec![3.0]);
    assert!(
        d.feature(5).unwrap().geometry.is_none(),
        "null geometry loads and is listed"
    );
    assert_eq!(d.feature(2).unwrap().id, "2", "numeric ids become strings");
}

#[test]
fn unknown_properties_and_foreign_members_are_kept_in_order() {
    let text = collection(
        r#"{"type":"Feature","id":"a","title":"foreign","properties":{"zeta":1,"alpha":{"b":[1,2]},"name":"A"},"geometry":null}"#,
    );
    let d = load(&text);
    let f = &d.feature(0).unwrap();
    let keys: Vec<&str> = f.other_properties.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["zeta", "alpha"]);
    assert_eq!(f.other_properties[1].1["b"][1], 2);
    assert_eq!(f.foreign_members[0].0, "title");
    assert_eq!(f.name, "A");
}

#[test]
fn simplestyle_defaults_follow_the_spec() {
    let d = load(&collection(&point("a", "", "[1,2]")));
    let s = &d.feature(0).unwrap().style;
    assert_eq!(
        (s.stroke_width, s.stroke_opacity, s.fill_opacity),
        (2.0, 1.0, 0.6)
    );
    let d = load(&collection(&point(
        "b",
        "\"title\": \"From simplestyle\", \"fill-opacity\": 2",
        "[1,2]",
    )));
    assert_eq!(d.feature(0).unwrap().name, "From simplestyle");
    assert_eq!(
        only_warning(&d).property.as_deref(),
        Some("features[0].properties.fill-opacity")
    );
}

#[test]
fn dates_precision_and_claims_parse() {
    let props = r#""kind":"target","date":"2016-08","date_end":"2016-08-18","location_precision":{"level":"approximate","radius_km":5},
        "claims":[{"text":"Hit","by":"MoD","status":"claimed","sources":["s1"]},{"text":"Doubted","status":"maybe"}],
        "sources":[{"id":"s1","publisher":"P","url":"https://example.org","extra":true}]"#;
    let d = load(&collection(&point("t", props, "[1,2]")));
    let f = &d.feature(0).unwrap();
    assert_eq!(f.date.as_ref().map(|d| d.written()), Some("2016-08"));
    assert_eq!(f.date_end.as_ref().map(|d| d.written()), Some("2016-08-18"));
    let when = f.when.unwrap_or_else(|| panic!("dated"));
    assert_eq!(when.start_iso().as_deref(), Some("2016-08-01"));
    assert_eq!(when.end_iso().as_deref(), Some("2016-08-18"));
    let p = f.location_precision.unwrap();
    assert_eq!(
        (p.level, p.radius_km),
        (PrecisionLevel::Approximate, Some(5.0))
    );
    assert_eq!(f.claims.len(), 2);
    assert_eq!(f.claims[0].source_ids().collect::<Vec<_>>(), ["s1"]);
    assert_eq!(f.claims[1].status, None);
    assert_eq!(f.sources[0].other[0].0, "extra");
    let w = only_warning(&d);
    assert_eq!(
        w.property.as_deref(),
        Some("features[0].properties.claims[1].status")
    );
}

#[test]
fn a_bad_date_and_an_unknown_claim_source_are_warnings() {
    let props = r#""date":"16/08/2016","claims":[{"text":"x","sources":["ghost"]}]"#;
    let d = load(&collection(&point("t", props, "[1,2]")));
    assert_eq!(d.warnings.len(), 2, "{:#?}", d.warnings);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.property.as_deref() == Some("features[0].properties.date"))
    );
    assert!(d.warnings.iter().any(|w| w.message.contains("\"ghost\"")));
    let date = d
        .warnings
        .iter()
        .find(|w| w.property.as_deref() == Some("features[0].properties.date"))
        .unwrap();
    assert!(
        date.line.is_some() && date.column.is_some(),
        "the warning names line and column"
    );
    assert!(
        date.message
            .contains("\"16/08/2016\" is not a date Sortie reads")
    );
    assert_eq!(d.when(0), None, "the feature stays undated");
    assert!(
        d.feature(0)
            .unwrap()
            .other_properties
            .iter()
            .any(|(k, v)| k == "date" && v == "16/08/2016")
    );
}

#[test]
fn warnings_point_at_the_value() {
    let text = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"id\":\"a\",\n \"properties\":{\"stroke\":\"nope\"},\"geometry\":null}]}";
    let d = load(text);
    let w = only_warning(&d);
    assert_eq!((w.line, w.column), (Some(3), Some(25)));
    assert_eq!(
        w.to_string(),
        "3:25: feature 0 (id \"a\"): features[0].properties.stroke: \"nope\" is not a colour (#RGB or #RRGGBB); the default is used"
    );
}

#[test]
fn a_source_registry_and_citations_with_quotes() {
    let features = collection(&point(
        "a",
        r#""claims": [
            {"text": "Struck", "by": "Ministry", "status": "claimed", "date": "2016-08-16",
             "sources": [{"id": "tass", "quote": "hit targets", "locator": "para. 2"}, "own"]},
            {"text": "The weekday conflicts", "status": "inferred", "sources": "tass"}
        ],
        "sources": [{"id": "own", "publisher": "Local"}]"#,
        "[40, 35]",
    ));
    let text = features.replacen(
        "{\"type\": \"FeatureCollection\",",
        r#"{"type": "FeatureCollection", "sources": [
            {"id": "tass", "publisher": "TASS", "url": "https://tass.com/1",
             "archived": "https://web.archive.org/web/2016/https://tass.com/1", "accessed": "2026-11-20"}
        ],"#,
        1,
    );
    let d = load(&text);
    assert!(d.warnings.is_empty(), "{:#?}", d.warnings);
    assert_eq!(d.registry.len(), 1);
    assert_eq!(
        d.registry[0].archived.as_deref(),
        Some("https://web.archive.org/web/2016/https://tass.com/1")
    );
    let f = d.feature(0).unwrap();
    let first = &f.claims[0];
    assert_eq!(first.date.as_deref(), Some("2016-08-16"));
    assert_eq!(first.source_ids().collect::<Vec<_>>(), ["tass", "own"]);
    assert_eq!(first.citations[0].quote.as_deref(), Some("hit targets"));
    assert_eq!(first.citations[0].locator.as_deref(), Some("para. 2"));
    assert_eq!(first.citations[1].quote, None);
    assert_eq!(f.claims[1].status, Some(ClaimStatus::Inferred));
    assert_eq!(ClaimStatus::Inferred.label(), "editors' inference");
    assert_eq!(f.claims[1].source_ids().collect::<Vec<_>>(), ["tass"]);
    // The panel's sources: the feature's own first, then the registry's it cites.
    let shown: Vec<_> = d.sources_of(&f).into_iter().map(|s| s.publisher).collect();
    assert_eq!(shown, [Some("Local".to_owned()), Some("TASS".to_owned())]);
    assert_eq!(
        d.source_by_id("tass").unwrap().url.as_deref(),
        Some("https://tass.com/1")
    );
}

#[test]
fn bad_citations_and_claim_fields_are_warned_about_and_kept() {
    let text = collection(&point(
        "a",
        r#""claims": [{"text": "T", "by": 7, "date": "someday", "seen": true,
            "sources": ["s", 3, {"quote": "no id"}, {"id": "s", "locator": 4}]}],
           "sources": [{"id": "s", "publisher": "P"}]"#,
        "[40, 35]",
    ));
    let d = load(&text);
    let props: Vec<_> = d
        .warnings
        .iter()
        .map(|w| w.property.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        props,
        [
            "features[0].properties.claims[0].by",
            "features[0].properties.claims[0].date",
            "features[0].properties.claims[0].sources[1]",
            "features[0].properties.claims[0].sources[2]",
            "features[0].properties.claims[0].sources[3].locator",
        ],
        "{:#?}",
        d.warnings
    );
    assert!(
        d.warnings
            .iter()
            .all(|w| w.line.is_some() && w.feature_index == Some(0))
    );
    let claim = &d.feature(0).unwrap().claims[0];
    // Nothing lost: the values at fault and the unknown member stay with the claim.
    let kept: Vec<&str> = claim.other.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kept, ["seen", "by", "sources[1]", "sources[2]"]);
    assert_eq!(claim.date.as_deref(), Some("someday"));
    assert_eq!(claim.source_ids().collect::<Vec<_>>(), ["s", "s"]);
    let locator_kept = &claim.citations[1].other;
    assert_eq!(locator_kept.len(), 1);
    assert_eq!(locator_kept[0].0, "locator");
}

#[test]
fn a_claim_citing_an_id_in_no_registry_and_no_feature_is_a_warning() {
    let text = collection(&point(
        "a",
        r#""claims": [{"text": "T", "sources": [{"id": "ghost"}]}]"#,
        "[40, 35]",
    ))
    .replacen(
        "{\"type\": \"FeatureCollection\",",
        r#"{"type": "FeatureCollection", "sources": [{"id": "real", "publisher": "P"}, 5],"#,
        1,
    );
    let d = load(&text);
    let messages: Vec<String> = d.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(d.warnings.len(), 2, "{messages:#?}");
    // The registry's bad entry names its place and no feature.
    assert_eq!(d.warnings[0].property.as_deref(), Some("sources[1]"));
    assert_eq!(d.warnings[0].feature_index, None);
    assert!(
        messages[1].contains("no source has the id \"ghost\""),
        "{messages:#?}"
    );
    assert_eq!(d.registry.len(), 1);
}

#[test]
fn what_rests_on_each_source_read_here_or_on_another_thread() {
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    let text = collection(
        &[
            point(
                "a",
                r#""claims": [{"text": "T", "by": "X", "sources": ["later", "reg"]}]"#,
                "[1, 2]",
            ),
            point(
                "b",
                r#""claims": [{"text": "U", "by": "Y", "sources": ["later"]}], "sources": [{"id": "own", "publisher": "O"}]"#,
                "[1, 2]",
            ),
            point("c", r#""sources": [{"id": "later", "publisher": "L"}]"#, "[1, 2]"),
        ]
        .join(","),
    )
    .replacen(
        "{\"type\": \"FeatureCollection\",",
        r#"{"type": "FeatureCollection", "sources": [{"id": "reg", "publisher": "R"}],"#,
        1,
    );
    let d = load(&text);
    let texts = d.feature_texts();
    let (read, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let elsewhere = std::thread::spawn(move || texts.source_uses(&read, &stop))
        .join()
        .unwrap()
        .unwrap();
    let here = d.source_uses().to_vec();
    assert_eq!(elsewhere, here);
    let by_id = |id: &str| {
        here.iter()
            .find(|u| u.source.id.as_deref() == Some(id))
            .unwrap()
    };
    // A claim may cite a source that a later feature defines.
    assert_eq!(by_id("later").claims, [(0, 0), (1, 0)]);
    assert_eq!(by_id("later").features, [0, 1, 2]);
    assert_eq!(by_id("reg").claims, [(0, 0)]);
    assert_eq!(by_id("own").claims, []);
    assert_eq!(by_id("own").features, [1]);
    let order: Vec<_> = here.iter().map(|u| u.source.id.clone().unwrap()).collect();
    assert_eq!(order, ["reg", "own", "later"]);
    // Cancelled, it gives nothing.
    let (read, stop) = (AtomicUsize::new(0), AtomicBool::new(true));
    assert_eq!(d.feature_texts().source_uses(&read, &stop), None);
}

#[test]
fn a_registry_id_given_twice_is_one_source_cited_once() {
    let text = collection(&point(
        "a",
        r#""claims": [{"text": "T", "by": "X", "sources": ["s1"]}]"#,
        "[1, 2]",
    ))
    .replacen(
        "{\"type\": \"FeatureCollection\",",
        r#"{"type": "FeatureCollection", "sources": [{"id": "s1", "publisher": "P"}, {"id": "s1", "publisher": "P"}],"#,
        1,
    );
    let d = load(&text);
    let evidence = sortie::dataset::evidence_warnings(&d);
    // The first record is the one cited; the identical second one is no finding either.
    assert!(evidence.is_empty(), "{evidence:#?}");
    let unknown = load(&text.replace(
        r#""sources": ["s1"]"#,
        r#""status": "probable", "sources": ["s1"]"#,
    ));
    // An unknown status is a warning, and the value stays with the claim.
    let claim = &unknown.feature(0).unwrap().claims[0];
    assert_eq!(claim.status, None);
    assert_eq!(claim.other.len(), 1);
    assert_eq!(claim.other[0].0, "status");
}

#[test]
fn a_feature_whose_date_does_not_read_stays_undated_whatever_its_date_end() {
    let props = r#""kind":"target","date":"16/08/2016","date_end":"2016-08-20""#;
    let d = load(&collection(&point("t", props, "[1,2]")));
    assert_eq!(d.when(0), None);
    assert_eq!(d.feature(0).unwrap().when, None);
    assert_eq!(d.warnings.len(), 1, "the bad date: {:#?}", d.warnings);
}
