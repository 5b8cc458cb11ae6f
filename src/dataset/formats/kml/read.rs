//! Reading KML: Placemarks in nested Folders, their Point / LineString / Polygon /
//! MultiGeometry, `name`, `description` (HTML kept, its links offered as sources),
//! `ExtendedData` (`Data` and `SchemaData`/`SimpleData`), `TimeStamp` / `TimeSpan` as dates,
//! and `Style` / `StyleMap` colours as simplestyle. quick-xml reads the XML.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::super::emit::{Emitted, Pos, Shape};
use super::FORMAT_DATA;
use super::placemark::{Placemark, Style, emit};
use crate::dataset::diagnostic::{LoadProgress, invalid};
use crate::dataset::limits::MAX_GEOMETRY_NESTING;
use crate::dataset::{Diagnostic, LoadError, TextLocation};

#[derive(Debug)]
enum Building {
    Point(Option<Pos>),
    Line(Vec<Pos>),
    Ring(Vec<Pos>),
    Polygon(Vec<Vec<Pos>>),
    Multi(Vec<Shape>),
    /// A geometry inside MultiGeometries nested past [`MAX_GEOMETRY_NESTING`]: not read.
    Skipped,
}

/// Where lines start in the text, to say where an element is.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl Lines<'_> {
    fn line_of(&self, offset: usize) -> u32 {
        u32::try_from(self.starts.partition_point(|&s| s <= offset)).unwrap_or(u32::MAX)
    }

    fn location(&self, offset: usize) -> TextLocation {
        TextLocation::with_lines(self.text, &self.starts, offset)
    }
}

/// The document as read so far: where the reader is, the styles met, the placemark and the
/// geometry being built, and what is done.
#[derive(Default)]
struct Doc {
    /// The open elements: (local name, byte offset).
    path: Vec<(String, usize)>,
    folders: Vec<String>,
    styles: HashMap<String, Style>,
    style_maps: HashMap<String, String>,
    style: Option<(String, Style)>,
    /// A StyleMap's id and the key of the Pair being read.
    pair: (Option<String>, Option<String>),
    placemark: Option<Placemark>,
    placemarks: Vec<Placemark>,
    geometry: Vec<Building>,
    /// How many of `geometry`'s entries are MultiGeometries being built.
    multis: usize,
    data_name: Option<String>,
    /// The document says Sortie wrote it.
    sortie_written: bool,
    /// Elements Sortie does not read: (element, how many, the first's line).
    skipped: Vec<(String, usize, u32)>,
    /// The Document's own `ExtendedData` entries.
    document: Vec<(String, String)>,
}

/// Reads a KML document into features, and the Document's own `ExtendedData` entries.
///
/// # Errors
/// [`LoadError::Invalid`] when the XML is broken or ends early, with its line and column;
/// [`LoadError::Cancelled`].
pub(crate) fn read(
    bytes: &[u8],
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<(Emitted, Vec<(String, String)>), LoadError> {
    let (mut text, start, decoded) = super::super::csv::decode(bytes.to_vec());
    text.drain(..start);
    let lines = Lines {
        text: &text,
        starts: std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect(),
    };
    progress.total.store(text.len(), Ordering::Relaxed);

    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut doc = Doc::default();
    let mut chars = String::new();
    let mut out = Emitted::default();
    if let Some(d) = decoded {
        out.warnings.push(d);
    }
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(at);
            invalid(
                origin,
                Diagnostic::new(format!("the KML is not well-formed XML: {e}"))
                    .at(lines.location(at)),
            )
        })?;
        match event {
            Event::Start(e) => {
                let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let attr = |name: &[u8]| {
                    e.attributes().flatten().find_map(|a| {
                        (a.key.local_name().as_ref() == name)
                            .then(|| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .ok()
                                    .map(Cow::into_owned)
                            })
                            .flatten()
                    })
                };
                doc.start(&tag, attr, at, &lines);
                doc.path.push((tag, at));
                chars.clear();
            }
            Event::Text(t) => chars.push_str(&t.xml10_content().unwrap_or_default()),
            Event::CData(t) => chars.push_str(&t.decode().unwrap_or_default()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    chars.push(c);
                } else if let Some(s) =
                    quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap_or_default())
                {
                    chars.push_str(s);
                }
            }
            Event::End(_) => {
                let Some((tag, _)) = doc.path.pop() else {
                    continue;
                };
                doc.end(tag, chars.trim().to_owned(), at, progress)?;
                chars.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((tag, at)) = doc.path.last() {
        let message = format!(
            "the file ends inside <{tag}> (opened at line {}): it looks truncated",
            lines.line_of(*at)
        );
        return Err(invalid(
            origin,
            Diagnostic::new(message).at(lines.location(text.len())),
        ));
    }
    for (k, p) in doc.placemarks.into_iter().enumerate() {
        emit(
            p,
            k,
            &doc.styles,
            &doc.style_maps,
            doc.sortie_written,
            &mut out,
        );
    }
    for (tag, n, line) in doc.skipped {
        let what = if n == 1 {
            format!("a {tag} was")
        } else {
            format!("{n} {tag}s were")
        };
        out.warn(
            line,
            Some(&tag),
            format!("{what} not read: Sortie reads Placemarks (the first is on this line)"),
        );
    }
    Ok((out, doc.document))
}

impl Doc {
    /// Element `tag` opens at byte `at`; `attr` reads its attributes.
    fn start(
        &mut self,
        tag: &str,
        attr: impl Fn(&[u8]) -> Option<String>,
        at: usize,
        lines: &Lines<'_>,
    ) {
        match tag {
            "Placemark" => {
                self.placemark = Some(Placemark {
                    line: lines.line_of(at),
                    id: attr(b"id"),
                    folder: self.folders.join("/"),
                    ..Placemark::default()
                });
            }
            "Folder" => self.folders.push(String::new()),
            "Style" => self.style = Some((attr(b"id").unwrap_or_default(), Style::default())),
            "StyleMap" => {
                self.style = None;
                self.pair = (attr(b"id"), None);
            }
            "Data" | "SimpleData" => self.data_name = attr(b"name"),
            "Point" | "LineString" | "LinearRing" | "Polygon" | "Track"
                if self
                    .geometry
                    .last()
                    .is_some_and(|b| matches!(b, Building::Skipped)) =>
            {
                self.geometry.push(Building::Skipped);
            }
            "MultiGeometry" | "MultiTrack" if self.multis >= MAX_GEOMETRY_NESTING => {
                if let Some(p) = self.placemark.as_mut() {
                    p.too_deep.get_or_insert_with(|| lines.location(at));
                }
                self.geometry.push(Building::Skipped);
            }
            "MultiGeometry" | "MultiTrack"
                if self
                    .geometry
                    .last()
                    .is_some_and(|b| matches!(b, Building::Skipped)) =>
            {
                self.geometry.push(Building::Skipped);
            }
            "Point" => self.geometry.push(Building::Point(None)),
            "LineString" => self.geometry.push(Building::Line(Vec::new())),
            "LinearRing" => self.geometry.push(Building::Ring(Vec::new())),
            "Polygon" => self.geometry.push(Building::Polygon(Vec::new())),
            "MultiGeometry" | "MultiTrack" => {
                self.multis += 1;
                self.geometry.push(Building::Multi(Vec::new()));
            }
            // gx:Track: its gx:coord positions make a line, its times a span.
            "Track" => self.geometry.push(Building::Line(Vec::new())),
            "NetworkLink" | "GroundOverlay" | "ScreenOverlay" | "PhotoOverlay" | "Model" => {
                let line = lines.line_of(at);
                match self.skipped.iter_mut().find(|(t, _, _)| *t == tag) {
                    Some((_, n, _)) => *n += 1,
                    None => self.skipped.push((tag.to_owned(), 1, line)),
                }
            }
            _ => {}
        }
    }

    /// Element `tag` closes, holding the text `value`, at byte `at`.
    fn end(
        &mut self,
        tag: String,
        value: String,
        at: usize,
        progress: &LoadProgress,
    ) -> Result<(), LoadError> {
        let parent = self.path.last().map_or("", |(t, _)| t.as_str());
        match tag.as_str() {
            "name" if parent == "Folder" => {
                if let Some(f) = self.folders.last_mut() {
                    *f = value;
                }
            }
            "Folder" => {
                self.folders.pop();
            }
            "Placemark" => {
                if let Some(p) = self.placemark.take() {
                    self.placemarks.push(p);
                }
                if self.placemarks.len().is_multiple_of(1024) {
                    progress.done.store(at, Ordering::Relaxed);
                    if progress.is_cancelled() {
                        return Err(LoadError::Cancelled);
                    }
                }
            }
            "color" | "width" => {
                if let Some((_, s)) = self.style.as_mut() {
                    let slot = match (parent, tag.as_str()) {
                        ("IconStyle", "color") => &mut s.icon,
                        ("LineStyle", "color") => &mut s.line,
                        ("LineStyle", "width") => &mut s.width,
                        ("PolyStyle", "color") => &mut s.poly,
                        _ => &mut None,
                    };
                    *slot = Some(value);
                }
            }
            "Style" => {
                if let Some((id, s)) = self.style.take() {
                    match self.placemark.as_mut() {
                        Some(p) if id.is_empty() || parent == "Placemark" => p.style = s,
                        _ => {
                            self.styles.insert(id, s);
                        }
                    }
                }
            }
            "key" if parent == "Pair" => self.pair.1 = Some(value),
            "styleUrl" if parent == "Pair" => {
                if self.pair.1.as_deref() != Some("highlight")
                    && let Some(id) = self.pair.0.clone()
                {
                    self.style_maps
                        .insert(id, value.trim_start_matches('#').to_owned());
                }
            }
            "Pair" => self.pair.1 = None,
            "value" if parent == "Data" => {
                if let Some(name) = self.data_name.take() {
                    match self.placemark.as_mut() {
                        Some(p) => p.data.push((name, value)),
                        None => {
                            self.sortie_written |= name == FORMAT_DATA;
                            self.document.push((name, value));
                        }
                    }
                }
            }
            "SimpleData" => {
                if let (Some(p), Some(name)) = (self.placemark.as_mut(), self.data_name.take()) {
                    p.data.push((name, value));
                }
            }
            "coord" => match (
                self.geometry.last_mut(),
                positions(&value.split_whitespace().collect::<Vec<_>>().join(",")),
            ) {
                (Some(Building::Line(l)), Ok(list)) => l.extend(list),
                (_, Err(why)) => {
                    if let Some(p) = self.placemark.as_mut() {
                        p.error.get_or_insert(why);
                    }
                }
                _ => {}
            },
            "when" if parent == "Track" => {
                if let Some(p) = self.placemark.as_mut() {
                    p.track_times.push(value);
                }
            }
            "coordinates" => {
                let read = positions(&value);
                match (self.geometry.last_mut(), read) {
                    (Some(Building::Point(p)), Ok(list)) => *p = list.first().copied(),
                    (Some(Building::Line(l) | Building::Ring(l)), Ok(list)) => *l = list,
                    (_, Err(why)) => {
                        if let Some(p) = self.placemark.as_mut() {
                            p.error.get_or_insert(why);
                        }
                    }
                    _ => {}
                }
            }
            "Point" | "LineString" | "LinearRing" | "Polygon" | "MultiGeometry" | "Track"
            | "MultiTrack" => self.close_geometry(&tag),
            other => {
                if let Some(p) = self.placemark.as_mut() {
                    match (parent, other) {
                        ("Placemark", "name") => p.name = Some(value),
                        ("Placemark", "description") => p.description = Some(value),
                        ("Placemark", "styleUrl") => p.style_url = Some(value),
                        ("TimeStamp", "when") => p.when = Some(value),
                        ("TimeSpan", "begin") => p.begin = Some(value),
                        ("TimeSpan", "end") => p.end = Some(value),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// A geometry element `tag` closes: its shape goes to the MultiGeometry it is in, else
    /// to the placemark.
    fn close_geometry(&mut self, tag: &str) {
        let shape = match self.geometry.pop() {
            Some(Building::Skipped) => None,
            Some(Building::Point(Some(p))) => Some(Shape::Point(p)),
            Some(Building::Line(mut l)) if l.len() == 1 && tag == "Track" => {
                l.pop().map(Shape::Point)
            }
            Some(Building::Line(l)) if l.len() >= 2 => Some(Shape::LineString(l)),
            Some(Building::Ring(r)) => {
                if let Some(Building::Polygon(rings)) = self.geometry.last_mut() {
                    rings.push(r);
                    None
                } else if r.len() >= 2 {
                    Some(Shape::LineString(r))
                } else {
                    None
                }
            }
            Some(Building::Polygon(rings)) if !rings.is_empty() => Some(Shape::Polygon(rings)),
            Some(Building::Multi(parts)) => {
                self.multis -= 1;
                multi(parts)
            }
            _ => {
                if let Some(p) = self.placemark.as_mut() {
                    p.error
                        .get_or_insert_with(|| format!("the {tag} has no usable coordinates"));
                }
                None
            }
        };
        if let Some(shape) = shape {
            match (self.geometry.last_mut(), self.placemark.as_mut()) {
                (Some(Building::Multi(parts)), _) => parts.push(shape),
                (Some(Building::Skipped), _) => {}
                (_, Some(p)) => p.geometry = Some(shape),
                _ => {}
            }
        }
    }
}

/// A MultiGeometry as GeoJSON has it: Multi* when its parts are of one type.
fn multi(parts: Vec<Shape>) -> Option<Shape> {
    /// Every part's content when all are of one variant, taken by `of`.
    fn all<T>(parts: &[Shape], of: impl Fn(&Shape) -> Option<&T>) -> Option<Vec<T>>
    where
        T: Clone,
    {
        parts.iter().map(|s| of(s).cloned()).collect()
    }
    if parts.is_empty() {
        return None;
    }
    let shape = if let Some(points) = all(&parts, |s| match s {
        Shape::Point(p) => Some(p),
        _ => None,
    }) {
        Shape::MultiPoint(points)
    } else if let Some(lines) = all(&parts, |s| match s {
        Shape::LineString(l) => Some(l),
        _ => None,
    }) {
        Shape::MultiLineString(lines)
    } else if let Some(polygons) = all(&parts, |s| match s {
        Shape::Polygon(p) => Some(p),
        _ => None,
    }) {
        Shape::MultiPolygon(polygons)
    } else {
        Shape::Collection(parts)
    };
    Some(shape)
}

/// KML `coordinates`: `lon,lat[,alt]` tuples separated by white space.
fn positions(text: &str) -> Result<Vec<Pos>, String> {
    text.split_whitespace()
        .map(|tuple| {
            let mut numbers = tuple.split(',').map(|n| n.trim().parse::<f64>());
            match (numbers.next(), numbers.next(), numbers.next()) {
                (Some(Ok(lon)), Some(Ok(lat)), alt) => {
                    let alt = match alt {
                        Some(Ok(a)) => Some(a),
                        Some(Err(_)) => return Err(format!("{tuple:?} has a bad altitude")),
                        None => None,
                    };
                    Pos::checked(lon, lat, alt).map_err(|why| format!("{tuple:?}: {why}"))
                }
                _ => Err(format!("{tuple:?} is not lon,lat[,alt]")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_with_and_without_altitude() {
        let read = positions(" 48.7,35.2,0\n\t40.1,35.3 ").unwrap_or_default();
        assert_eq!(read.len(), 2);
        assert_eq!(read.first().and_then(|p| p.alt), Some(0.0));
        assert!(positions("abc").is_err());
        assert!(positions("200,10").is_err());
    }
}
