//! The source registry edited as steps of the edit history: a source changed, added,
//! deleted (refused while cited), two merged; each undone; saved with only the registry's
//! text changed, and read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sortie::dataset::{Dataset, Edit, EditError, Source, parse_str};

/// Two registry records of one report (`mod-a` and `mod-b`), a third nobody cites, a
/// feature citing `mod-b` with a quote, one citing both, one defining its own source.
const FILE: &str = r#"{
  "type": "FeatureCollection",
  "sources": [
    {"id": "mod-a", "publisher": "Russian Ministry of Defence", "published": "2016-08-16"},
    {"id": "mod-b", "url": "https://example.org/mod", "title": "Statement"},
    {"id": "spare", "publisher": "Nobody"}
  ],
  "features": [
    {"type": "Feature", "id": "deir", "properties": {"name": "Deir ez-Zor",
      "claims": [{"text": "Struck", "by": "MoD", "sources": [{"id": "mod-b", "quote": "struck"}]}]},
     "geometry": {"type": "Point", "coordinates": [40.14, 35.33]}},
    {"type": "Feature", "id": "aleppo", "properties": {"name": "Aleppo",
      "claims": [{"text": "Struck too", "by": "MoD", "sources": ["mod-a", "mod-b"]}]},
     "geometry": {"type": "Point", "coordinates": [37.16, 36.2]}},
    {"type": "Feature", "id": "idlib", "properties": {"name": "Idlib",
      "sources": [{"id": "own", "publisher": "Local"}]},
     "geometry": {"type": "Point", "coordinates": [36.63, 35.93]}}
  ]
}
"#;

fn dataset() -> Dataset {
    parse_str(FILE, None).unwrap()
}

fn ids(dataset: &Dataset) -> Vec<String> {
    dataset
        .registry
        .iter()
        .filter_map(|s| s.id.clone())
        .collect()
}

#[test]
fn two_records_of_one_report_are_merged_and_unmerged() {
    let mut d = dataset();
    let edits = d.merge_source_edits("mod-a", "mod-b").unwrap();
    d.apply("merge mod-b into mod-a", edits).unwrap();
    assert_eq!(ids(&d), ["mod-a", "spare"]);
    let kept = d.source_by_id("mod-a").unwrap();
    assert_eq!(
        kept.publisher.as_deref(),
        Some("Russian Ministry of Defence")
    );
    assert_eq!(
        kept.url.as_deref(),
        Some("https://example.org/mod"),
        "filled in"
    );
    assert_eq!(kept.title.as_deref(), Some("Statement"));
    let deir = d.feature(0).unwrap();
    assert_eq!(deir.claims[0].citations[0].id, "mod-a");
    assert_eq!(deir.claims[0].citations[0].quote.as_deref(), Some("struck"));
    // Aleppo cited both the same way: one citation stays.
    let aleppo = d.feature(1).unwrap();
    let cited: Vec<&str> = aleppo.claims[0].source_ids().collect();
    assert_eq!(cited, ["mod-a"]);
    assert!(d.citing("mod-b").is_empty());
    assert_eq!(d.citing("mod-a"), [(0, 0), (1, 0)]);
    assert_eq!(
        d.warning_count(),
        0,
        "{:?}",
        d.all_warnings().collect::<Vec<_>>()
    );

    assert_eq!(d.undo().unwrap().label, "merge mod-b into mod-a");
    assert_eq!(d.registry, dataset().registry);
    assert_eq!(
        d.feature(1).unwrap().claims,
        dataset().feature(1).unwrap().claims
    );
    d.redo().unwrap();
    assert_eq!(ids(&d), ["mod-a", "spare"]);
}

#[test]
fn a_cited_source_is_not_deleted_and_the_claims_are_named() {
    let mut d = dataset();
    let error = d.delete_source_edits("mod-b").unwrap_err();
    assert_eq!(
        error,
        EditError::SourceCited {
            id: "mod-b".into(),
            claims: vec!["Deir ez-Zor, claim 1".into(), "Aleppo, claim 1".into()],
        }
    );
    assert!(
        error
            .to_string()
            .contains("Deir ez-Zor, claim 1, Aleppo, claim 1")
    );
    // One nobody cites goes, from the registry or from the feature that defines it.
    for id in ["spare", "own"] {
        let edits = d.delete_source_edits(id).unwrap();
        d.apply(format!("delete source {id}"), edits).unwrap();
    }
    assert_eq!(ids(&d), ["mod-a", "mod-b"]);
    assert!(d.feature(2).unwrap().sources.is_empty());
    assert!(matches!(
        d.delete_source_edits("nothing"),
        Err(EditError::NoSuchSource(_))
    ));
    d.undo();
    d.undo();
    assert_eq!(d.registry, dataset().registry);
}

#[test]
fn registry_ids_stay_unique() {
    let mut d = dataset();
    let twice = Source {
        id: Some("mod-a".into()),
        ..Source::default()
    };
    let edit = d.registry_edit(None, twice).unwrap();
    assert_eq!(
        d.apply("add mod-a again", vec![edit]),
        Err(EditError::DuplicateSourceId("mod-a".into()))
    );
    assert_eq!(d.registry, dataset().registry, "nothing changed");
}

#[test]
fn a_registry_edit_is_saved_in_place_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.geojson");
    std::fs::write(&path, FILE).unwrap();
    let mut d = sortie::dataset::load_path(&path).unwrap();
    let mut changed = d.registry[2].clone();
    changed.publisher = Some("Somebody".into());
    let edit = d.registry_edit(Some(2), changed).unwrap();
    let added = Source {
        id: Some("new".into()),
        url: Some("https://example.org/new".into()),
        accessed: Some("2026-12-08".into()),
        ..Source::default()
    };
    let mut registry = match edit {
        Edit::Registry(r) => r,
        _ => unreachable!(),
    };
    registry.push(added.clone());
    d.apply("edit the registry", vec![Edit::Registry(registry)])
        .unwrap();
    let mut text = Vec::new();
    d.write_geojson(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    // The features' text is as the file has it; only the registry is new.
    let features_at = |t: &str| t[t.find("\"features\"").unwrap()..].to_owned();
    assert_eq!(features_at(&text), features_at(FILE));
    assert!(text.contains("\"publisher\":\"Somebody\""), "{text}");
    let back = parse_str(&text, None).unwrap();
    assert_eq!(back.registry, d.registry);
    assert_eq!(back.registry.last(), Some(&added));
    assert_eq!(back.warnings, [], "{text}");
    // Undone, the file is as it was, byte for byte.
    d.undo();
    let mut again = Vec::new();
    d.write_geojson(&mut again).unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), FILE);
}

#[test]
fn a_file_without_a_registry_gains_one() {
    let file = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{},"geometry":null}
]}
"#;
    let mut d = parse_str(file, None).unwrap();
    let source = Source {
        id: Some("s".into()),
        publisher: Some("P".into()),
        ..Source::default()
    };
    let edit = d.registry_edit(None, source).unwrap();
    d.apply("add a source", vec![edit]).unwrap();
    let mut text = Vec::new();
    d.write_geojson(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let back = parse_str(&text, None).unwrap();
    assert_eq!(back.registry, d.registry, "{text}");
    assert_eq!(back.len(), 1);
    assert_eq!(back.warnings, [], "{text}");
}

#[test]
fn a_source_is_changed_wherever_it_is_defined_and_renamed_with_its_citations() {
    let mut d = dataset();
    let mut changed = d.source_by_id("mod-b").unwrap();
    changed.id = Some("mod-statement".into());
    changed.publisher = Some("Russian Ministry of Defence".into());
    let edits = d.source_edits("mod-b", &changed).unwrap();
    d.apply("edit source mod-b", edits).unwrap();
    assert_eq!(ids(&d), ["mod-a", "mod-statement", "spare"]);
    assert_eq!(d.source_by_id("mod-statement"), Some(changed));
    assert_eq!(
        d.feature(0).unwrap().claims[0].citations[0].id,
        "mod-statement"
    );
    let aleppo: Vec<String> = d.feature(1).unwrap().claims[0]
        .source_ids()
        .map(str::to_owned)
        .collect();
    assert_eq!(aleppo, ["mod-a", "mod-statement"]);
    assert_eq!(d.warning_count(), 0);
    // A feature's own source changes in the feature.
    let mut own = d.feature(2).unwrap().sources[0].clone();
    own.url = Some("https://example.org/local".into());
    let edits = d.source_edits("own", &own).unwrap();
    d.apply("edit source own", edits).unwrap();
    assert_eq!(d.feature(2).unwrap().sources, [own]);
    // Another source's id is refused.
    let mut clash = d.source_by_id("spare").unwrap();
    clash.id = Some("mod-a".into());
    assert_eq!(
        d.source_edits("spare", &clash),
        Err(EditError::DuplicateSourceId("mod-a".into()))
    );
    d.undo();
    d.undo();
    assert_eq!(d.registry, dataset().registry);
    assert_eq!(d.feature(1).unwrap(), dataset().feature(1).unwrap());
}
