//! Any spreadsheet with coordinates: latitude and longitude columns found by their usual
//! names, or a WKT column; name, date, kind, description and link columns used when there
//! are; every column kept.

use std::borrow::Cow;
use std::path::Path;

use super::csv::{Header, loose_datetime, point_of};
use super::emit::{Draft, DraftSink, DraftSource, Pos, Shape};
use super::row::RowReader;
use crate::dataset::diagnostic::invalid;
use crate::dataset::limits::{MAX_GEOMETRY_NESTING, nested_too_deep};
use crate::dataset::{DateExpr, Diagnostic, FeatureKind, LoadError, TextLocation};

/// Names a latitude column goes by.
pub const LATITUDE: [&str; 3] = ["lat", "latitude", "y"];
/// Names a longitude column goes by.
pub const LONGITUDE: [&str; 5] = ["lon", "lng", "long", "longitude", "x"];
/// Names a WKT column goes by.
pub const WKT: [&str; 4] = ["wkt", "geometry", "geom", "the_geom"];

/// The columns a spreadsheet row is read by.
#[derive(Debug)]
pub(crate) struct Plain {
    where_: Where,
    id: Option<usize>,
    name: Option<usize>,
    date: Option<usize>,
    date_end: Option<usize>,
    kind: Option<usize>,
    description: Option<usize>,
    links: Vec<usize>,
}

impl Plain {
    /// The columns of `table`.
    ///
    /// # Errors
    /// [`LoadError::Invalid`] naming the header line when no coordinate columns are found.
    pub fn new(table: &Header, origin: Option<&Path>) -> Result<Self, LoadError> {
        let where_ = match (table.column(&LATITUDE), table.column(&LONGITUDE)) {
            (Some(lat), Some(lon)) => Where::LatLon(lat, lon),
            _ => match table.column(&WKT) {
                Some(wkt) => Where::Wkt(wkt),
                None => {
                    return Err(invalid(
                        origin,
                        Diagnostic::new(format!(
                            "no coordinate columns: the header has {}; Sortie looks for a \
                             latitude ({}) and a longitude ({}) column, or a WKT column ({})",
                            header_list(&table.header),
                            LATITUDE.join(", "),
                            LONGITUDE.join(", "),
                            WKT.join(", "),
                        ))
                        .at(TextLocation { line: 1, column: 1 }),
                    ));
                }
            },
        };
        Ok(Self {
            where_,
            id: table.column(&["id", "fid", "uid", "identifier"]),
            name: table.column(&["name", "title", "label"]),
            date: table.column(&["date", "when", "event_date", "datetime", "date_start"]),
            date_end: table.column(&["date_end", "end_date", "until"]),
            kind: table.column(&["kind", "type", "category"]),
            description: table.column(&["description", "notes", "note", "comment"]),
            links: (0..table.keys.len())
                .filter(|&i| {
                    table.keys.get(i).is_some_and(|k| {
                        ["url", "link", "href", "source"]
                            .iter()
                            .any(|w| k.contains(w))
                    })
                })
                .collect(),
        })
    }
}

impl RowReader for Plain {
    fn row(
        &self,
        table: &Header,
        record: &csv::StringRecord,
        line: u32,
        lean: bool,
        out: &mut dyn DraftSink,
    ) {
        let Plain {
            where_,
            id,
            name,
            date,
            date_end,
            kind,
            description,
            ref links,
        } = *self;
        // Columns that become Sortie's own properties under the same name are written once.
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let (date_read, date_end_read) = (date_of(cell(date)), date_of(cell(date_end)));
        // Columns that become Sortie's own properties under the same name are written once
        // (a date only when it is written as read: `16/08/2016` is kept as written too).
        let as_written = |read: &Option<String>, i: Option<usize>| {
            read.as_deref() == Some(cell(i)) || cell(i).is_empty()
        };
        let kind_text = cell(kind).to_ascii_lowercase();
        let kind_read = FeatureKind::parse(&kind_text).map(FeatureKind::as_str);
        let own = |i: usize| {
            let key = table.keys.get(i).map_or("", String::as_str);
            Some(i) == name && key == "name"
                || Some(i) == description && key == "description"
                || (Some(i) == date && key == "date" && as_written(&date_read, date))
                || (Some(i) == date_end
                    && key == "date_end"
                    && as_written(&date_end_read, date_end))
                || (Some(i) == kind && key == "kind" && kind_read.is_some())
                || (Some(i) == id && key == "id")
        };
        let geometry = match where_ {
            Where::LatLon(lat, lon) => point_of(record, lat, lon, table)
                .map(Shape::Point)
                .map_err(|(why, column)| (WktFault::Invalid(why), column)),
            Where::Wkt(i) => wkt_shape(cell(Some(i))).map_err(|fault| {
                let column = table.header.get(i).cloned().unwrap_or_default();
                let fault = match fault {
                    WktFault::Invalid(why) => WktFault::Invalid(format!("no geometry: {why}")),
                    too_deep => too_deep,
                };
                (fault, column)
            }),
        };
        let geometry = match geometry {
            Ok(shape) => Some(shape),
            Err((WktFault::TooDeep, column)) => {
                let why = nested_too_deep("WKT GEOMETRYCOLLECTIONs");
                let message = format!("{why}; the row is kept without a geometry");
                out.warn(line, Some(&column), message);
                None
            }
            Err((WktFault::Invalid(why), column)) => {
                out.warn(line, Some(&column), format!("row skipped: {why}"));
                return;
            }
        };
        let sources: Vec<DraftSource<'_>> = links
            .iter()
            .filter_map(|&i| {
                let url = record.get(i)?.trim();
                (url.starts_with("http://") || url.starts_with("https://")).then(|| DraftSource {
                    id: Cow::Owned(format!(
                        "{}-{}",
                        table.header.get(i).map_or("link", String::as_str),
                        line
                    )),
                    fields: vec![("url", Cow::Borrowed(url))],
                })
            })
            .collect();
        let draft = Draft {
            id: Some(match cell(id) {
                "" => Cow::Owned(format!("row-{line}")),
                id => Cow::Borrowed(id),
            }),
            kind: kind_read,
            name: Some(cell(name))
                .filter(|n| !n.is_empty())
                .map(Cow::Borrowed),
            description: Some(cell(description))
                .filter(|n| !n.is_empty())
                .map(Cow::Borrowed),
            geometry,
            date: date_read.clone(),
            date_end: date_end_read.clone(),
            sources,
            properties: table.properties(record, "column", lean, |i| !own(i)),
            ..Draft::default()
        };
        out.push(&draft, line);
    }
}

#[derive(Clone, Copy, Debug)]
enum Where {
    LatLon(usize, usize),
    Wkt(usize),
}

/// The header's names for a message: the first 12, each clipped to 40 characters (a
/// binary file's "header" is a kilobyte of noise).
fn header_list(header: &[String]) -> String {
    let mut names: Vec<String> = header
        .iter()
        .take(12)
        .map(|h| {
            let clipped: String = h.chars().take(40).collect();
            if clipped.len() < h.len() {
                format!("{clipped:?}…")
            } else {
                format!("{clipped:?}")
            }
        })
        .collect();
    if header.len() > 12 {
        names.push(format!("and {} more", header.len() - 12));
    }
    names.join(", ")
}

/// A date cell as Sortie reads dates: as written when it reads (ISO 8601, EDTF), a
/// spreadsheet's day and time (`16/08/2016`, `16 August 2016`, `2016-08-16 06:30`) as ISO,
/// else as written (the load then warns that it does not read, and keeps it).
fn date_of(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    if DateExpr::parse(text).is_ok() {
        return Some(text.to_owned());
    }
    Some(loose_datetime(text).unwrap_or_else(|| text.to_owned()))
}

/// Why a WKT text gave no shape.
#[derive(Debug, PartialEq)]
pub(crate) enum WktFault {
    /// Collections nested past [`MAX_GEOMETRY_NESTING`] (not parsed: the parser recurses).
    TooDeep,
    /// Not WKT, or a position out of range: the message.
    Invalid(String),
}

/// A WKT text as a shape.
pub(crate) fn wkt_shape(text: &str) -> Result<Shape, WktFault> {
    if wkt_too_deep(text) {
        return Err(WktFault::TooDeep);
    }
    let wkt: wkt::Wkt<f64> = text
        .parse()
        .map_err(|e| WktFault::Invalid(format!("{text:?} is not WKT ({e})")))?;
    shape_of(&wkt).map_err(WktFault::Invalid)
}

/// Whether `text` nests `GEOMETRYCOLLECTION`s past [`MAX_GEOMETRY_NESTING`], or brackets past
/// what the deepest allowed geometry needs (a multipolygon's three levels inside the
/// collections), in one pass without recursion.
fn wkt_too_deep(text: &str) -> bool {
    // For each open bracket, whether it opened a collection.
    let mut open: Vec<bool> = Vec::new();
    let mut collections = 0usize;
    let mut word_start = None;
    let mut last_word_collection = false;
    for (i, b) in text.bytes().enumerate() {
        if b.is_ascii_alphabetic() {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            last_word_collection =
                text.as_bytes()[start..i].eq_ignore_ascii_case(b"GEOMETRYCOLLECTION");
        }
        match b {
            b'(' => {
                open.push(last_word_collection);
                collections += usize::from(last_word_collection);
                last_word_collection = false;
                if collections > MAX_GEOMETRY_NESTING || open.len() > MAX_GEOMETRY_NESTING + 3 {
                    return true;
                }
            }
            b')' => {
                if open.pop() == Some(true) {
                    collections -= 1;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => last_word_collection = false,
        }
    }
    false
}

fn shape_of(wkt: &wkt::Wkt<f64>) -> Result<Shape, String> {
    fn pos(c: &wkt::types::Coord<f64>) -> Result<Pos, String> {
        Pos::checked(c.x, c.y, c.z)
    }
    fn line(l: &wkt::types::LineString<f64>) -> Result<Vec<Pos>, String> {
        l.coords().iter().map(pos).collect()
    }
    fn polygon(p: &wkt::types::Polygon<f64>) -> Result<Vec<Vec<Pos>>, String> {
        p.rings().iter().map(line).collect()
    }
    use wkt::Wkt;
    Ok(match wkt {
        Wkt::Point(p) => Shape::Point(pos(p.coord().ok_or("the point is empty")?)?),
        Wkt::LineString(l) => Shape::LineString(line(l)?),
        Wkt::Polygon(p) => Shape::Polygon(polygon(p)?),
        Wkt::MultiPoint(m) => Shape::MultiPoint(
            m.points()
                .iter()
                .filter_map(|p| p.coord())
                .map(pos)
                .collect::<Result<_, _>>()?,
        ),
        Wkt::MultiLineString(m) => Shape::MultiLineString(
            m.line_strings()
                .iter()
                .map(line)
                .collect::<Result<_, _>>()?,
        ),
        Wkt::MultiPolygon(m) => {
            Shape::MultiPolygon(m.polygons().iter().map(polygon).collect::<Result<_, _>>()?)
        }
        Wkt::GeometryCollection(g) => Shape::Collection(
            g.geometries()
                .iter()
                .map(shape_of)
                .collect::<Result<_, _>>()?,
        ),
    })
}
