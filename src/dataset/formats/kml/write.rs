//! Writing KML for Google Earth: a Folder per kind, one Placemark per feature, a shared
//! Style per kind, a description balloon with the claims and the sources as links,
//! `ExtendedData` with every property, `TimeSpan` from the date bounds, routes densified
//! along their geodesics. What Google Earth would lose Sortie keeps in `ExtendedData`
//! (the id, a route's own vertices, the source registry), so that reading the KML back
//! gives the dataset again.

use std::fmt::Write as _;
use std::io::{self, Write};

use geo_types::Point;
use quick_xml::escape::escape;
use serde_json::Value;

use super::{FORMAT_DATA, GEOMETRY_DATA, ID_DATA, MEMBERS_DATA, PROPERTIES_DATA, REGISTRY_DATA};
use crate::dataset::{Dataset, FeatureKind, source_geojson};
use crate::geometry::geodesic::geodesic_track_with;

/// Placemarks written per batch (on every core), bounding what waits in memory.
const PLACEMARKS_PER_BATCH: usize = 1 << 16;

/// How far apart the vertices of a route's drawn line are at most, in metres.
const ROUTE_CHORD_M: f64 = 20_000.0;

/// Writes `dataset` as a KML document.
///
/// # Errors
/// When writing to `out` fails.
pub(crate) fn write(dataset: &Dataset, out: &mut impl Write) -> io::Result<()> {
    let mut s = String::with_capacity(1 << 16);
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    );
    let _ = writeln!(s, "<name>{}</name>", escape(dataset.title.as_str()));
    s.push_str("<ExtendedData>\n");
    data(&mut s, FORMAT_DATA, "1");
    if !dataset.registry.is_empty() {
        let registry: Vec<String> = dataset.registry.iter().map(source_geojson).collect();
        data(&mut s, REGISTRY_DATA, &format!("[{}]", registry.join(",")));
    }
    if !dataset.foreign_members.is_empty() {
        let members: serde_json::Map<String, Value> =
            dataset.foreign_members.iter().cloned().collect();
        data(&mut s, MEMBERS_DATA, &Value::Object(members).to_string());
    }
    s.push_str("</ExtendedData>\n");
    for kind in FeatureKind::ALL {
        let [r, g, b] = crate::dataset::kind_rgb(kind).0;
        let _ = writeln!(
            s,
            "<Style id=\"kind-{k}\"><IconStyle><color>ff{b:02x}{g:02x}{r:02x}</color></IconStyle>\
             <LineStyle><color>ff{b:02x}{g:02x}{r:02x}</color><width>2</width></LineStyle>\
             <PolyStyle><color>66{b:02x}{g:02x}{r:02x}</color></PolyStyle></Style>",
            k = kind.as_str()
        );
    }
    out.write_all(s.as_bytes())?;
    for kind in FeatureKind::ALL {
        let members: Vec<usize> = (0..dataset.len())
            .filter(|&i| dataset.get(i).is_some_and(|f| f.kind == kind))
            .collect();
        if members.is_empty() {
            continue;
        }
        writeln!(out, "<Folder>\n<name>{}</name>", kind.plural_label())?;
        // Placemarks are written on every core, a batch at a time (each feature is read in
        // full), and the batch's pieces written out in order.
        for batch in members.chunks(PLACEMARKS_PER_BATCH) {
            let pieces = crate::parallel::map_ranges(batch.len(), 1024, |range| {
                let mut s = String::new();
                for &i in batch.get(range).unwrap_or(&[]) {
                    placemark(dataset, i, &mut s);
                }
                vec![s]
            });
            for piece in pieces {
                out.write_all(piece.as_bytes())?;
            }
        }
        out.write_all(b"</Folder>\n")?;
    }
    out.write_all(b"</Document>\n</kml>\n")
}

fn data(s: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        s,
        "<Data name=\"{}\"><value>{}</value></Data>",
        escape(&*xml_safe(name)),
        escape(&*xml_safe(value))
    );
}

/// `text` without the control characters XML 1.0 forbids even escaped (all below U+0020
/// but tab, line feed and carriage return): Google Earth refuses a file that has them. The
/// exact text stays in the `sortie:properties` JSON, which escapes them.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text
        .chars()
        .any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
    {
        std::borrow::Cow::Owned(
            text.chars()
                .filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Whether `id` can be an XML id (an NCName, ASCII only here).
fn is_xml_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn placemark(dataset: &Dataset, i: usize, s: &mut String) {
    let (Some(json), Some(feature)) = (dataset.feature_json(i), dataset.feature(i)) else {
        return;
    };
    let object: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    // The file's id: a feature without one is written without one (and read back so).
    let file_id = match object.get("id") {
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (geometry, properties) = if object.get("type").and_then(Value::as_str) == Some("Feature") {
        (
            object.get("geometry").cloned().unwrap_or(Value::Null),
            object.get("properties").and_then(Value::as_object).cloned(),
        )
    } else {
        (object, None)
    };
    match file_id.as_deref() {
        Some(id) if is_xml_id(id) => {
            let _ = writeln!(s, "<Placemark id=\"{id}\">");
        }
        _ => s.push_str("<Placemark>\n"),
    }
    let _ = writeln!(s, "<name>{}</name>", escape(&*xml_safe(&feature.name)));
    let _ = writeln!(
        s,
        "<description><![CDATA[{}]]></description>",
        xml_safe(&balloon(dataset, &feature)).replace("]]>", "]]]]><![CDATA[>")
    );
    if let Some(when) = feature.when {
        match (when.start_iso(), when.end_iso()) {
            (Some(a), Some(b)) => {
                let _ = writeln!(s, "<TimeSpan><begin>{a}</begin><end>{b}</end></TimeSpan>");
            }
            (Some(a), None) => {
                let _ = writeln!(s, "<TimeSpan><begin>{a}</begin></TimeSpan>");
            }
            (None, Some(b)) => {
                let _ = writeln!(s, "<TimeSpan><end>{b}</end></TimeSpan>");
            }
            (None, None) => {}
        }
    }
    let _ = writeln!(s, "<styleUrl>#kind-{}</styleUrl>", feature.kind.as_str());
    inline_style(s, &feature.style);
    s.push_str("<ExtendedData>\n");
    if let Some(id) = file_id.as_deref().filter(|id| !is_xml_id(id)) {
        data(s, ID_DATA, id);
    }
    let route = dataset.route(i).is_some() && geometry.get("type") == Some(&"LineString".into());
    // KML has no GeometryCollection and reads Multi* back as MultiGeometry: the exact
    // geometry is kept beside, as for a route, whose line is densified.
    let simple = matches!(
        geometry.get("type").and_then(Value::as_str),
        Some("Point" | "LineString" | "Polygon")
    );
    if route || (!simple && !geometry.is_null()) {
        data(s, GEOMETRY_DATA, &geometry.to_string());
    }
    for (key, value) in properties.iter().flatten() {
        match value {
            Value::String(text) => data(s, key, text),
            other => data(s, key, &other.to_string()),
        }
    }
    // Google Earth shows the entries above as text; this one keeps their JSON types
    // (`"42"` and `42`, `3.0`) for reading the KML back.
    if let Some(properties) = &properties {
        data(
            s,
            PROPERTIES_DATA,
            &Value::Object(properties.clone()).to_string(),
        );
    }
    s.push_str("</ExtendedData>\n");
    if route {
        let vertices = crate::dataset::route_vertices(feature.geometry.as_ref());
        let pieces = geodesic_track_with(&vertices, ROUTE_CHORD_M);
        if pieces.len() > 1 {
            s.push_str("<MultiGeometry>");
        }
        for piece in &pieces {
            line_string(s, piece);
        }
        if pieces.len() > 1 {
            s.push_str("</MultiGeometry>");
        }
        s.push('\n');
    } else {
        shape(s, &geometry);
    }
    s.push_str("</Placemark>\n");
}

/// The feature's own simplestyle colours, over its kind's shared style.
fn inline_style(s: &mut String, style: &crate::dataset::SimpleStyle) {
    let kml = |rgb: crate::dataset::Rgb, opacity: f64| {
        let [r, g, b] = rgb.0;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let a = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("{a:02x}{b:02x}{g:02x}{r:02x}")
    };
    if style.marker_color.is_none() && style.stroke.is_none() && style.fill.is_none() {
        return;
    }
    s.push_str("<Style>");
    if let Some(c) = style.marker_color {
        let _ = write!(s, "<IconStyle><color>{}</color></IconStyle>", kml(c, 1.0));
    }
    if let Some(c) = style.stroke {
        let _ = write!(
            s,
            "<LineStyle><color>{}</color><width>{}</width></LineStyle>",
            kml(c, style.stroke_opacity),
            style.stroke_width
        );
    }
    if let Some(c) = style.fill {
        let _ = write!(
            s,
            "<PolyStyle><color>{}</color></PolyStyle>",
            kml(c, style.fill_opacity)
        );
    }
    s.push_str("</Style>\n");
}

fn line_string(s: &mut String, points: &[Point<f64>]) {
    s.push_str("<LineString><tessellate>1</tessellate><coordinates>");
    for (k, p) in points.iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", p.x(), p.y());
    }
    s.push_str("</coordinates></LineString>");
}

/// A GeoJSON geometry as KML.
fn shape(s: &mut String, geometry: &Value) {
    let coordinates = geometry.get("coordinates");
    let positions = |s: &mut String, list: Option<&Value>| {
        s.push_str("<coordinates>");
        for (k, position) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if k > 0 {
                s.push(' ');
            }
            let numbers: Vec<String> = position
                .as_array()
                .into_iter()
                .flatten()
                .map(Value::to_string)
                .collect();
            s.push_str(&numbers.join(","));
        }
        s.push_str("</coordinates>");
    };
    let polygon = |s: &mut String, rings: Option<&Value>| {
        s.push_str("<Polygon>");
        for (k, ring) in rings
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let side = if k == 0 {
                "outerBoundaryIs"
            } else {
                "innerBoundaryIs"
            };
            let _ = write!(s, "<{side}><LinearRing>");
            positions(s, Some(ring));
            let _ = write!(s, "</LinearRing></{side}>");
        }
        s.push_str("</Polygon>");
    };
    let parts = |c: Option<&Value>| c.and_then(Value::as_array).cloned().unwrap_or_default();
    match geometry.get("type").and_then(Value::as_str) {
        Some("Point") => {
            s.push_str("<Point>");
            positions(
                s,
                Some(&Value::Array(vec![
                    coordinates.cloned().unwrap_or_default(),
                ])),
            );
            s.push_str("</Point>");
        }
        Some("LineString") => {
            s.push_str("<LineString>");
            positions(s, coordinates);
            s.push_str("</LineString>");
        }
        Some("Polygon") => polygon(s, coordinates),
        Some("MultiPoint") => {
            s.push_str("<MultiGeometry>");
            for p in parts(coordinates) {
                shape(s, &serde_json::json!({"type": "Point", "coordinates": p}));
            }
            s.push_str("</MultiGeometry>");
        }
        Some("MultiLineString") => {
            s.push_str("<MultiGeometry>");
            for l in parts(coordinates) {
                shape(
                    s,
                    &serde_json::json!({"type": "LineString", "coordinates": l}),
                );
            }
            s.push_str("</MultiGeometry>");
        }
        Some("MultiPolygon") => {
            s.push_str("<MultiGeometry>");
            for p in parts(coordinates) {
                polygon(s, Some(&p));
            }
            s.push_str("</MultiGeometry>");
        }
        Some("GeometryCollection") => {
            s.push_str("<MultiGeometry>");
            for g in parts(geometry.get("geometries")) {
                shape(s, &g);
            }
            s.push_str("</MultiGeometry>");
        }
        _ => return,
    }
    s.push('\n');
}

/// The balloon: the description, the claims (status, who, what) and the sources as links.
fn balloon(dataset: &Dataset, feature: &crate::dataset::Feature) -> String {
    let mut html = String::new();
    if let Some(d) = &feature.description {
        let _ = write!(html, "<p>{}</p>", escape(d.as_str()));
    }
    let sources = dataset.sources_of(feature);
    let number = |id: &str| {
        sources
            .iter()
            .position(|s| s.id.as_deref() == Some(id))
            .map(|k| k + 1)
    };
    if !feature.claims.is_empty() {
        html.push_str("<h4>Claims</h4><ul>");
        for claim in &feature.claims {
            let status = claim.status.map_or("unstated", |s| s.label());
            let _ = write!(html, "<li><b>{}</b>", escape(status));
            if let Some(by) = &claim.by {
                let _ = write!(html, " ({})", escape(by.as_str()));
            }
            let _ = write!(html, ": {}", escape(claim.text.as_str()));
            let cited: Vec<String> = claim
                .source_ids()
                .filter_map(number)
                .map(|n| n.to_string())
                .collect();
            if !cited.is_empty() {
                let _ = write!(html, " [{}]", cited.join(", "));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    if !sources.is_empty() {
        html.push_str("<h4>Sources</h4><ol>");
        for source in &sources {
            let mut label: Vec<String> = Vec::new();
            for part in [&source.publisher, &source.title, &source.published]
                .into_iter()
                .flatten()
            {
                label.push(escape(part.as_str()).into_owned());
            }
            let label = if label.is_empty() {
                escape(
                    source
                        .url
                        .as_deref()
                        .or(source.id.as_deref())
                        .unwrap_or("source"),
                )
                .into_owned()
            } else {
                label.join(", ")
            };
            match &source.url {
                Some(url) => {
                    let _ = write!(
                        html,
                        "<li><a href=\"{}\">{label}</a></li>",
                        escape(url.as_str())
                    );
                }
                None => {
                    let _ = write!(html, "<li>{label}</li>");
                }
            }
        }
        html.push_str("</ol>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_ids() {
        assert!(is_xml_id("nojeh"));
        assert!(is_xml_id("route-aleppo_1.2"));
        assert!(!is_xml_id("1st"));
        assert!(!is_xml_id("a b"));
        assert!(!is_xml_id(""));
        assert!(!is_xml_id("é"));
    }
}
