//! Reading KML: Placemarks in nested Folders, their Point / LineString / Polygon /
//! MultiGeometry, `name`, `description` (HTML kept, its links offered as sources),
//! `ExtendedData` (`Data` and `SchemaData`/`SimpleData`), `TimeStamp` / `TimeSpan` as dates,
//! and `Style` / `StyleMap` colours as simplestyle. quick-xml reads the XML.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;
use std::sync::atomic::Ordering;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::super::emit::{Draft, DraftSource, Emitted, Pos, Shape, Value};
use super::{FORMAT_DATA, GEOMETRY_DATA, ID_DATA, PROPERTIES_DATA};
use crate::dataset::diagnostic::{LoadProgress, invalid};
use crate::dataset::limits::{MAX_GEOMETRY_NESTING, nested_too_deep};
use crate::dataset::{Diagnostic, LoadError, TextLocation};

/// The KML document inside a KMZ archive (`doc.kml`, else the first `.kml`).
///
/// # Errors
/// [`LoadError::Invalid`] when the archive is corrupt or holds no KML, saying where.
pub(crate) fn unzip(bytes: &[u8], origin: Option<&Path>) -> Result<Vec<u8>, LoadError> {
    let bad = |message: String| invalid(origin, Diagnostic::new(message));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        bad(format!(
            "the KMZ archive is corrupt: its directory, which ends a zip file (here at byte \
             {}), cannot be read ({e})",
            bytes.len()
        ))
    })?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(Cow::into_owned)
        .collect();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| {
            let has = |ext: &str| names.iter().any(|n| n.to_ascii_lowercase().ends_with(ext));
            let hint = if names.iter().any(|n| n.starts_with("xl/")) {
                " It is an Excel workbook: save the sheet as CSV to open it in Sortie."
            } else if has(".shp") {
                " It holds a shapefile: convert it to GeoJSON (QGIS, ogr2ogr) to open it."
            } else if names
                .iter()
                .any(|n| n.starts_with("word/") || n.starts_with("ppt/"))
            {
                " It is an Office document, not map data."
            } else {
                ""
            };
            let listed: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            bad(format!(
                "the zip archive holds no .kml file (it holds {}{}).{hint}",
                listed.join(", "),
                if names.len() > 5 { ", …" } else { "" }
            ))
        })?
        .clone();
    let mut entry = archive
        .by_name(&name)
        .map_err(|e| bad(format!("{name} in the KMZ archive cannot be read ({e})")))?;
    let mut out = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        match entry.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Err(e) => {
                return Err(bad(format!(
                    "{name} in the KMZ archive is corrupt after {} bytes ({e})",
                    out.len()
                )));
            }
        }
    }
    Ok(out)
}

#[derive(Clone, Debug, Default)]
struct Style {
    icon: Option<String>,
    line: Option<String>,
    width: Option<String>,
    poly: Option<String>,
}

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

#[derive(Debug, Default)]
struct Placemark {
    line: u32,
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    style_url: Option<String>,
    style: Style,
    folder: String,
    data: Vec<(String, String)>,
    when: Option<String>,
    /// A gx:Track's times, in order.
    track_times: Vec<String>,
    begin: Option<String>,
    end: Option<String>,
    geometry: Option<Shape>,
    error: Option<String>,
    /// Where its MultiGeometries first nest past [`MAX_GEOMETRY_NESTING`]: the placemark is
    /// kept without a geometry.
    too_deep: Option<TextLocation>,
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
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect();
    let line_of = |offset: usize| -> u32 {
        u32::try_from(line_starts.partition_point(|&s| s <= offset)).unwrap_or(u32::MAX)
    };
    let location = |offset: usize| TextLocation::with_lines(&text, &line_starts, offset);
    progress.total.store(text.len(), Ordering::Relaxed);

    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut path: Vec<(String, usize)> = Vec::new();
    let mut folders: Vec<String> = Vec::new();
    let mut styles: HashMap<String, Style> = HashMap::new();
    let mut style_maps: HashMap<String, String> = HashMap::new();
    let mut style: Option<(String, Style)> = None;
    let mut pair: (Option<String>, Option<String>) = (None, None);
    let mut placemark: Option<Placemark> = None;
    let mut placemarks: Vec<Placemark> = Vec::new();
    let mut geometry: Vec<Building> = Vec::new();
    // How many of `geometry`'s entries are MultiGeometries being built.
    let mut multis = 0usize;
    let mut data_name: Option<String> = None;
    let mut sortie_written = false;
    // Elements Sortie does not read: (element, how many, the first's line).
    let mut skipped: Vec<(String, usize, u32)> = Vec::new();
    let mut document: Vec<(String, String)> = Vec::new();
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
                Diagnostic::new(format!("the KML is not well-formed XML: {e}")).at(location(at)),
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
                match tag.as_str() {
                    "Placemark" => {
                        placemark = Some(Placemark {
                            line: line_of(at),
                            id: attr(b"id"),
                            folder: folders.join("/"),
                            ..Placemark::default()
                        });
                    }
                    "Folder" => folders.push(String::new()),
                    "Style" => style = Some((attr(b"id").unwrap_or_default(), Style::default())),
                    "StyleMap" => {
                        style = None;
                        pair = (attr(b"id"), None);
                    }
                    "Data" | "SimpleData" => data_name = attr(b"name"),
                    "Point" | "LineString" | "LinearRing" | "Polygon" | "Track"
                        if geometry
                            .last()
                            .is_some_and(|b| matches!(b, Building::Skipped)) =>
                    {
                        geometry.push(Building::Skipped);
                    }
                    "MultiGeometry" | "MultiTrack" if multis >= MAX_GEOMETRY_NESTING => {
                        if let Some(p) = placemark.as_mut() {
                            p.too_deep.get_or_insert_with(|| location(at));
                        }
                        geometry.push(Building::Skipped);
                    }
                    "MultiGeometry" | "MultiTrack"
                        if geometry
                            .last()
                            .is_some_and(|b| matches!(b, Building::Skipped)) =>
                    {
                        geometry.push(Building::Skipped);
                    }
                    "Point" => geometry.push(Building::Point(None)),
                    "LineString" => geometry.push(Building::Line(Vec::new())),
                    "LinearRing" => geometry.push(Building::Ring(Vec::new())),
                    "Polygon" => geometry.push(Building::Polygon(Vec::new())),
                    "MultiGeometry" | "MultiTrack" => {
                        multis += 1;
                        geometry.push(Building::Multi(Vec::new()));
                    }
                    // gx:Track: its gx:coord positions make a line, its times a span.
                    "Track" => geometry.push(Building::Line(Vec::new())),
                    "NetworkLink" | "GroundOverlay" | "ScreenOverlay" | "PhotoOverlay"
                    | "Model" => {
                        let line = line_of(at);
                        match skipped.iter_mut().find(|(t, _, _)| *t == tag) {
                            Some((_, n, _)) => *n += 1,
                            None => skipped.push((tag.clone(), 1, line)),
                        }
                    }
                    _ => {}
                }
                path.push((tag, at));
                chars.clear();
            }
            Event::Empty(e) => {
                let tag = e.local_name();
                if tag.as_ref() == b"Folder" {
                    continue;
                }
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
                let Some((tag, _)) = path.pop() else { continue };
                let parent = path.last().map_or("", |(t, _)| t.as_str());
                let value = chars.trim().to_owned();
                match tag.as_str() {
                    "name" if parent == "Folder" => {
                        if let Some(f) = folders.last_mut() {
                            *f = value;
                        }
                    }
                    "Folder" => {
                        folders.pop();
                    }
                    "Placemark" => {
                        if let Some(p) = placemark.take() {
                            placemarks.push(p);
                        }
                        if placemarks.len().is_multiple_of(1024) {
                            progress.done.store(at, Ordering::Relaxed);
                            if progress.is_cancelled() {
                                return Err(LoadError::Cancelled);
                            }
                        }
                    }
                    "color" | "width" => {
                        if let Some((_, s)) = style.as_mut() {
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
                        if let Some((id, s)) = style.take() {
                            match placemark.as_mut() {
                                Some(p) if id.is_empty() || parent == "Placemark" => p.style = s,
                                _ => {
                                    styles.insert(id, s);
                                }
                            }
                        }
                    }
                    "key" if parent == "Pair" => pair.1 = Some(value),
                    "styleUrl" if parent == "Pair" => {
                        if pair.1.as_deref() != Some("highlight")
                            && let Some(id) = pair.0.clone()
                        {
                            style_maps.insert(id, value.trim_start_matches('#').to_owned());
                        }
                    }
                    "Pair" => pair.1 = None,
                    "value" if parent == "Data" => {
                        if let Some(name) = data_name.take() {
                            match placemark.as_mut() {
                                Some(p) => p.data.push((name, value)),
                                None => {
                                    sortie_written |= name == FORMAT_DATA;
                                    document.push((name, value));
                                }
                            }
                        }
                    }
                    "SimpleData" => {
                        if let (Some(p), Some(name)) = (placemark.as_mut(), data_name.take()) {
                            p.data.push((name, value));
                        }
                    }
                    "coord" => match (
                        geometry.last_mut(),
                        positions(&value.split_whitespace().collect::<Vec<_>>().join(",")),
                    ) {
                        (Some(Building::Line(l)), Ok(list)) => l.extend(list),
                        (_, Err(why)) => {
                            if let Some(p) = placemark.as_mut() {
                                p.error.get_or_insert(why);
                            }
                        }
                        _ => {}
                    },
                    "when" if parent == "Track" => {
                        if let Some(p) = placemark.as_mut() {
                            p.track_times.push(value);
                        }
                    }
                    "coordinates" => {
                        let read = positions(&value);
                        match (geometry.last_mut(), read) {
                            (Some(Building::Point(p)), Ok(list)) => *p = list.first().copied(),
                            (Some(Building::Line(l) | Building::Ring(l)), Ok(list)) => *l = list,
                            (_, Err(why)) => {
                                if let Some(p) = placemark.as_mut() {
                                    p.error.get_or_insert(why);
                                }
                            }
                            _ => {}
                        }
                    }
                    "Point" | "LineString" | "LinearRing" | "Polygon" | "MultiGeometry"
                    | "Track" | "MultiTrack" => {
                        let shape = match geometry.pop() {
                            Some(Building::Skipped) => None,
                            Some(Building::Point(Some(p))) => Some(Shape::Point(p)),
                            Some(Building::Line(mut l)) if l.len() == 1 && tag == "Track" => {
                                l.pop().map(Shape::Point)
                            }
                            Some(Building::Line(l)) if l.len() >= 2 => Some(Shape::LineString(l)),
                            Some(Building::Ring(r)) => {
                                if let Some(Building::Polygon(rings)) = geometry.last_mut() {
                                    rings.push(r);
                                    None
                                } else if r.len() >= 2 {
                                    Some(Shape::LineString(r))
                                } else {
                                    None
                                }
                            }
                            Some(Building::Polygon(rings)) if !rings.is_empty() => {
                                Some(Shape::Polygon(rings))
                            }
                            Some(Building::Multi(parts)) => {
                                multis -= 1;
                                multi(parts)
                            }
                            _ => {
                                if let Some(p) = placemark.as_mut() {
                                    p.error.get_or_insert_with(|| {
                                        format!("the {tag} has no usable coordinates")
                                    });
                                }
                                None
                            }
                        };
                        if let Some(shape) = shape {
                            match (geometry.last_mut(), placemark.as_mut()) {
                                (Some(Building::Multi(parts)), _) => parts.push(shape),
                                (Some(Building::Skipped), _) => {}
                                (_, Some(p)) => p.geometry = Some(shape),
                                _ => {}
                            }
                        }
                    }
                    other => {
                        if let Some(p) = placemark.as_mut() {
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
                chars.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((tag, at)) = path.last() {
        let message = format!(
            "the file ends inside <{tag}> (opened at line {}): it looks truncated",
            line_of(*at)
        );
        return Err(invalid(
            origin,
            Diagnostic::new(message).at(location(text.len())),
        ));
    }
    for (k, p) in placemarks.into_iter().enumerate() {
        emit(p, k, &styles, &style_maps, sortie_written, &mut out);
    }
    for (tag, n, line) in skipped {
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
    Ok((out, document))
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

/// `aabbggrr` as `#rrggbb` and an opacity.
fn colour(kml: &str) -> Option<(String, f64)> {
    let kml = kml.trim().trim_start_matches('#');
    if kml.len() != 8 || !kml.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(kml.get(i..i + 2)?, 16).ok();
    let (a, b, g, r) = (byte(0)?, byte(2)?, byte(4)?, byte(6)?);
    Some((format!("#{r:02x}{g:02x}{b:02x}"), f64::from(a) / 255.0))
}

/// A Data value as a property: JSON when it is a JSON array, object or literal (Sortie's
/// own KML writes non-text values so), a plain number as a number, else text.
fn data_value(text: &str) -> Value<'_> {
    if (text.starts_with('[') || text.starts_with('{') || matches!(text, "true" | "false"))
        && let Ok(json) = serde_json::from_str(text)
    {
        return Value::Json(json);
    }
    Value::of_cell(text)
}

/// The links of an HTML description: (address, text).
fn links(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=") {
        rest = &rest[i + 5..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(end) = rest[1..].find(quote) else {
            break;
        };
        let url = rest[1..=end].trim().replace("&amp;", "&");
        rest = &rest[end + 1..];
        let text = rest
            .find('>')
            .and_then(|gt| {
                let after = &rest[gt + 1..];
                after
                    .find("</a")
                    .map(|close| after[..close].trim().to_owned())
            })
            .unwrap_or_default();
        if url.starts_with("http://") || url.starts_with("https://") {
            found.push((url, text));
        }
    }
    found
}

fn emit(
    mut p: Placemark,
    k: usize,
    styles: &HashMap<String, Style>,
    style_maps: &HashMap<String, String>,
    sortie_written: bool,
    out: &mut Emitted,
) {
    let label = p
        .name
        .as_deref()
        .map_or_else(|| format!("#{}", k + 1), |n| format!("{n:?}"));
    let exact = p
        .data
        .iter()
        .find(|(k, _)| k == GEOMETRY_DATA)
        .filter(|(_, v)| {
            serde_json::from_str::<serde_json::Value>(v).is_ok_and(|j| j.get("type").is_some())
        })
        .map(|(_, v)| Shape::Json(v.clone()));
    if let Some(at) = p.too_deep.take()
        && exact.is_none()
    {
        let message = format!(
            "placemark {label}: {}; it is kept without a geometry",
            nested_too_deep("MultiGeometries")
        );
        out.warnings
            .push(Diagnostic::new(message).at(at).property("MultiGeometry"));
        p.geometry = None;
        p.error = None;
        p.too_deep = Some(at);
    }
    let has_geometry = p.geometry.is_some() || exact.is_some();
    match (&p.error, has_geometry) {
        (Some(why), false) => {
            out.warn(
                p.line,
                Some("coordinates"),
                format!("placemark {label} skipped: {why}"),
            );
            return;
        }
        (Some(_), true) if exact.is_some() => {}
        (Some(why), true) => out.warn(
            p.line,
            Some("coordinates"),
            format!("placemark {label}: part of its geometry was left out: {why}"),
        ),
        (None, false) if !sortie_written && p.too_deep.is_none() => out.warn(
            p.line,
            None,
            format!(
                "placemark {label} has no geometry Sortie reads; it is listed without a position"
            ),
        ),
        _ => {}
    }
    let has = |key: &str| p.data.iter().any(|(k, _)| k == key);

    let id =
        p.id.clone()
            .or_else(|| {
                p.data
                    .iter()
                    .find(|(k, _)| k == ID_DATA)
                    .map(|(_, v)| v.clone())
            })
            .or_else(|| (!sortie_written).then(|| format!("placemark-{}", k + 1)));
    let style = p
        .style_url
        .as_deref()
        .map(|u| u.trim_start_matches('#'))
        .map(|id| style_maps.get(id).map_or(id, String::as_str))
        .and_then(|id| styles.get(id))
        .cloned()
        .unwrap_or_default();
    let style = Style {
        icon: p.style.icon.clone().or(style.icon),
        line: p.style.line.clone().or(style.line),
        width: p.style.width.clone().or(style.width),
        poly: p.style.poly.clone().or(style.poly),
    };
    let mut simplestyle: Vec<(&'static str, Value<'_>)> = Vec::new();
    if !sortie_written {
        let mut put = |key: &'static str, value: Value<'static>| {
            if !has(key) {
                simplestyle.push((key, value));
            }
        };
        let is_point = matches!(p.geometry, Some(Shape::Point(_) | Shape::MultiPoint(_)));
        if let Some((c, _)) = style.icon.as_deref().and_then(colour).filter(|_| is_point) {
            put("marker-color", Value::Text(Cow::Owned(c)));
        }
        if let Some((c, a)) = style.line.as_deref().and_then(colour).filter(|_| !is_point) {
            put("stroke", Value::Text(Cow::Owned(c)));
            put("stroke-opacity", Value::Json(serde_json::json!(round3(a))));
        }
        if let Some(w) = style.width.as_deref().and_then(|w| w.parse::<f64>().ok()) {
            put("stroke-width", Value::Json(serde_json::json!(w)));
        }
        if let Some((c, a)) = style.poly.as_deref().and_then(colour) {
            put("fill", Value::Text(Cow::Owned(c)));
            put("fill-opacity", Value::Json(serde_json::json!(round3(a))));
        }
    }
    let (begin, end) = match (
        &p.begin,
        &p.end,
        p.track_times.first(),
        p.track_times.last(),
    ) {
        (None, None, Some(first), Some(last)) => (Some(first.clone()), Some(last.clone())),
        _ => (p.begin.clone(), p.end.clone()),
    };
    let date = match (&p.when, &begin, &end) {
        (Some(w), _, _) => Some(w.clone()),
        (None, Some(b), Some(e)) => Some(format!("{b}/{e}")),
        (None, Some(b), None) => Some(format!("{b}/..")),
        (None, None, Some(e)) => Some(format!("../{e}")),
        (None, None, None) => None,
    };
    let sources = if has("sources") || sortie_written {
        Vec::new()
    } else {
        links(p.description.as_deref().unwrap_or(""))
            .into_iter()
            .enumerate()
            .map(|(i, (url, title))| DraftSource {
                id: Cow::Owned(format!(
                    "{}-link-{}",
                    id.as_deref().unwrap_or("placemark"),
                    i + 1
                )),
                fields: if title.is_empty() || title == url {
                    vec![("url", Cow::Owned(url))]
                } else {
                    vec![("title", Cow::Owned(title)), ("url", Cow::Owned(url))]
                },
            })
            .collect()
    };
    let typed = p
        .data
        .iter()
        .find(|(k, _)| k == PROPERTIES_DATA)
        .and_then(|(_, v)| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok()
        });
    let mut properties: Vec<(Cow<'_, str>, Value<'_>)> = match typed {
        Some(map) => map
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), Value::Json(v)))
            .collect(),
        None => p
            .data
            .iter()
            .filter(|(k, _)| k != ID_DATA && k != GEOMETRY_DATA && k != PROPERTIES_DATA)
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), data_value(v)))
            .collect(),
    };
    if !p.folder.is_empty() && !has("folder") && !sortie_written {
        properties.push((
            Cow::Borrowed("folder"),
            Value::Text(Cow::Borrowed(&p.folder)),
        ));
    }
    let draft = Draft {
        id: id.map(Cow::Owned),
        name: p
            .name
            .as_deref()
            .filter(|_| !has("name") && !sortie_written)
            .map(Cow::Borrowed),
        description: p
            .description
            .as_deref()
            .filter(|d| !d.is_empty() && !has("description") && !sortie_written)
            .map(Cow::Borrowed),
        geometry: exact.or_else(|| p.geometry.clone()),
        date: date.filter(|_| !has("date")),
        sources,
        style: simplestyle,
        properties,
        ..Draft::default()
    };
    out.push(&draft, p.line);
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_aabbggrr() {
        assert_eq!(colour("ff0000ff"), Some(("#ff0000".to_owned(), 1.0)));
        assert_eq!(colour("7fff0000").map(|c| c.0), Some("#0000ff".to_owned()));
        assert_eq!(colour("red"), None);
    }

    #[test]
    fn links_of_html() {
        let html = r##"<p>See <a href="https://a.example/x">the report</a> and
            <a href='http://b.example'>http://b.example</a>, not <a href="#top">top</a>.</p>"##;
        assert_eq!(
            links(html),
            vec![
                ("https://a.example/x".to_owned(), "the report".to_owned()),
                ("http://b.example".to_owned(), "http://b.example".to_owned()),
            ]
        );
    }

    #[test]
    fn coordinates_with_and_without_altitude() {
        let read = positions(" 48.7,35.2,0\n\t40.1,35.3 ").unwrap_or_default();
        assert_eq!(read.len(), 2);
        assert_eq!(read.first().and_then(|p| p.alt), Some(0.0));
        assert!(positions("abc").is_err());
        assert!(positions("200,10").is_err());
    }
}
