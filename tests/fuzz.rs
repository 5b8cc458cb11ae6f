//! Property tests: arbitrary bytes and mutated valid files never panic the loader, and what
//! loads keeps its invariants.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sortie::app::BUNDLED_DATASET;
use sortie::dataset::{Dataset, LoadError, parse_bytes};

fn check_invariants(result: Result<Dataset, LoadError>) {
    match result {
        Ok(d) => {
            for (i, f) in d.iter().enumerate() {
                assert_eq!(f.index, i);
                assert!(!f.id.is_empty());
            }
            for w in &d.warnings {
                assert!(!w.message.is_empty());
                if let Some(i) = w.feature_index {
                    assert!(i < d.len());
                }
            }
            // What loaded can be drawn and listed without panicking either.
            let layers = sortie::map::MapLayers::new(&d);
            assert_eq!(layers.len(), d.len());
            // Every feature reads again in full, as the details panel does.
            assert_eq!(d.full_features().count(), d.len());
            let _ = d.summary();
            let _ = sortie::cli::info_json(&d, None);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The import fixtures, to mutate.
const IMPORTS: [(&str, &[u8]); 7] = [
    ("a.csv", include_bytes!("fixtures/import/acled_current.csv")),
    ("a.csv", include_bytes!("fixtures/import/acled_pre2019.csv")),
    ("u.csv", include_bytes!("fixtures/import/ucdp_ged.csv")),
    (
        "s.csv",
        include_bytes!("fixtures/import/spreadsheet_semicolon.csv"),
    ),
    ("w.csv", include_bytes!("fixtures/import/wkt.csv")),
    ("s.kml", include_bytes!("fixtures/import/strikes.kml")),
    ("s.kmz", include_bytes!("fixtures/import/strikes.kmz")),
];

/// A small valid file with every kind of member, to mutate.
const SEED: &str = r##"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"b","properties":{"kind":"base","name":"B","date":"2016-08-16","marker-color":"#123",
 "claims":[{"text":"t","by":"x","status":"claimed","sources":["s"]}],"sources":[{"id":"s","publisher":"P","url":"https://e.org"}]},
 "geometry":{"type":"Point","coordinates":[48.6,35.2,1700]}},
{"type":"Feature","id":"t","properties":{"kind":"target","location_precision":{"level":"area","radius_km":3}},"geometry":{"type":"Point","coordinates":[40.1,35.3]}},
{"type":"Feature","id":"r","properties":{"kind":"route","from":"b","to":"t","schematic":true,"aircraft":["Su-34"]},
 "geometry":{"type":"LineString","coordinates":[[48.6,35.2],[44,36],[40.1,35.3]]}},
{"type":"Feature","properties":{"fill":"#f00"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
{"type":"Feature","properties":null,"geometry":{"type":"GeometryCollection","geometries":[{"type":"MultiPoint","coordinates":[[1,2]]}]}}
]}"##;

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Truncate(usize),
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len().max(1);
        match edit {
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Edit::Insert(at, text) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, text.iter().copied());
            }
            Edit::Replace(at, b) => {
                if let Some(slot) = bytes.get_mut(at % len) {
                    *slot = *b;
                }
            }
            Edit::Truncate(at) => bytes.truncate(at % len),
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippets = prop::sample::select(vec![
        b"null".to_vec(),
        b"[".to_vec(),
        b"]".to_vec(),
        b"{}".to_vec(),
        b"\"".to_vec(),
        b",".to_vec(),
        b"1e999".to_vec(),
        b"-0".to_vec(),
        b"\"kind\":\"route\",".to_vec(),
        b"[[[[".to_vec(),
        b"\xff\xfe".to_vec(),
        b"\\u0000".to_vec(),
        b"\"type\":\"Feature\"".to_vec(),
        b"999".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), snippets).prop_map(|(a, s)| Edit::Insert(a, s)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Replace(a, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_invariants(parse_bytes(&bytes, None));
    }

    #[test]
    fn arbitrary_json_shaped_text_never_panics(text in r#"[\[\]\{\}":,0-9a-z\- \.]{0,200}"#) {
        check_invariants(parse_bytes(text.as_bytes(), None));
    }

    #[test]
    fn mutated_valid_files_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        check_invariants(parse_bytes(&apply(SEED.as_bytes().to_vec(), &edits), None));
    }

    #[test]
    fn mutated_imports_never_panic(
        which in 0..IMPORTS.len(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let (name, bytes) = IMPORTS[which];
        let path = std::path::Path::new(name);
        check_invariants(parse_bytes(&apply(bytes.to_vec(), &edits), Some(path)));
    }

    #[test]
    fn arbitrary_csv_shaped_text_never_panics(
        header in prop::sample::select(vec![
            "lat,lon,name,date\n",
            "Name;Lat;Lon;Date\n",
            "wkt\tname\n",
            "event_id_cnty,event_date,time_precision,latitude,longitude,source,notes\n",
            "id,relid,date_prec,where_prec,latitude,longitude,date_start,date_end,source_office\n",
        ]),
        body in r#"[0-9a-zA-Z,;\t"\n\r\. \-/()]{0,300}"#,
    ) {
        check_invariants(parse_bytes(format!("{header}{body}").as_bytes(), None));
    }

    #[test]
    fn arbitrary_kml_shaped_text_never_panics(
        body in r#"(<Placemark>|</Placemark>|<Point>|</Point>|<coordinates>|</coordinates>|<Folder>|</Folder>|<name>|</name>|<TimeSpan><begin>|</begin>|<Data name="x"><value>|</value></Data>|<MultiGeometry>|</MultiGeometry>|<LinearRing>|</LinearRing>|<Polygon>|</Polygon>|[0-9,\. \-]{1,12}|&amp;|&#|x){0,40}"#,
    ) {
        let text = format!("<kml><Document>{body}</Document></kml>");
        check_invariants(parse_bytes(text.as_bytes(), None));
    }

    #[test]
    fn mutated_bundled_dataset_never_panics(edits in prop::collection::vec(edit(), 1..4)) {
        check_invariants(parse_bytes(&apply(BUNDLED_DATASET.as_bytes().to_vec(), &edits), None));
    }
}

#[test]
fn the_seed_itself_loads_cleanly() {
    let d = parse_bytes(SEED.as_bytes(), None).unwrap();
    assert_eq!(d.len(), 5);
    assert!(d.warnings.is_empty(), "{:#?}", d.warnings);
}
