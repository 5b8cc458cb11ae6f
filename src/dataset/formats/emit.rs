//! The one way an imported feature enters Sortie: a [`Draft`] written as a feature of the
//! dataset format v1 (GeoJSON), which the GeoJSON reader then reads like any file. Every
//! reader fills drafts; none writes JSON itself.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::super::Diagnostic;
use crate::dataset::geojson::write::json_str;
use crate::dataset::geojson::write::list;
use crate::dataset::is_typed_property;

/// A position: longitude, latitude and, when the source gives one, altitude.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pos {
    pub lon: f64,
    pub lat: f64,
    pub alt: Option<f64>,
}

impl Pos {
    /// A position, or why it is none: both numbers finite and on the globe.
    pub fn checked(lon: f64, lat: f64, alt: Option<f64>) -> Result<Self, String> {
        if !lon.is_finite() || !lat.is_finite() || alt.is_some_and(|a| !a.is_finite()) {
            return Err("a coordinate is not a finite number".to_owned());
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(format!("latitude {lat} is outside -90..90"));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(format!("longitude {lon} is outside -180..180"));
        }
        Ok(Self { lon, lat, alt })
    }
}

/// A geometry as GeoJSON has them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shape {
    Point(Pos),
    LineString(Vec<Pos>),
    Polygon(Vec<Vec<Pos>>),
    MultiPoint(Vec<Pos>),
    MultiLineString(Vec<Vec<Pos>>),
    MultiPolygon(Vec<Vec<Vec<Pos>>>),
    Collection(Vec<Shape>),
    /// A GeoJSON geometry object kept as its JSON text (Sortie's own KML keeps the exact
    /// geometry this way).
    Json(String),
}

/// A property's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// Text, as found.
    Text(Cow<'a, str>),
    /// Any JSON value.
    Json(serde_json::Value),
    /// A number, as written (a plain JSON number literal).
    Number(&'a str),
}

impl<'a> Value<'a> {
    /// A cell or element text as a value: a number when the text is a JSON number written
    /// the plain way (so that the number's text is the cell's, byte for byte), else text.
    pub fn of_cell(text: &'a str) -> Self {
        if is_plain_number(text) {
            Self::Number(text)
        } else {
            Self::Text(Cow::Borrowed(text))
        }
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 15 digits: read as a JSON number it is
/// written back the same.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int_ok = int == "0"
        || (!int.is_empty() && !int.starts_with('0') && int.bytes().all(|b| b.is_ascii_digit()));
    let frac_ok = !digits.contains('.')
        || (!frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) && !frac.ends_with('0'));
    int_ok && frac_ok && int.len() + frac.len() <= 15
}

/// A table column's name as a property: as written, unless the dataset format gives the name
/// a meaning (GED's `date_end`); then `"{name} ({tag})"`, so that the cell is kept as
/// written and not read as Sortie's.
pub(crate) fn column_key<'a>(name: &'a str, tag: &str) -> Cow<'a, str> {
    if is_typed_property(name) {
        Cow::Owned(format!("{name} ({tag})"))
    } else {
        Cow::Borrowed(name)
    }
}

/// A claim, as the dataset format has them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DraftClaim<'a> {
    pub text: Cow<'a, str>,
    pub by: Option<Cow<'a, str>>,
    pub status: &'static str,
    pub date: Option<String>,
    /// Ids of the sources cited.
    pub sources: Vec<Cow<'a, str>>,
}

/// A source record.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DraftSource<'a> {
    pub id: Cow<'a, str>,
    /// `publisher`, `title`, `published`, `url`, … in order.
    pub fields: Vec<(&'static str, Cow<'a, str>)>,
}

impl DraftSource<'_> {
    /// Writes the record as a JSON object.
    pub fn write(&self, out: &mut String) {
        out.push_str("{\"id\":");
        json_str(out, &self.id);
        for (key, value) in &self.fields {
            out.push(',');
            json_str(out, key);
            out.push(':');
            json_str(out, value);
        }
        out.push('}');
    }
}

/// One feature to be.
#[derive(Clone, Debug, Default)]
pub(crate) struct Draft<'a> {
    /// `None` for a feature without an id (Sortie then names it `#<index>`).
    pub id: Option<Cow<'a, str>>,
    pub kind: Option<&'static str>,
    pub name: Option<Cow<'a, str>>,
    pub description: Option<Cow<'a, str>>,
    pub geometry: Option<Shape>,
    /// `date` and `date_end`, already in a form Sortie reads (ISO 8601 or EDTF).
    pub date: Option<String>,
    pub date_end: Option<String>,
    /// `location_precision`'s level.
    pub precision: Option<&'static str>,
    pub claims: Vec<DraftClaim<'a>>,
    pub sources: Vec<DraftSource<'a>>,
    /// simplestyle members (`marker-color`, `stroke`, …).
    pub style: Vec<(&'static str, Value<'a>)>,
    /// Every other property, in the source's order.
    pub properties: Vec<(Cow<'a, str>, Value<'a>)>,
}

/// Where a format's reader puts its drafts: written out as GeoJSON ([`Emitted`]), or read
/// straight into the model (a table's rows, `rows.rs`).
pub(crate) trait DraftSink {
    /// A feature read from `line`.
    fn push(&mut self, draft: &Draft<'_>, line: u32);
    /// A warning about the record at `line` (and `column`, a column's name or an element).
    fn warn(&mut self, line: u32, column: Option<&str>, message: String);
    /// The id of a source the file's registry holds (ACLED's publishers), as met.
    fn registry_id(&mut self, id: &str);
}

impl DraftSink for Emitted {
    fn push(&mut self, draft: &Draft<'_>, line: u32) {
        Emitted::push(self, draft, line);
    }

    fn warn(&mut self, line: u32, column: Option<&str>, message: String) {
        Emitted::warn(self, line, column, message);
    }

    fn registry_id(&mut self, id: &str) {
        if !self.registry_ids.contains(id) {
            self.registry_ids.insert(id.to_owned());
        }
    }
}

/// Features written so far (a piece of the features array: `,`-separated, each on its own
/// line), where each came from, and what the reading warned about.
#[derive(Debug, Default)]
pub(crate) struct Emitted {
    pub text: String,
    /// The 1-based line each feature came from in the file read.
    pub lines: Vec<u32>,
    pub warnings: Vec<Diagnostic>,
    /// Ids of sources for the file's registry (ACLED's publishers), as met.
    pub registry_ids: hashbrown::HashSet<String>,
    /// Bytes of `text` before the first feature.
    start: usize,
}

impl Emitted {
    /// How many features there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Features to be written after `prefix` (the document's start, for the first piece).
    pub fn after(prefix: &str) -> Self {
        Self {
            text: prefix.to_owned(),
            start: prefix.len(),
            ..Self::default()
        }
    }

    /// Forgets the features and warnings (keeping what comes before them).
    pub fn clear(&mut self) {
        self.text.truncate(self.start);
        self.lines.clear();
        self.warnings.clear();
    }

    /// The features' text (after what comes before them).
    pub fn feature_text(&self) -> &str {
        self.text.get(self.start..).unwrap_or("")
    }

    /// Appends `draft`, read from `line`.
    pub fn push(&mut self, draft: &Draft<'_>, line: u32) {
        if !self.lines.is_empty() {
            self.text.push_str(",\n");
        }
        self.lines.push(line);
        write_feature(&mut self.text, draft);
    }

    /// Appends a feature written elsewhere (its GeoJSON text), from no line of the file.
    pub fn push_json(&mut self, json: &str) {
        if !self.lines.is_empty() {
            self.text.push_str(",\n");
        }
        self.lines.push(0);
        self.text.push_str(json);
    }

    /// A warning about the record at `line` (and `column`, a column's name or an element).
    pub fn warn(&mut self, line: u32, column: Option<&str>, message: impl Into<String>) {
        let mut diagnostic = Diagnostic::new(message);
        diagnostic.line = Some(line as usize);
        diagnostic.property = column.map(str::to_owned);
        self.warnings.push(diagnostic);
    }

    /// Appends `other`'s features and warnings after this one's.
    pub fn append(&mut self, other: Self) {
        self.warnings.extend(other.warnings);
        self.registry_ids.extend(other.registry_ids);
        if other.lines.is_empty() {
            return;
        }
        if !self.lines.is_empty() {
            self.text.push_str(",\n");
        }
        self.text
            .push_str(other.text.get(other.start..).unwrap_or(""));
        self.lines.extend(other.lines);
    }
}

/// The start of a document, up to its features: a FeatureCollection with `name` and the
/// other top-level `members` (key, JSON text).
pub(crate) fn document_start(name: &str, members: &[(String, String)]) -> String {
    let mut out = String::from("{\"type\":\"FeatureCollection\"");
    if !members.iter().any(|(k, _)| k == "name") {
        out.push_str(",\"name\":");
        json_str(&mut out, name);
    }
    if !members.iter().any(|(k, _)| k == "sortie_format") {
        out.push_str(",\"sortie_format\":1");
    }
    for (key, json) in members {
        out.push(',');
        json_str(&mut out, key);
        out.push(':');
        out.push_str(json);
    }
    out.push_str(",\"features\":[\n");
    out
}

/// The whole document: `features` (begun with [`document_start`]) closed, then the source
/// `registry` (records written as JSON objects) after them, so that the features' text is
/// not copied again.
pub(crate) fn finish_document(mut features: Emitted, registry: &[String]) -> Emitted {
    let out = &mut features.text;
    out.push_str("\n]");
    if !registry.is_empty() {
        out.push_str(",\"sources\":[\n");
        for (i, record) in registry.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            out.push_str(record);
        }
        out.push_str("\n]");
    }
    out.push_str("}\n");
    features
}

fn write_feature(out: &mut String, d: &Draft<'_>) {
    out.push_str("{\"type\":\"Feature\"");
    if let Some(id) = &d.id {
        out.push_str(",\"id\":");
        json_str(out, id);
    }
    out.push_str(",\"geometry\":");
    match &d.geometry {
        Some(shape) => write_shape(out, shape),
        None => out.push_str("null"),
    }
    out.push_str(",\"properties\":{");
    let mut first = true;
    let mut key = |out: &mut String, k: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        json_str(out, k);
        out.push(':');
    };
    if let Some(kind) = d.kind {
        key(out, "kind");
        json_str(out, kind);
    }
    if let Some(name) = &d.name {
        key(out, "name");
        json_str(out, name);
    }
    if let Some(description) = &d.description {
        key(out, "description");
        json_str(out, description);
    }
    if let Some(date) = &d.date {
        key(out, "date");
        json_str(out, date);
    }
    if let Some(date_end) = &d.date_end {
        key(out, "date_end");
        json_str(out, date_end);
    }
    if let Some(level) = d.precision {
        key(out, "location_precision");
        json_str(out, level);
    }
    if !d.claims.is_empty() {
        key(out, "claims");
        out.push('[');
        for (i, claim) in d.claims.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"text\":");
            json_str(out, &claim.text);
            if let Some(by) = &claim.by {
                out.push_str(",\"by\":");
                json_str(out, by);
            }
            out.push_str(",\"status\":");
            json_str(out, claim.status);
            if let Some(date) = &claim.date {
                out.push_str(",\"date\":");
                json_str(out, date);
            }
            if !claim.sources.is_empty() {
                out.push_str(",\"sources\":[");
                for (k, id) in claim.sources.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    json_str(out, id);
                }
                out.push(']');
            }
            out.push('}');
        }
        out.push(']');
    }
    if !d.sources.is_empty() {
        key(out, "sources");
        out.push('[');
        for (i, source) in d.sources.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            source.write(out);
        }
        out.push(']');
    }
    for (k, v) in &d.style {
        key(out, k);
        write_value(out, v);
    }
    for (k, v) in &d.properties {
        key(out, k);
        write_value(out, v);
    }
    out.push_str("}}");
}

fn write_value(out: &mut String, value: &Value<'_>) {
    match value {
        Value::Text(text) => json_str(out, text),
        Value::Json(json) => out.push_str(&json.to_string()),
        Value::Number(literal) => out.push_str(literal),
    }
}

/// Writes `shape` as a GeoJSON geometry object.
pub(crate) fn write_shape(out: &mut String, shape: &Shape) {
    let kind = match shape {
        Shape::Point(_) => "Point",
        Shape::LineString(_) => "LineString",
        Shape::Polygon(_) => "Polygon",
        Shape::MultiPoint(_) => "MultiPoint",
        Shape::MultiLineString(_) => "MultiLineString",
        Shape::MultiPolygon(_) => "MultiPolygon",
        Shape::Collection(shapes) => {
            out.push_str("{\"type\":\"GeometryCollection\",\"geometries\":");
            list(out, shapes, write_shape);
            out.push('}');
            return;
        }
        Shape::Json(text) => {
            out.push_str(text);
            return;
        }
    };
    out.push_str("{\"type\":\"");
    out.push_str(kind);
    out.push_str("\",\"coordinates\":");
    match shape {
        Shape::Point(p) => pos(out, p),
        Shape::LineString(line) | Shape::MultiPoint(line) => positions(out, line),
        Shape::Polygon(rings) | Shape::MultiLineString(rings) => {
            list(out, rings, |o, r| positions(o, r));
        }
        Shape::MultiPolygon(polygons) => {
            list(out, polygons, |o, rings| {
                list(o, rings, |o, r| positions(o, r))
            });
        }
        Shape::Collection(_) | Shape::Json(_) => {}
    }
    out.push('}');
}

fn positions(out: &mut String, line: &[Pos]) {
    list(out, line, pos);
}

fn pos(out: &mut String, p: &Pos) {
    let _ = match p.alt {
        Some(alt) => write!(out, "[{},{},{}]", p.lon, p.lat, alt),
        None => write!(out, "[{},{}]", p.lon, p.lat),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_are_numbers_and_the_rest_text() {
        for n in ["0", "4", "-12", "35.336", "1471500000"] {
            assert!(matches!(Value::of_cell(n), Value::Number(_)), "{n}");
        }
        for t in [
            "007",
            "1.50",
            "1e5",
            "",
            "-",
            "1.",
            ".5",
            "12a",
            "1234567890123456",
        ] {
            assert!(matches!(Value::of_cell(t), Value::Text(_)), "{t}");
        }
    }
}
