//! A Placemark as read, turned into a feature to be: its geometry (or Sortie's exact copy
//! of it), style colours as simplestyle, `TimeStamp`/`TimeSpan` as a date, the links of its
//! description as sources, its `ExtendedData` as properties.

use std::borrow::Cow;
use std::collections::HashMap;

use super::super::emit::{Draft, DraftSource, Emitted, Shape, Value};
use super::{GEOMETRY_DATA, ID_DATA, PROPERTIES_DATA};
use crate::dataset::limits::nested_too_deep;
use crate::dataset::{Diagnostic, TextLocation};

/// A style's colours and width as KML writes them (`aabbggrr`).
#[derive(Clone, Debug, Default)]
pub(super) struct Style {
    pub(super) icon: Option<String>,
    pub(super) line: Option<String>,
    pub(super) width: Option<String>,
    pub(super) poly: Option<String>,
}

/// A Placemark as read, before it becomes a feature.
#[derive(Debug, Default)]
pub(super) struct Placemark {
    pub(super) line: u32,
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) description: Option<String>,
    pub(super) style_url: Option<String>,
    pub(super) style: Style,
    pub(super) folder: String,
    pub(super) data: Vec<(String, String)>,
    pub(super) when: Option<String>,
    /// A gx:Track's times, in order.
    pub(super) track_times: Vec<String>,
    pub(super) begin: Option<String>,
    pub(super) end: Option<String>,
    pub(super) geometry: Option<Shape>,
    pub(super) error: Option<String>,
    /// Where its MultiGeometries first nest past [`MAX_GEOMETRY_NESTING`]: the placemark is
    /// kept without a geometry.
    pub(super) too_deep: Option<TextLocation>,
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

/// Writes placemark `k` (0-based) out as a feature, saying what could not be kept; a
/// placemark with no readable geometry and broken coordinates is skipped.
pub(super) fn emit(
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
    let simplestyle = if sortie_written {
        Vec::new()
    } else {
        simplestyle(&p, styles, style_maps, has)
    };
    let date = date_of(&p);
    let sources = if has("sources") || sortie_written {
        Vec::new()
    } else {
        link_sources(p.description.as_deref().unwrap_or(""), id.as_deref())
    };
    let properties = properties_of(&p, sortie_written);
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

/// The placemark's colours and width (its own over its shared style's) as simplestyle
/// members, those its `ExtendedData` already has (`has`) left out.
fn simplestyle(
    p: &Placemark,
    styles: &HashMap<String, Style>,
    style_maps: &HashMap<String, String>,
    has: impl Fn(&str) -> bool,
) -> Vec<(&'static str, Value<'static>)> {
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
    let mut simplestyle: Vec<(&'static str, Value<'static>)> = Vec::new();
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
    simplestyle
}

/// Its date: `TimeStamp`, else the `TimeSpan` (or a gx:Track's first and last times) as an
/// interval, open where it has no end.
fn date_of(p: &Placemark) -> Option<String> {
    let (begin, end) = match (
        &p.begin,
        &p.end,
        p.track_times.first(),
        p.track_times.last(),
    ) {
        (None, None, Some(first), Some(last)) => (Some(first.clone()), Some(last.clone())),
        _ => (p.begin.clone(), p.end.clone()),
    };
    match (&p.when, &begin, &end) {
        (Some(w), _, _) => Some(w.clone()),
        (None, Some(b), Some(e)) => Some(format!("{b}/{e}")),
        (None, Some(b), None) => Some(format!("{b}/..")),
        (None, None, Some(e)) => Some(format!("../{e}")),
        (None, None, None) => None,
    }
}

/// The web links of a description as sources, with ids from the feature's `id`.
fn link_sources(description: &str, id: Option<&str>) -> Vec<DraftSource<'static>> {
    links(description)
        .into_iter()
        .enumerate()
        .map(|(i, (url, title))| DraftSource {
            id: Cow::Owned(format!("{}-link-{}", id.unwrap_or("placemark"), i + 1)),
            fields: if title.is_empty() || title == url {
                vec![("url", Cow::Owned(url))]
            } else {
                vec![("title", Cow::Owned(title)), ("url", Cow::Owned(url))]
            },
        })
        .collect()
}

/// Its `ExtendedData` as properties: the typed copy Sortie's own KML keeps, else every
/// `Data` entry; and the Folders it sits in.
fn properties_of(p: &Placemark, sortie_written: bool) -> Vec<(Cow<'_, str>, Value<'_>)> {
    let has = |key: &str| p.data.iter().any(|(k, _)| k == key);
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
    properties
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
}
