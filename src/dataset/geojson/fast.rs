//! The loader's fast path: one feature read straight into borrowed, typed data by serde, with
//! every check the full reader makes. A feature it cannot vouch for (a value of another
//! type, an escaped id, a geometry other than a Point or a LineString, a bad date, colour or
//! position, a repeated member) is refused, and the full reader (`feature.rs`) reads it
//! instead, with its warnings. A refusal is never an error: it only costs time.
//!
//! The fast path keeps what the map, the list and the search need (id, kind, name,
//! description, style, position or line, route ends); everything else stays in the text,
//! and [`crate::dataset::Dataset::feature`] reads it again, with the full reader, when a feature is
//! shown.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::geometry::location_precision;
use crate::dataset::{
    ClaimStatus, FeatureKind, LocationPrecision, MarkerSize, PartialDate, Rgb, SimpleStyle,
};

/// Deserializes a present member as `Some(value)`: unlike `Option`'s own impl, `null` is
/// refused, as the full reader warns about it.
fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A struct read from a JSON object only: serde's derived impls also accept an array of the
/// fields' values, which the full reader (rightly) does not.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Any JSON string, escaped or not; the text itself is not needed.
struct AnyString;

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyString, E> {
                Ok(AnyString)
            }
        }
        d.deserialize_str(V)
    }
}

/// A string borrowed from the text when it has no escapes, else unescaped.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A position, `[lon, lat]` or `[lon, lat, alt]`, in range.
struct Position([f64; 2]);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Position;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a position")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let lon: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("lon"))?;
                rest_of_position(lon, &mut seq).map(Position)
            }
        }
        d.deserialize_seq(V)
    }
}

/// The rest of a position after its longitude: the latitude, perhaps an altitude (kept by the
/// full reader; here it only has to be a number), nothing more; both in range.
fn rest_of_position<'de, A: SeqAccess<'de>>(lon: f64, seq: &mut A) -> Result<[f64; 2], A::Error> {
    let lat: f64 = seq
        .next_element()?
        .ok_or_else(|| de::Error::custom("lat"))?;
    let _alt: Option<f64> = seq.next_element()?;
    if seq.next_element::<IgnoredAny>()?.is_some()
        || !(-180.0..=180.0).contains(&lon)
        || !(-90.0..=90.0).contains(&lat)
    {
        return Err(de::Error::custom("not a plain position"));
    }
    Ok([lon, lat])
}

/// A Point's or a LineString's coordinates.
enum Coordinates {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
}

impl<'de> Deserialize<'de> for Coordinates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Coordinates;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("coordinates")
            }
            // A Point's first element is a number, a LineString's an array: the first element
            // decides, so the array is read once.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coordinates, A::Error> {
                let first: NumberOrPosition = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("empty"))?;
                match first {
                    NumberOrPosition::Number(lon) => {
                        rest_of_position(lon, &mut seq).map(Coordinates::Point)
                    }
                    NumberOrPosition::Position(p) => {
                        let mut line = Vec::with_capacity(seq.size_hint().unwrap_or(1) + 1);
                        line.push(p.0);
                        while let Some(p) = seq.next_element::<Position>()? {
                            line.push(p.0);
                        }
                        Ok(Coordinates::Line(line))
                    }
                }
            }
        }
        d.deserialize_seq(V)
    }
}

enum NumberOrPosition {
    Number(f64),
    Position(Position),
}

impl<'de> Deserialize<'de> for NumberOrPosition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumberOrPosition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a position")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumberOrPosition, E> {
                Ok(NumberOrPosition::Number(v))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumberOrPosition, E> {
                Ok(NumberOrPosition::Number(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumberOrPosition, E> {
                Ok(NumberOrPosition::Number(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<NumberOrPosition, A::Error> {
                // Hand the sequence to Position's own visitor.
                let p = Position::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(NumberOrPosition::Position(p))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct FastGeometry<'a> {
    #[serde(rename = "type", borrow)]
    type_name: &'a str,
    coordinates: Coordinates,
}

#[derive(Deserialize)]
struct FastClaim<'a> {
    #[serde(rename = "text")]
    _text: AnyString,
    #[serde(rename = "by", default)]
    _by: IgnoredAny,
    #[serde(default, deserialize_with = "some", borrow)]
    status: Option<&'a str>,
    #[serde(default, deserialize_with = "some", borrow)]
    sources: Option<Vec<&'a str>>,
}

#[derive(Deserialize)]
struct FastSource<'a> {
    #[serde(default, deserialize_with = "some", borrow)]
    id: Option<&'a str>,
    #[serde(rename = "publisher", default, deserialize_with = "some")]
    _publisher: Option<AnyString>,
    #[serde(rename = "title", default, deserialize_with = "some")]
    _title: Option<AnyString>,
    #[serde(rename = "author", default, deserialize_with = "some")]
    _author: Option<AnyString>,
    #[serde(rename = "url", default, deserialize_with = "some")]
    _url: Option<AnyString>,
    #[serde(rename = "quote", default, deserialize_with = "some")]
    _quote: Option<AnyString>,
    #[serde(default, deserialize_with = "some", borrow)]
    published: Option<&'a str>,
    #[serde(default, deserialize_with = "some", borrow)]
    accessed: Option<&'a str>,
}

/// `aircraft`: a string or a list of strings.
struct StringList(Vec<String>);

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StringList, E> {
                Ok(StringList(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(StringList(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct FastProperties<'a> {
    #[serde(default, deserialize_with = "some", borrow)]
    kind: Option<&'a str>,
    #[serde(default, deserialize_with = "some", borrow)]
    name: Option<Text<'a>>,
    #[serde(default, deserialize_with = "some", borrow)]
    title: Option<Text<'a>>,
    #[serde(default, deserialize_with = "some", borrow)]
    description: Option<Text<'a>>,
    #[serde(default, deserialize_with = "some", borrow)]
    date: Option<&'a str>,
    #[serde(default, deserialize_with = "some", borrow)]
    date_end: Option<&'a str>,
    #[serde(default, deserialize_with = "some", borrow)]
    location_precision: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "some", borrow)]
    claims: Option<Vec<Obj<FastClaim<'a>>>>,
    #[serde(default, deserialize_with = "some", borrow)]
    sources: Option<Vec<Obj<FastSource<'a>>>>,
    #[serde(default, deserialize_with = "some", borrow)]
    from: Option<&'a str>,
    #[serde(default, deserialize_with = "some", borrow)]
    to: Option<&'a str>,
    #[serde(default, deserialize_with = "some")]
    aircraft: Option<StringList>,
    #[serde(default, deserialize_with = "some")]
    cruise_kmh: Option<f64>,
    #[serde(default, deserialize_with = "some")]
    schematic: Option<bool>,
    #[serde(rename = "marker-color", default, deserialize_with = "some", borrow)]
    marker_color: Option<&'a str>,
    #[serde(rename = "marker-size", default, deserialize_with = "some", borrow)]
    marker_size: Option<&'a str>,
    #[serde(rename = "marker-symbol", default, deserialize_with = "some", borrow)]
    marker_symbol: Option<Text<'a>>,
    #[serde(default, deserialize_with = "some", borrow)]
    stroke: Option<&'a str>,
    #[serde(rename = "stroke-width", default, deserialize_with = "some")]
    stroke_width: Option<f64>,
    #[serde(rename = "stroke-opacity", default, deserialize_with = "some")]
    stroke_opacity: Option<f64>,
    #[serde(default, deserialize_with = "some", borrow)]
    fill: Option<&'a str>,
    #[serde(rename = "fill-opacity", default, deserialize_with = "some")]
    fill_opacity: Option<f64>,
}

#[derive(Deserialize)]
struct FastFeature<'a> {
    #[serde(rename = "type", borrow)]
    type_name: &'a str,
    #[serde(default, deserialize_with = "some", borrow)]
    id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    geometry: Option<Obj<FastGeometry<'a>>>,
    #[serde(default, borrow)]
    properties: Option<Obj<FastProperties<'a>>>,
}

/// A feature's geometry as the fast path reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum QuickGeometry {
    /// None (`null` or absent).
    None,
    /// A Point.
    Point([f64; 2]),
    /// A LineString of at least two positions.
    Line(Vec<[f64; 2]>),
}

/// The route part of a feature of kind `route`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuickRoute<'a> {
    /// `from`.
    pub from: Option<&'a str>,
    /// `to`.
    pub to: Option<&'a str>,
    /// `aircraft`.
    pub aircraft: Vec<String>,
    /// `schematic`.
    pub schematic: bool,
    /// `cruise_kmh`.
    pub cruise_kmh: Option<f64>,
}

/// What the fast path keeps of a feature that the full reader would read without a warning.
#[derive(Clone, Debug, PartialEq)]
pub struct QuickFeature<'a> {
    /// The id as written (a string's contents or a number's text); `None` when absent.
    pub id: Option<&'a str>,
    /// The kind.
    pub kind: FeatureKind,
    /// The first non-empty of `name` and `title`, if any.
    pub name: Option<Cow<'a, str>>,
    /// `description`.
    pub description: Option<Cow<'a, str>>,
    /// simplestyle.
    pub style: SimpleStyle,
    /// `location_precision`.
    pub location_precision: Option<LocationPrecision>,
    /// The geometry.
    pub geometry: QuickGeometry,
    /// For routes.
    pub route: Option<QuickRoute<'a>>,
    /// The source ids every claim cites that the feature's own sources do not hold.
    pub foreign_citations: Vec<&'a str>,
    /// The ids of the feature's own sources.
    pub source_ids: Vec<&'a str>,
}

/// Reads one feature's JSON text, or refuses it (`None`) when the full reader must.
#[cfg(test)]
pub fn read(text: &str) -> Option<QuickFeature<'_>> {
    let Obj(f): Obj<FastFeature<'_>> = serde_json::from_str(text).ok()?;
    check(f)
}

/// What [`read_prefix`] found at the start of a text.
pub struct Prefix<'a> {
    /// The feature, when the fast path takes it.
    pub quick: Option<QuickFeature<'a>>,
    /// Where the JSON value ends, when serde read it whole.
    pub end: Option<usize>,
}

/// Reads the feature that starts `text` (more may follow), or refuses it.
pub fn read_prefix(text: &str) -> Prefix<'_> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Obj<FastFeature<'_>>>();
    match stream.next() {
        Some(Ok(Obj(f))) => Prefix {
            end: Some(stream.byte_offset()),
            quick: check(f),
        },
        _ => Prefix {
            quick: None,
            end: None,
        },
    }
}

/// The checks the full reader would warn about, on a feature serde read.
fn check(f: FastFeature<'_>) -> Option<QuickFeature<'_>> {
    if f.type_name != "Feature" {
        return None;
    }
    let id = match f.id {
        None => None,
        Some(raw) => {
            let t = raw.get();
            match t.as_bytes().first() {
                Some(b'"') => {
                    let inner = t.get(1..t.len() - 1)?;
                    if inner.is_empty() || inner.contains('\\') {
                        return None;
                    }
                    Some(inner)
                }
                Some(b'-' | b'0'..=b'9') => Some(t),
                _ => return None,
            }
        }
    };
    let geometry = match f.geometry {
        None => QuickGeometry::None,
        Some(Obj(g)) => match (g.type_name, g.coordinates) {
            ("Point", Coordinates::Point(p)) => QuickGeometry::Point(p),
            ("LineString", Coordinates::Line(l)) if l.len() >= 2 => QuickGeometry::Line(l),
            _ => return None,
        },
    };
    let mut quick = QuickFeature {
        id,
        kind: FeatureKind::Other,
        name: None,
        description: None,
        style: SimpleStyle::default(),
        location_precision: None,
        geometry,
        route: None,
        foreign_citations: Vec::new(),
        source_ids: Vec::new(),
    };
    let Some(Obj(p)) = f.properties else {
        return Some(quick);
    };
    if let Some(kind) = p.kind {
        quick.kind = FeatureKind::parse(kind)?;
    }
    quick.name = p
        .name
        .map(|t| t.0)
        .filter(|n| !n.is_empty())
        .or(p.title.map(|t| t.0))
        .filter(|n| !n.is_empty());
    quick.description = p.description.map(|t| t.0);
    for date in [p.date, p.date_end].into_iter().flatten() {
        PartialDate::parse(date)?;
    }
    if let Some(raw) = p.location_precision {
        quick.location_precision = Some(location_precision(raw).ok()?);
    }
    for Obj(source) in p.sources.iter().flatten() {
        for date in [source.published, source.accessed].into_iter().flatten() {
            PartialDate::parse(date)?;
        }
        quick.source_ids.extend(source.id);
    }
    for Obj(claim) in p.claims.iter().flatten() {
        if let Some(status) = claim.status {
            ClaimStatus::parse(status)?;
        }
        for id in claim.sources.iter().flatten() {
            if !quick.source_ids.contains(id) {
                quick.foreign_citations.push(id);
            }
        }
    }
    let colour = |c: Option<&str>| c.map(|c| Rgb::parse(c).ok_or(())).transpose().ok();
    quick.style.marker_color = colour(p.marker_color)?;
    quick.style.stroke = colour(p.stroke)?;
    quick.style.fill = colour(p.fill)?;
    if let Some(size) = p.marker_size {
        quick.style.marker_size = MarkerSize::parse(size)?;
    }
    quick.style.marker_symbol = p
        .marker_symbol
        .map(|t| t.0.into_owned())
        .filter(|s| !s.is_empty());
    let in_range = |v: Option<f64>, max: f64, default: f64| match v {
        None => Some(default),
        Some(v) if (0.0..=max).contains(&v) => Some(v),
        Some(_) => None,
    };
    quick.style.stroke_width = in_range(p.stroke_width, f64::MAX, 2.0)?;
    quick.style.stroke_opacity = in_range(p.stroke_opacity, 1.0, 1.0)?;
    quick.style.fill_opacity = in_range(p.fill_opacity, 1.0, 0.6)?;
    if p.cruise_kmh.is_some_and(|v| v <= 0.0) {
        return None;
    }
    if quick.kind == FeatureKind::Route {
        quick.route = Some(QuickRoute {
            from: p.from,
            to: p.to,
            aircraft: p.aircraft.map(|a| a.0).unwrap_or_default(),
            schematic: p.schematic.unwrap_or(false),
            cruise_kmh: p.cruise_kmh,
        });
    }
    Some(quick)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::geojson::read_one_in_full;
    use proptest::prelude::*;

    /// Picks one of a list of JSON member fragments, or none.
    fn member(key: &'static str, values: &'static [&'static str]) -> BoxedStrategy<String> {
        // Mostly absent, so that a fair share of features is all good and the fast path takes
        // it.
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
            // A repeated member: JSON's last-wins rule, which the fast path leaves to the
            // full reader.
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

    /// The property test below means something only if the fast path takes a fair share of
    /// its cases (at least 1 in 20).
    #[test]
    fn the_fast_path_takes_a_fair_share_of_generated_features() {
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
            taken += usize::from(read(&text).is_some());
        }
        eprintln!("fast path took {taken} of {tried}");
        assert!(taken * 20 >= tried, "{taken} of {tried}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// What the fast path accepts, the full reader reads without a warning and to the
        /// same values; the fast path refuses everything else.
        #[test]
        fn the_fast_path_agrees_with_the_full_reader(text in feature_text()) {
            let quick = read(&text);
            let full = read_one_in_full(&text);
            let Some(q) = quick else {
                return Ok(());
            };
            let (feature, warnings) = full.expect("the full reader reads what the fast path did");
            prop_assert!(warnings.is_empty(), "{text}\n{warnings:?}");
            prop_assert_eq!(q.id.map_or_else(|| "#0".to_owned(), str::to_owned), feature.id.clone());
            prop_assert_eq!(q.kind, feature.kind);
            prop_assert_eq!(
                q.name.as_deref().unwrap_or(feature.id.as_str()),
                feature.name.as_str()
            );
            prop_assert_eq!(q.description.as_deref(), feature.description.as_deref());
            prop_assert_eq!(&q.style, &feature.style);
            prop_assert_eq!(q.location_precision, feature.location_precision);
            let geometry = match &feature.geometry {
                None => QuickGeometry::None,
                Some(geo_types::Geometry::Point(p)) => QuickGeometry::Point([p.x(), p.y()]),
                Some(geo_types::Geometry::LineString(l)) => {
                    QuickGeometry::Line(l.0.iter().map(|c| [c.x, c.y]).collect())
                }
                Some(other) => panic!("the fast path took {other:?}"),
            };
            prop_assert_eq!(&q.geometry, &geometry);
            match (&q.route, &feature.route) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    prop_assert_eq!(a.from.map(str::to_owned), b.from.clone());
                    prop_assert_eq!(a.to.map(str::to_owned), b.to.clone());
                    prop_assert_eq!(&a.aircraft, &b.aircraft);
                    prop_assert_eq!(a.schematic, b.schematic);
                    prop_assert_eq!(a.cruise_kmh, b.cruise_kmh);
                }
                (a, b) => prop_assert!(false, "route {a:?} against {b:?}"),
            }
            let own: Vec<&str> = feature.sources.iter().filter_map(|s| s.id.as_deref()).collect();
            prop_assert_eq!(&q.source_ids, &own);
            let elsewhere: Vec<&str> = feature
                .claims
                .iter()
                .flat_map(|c| &c.source_ids)
                .map(String::as_str)
                .filter(|id| !own.contains(id))
                .collect();
            prop_assert_eq!(&q.foreign_citations, &elsewhere);
        }
    }

    #[test]
    fn a_plain_feature_takes_the_fast_path() {
        let text = r#"{"type":"Feature","id":"p1","geometry":{"type":"Point","coordinates":[44.5,33.25]},
            "properties":{"kind":"target","name":"Al\u00e9ppo","claims":[{"text":"t","status":"claimed","sources":["a"]}],
            "sources":[{"id":"a","publisher":"P","url":"https://e.org/1"}]}}"#;
        let q = read(text).expect("fast");
        assert_eq!(q.id, Some("p1"));
        assert_eq!(q.kind, FeatureKind::Target);
        assert_eq!(q.name.as_deref(), Some("Aléppo"));
        assert_eq!(q.geometry, QuickGeometry::Point([44.5, 33.25]));
        assert!(q.foreign_citations.is_empty());
        // The same feature with a bad date is left to the full reader.
        assert!(
            read(&text.replace(r#""kind":"target""#, r#""kind":"target","date":"soon""#)).is_none()
        );
    }
}
