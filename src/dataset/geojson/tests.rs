//! Tests of the one feature reader: its quick and located readings agree.

use proptest::prelude::*;

use super::feature::FeatureSeed;
use super::parts::Parts;
use super::reader::Reader;
use super::{read_located, read_quickly};
use crate::dataset::record::Record;
use crate::dataset::{Diagnostic, Feature};
use serde::de::DeserializeSeed as _;

/// Picks one of a list of JSON member fragments, or none.
fn member(key: &'static str, values: &'static [&'static str]) -> BoxedStrategy<String> {
    // Mostly absent, so that a fair share of features is all good and the quick reading
    // takes it.
    prop_oneof![
        3 => Just(String::new()),
        1 => proptest::sample::select(values).prop_map(move |v| format!("\"{key}\":{v}")),
    ]
    .boxed()
}

fn feature_text() -> impl Strategy<Value = String> {
    let id = member(
        "id",
        &[
            r#""a""#,
            r#""a\"b""#,
            r#""""#,
            "7",
            "-1.5",
            "null",
            "{}",
            "[1]",
        ],
    );
    let geometry = member(
        "geometry",
        &[
            "null",
            r#"{"type":"Point","coordinates":[44.5,33.25]}"#,
            r#"{"type":"Point","coordinates":[44,33,120]}"#,
            r#"{"type":"Point","coordinates":[44,33,1,2]}"#,
            r#"{"type":"Point","coordinates":[200,33]}"#,
            r#"{"type":"Point","coordinates":[44,-95]}"#,
            r#"{"type":"Point","coordinates":[44]}"#,
            r#"{"type":"Point","coordinates":["44",33]}"#,
            r#"{"type":"Point"}"#,
            r#"{"type":"LineString","coordinates":[[44,33]]}"#,
            r#"{"type":"LineString","coordinates":[[44,33],[40,35]]}"#,
            r#"{"type":"LineString","coordinates":[[44,33,5],[40,35],[38,36]]}"#,
            r#"{"type":"LineString","coordinates":[44,33]}"#,
            r#"{"type":"Point","coordinates":[[44,33],[40,35]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
            r#"{"type":"Nope","coordinates":[1,2]}"#,
            r#""Point""#,
            r#"{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2]}"#,
        ],
    );
    let props: Vec<BoxedStrategy<String>> = vec![
        member(
            "kind",
            &[
                r#""base""#,
                r#""target""#,
                r#""route""#,
                r#""place""#,
                r#""castle""#,
                "3",
                "null",
            ],
        ),
        member(
            "name",
            &[r#""Aleppo""#, r#""Al\u00e9ppo""#, r#""""#, "5", "null"],
        ),
        member("title", &[r#""T""#, r#""""#, "[]"]),
        member("description", &[r#""d""#, r#""line\nbreak""#, "false"]),
        member(
            "date",
            &[r#""2016-08-16""#, r#""2016-13""#, "2016", r#""2016""#],
        ),
        member("date_end", &[r#""2016-08""#, r#""soon""#]),
        member(
            "location_precision",
            &[
                r#""approximate""#,
                r#""roughly""#,
                r#"{"level":"approximate","radius_km":5}"#,
                r#"{"level":"area","radius_km":-1}"#,
                "null",
            ],
        ),
        member(
            "claims",
            &[
                r#"[{"text":"x","status":"claimed","sources":["s1"]}]"#,
                r#"[{"text":"x","by":"MoD","sources":["elsewhere"]}]"#,
                r#"[{"text":"x","by":7}]"#,
                r#"[{"text":"x","status":"maybe"}]"#,
                r#"[{"text":"x","status":null}]"#,
                r#"[{"text":"x","sources":"s1"}]"#,
                r#"[{"text":"x","sources":[1]}]"#,
                r#"[{"by":"nobody"}]"#,
                r#"[{"text":"x","status":"inferred","date":"2016-08-18","sources":[{"id":"s1","quote":"q","locator":"p. 2"},"s2"]}]"#,
                r#"[{"text":"x","date":"someday","note":1,"sources":{"id":"s1"}}]"#,
                r#"[{"text":"x","sources":[{"quote":"no id"}]}]"#,
                r#"[{"text":"x","sources":[{"id":"s1","locator":4,"page":9}]}]"#,
                r#"[{"text":"x","date":5,"sources":[{"id":7}]}]"#,
                r#"["x"]"#,
                r#"{"text":"x"}"#,
            ],
        ),
        member(
            "sources",
            &[
                r#"[{"id":"s1","publisher":"P","url":"https://e.org","published":"2016-08-16"}]"#,
                r#"[{"id":"s1","published":"yesterday"}]"#,
                r#"[{"id":"s1","publisher":null}]"#,
                r#"[{"id":"s1","publisher":5,"extra":[1]}]"#,
                r#"[{"publisher":"P"}]"#,
                r#"[{"id":"s\u0031"}]"#,
                r#"[{"id":"s1","archived":"https://web.archive.org/x","accessed":"2026-11-20"}]"#,
                r#"[{"id":"s1","archived":3}]"#,
                r#"["s1"]"#,
                "{}",
            ],
        ),
        member("from", &[r#""a""#, "1", r#""b\"""#]),
        member("to", &[r#""b""#, "null"]),
        member(
            "aircraft",
            &[r#""Su-34""#, r#"["Su-34","Tu-22M3"]"#, "[1]", "9"],
        ),
        member("cruise_kmh", &["900", "0", "-5", r#""fast""#, "1e3"]),
        member("schematic", &["true", "false", r#""yes""#]),
        member("marker-color", &[r##""#f00""##, r#""red""#, "1"]),
        member("marker-size", &[r#""large""#, r#""huge""#]),
        member("marker-symbol", &[r#""airfield""#, r#""""#, "1", "[]"]),
        member("stroke", &[r##""#123456""##, r##""#12""##]),
        member("stroke-width", &["3", "-1", "0"]),
        member("stroke-opacity", &["0.5", "1.5"]),
        member("fill", &[r##""#abc""##]),
        member("fill-opacity", &["0", "2"]),
        member("note", &[r#""kept""#, "[1,{\"a\":null}]"]),
        // A repeated member: JSON's last-wins rule.
        member("kind", &[r#""place""#]),
    ];
    let properties = prop_oneof![
        Just(String::new()),
        Just(r#""properties":null"#.to_owned()),
        Just(r#""properties":[]"#.to_owned()),
        props.prop_map(|members| {
            let members: Vec<String> = members.into_iter().filter(|m| !m.is_empty()).collect();
            format!("\"properties\":{{{}}}", members.join(","))
        }),
    ];
    let type_member = prop_oneof![
        8 => Just(r#""type":"Feature""#),
        1 => Just(r#""type":"Feature ""#),
        1 => Just(r#""type":"Feat\u0075re""#),
    ];
    (
        type_member,
        id,
        geometry,
        properties,
        member("extra", &["1"]),
    )
        .prop_map(|(t, id, g, p, extra)| {
            let members: Vec<String> = [t.to_owned(), id, g, p, extra]
                .into_iter()
                .filter(|m| !m.is_empty())
                .collect();
            format!("{{{}}}", members.join(","))
        })
}

/// The quick reading of a feature's text.
fn quick(text: &str) -> Option<Parts<'_>> {
    let mut read = None;
    let end = read_quickly(text, |parts, _| read = Some(std::mem::take(parts)));
    read.filter(|_| end == Some(text.len()))
}

/// The located reading of a feature's text, as the load reads a deferred one: its record's
/// parts, the full feature, and the warnings.
fn located(text: &str) -> Option<(Parts<'_>, Feature, Vec<Diagnostic>)> {
    let mut reader = Reader::located(text);
    reader.prefix = "features[0]".to_owned();
    let parts = read_located(&mut reader, text).ok()?;
    let mut again = Reader::located(text);
    again.quiet = true;
    again.prefix = "features[0]".to_owned();
    let mut de = serde_json::Deserializer::from_str(text);
    let feature = FeatureSeed { reader: &mut again }
        .deserialize(&mut de)
        .ok()?
        .into_feature(0, None);
    Some((parts, feature, reader.warnings))
}

/// What the builder is given, as comparable text.
fn record_text(r: &Record<'_>) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        r.id,
        r.name,
        r.description,
        r.kind,
        r.look,
        r.geometry,
        r.route,
        r.source_ids,
        r.own,
        r.cited_elsewhere
    )
}

/// The property test below means something only if the quick reading takes a fair share of
/// its cases (at least 1 in 20).
#[test]
fn the_quick_reading_takes_a_fair_share_of_generated_features() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut tried, mut taken) = (0, 0);
    for _ in 0..2000 {
        let text = feature_text()
            .new_tree(&mut runner)
            .expect("a value")
            .current();
        tried += 1;
        taken += usize::from(quick(&text).is_some());
    }
    eprintln!("the quick reading took {taken} of {tried}");
    assert!(taken * 20 >= tried, "{taken} of {tried}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// What the quick reading takes, the located reading reads without a warning and to the
    /// same record; what it leaves, the located reading warns about (or needs a value's text
    /// for, or refuses as no Feature).
    #[test]
    fn the_quick_and_located_readings_agree(text in feature_text()) {
        let q = quick(&text);
        let l = located(&text);
        match (q, l) {
            (Some(q), Some((parts, feature, warnings))) => {
                prop_assert!(warnings.is_empty(), "{text}\n{warnings:?}");
                prop_assert_eq!(record_text(&q.into_record(&text)), record_text(&parts.into_record(&text)));
                // The full feature is the same feature.
                prop_assert!(feature.index == 0 && !feature.id.is_empty());
            }
            (Some(_), None) => prop_assert!(false, "the located reading refused {text}"),
            (None, Some((_, _, warnings))) => prop_assert!(
                !warnings.is_empty() || text.contains(r#""marker-symbol":1"#),
                "the quick reading left a feature with nothing to warn about: {text}"
            ),
            (None, None) => {}
        }
    }
}

#[test]
fn a_plain_feature_is_read_quickly() {
    let text = r#"{"type":"Feature","id":"p1","geometry":{"type":"Point","coordinates":[44.5,33.25]},
        "properties":{"kind":"target","name":"Al\u00e9ppo","claims":[{"text":"t","status":"claimed","sources":["a"]}],
        "sources":[{"id":"a","publisher":"P","url":"https://e.org/1"}]}}"#;
    let r = quick(text).expect("quick").into_record(text);
    assert_eq!(r.id.as_deref(), Some("p1"));
    assert_eq!(r.kind, crate::dataset::FeatureKind::Target);
    assert_eq!(r.name.as_deref(), Some("Aléppo"));
    assert_eq!(
        r.geometry,
        Some(geo_types::Geometry::Point(geo_types::Point::new(
            44.5, 33.25
        )))
    );
    assert!(r.cited_elsewhere.is_empty());
    // The same feature with a bad date is left to the located reading.
    assert!(
        quick(&text.replace(r#""kind":"target""#, r#""kind":"target","date":"soon""#)).is_none()
    );
}

#[test]
fn sizes() {
    eprintln!(
        "Parts {} Record {} SourceParts {} ClaimParts {} Got {} Coords {} GeometryFound {} Look {} RouteParts? Geometry {}",
        std::mem::size_of::<Parts<'_>>(),
        std::mem::size_of::<Record<'_>>(),
        std::mem::size_of::<super::evidence::SourceParts<'_>>(),
        std::mem::size_of::<super::evidence::ClaimParts<'_>>(),
        std::mem::size_of::<super::raw::Got<'_>>(),
        std::mem::size_of::<super::raw::Coords>(),
        std::mem::size_of::<super::geometry::GeometryFound<'_>>(),
        std::mem::size_of::<crate::dataset::Look>(),
        std::mem::size_of::<geo_types::Geometry<f64>>(),
    );
}
