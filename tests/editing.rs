//! The edit model without a window: steps that undo and redo whole, and a save that changes
//! only what was edited (the bundled dataset, the import fixtures, a pretty-printed file).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use geo_types::{Geometry, Point};
use proptest::prelude::*;
use sortie::dataset::{Dataset, Edit, EditError, Feature, FeatureKind, feature_geojson, parse_str};

fn bundled_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/datasets/hamedan-2016-08.geojson")
}

fn bundled() -> (String, Dataset) {
    let text = std::fs::read_to_string(bundled_path()).unwrap();
    let dataset = parse_str(&text, Some(&bundled_path())).unwrap();
    (text, dataset)
}

/// Every feature there is, as GeoJSON (what a save writes of it).
fn written(dataset: &Dataset) -> Vec<String> {
    dataset
        .full_features()
        .map(|f| feature_geojson(&f))
        .collect()
}

/// The saved text, read again.
fn reopened(dataset: &Dataset) -> Dataset {
    parse_str(&dataset.geojson_text(), None).unwrap()
}

fn point(lon: f64, lat: f64) -> Option<Geometry<f64>> {
    Some(Geometry::Point(Point::new(lon, lat)))
}

fn new_base(name: &str) -> Feature {
    Feature {
        kind: FeatureKind::Base,
        name: name.to_owned(),
        geometry: point(44.5, 35.1),
        ..Feature::default()
    }
}

#[test]
fn an_edit_changes_only_its_feature_and_undo_gives_back_the_bytes() {
    let (text, mut dataset) = bundled();
    assert_eq!(dataset.geojson_text(), text, "no edit: the same bytes");
    let index = dataset.index_of("deir-ez-zor").unwrap();
    let mut moved = dataset.feature(index).unwrap();
    moved.geometry = point(40.2, 35.3);
    let changed = dataset
        .apply(
            "move Deir ez-Zor",
            vec![Edit::Replace(index, moved.clone())],
        )
        .unwrap();
    assert_eq!(changed.indices, vec![index]);
    assert!(dataset.is_modified());
    assert_eq!(dataset.undo_label(), Some("move Deir ez-Zor"));
    let point = dataset.get(index).unwrap().point();
    assert_eq!(point.map(|p| (p.x(), p.y())), Some((40.2, 35.3)));

    // The saved text differs from the file only inside the feature's own text.
    let saved = dataset.geojson_text().into_owned();
    let prefix = text
        .bytes()
        .zip(saved.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = text
        .bytes()
        .rev()
        .zip(saved.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let own = bundled().1.feature_json(index).unwrap().into_owned();
    let at = text.find(&own).unwrap();
    assert!(
        prefix >= at && text.len() - suffix <= at + own.len(),
        "the change ({prefix}..{}) lies outside the feature ({at}..{})",
        text.len() - suffix,
        at + own.len()
    );
    let again = reopened(&dataset);
    assert_eq!(written(&again), written(&dataset));
    assert_eq!(again.feature(index).unwrap().geometry, moved.geometry);

    // A route ending there still links to it, and is measured again when it moves.
    let changed = dataset.undo().unwrap();
    assert_eq!(changed.label, "move Deir ez-Zor");
    assert!(!dataset.is_modified());
    assert_eq!(
        dataset.geojson_text(),
        text,
        "every edit undone: the same bytes"
    );
    assert_eq!(dataset.redo_label(), Some("move Deir ez-Zor"));
    dataset.redo().unwrap();
    assert_eq!(again.feature(index).unwrap().geometry, moved.geometry);
    assert_eq!(dataset.feature(index).unwrap().geometry, moved.geometry);
}

#[test]
fn add_and_delete_keep_every_other_index_and_link() {
    let (text, mut dataset) = bundled();
    let features = dataset.feature_count();
    let routes = dataset.route_count();
    let len = dataset.len();
    let changed = dataset
        .apply("add base", vec![Edit::Add(new_base("Kirkuk Air Base"))])
        .unwrap();
    assert_eq!(changed.indices, vec![len]);
    let added = dataset.feature(len).unwrap();
    assert_eq!(added.id, "kirkuk-air-base");
    assert_eq!(dataset.index_of("kirkuk-air-base"), Some(len));
    assert_eq!(dataset.feature_count(), features + 1);
    assert!(
        dataset
            .summary()
            .starts_with(&format!("{} features", features + 1))
    );

    // Deleting a base leaves the routes from it unlinked; undo links them again.
    let base = dataset.index_of("nojeh").or_else(|| {
        dataset
            .iter()
            .find_map(|f| f.route.and_then(|r| r.from_index))
    });
    let base = base.unwrap();
    let from_base = |d: &Dataset| {
        d.iter()
            .filter(|f| f.route.is_some_and(|r| r.from_index == Some(base)))
            .count()
    };
    let linked = from_base(&dataset);
    assert!(linked > 0);
    dataset
        .apply("delete base", vec![Edit::Delete(base)])
        .unwrap();
    assert!(dataset.get(base).is_none() && dataset.feature(base).is_none());
    assert_eq!(from_base(&dataset), 0);
    assert_eq!(dataset.feature_count(), features);
    assert_eq!(dataset.route_count(), routes);
    let again = reopened(&dataset);
    assert_eq!(written(&again), written(&dataset));
    assert_eq!(again.feature_count(), features);

    dataset.undo().unwrap();
    assert_eq!(from_base(&dataset), linked);
    dataset.undo().unwrap();
    assert_eq!(dataset.feature_count(), features);
    assert!(dataset.get(len).is_none());
    assert_eq!(dataset.geojson_text(), text);
    assert!(dataset.undo().is_none());
}

#[test]
fn a_step_that_would_repeat_an_id_is_refused_whole() {
    let (text, mut dataset) = bundled();
    let mut copy = new_base("copy");
    copy.id = "deir-ez-zor".to_owned();
    let taken = dataset.index_of("deir-ez-zor").unwrap();
    let refused = dataset.apply(
        "add two",
        vec![Edit::Add(new_base("fine")), Edit::Add(copy)],
    );
    assert_eq!(
        refused,
        Err(EditError::DuplicateId {
            id: "deir-ez-zor".to_owned(),
            by: taken
        })
    );
    assert!(dataset.undo_label().is_none() && !dataset.is_modified());
    assert_eq!(dataset.geojson_text(), text);
    assert_eq!(
        dataset.apply("delete", vec![Edit::Delete(dataset.len() + 5)]),
        Err(EditError::NoSuchFeature(dataset.len() + 5))
    );
}

#[test]
fn a_renamed_id_moves_the_routes_that_name_it() {
    let (_, mut dataset) = bundled();
    let target = dataset.index_of("deir-ez-zor").unwrap();
    let mut renamed = dataset.feature(target).unwrap();
    renamed.id = "dez".to_owned();
    dataset
        .apply("rename", vec![Edit::Replace(target, renamed)])
        .unwrap();
    assert_eq!(dataset.index_of("dez"), Some(target));
    assert_eq!(dataset.index_of("deir-ez-zor"), None);
    assert!(
        dataset
            .iter()
            .filter_map(|f| f.route)
            .all(|r| r.to_index != Some(target)),
        "routes to the old id are unlinked"
    );
    dataset.undo().unwrap();
    assert_eq!(dataset.index_of("deir-ez-zor"), Some(target));
    assert!(
        dataset
            .iter()
            .filter_map(|f| f.route)
            .any(|r| r.to_index == Some(target))
    );
}

#[test]
fn saved_and_opened_marks() {
    let (_, mut dataset) = bundled();
    dataset.apply("a", vec![Edit::Add(new_base("a"))]).unwrap();
    dataset.mark_saved();
    assert!(!dataset.is_modified());
    dataset.undo().unwrap();
    assert!(dataset.is_modified());
    dataset.redo().unwrap();
    assert!(!dataset.is_modified());
    dataset.undo().unwrap();
    dataset.apply("b", vec![Edit::Add(new_base("b"))]).unwrap();
    assert!(dataset.is_modified(), "the saved state is gone for good");
    dataset.undo().unwrap();
    assert!(dataset.is_modified());
}

#[test]
fn added_features_follow_a_pretty_printed_files_layout() {
    let text = "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n    {\n      \"type\": \"Feature\",\n      \"id\": \"a\",\n      \"properties\": {\"kind\": \"target\"},\n      \"geometry\": {\"type\": \"Point\", \"coordinates\": [36.1, 35.2]}\n    }\n  ]\n}\n";
    let mut dataset = parse_str(text, None).unwrap();
    dataset
        .apply("add", vec![Edit::Add(new_base("B"))])
        .unwrap();
    let saved = dataset.geojson_text().into_owned();
    assert!(
        saved.starts_with(&text[..text.find("\n  ]").unwrap()]),
        "{saved}"
    );
    assert!(
        saved.contains("    },\n    {\n      \"type\": \"Feature\",\n      \"id\": \"b\","),
        "{saved}"
    );
    assert!(saved.ends_with("\n    }\n  ]\n}\n"), "{saved}");
    assert_eq!(reopened(&dataset).feature_count(), 2);

    // A file with no feature yet gets its first.
    let mut empty = parse_str(r#"{"type":"FeatureCollection","features":[]}"#, None).unwrap();
    empty.apply("add", vec![Edit::Add(new_base("B"))]).unwrap();
    let again = reopened(&empty);
    assert_eq!(written(&again), written(&empty));
    // A file that was one Feature becomes a collection of two.
    let mut one = parse_str(
        r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
        None,
    )
    .unwrap();
    one.apply("add", vec![Edit::Add(new_base("B"))]).unwrap();
    assert_eq!(reopened(&one).feature_count(), 2);
}

#[test]
fn imported_tables_and_kml_save_their_edits_as_geojson() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for name in [
        "acled_current.csv",
        "ucdp_ged.csv",
        "wkt.csv",
        "strikes.kml",
        "strikes.kmz",
    ] {
        let mut dataset = sortie::dataset::load_path(&fixtures.join(name)).unwrap();
        let first = dataset.iter().next().unwrap().index;
        let mut renamed = dataset.feature(first).unwrap();
        renamed.name = "renamed in Sortie".to_owned();
        let last = dataset.iter().last().unwrap().index;
        dataset
            .apply(
                "edit",
                vec![
                    Edit::Replace(first, renamed),
                    Edit::Delete(last),
                    Edit::Add(new_base("added")),
                ],
            )
            .unwrap();
        let again = reopened(&dataset);
        assert_eq!(written(&again), written(&dataset), "{name}");
        assert_eq!(again.get(0).unwrap().name, "renamed in Sortie", "{name}");
    }
}

/// An edit a property test makes: which feature (modulo how many there are) and what.
#[derive(Clone, Debug)]
enum Op {
    Move(usize, f64, f64),
    Rename(usize, String),
    Add(String),
    Delete(usize),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), -179.0..179.0f64, -80.0..80.0f64).prop_map(|(i, x, y)| Op::Move(i, x, y)),
        (any::<usize>(), "[A-Za-z ,\"é]{0,12}").prop_map(|(i, n)| Op::Rename(i, n)),
        "[a-z]{1,6}".prop_map(Op::Add),
        any::<usize>().prop_map(Op::Delete),
        Just(Op::Undo),
        Just(Op::Redo),
    ]
}

fn run(dataset: &mut Dataset, op: &Op) -> bool {
    let live: Vec<usize> = dataset.iter().map(|f| f.index).collect();
    let pick = |i: &usize| live.get(i % live.len().max(1)).copied();
    let edit = match op {
        Op::Undo => return dataset.undo().is_some(),
        Op::Redo => return dataset.redo().is_some(),
        Op::Add(name) => Edit::Add(new_base(name)),
        Op::Delete(i) => match pick(i) {
            Some(i) => Edit::Delete(i),
            None => return false,
        },
        Op::Move(i, ..) | Op::Rename(i, _) if pick(i).is_none() => return false,
        Op::Move(i, x, y) => {
            let i = pick(i).unwrap();
            let mut f = dataset.feature(i).unwrap();
            f.geometry = point(*x, *y);
            Edit::Replace(i, f)
        }
        Op::Rename(i, name) => {
            let i = pick(i).unwrap();
            let mut f = dataset.feature(i).unwrap();
            f.name = name.clone();
            Edit::Replace(i, f)
        }
    };
    dataset.apply("step", vec![edit]).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random edits, then undo to the start: the opened bytes again; and at every point the
    /// saved text reads back as the same features.
    #[test]
    fn edits_then_undos_give_back_the_opened_bytes(ops in proptest::collection::vec(op(), 1..24)) {
        let (text, mut dataset) = bundled();
        for op in &ops {
            run(&mut dataset, op);
        }
        let again = reopened(&dataset);
        prop_assert_eq!(written(&again), written(&dataset));
        // Saving streams the same text.
        let mut streamed = Vec::new();
        dataset.write_geojson(&mut streamed).unwrap();
        let streamed = String::from_utf8(streamed).unwrap();
        let text_now = dataset.geojson_text();
        prop_assert_eq!(streamed.trim_end(), text_now.trim_end());
        while dataset.undo().is_some() {}
        prop_assert!(!dataset.is_modified());
        prop_assert_eq!(dataset.geojson_text(), text);
    }
}

#[test]
fn a_file_with_a_byte_order_mark_saves_with_it() {
    let (text, _) = bundled();
    let bytes = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let mut dataset = sortie::dataset::parse_bytes(&bytes, None).unwrap();
    let saved = |d: &Dataset| {
        let mut out = Vec::new();
        d.write_geojson(&mut out).unwrap();
        out
    };
    assert_eq!(saved(&dataset), bytes);
    dataset
        .apply("add", vec![Edit::Add(new_base("B"))])
        .unwrap();
    assert!(saved(&dataset).starts_with(b"\xEF\xBB\xBF{"));
    dataset.undo().unwrap();
    assert_eq!(
        saved(&dataset),
        bytes,
        "every edit undone: the file's bytes, mark and all"
    );
}

#[test]
fn the_routes_at_a_feature_follow_edits() {
    let (_, mut dataset) = bundled();
    let nojeh = dataset.index_of("nojeh").unwrap();
    let before = dataset.routes_at(nojeh);
    assert_eq!(before.len(), 3, "the three routes from Nojeh");
    let target = dataset.index_of("deir-ez-zor").unwrap();
    // A new route from Nojeh.
    let route = Feature {
        kind: FeatureKind::Route,
        name: "Nojeh to Deir ez-Zor again".to_owned(),
        geometry: Some(Geometry::LineString(geo_types::LineString::from(vec![
            (48.6, 35.2),
            (40.1, 35.3),
        ]))),
        route: Some(sortie::dataset::RouteInfo {
            from: Some("nojeh".to_owned()),
            to: Some("deir-ez-zor".to_owned()),
            ..sortie::dataset::RouteInfo::default()
        }),
        ..Feature::default()
    };
    let added = dataset.apply("add route", vec![Edit::Add(route)]).unwrap();
    let new = added.indices[0];
    assert_eq!(dataset.routes_at(nojeh).len(), 4);
    assert!(dataset.routes_at(target).contains(&new));
    // Renamed, Nojeh is no route's end; named back, it is again.
    let mut renamed = dataset.feature(nojeh).unwrap();
    renamed.id = "nojeh-renamed".to_owned();
    dataset
        .apply("rename", vec![Edit::Replace(nojeh, renamed)])
        .unwrap();
    assert_eq!(dataset.routes_at(nojeh), Vec::<usize>::new());
    dataset.undo();
    assert_eq!(dataset.routes_at(nojeh).len(), 4);
    // Deleted routes are no longer at it.
    dataset.apply("delete", vec![Edit::Delete(new)]).unwrap();
    assert_eq!(dataset.routes_at(nojeh), before);
    assert!(!dataset.route_indices().contains(&new));
}

#[test]
fn warnings_follow_edits() {
    let (_, mut dataset) = bundled();
    assert_eq!(dataset.warning_count(), 0);
    // A base added on no source is warned about; undone, the warning goes.
    let added = dataset
        .apply("add base", vec![Edit::Add(new_base("Kirkuk Air Base"))])
        .unwrap();
    let new = added.indices[0];
    let warnings: Vec<_> = dataset.all_warnings().cloned().collect();
    assert_eq!(dataset.warning_count(), warnings.len());
    assert!(!warnings.is_empty());
    assert!(
        warnings
            .iter()
            .all(|w| w.feature_index == Some(new) && w.line.is_none()),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.message.contains("source")),
        "{warnings:?}"
    );
    dataset.undo();
    assert_eq!(dataset.warning_count(), 0);
    // Deleting the base the routes start from leaves each route's start naming nothing.
    let nojeh = dataset.index_of("nojeh").unwrap();
    let routes = dataset.routes_at(nojeh);
    dataset
        .apply("delete Nojeh", vec![Edit::Delete(nojeh)])
        .unwrap();
    let gone: Vec<_> = dataset
        .all_warnings()
        .filter(|w| w.message.contains("\"nojeh\""))
        .map(|w| w.feature_index.unwrap())
        .collect();
    assert_eq!(gone, routes, "one warning a route");
    assert_eq!(dataset.warning_count(), routes.len());
    dataset.undo();
    assert_eq!(dataset.warning_count(), 0, "undone, the routes are whole");
    // A date Sortie cannot read is named by its property.
    let index = dataset.index_of("deir-ez-zor").unwrap();
    let mut feature = dataset.feature(index).unwrap();
    feature.other_properties.push((
        "date".to_owned(),
        serde_json::json!("the 32nd of Augtember"),
    ));
    feature.date = None;
    feature.when = None;
    dataset
        .apply("date", vec![Edit::Replace(index, feature)])
        .unwrap();
    let dated: Vec<_> = dataset.all_warnings().collect();
    assert!(
        dated.iter().any(|w| w
            .property
            .as_deref()
            .is_some_and(|p| p.ends_with("properties.date"))),
        "{dated:?}"
    );
    dataset.redo();
    dataset.undo();
    assert_eq!(dataset.warning_count(), 0);
}

#[test]
fn a_file_with_crlf_line_ends_gets_new_features_with_crlf() {
    let (text, _) = bundled();
    let crlf = text.replace('\n', "\r\n");
    let mut dataset = parse_str(&crlf, Some(&bundled_path())).unwrap();
    assert_eq!(dataset.geojson_text(), crlf, "no edit: the same bytes");
    dataset
        .apply("add base", vec![Edit::Add(new_base("Kirkuk Air Base"))])
        .unwrap();
    let saved = dataset.geojson_text();
    assert!(saved.contains("Kirkuk Air Base"));
    let bare = saved
        .match_indices('\n')
        .filter(|&(at, _)| !saved[..at].ends_with('\r'))
        .count();
    assert_eq!(bare, 0, "every line ends as the file's do");
    let reopened = parse_str(&saved, None).unwrap();
    assert_eq!(reopened.feature_count(), dataset.feature_count());
}

/// Every file the importers read: a point moved, a base added, a feature deleted, then
/// every step undone.
#[test]
fn imported_files_edit_and_undo_with_their_warnings_back() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut edited = 0;
    for name in [
        "acled_2019.csv",
        "acled_current.csv",
        "acled_pre2019.csv",
        "ucdp_ged.csv",
        "wkt.csv",
        "spreadsheet_semicolon.csv",
        "no_coordinates.csv",
        "strikes.kml",
        "strikes.kmz",
    ] {
        let path = dir.join(name);
        let Ok(mut dataset) = sortie::dataset::load_path(&path) else {
            continue;
        };
        let warnings = dataset.warning_count();
        let features = dataset.feature_count();
        let mut steps = 0;
        let point = dataset.iter().find(|f| f.is_point()).map(|f| f.index);
        if let Some(point) = point {
            let mut moved = dataset.feature(point).unwrap();
            moved.geometry = Some(Geometry::Point(Point::new(36.2, 37.1)));
            dataset
                .apply("move", vec![Edit::Replace(point, moved)])
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            steps += 1;
        }
        let added = dataset
            .apply("add", vec![Edit::Add(new_base("Kirkuk Air Base"))])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        steps += 1;
        assert!(
            dataset.warning_count() > warnings,
            "{name}: the base added rests on no source"
        );
        if features > 0 {
            dataset.apply("delete", vec![Edit::Delete(0)]).unwrap();
            steps += 1;
        }
        assert_eq!(
            dataset.feature_count(),
            features + 1 - usize::from(features > 0)
        );
        for _ in 0..steps {
            assert!(dataset.undo().is_some(), "{name}");
        }
        assert!(dataset.get(added.indices[0]).is_none(), "{name}");
        assert_eq!(dataset.feature_count(), features, "{name}");
        assert_eq!(
            dataset.warning_count(),
            warnings,
            "{name}: the load's warnings back"
        );
        assert!(!dataset.is_modified(), "{name}");
        edited += 1;
    }
    assert!(edited >= 8, "only {edited} files loaded");
}
