//! Writing the model as dataset format v1 GeoJSON: one [`Feature`] as a Feature object, a
//! [`Source`] as a source record, a string as a JSON string. What [`super::read_feature_json`]
//! reads back as the same feature: every typed field, every property and member kept as
//! found, a value at fault written as it was found (and not its typed default beside it).
//! The one writer of a whole feature's GeoJSON; a loaded file's own features are saved as
//! their text, byte for byte, and only a feature built or changed in Sortie goes through it.

use std::fmt::Write as _;

use geo_types::{Coord, Geometry, LineString, Polygon};
use serde_json::Value;

use crate::dataset::{
    Capture, Citation, Claim, Feature, FeatureKind, MarkerSize, SimpleStyle, Source,
};

/// `feature` as a GeoJSON Feature object, on one line.
pub fn feature_geojson(feature: &Feature) -> String {
    let mut out = String::with_capacity(256);
    write_feature(&mut out, feature);
    out
}

/// `source` as a dataset format v1 source record (a JSON object), on one line.
pub fn source_geojson(source: &Source) -> String {
    let mut out = String::with_capacity(128);
    write_source(&mut out, source);
    out
}

/// Sources as a JSON array (a registry), each on one line after `indent` when given, else
/// all on one line.
pub fn sources_geojson(sources: &[Source], indent: Option<(&str, &str)>) -> String {
    let mut out = String::with_capacity(128 * sources.len() + 2);
    let Some((newline, indent)) = indent.filter(|_| !sources.is_empty()) else {
        list(&mut out, sources, write_source);
        return out;
    };
    out.push('[');
    for (i, source) in sources.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(newline);
        out.push_str(indent);
        write_source(&mut out, source);
    }
    out.push_str(newline);
    out.push(']');
    out
}

/// Writes `text` as a JSON string.
pub(crate) fn json_str(out: &mut String, text: &str) {
    out.push('"');
    // Most text needs no escape: one pass without branches to tell.
    let plain = !text.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        from = i + 1;
    }
    out.push_str(&text[from..]);
    out.push('"');
}

/// The members of one JSON object, written as they come, each key once: a member kept as
/// found (in `kept`) wins over the typed value of the same key.
struct Members<'o, 'k> {
    out: &'o mut String,
    first: bool,
    kept: &'k [(String, Value)],
}

impl<'o, 'k> Members<'o, 'k> {
    /// Opens an object; `kept` are the members kept as found, written by [`Self::close`].
    fn open(out: &'o mut String, kept: &'k [(String, Value)]) -> Self {
        out.push('{');
        Self {
            out,
            first: true,
            kept,
        }
    }

    /// Starts member `key` and returns the output for its value; `None` when a member kept
    /// as found has that key (it is written instead, in its place among them).
    fn key(&mut self, key: &str) -> Option<&mut String> {
        if self.kept.iter().any(|(k, _)| k == key) {
            return None;
        }
        Some(self.member(key))
    }

    fn member(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        json_str(self.out, key);
        self.out.push(':');
        self.out
    }

    fn str(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value
            && let Some(out) = self.key(key)
        {
            json_str(out, value);
        }
    }

    fn number(&mut self, key: &str, value: f64) {
        if let Some(out) = self.key(key) {
            number(out, value);
        }
    }

    /// Writes the members kept as found and closes the object.
    fn close(mut self) {
        for (key, value) in self.kept {
            let out = self.member(key);
            json_value(out, value);
        }
        self.out.push('}');
    }
}

fn json_value(out: &mut String, value: &Value) {
    match value {
        Value::String(s) => json_str(out, s),
        other => out.push_str(&other.to_string()),
    }
}

/// A number as JSON: the shortest text that reads back as the same `f64`.
fn number(out: &mut String, value: f64) {
    if value.is_finite() {
        let _ = write!(out, "{value}");
    } else {
        out.push_str("null");
    }
}

fn write_feature(out: &mut String, f: &Feature) {
    out.push_str("{\"type\":\"Feature\"");
    if f.id != format!("#{}", f.index) {
        out.push_str(",\"id\":");
        json_str(out, &f.id);
    }
    out.push_str(",\"geometry\":");
    match (
        &f.geometry,
        f.foreign_members.iter().find(|(k, _)| k == "geometry"),
    ) {
        (Some(geometry), _) => write_geometry(out, geometry, &mut f.altitudes_m.iter()),
        (None, Some((_, kept))) => json_value(out, kept),
        (None, None) => out.push_str("null"),
    }
    out.push_str(",\"properties\":");
    write_properties(out, f);
    for (key, value) in f.foreign_members.iter().filter(|(k, _)| k != "geometry") {
        out.push(',');
        json_str(out, key);
        out.push(':');
        json_value(out, value);
    }
    out.push('}');
}

fn write_properties(out: &mut String, f: &Feature) {
    let mut m = Members::open(out, &f.other_properties);
    // `other` is what a feature without a kind Sortie knows is shown as, not a kind.
    if f.kind != FeatureKind::Other {
        m.str("kind", Some(f.kind.as_str()));
    }
    // The name, unless it is the id shown for want of one; under `title` when a `name` at
    // fault is kept (the name shown then came from `title`).
    if !f.name.is_empty() && f.name != f.id {
        let key = if m.kept.iter().any(|(k, _)| k == "name") {
            "title"
        } else {
            "name"
        };
        m.str(key, Some(&f.name));
    }
    m.str("description", f.description.as_deref());
    m.str("date", f.date.as_ref().map(|d| d.written()));
    m.str("date_end", f.date_end.as_ref().map(|d| d.written()));
    if let Some(p) = f.location_precision
        && let Some(out) = m.key("location_precision")
    {
        match p.radius_km {
            None => json_str(out, p.level.as_str()),
            Some(radius) => {
                out.push_str("{\"level\":");
                json_str(out, p.level.as_str());
                out.push_str(",\"radius_km\":");
                number(out, radius);
                out.push('}');
            }
        }
    }
    if let Some(route) = &f.route {
        m.str("from", route.from.as_deref());
        m.str("to", route.to.as_deref());
        if !route.aircraft.is_empty()
            && let Some(out) = m.key("aircraft")
        {
            list(out, &route.aircraft, |out, a| json_str(out, a));
        }
        if route.schematic
            && let Some(out) = m.key("schematic")
        {
            out.push_str("true");
        }
        if let Some(speed) = route.cruise_kmh {
            m.number("cruise_kmh", speed);
        }
    }
    if !f.claims.is_empty()
        && let Some(out) = m.key("claims")
    {
        list(out, &f.claims, write_claim);
    }
    if !f.sources.is_empty()
        && let Some(out) = m.key("sources")
    {
        list(out, &f.sources, write_source);
    }
    write_style(&mut m, &f.style);
    m.close();
}

fn write_style(m: &mut Members<'_, '_>, s: &SimpleStyle) {
    let default = SimpleStyle::default();
    let colour = |c: Option<crate::dataset::Rgb>| c.map(|c| c.to_string());
    m.str("marker-color", colour(s.marker_color).as_deref());
    if s.marker_size != default.marker_size {
        let size = match s.marker_size {
            MarkerSize::Small => "small",
            MarkerSize::Medium => "medium",
            MarkerSize::Large => "large",
        };
        m.str("marker-size", Some(size));
    }
    m.str("marker-symbol", s.marker_symbol.as_deref());
    m.str("stroke", colour(s.stroke).as_deref());
    for (key, value, default) in [
        ("stroke-width", s.stroke_width, default.stroke_width),
        ("stroke-opacity", s.stroke_opacity, default.stroke_opacity),
    ] {
        if value.to_bits() != default.to_bits() {
            m.number(key, value);
        }
    }
    m.str("fill", colour(s.fill).as_deref());
    if s.fill_opacity.to_bits() != default.fill_opacity.to_bits() {
        m.number("fill-opacity", s.fill_opacity);
    }
}

fn write_claim(out: &mut String, c: &Claim) {
    let mut m = Members::open(out, &c.other);
    m.str("text", Some(&c.text));
    m.str("by", c.by.as_deref());
    m.str("status", c.status.map(|s| s.as_str()));
    m.str("date", c.date.as_deref());
    if !c.citations.is_empty()
        && let Some(out) = m.key("sources")
    {
        list(out, &c.citations, write_citation);
    }
    m.close();
}

/// A citation: its bare id when it has nothing else, else an object.
fn write_citation(out: &mut String, c: &Citation) {
    if c.quote.is_none() && c.locator.is_none() && c.other.is_empty() {
        json_str(out, &c.id);
        return;
    }
    let mut m = Members::open(out, &c.other);
    m.str("id", Some(&c.id));
    m.str("quote", c.quote.as_deref());
    m.str("locator", c.locator.as_deref());
    m.close();
}

fn write_source(out: &mut String, s: &Source) {
    let mut m = Members::open(out, &s.other);
    for (key, value) in [
        ("id", &s.id),
        ("publisher", &s.publisher),
        ("title", &s.title),
        ("author", &s.author),
        ("published", &s.published),
        ("url", &s.url),
        ("quote", &s.quote),
        ("accessed", &s.accessed),
        ("archived", &s.archived),
    ] {
        m.str(key, value.as_deref());
    }
    if !s.captures.is_empty()
        && let Some(out) = m.key("captures")
    {
        list(out, &s.captures, write_capture);
    }
    m.close();
}

fn write_capture(out: &mut String, c: &Capture) {
    let mut m = Members::open(out, &c.other);
    m.str("sha256", c.sha256.as_deref());
    m.str("file", c.file.as_deref());
    m.str("media_type", c.media_type.as_deref());
    if let Some(bytes) = c.bytes
        && let Some(out) = m.key("bytes")
    {
        let _ = write!(out, "{bytes}");
    }
    m.str("captured_at", c.captured_at.as_deref());
    m.str("captured_by", c.captured_by.as_deref());
    m.close();
}

/// Writes `items` as a JSON array, each through `each`.
pub(crate) fn list<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

/// The altitudes of a feature's positions, handed out in file order.
type Altitudes<'a> = std::slice::Iter<'a, f64>;

/// Writes `geometry`, giving the first positions (in file order) the `altitudes` left.
fn write_geometry(out: &mut String, geometry: &Geometry<f64>, altitudes: &mut Altitudes<'_>) {
    let kind = match geometry {
        Geometry::GeometryCollection(collection) => {
            out.push_str("{\"type\":\"GeometryCollection\",\"geometries\":[");
            for (i, g) in collection.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_geometry(out, g, altitudes);
            }
            out.push_str("]}");
            return;
        }
        Geometry::Rect(r) => {
            return write_geometry(out, &Geometry::Polygon(r.to_polygon()), altitudes);
        }
        Geometry::Triangle(t) => {
            return write_geometry(out, &Geometry::Polygon(t.to_polygon()), altitudes);
        }
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
    };
    out.push_str("{\"type\":\"");
    out.push_str(kind);
    out.push_str("\",\"coordinates\":");
    match geometry {
        Geometry::Point(p) => position(out, p.0, altitudes),
        Geometry::MultiPoint(points) => line(out, points.0.iter().map(|p| p.0), altitudes),
        Geometry::Line(l) => line(out, [l.start, l.end], altitudes),
        Geometry::LineString(l) => line(out, l.0.iter().copied(), altitudes),
        Geometry::MultiLineString(lines) => list(out, &lines.0, |o, l| {
            line(o, l.0.iter().copied(), altitudes);
        }),
        Geometry::Polygon(p) => rings(out, p, altitudes),
        Geometry::MultiPolygon(polygons) => list(out, &polygons.0, |o, p| rings(o, p, altitudes)),
        Geometry::GeometryCollection(_) | Geometry::Rect(_) | Geometry::Triangle(_) => {}
    }
    out.push('}');
}

fn position(out: &mut String, c: Coord<f64>, altitudes: &mut Altitudes<'_>) {
    out.push('[');
    number(out, c.x);
    out.push(',');
    number(out, c.y);
    if let Some(&alt) = altitudes.next() {
        out.push(',');
        number(out, alt);
    }
    out.push(']');
}

fn line(
    out: &mut String,
    coords: impl IntoIterator<Item = Coord<f64>>,
    altitudes: &mut Altitudes<'_>,
) {
    out.push('[');
    for (i, c) in coords.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        position(out, c, altitudes);
    }
    out.push(']');
}

fn rings(out: &mut String, p: &Polygon<f64>, altitudes: &mut Altitudes<'_>) {
    let all: Vec<&LineString<f64>> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    list(out, &all, |o, r| line(o, r.0.iter().copied(), altitudes));
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::dataset::{Dataset, RouteInfo, load_path};

    /// The feature as its own text says it: without where it was read from and what the
    /// dataset works out about a route.
    fn as_written(mut f: Feature) -> Feature {
        f.location = None;
        if let Some(route) = &mut f.route {
            *route = RouteInfo {
                from: route.from.take(),
                to: route.to.take(),
                aircraft: std::mem::take(&mut route.aircraft),
                schematic: route.schematic,
                cruise_kmh: route.cruise_kmh,
                ..RouteInfo::default()
            };
        }
        f
    }

    /// Every feature of `dataset`, written and read back, is the same feature.
    fn assert_round_trip(dataset: &Dataset, what: &str) {
        assert!(!dataset.is_empty(), "{what}: no features");
        for i in 0..dataset.len() {
            let read = as_written(dataset.feature(i).expect("feature"));
            let text = feature_geojson(&read);
            let again = super::super::read_feature_json(&text, i)
                .unwrap_or_else(|| panic!("{what} #{i}: unreadable {text}"));
            assert_eq!(as_written(again), read, "{what} #{i}: {text}");
        }
    }

    #[test]
    fn every_feature_of_the_bundled_and_imported_files_reads_back_the_same() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("assets/datasets/hamedan-2016-08.geojson")];
        for name in [
            "acled_2019.csv",
            "acled_current.csv",
            "acled_pre2019.csv",
            "spreadsheet_semicolon.csv",
            "strikes.kml",
            "ucdp_ged.csv",
            "wkt.csv",
        ] {
            files.push(root.join("tests/fixtures/import").join(name));
        }
        for path in files {
            let dataset = load_path(&path).expect("load");
            assert_round_trip(&dataset, &path.display().to_string());
        }
    }

    #[test]
    fn values_at_fault_are_written_as_found_and_only_once() {
        let text = r##"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":7,"geometry":{"type":"Polygon","coordinates":"x"},
             "properties":{"kind":"airfield","name":42,"title":"Shown","date":"soon",
               "date_end":"2016-08-20","marker-color":"blue","stroke-width":-1,
               "location_precision":{"level":"approximate","radius_km":2.5},
               "claims":[{"text":"It flew","status":"rumoured","by":7,
                 "sources":["a",{"id":"b","quote":"\"words\"\n","page":3}]}],
               "sources":[{"id":"a","publisher":"P","url":5,"extra":[1,2]}],
               "from":"x","note":{"deep":[true,null]}},
             "bbox":[0,0,1,1]},
            {"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[
               {"type":"Point","coordinates":[1,2,300]},
               {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.2],[0.5,0.2],[0.2,0.5],[0.2,0.2]]]},
               {"type":"MultiLineString","coordinates":[[[0,0,1],[1,1,2]],[[2,2],[3,3]]]}]},
             "properties":{"kind":"route","name":"R","from":"a","to":"b","aircraft":"Tu-22M3",
               "schematic":true,"cruise_kmh":800,"fill-opacity":0.25,"marker-size":"large",
               "stroke":"#abc","name2":"\u0001"}}]}"##;
        let dataset = crate::dataset::parse_str(text, None).expect("parse");
        assert_round_trip(&dataset, "faults");
        let first = feature_geojson(&as_written(dataset.feature(0).expect("feature")));
        for key in [
            "\"kind\"",
            "\"name\"",
            "\"date\"",
            "\"marker-color\"",
            "\"geometry\"",
        ] {
            assert_eq!(first.matches(key).count(), 1, "{key} once in {first}");
        }
        assert!(first.contains(r#""kind":"airfield""#), "{first}");
        assert!(first.contains(r#""title":"Shown""#), "{first}");
    }

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        json_str(&mut out, "a \"b\"\\\n\u{1}é");
        assert_eq!(out, r#""a \"b\"\\\n\u0001é""#);
        let back: String = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(back, "a \"b\"\\\n\u{1}é");
    }

    #[test]
    fn a_source_record_reads_back_the_same() {
        let source = Source {
            id: Some("s1".into()),
            publisher: Some("Reuters".into()),
            url: Some("https://example.org/a?b=\"c\"".into()),
            accessed: Some("2016-08-16".into()),
            other: vec![("lang".into(), Value::String("en".into()))],
            ..Source::default()
        };
        let text = source_geojson(&source);
        let back: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("json");
        assert_eq!(
            back.get("url"),
            Some(&Value::String(source.url.clone().unwrap_or_default()))
        );
        assert_eq!(back.get("lang"), Some(&Value::String("en".into())));
        assert_eq!(back.len(), 5, "{text}");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::dataset::{ClaimStatus, FeatureKind};

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ]{0,12}",
            any::<String>(),
            Just("\"\\\u{1}\u{7f}\u{2028}é𝄞".to_owned())
        ]
    }

    fn source() -> impl Strategy<Value = Source> {
        (
            "[a-z0-9-]{1,8}",
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::collection::vec(capture(), 0..3),
        )
            .prop_map(|(id, publisher, title, url, captures)| Source {
                id: Some(id),
                publisher,
                title,
                url,
                captures,
                ..Source::default()
            })
    }

    fn capture() -> impl Strategy<Value = Capture> {
        (
            proptest::option::of("[0-9a-f]{64}|[0-9A-Fa-f]{0,70}"),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(0u64..(1 << 53)),
            proptest::option::of(text()),
        )
            .prop_map(|(sha256, file, media_type, bytes, captured_by)| Capture {
                sha256,
                file,
                media_type,
                bytes,
                captured_at: Some("2016-08-16T09:30:00Z".to_owned()),
                captured_by,
                other: Vec::new(),
            })
    }

    fn claim() -> impl Strategy<Value = Claim> {
        (
            text(),
            proptest::option::of(text()),
            proptest::option::of(0usize..6),
            proptest::collection::vec(("[a-z0-9-]{1,8}", proptest::option::of(text())), 0..3),
        )
            .prop_map(|(text, by, status, cites)| Claim {
                text,
                by,
                status: status.and_then(|s| {
                    [
                        "reported",
                        "claimed",
                        "confirmed",
                        "disputed",
                        "denied",
                        "inferred",
                    ]
                    .get(s)
                    .and_then(|w| ClaimStatus::parse(w))
                }),
                citations: cites
                    .into_iter()
                    .map(|(id, quote)| Citation {
                        id,
                        quote,
                        ..Citation::default()
                    })
                    .collect(),
                ..Claim::default()
            })
    }

    fn feature() -> impl Strategy<Value = Feature> {
        (
            "[a-z][a-z0-9-]{0,8}",
            0usize..4,
            "[A-Za-z].{0,12}",
            proptest::option::of(text()),
            (-180.0..180.0f64, -90.0..90.0f64),
            proptest::collection::vec(claim(), 0..3),
            proptest::collection::vec(source(), 0..3),
            proptest::collection::vec(("x-[a-z]{1,6}", text()), 0..3),
        )
            .prop_map(
                |(id, kind, name, description, (x, y), claims, sources, other)| {
                    let kind = [
                        FeatureKind::Base,
                        FeatureKind::Target,
                        FeatureKind::Place,
                        FeatureKind::Other,
                    ][kind];
                    let mut other: Vec<(String, Value)> = other
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect();
                    other.sort_by(|a, b| a.0.cmp(&b.0));
                    other.dedup_by(|a, b| a.0 == b.0);
                    Feature {
                        id,
                        index: 3,
                        kind,
                        name,
                        description,
                        date: None,
                        date_end: None,
                        when: None,
                        location_precision: None,
                        claims,
                        sources,
                        style: SimpleStyle::default(),
                        geometry: Some(Geometry::Point(geo_types::Point::new(x, y))),
                        altitudes_m: Vec::new(),
                        route: None,
                        other_properties: other,
                        foreign_members: Vec::new(),
                        location: None,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn any_feature_reads_back_as_written(feature in feature()) {
            let text = feature_geojson(&feature);
            let back = super::super::read_feature_json(&text, feature.index);
            prop_assert_eq!(back.as_ref(), Some(&feature), "{}", text);
        }
    }
}
