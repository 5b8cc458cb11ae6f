//! The careful GeoJSON feature reader: one Feature object, every member read from its raw
//! slice into the model's full [`Feature`] (claims, sources, style, route, every property),
//! with a warning for each value it cannot take, naming line:column, feature index, id and
//! JSON path; the value at fault is kept in `other_properties` or `foreign_members`. Used for
//! the features the fast path refuses, for files that are one Feature, and to read a feature
//! again in full when it is shown. Geometry is read in `geometry.rs`.

use std::cell::OnceCell;

use serde_json::Value;
use serde_json::value::RawValue;

use super::geometry::location_precision;
use super::raw::{JsonKind, RawObject, offset_in};
use crate::dataset::build::member_path;
use crate::dataset::{
    Claim, ClaimStatus, Diagnostic, Feature, FeatureKind, MarkerSize, PartialDate, Rgb, RouteInfo,
    SimpleStyle, Source, TextLocation,
};

/// Reads features, collecting warnings.
pub(super) struct Loader<'t> {
    text: &'t str,
    /// Byte offsets of line starts, built on the first warning.
    lines: OnceCell<Vec<usize>>,
    pub warnings: Vec<Diagnostic>,
    /// Reading a feature again for display: no warnings, no locations.
    pub quiet: bool,
}

/// Where a warning is about, inside one feature.
pub(super) struct Place<'a> {
    pub index: usize,
    pub id: Option<&'a str>,
}

impl<'t> Loader<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            lines: OnceCell::new(),
            warnings: Vec::new(),
            quiet: false,
        }
    }

    pub(super) fn location(&self, raw: &RawValue) -> TextLocation {
        if self.quiet {
            return TextLocation { line: 1, column: 1 };
        }
        let lines = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        TextLocation::with_lines(self.text, lines, offset_in(self.text, raw))
    }

    pub(super) fn warn(
        &mut self,
        place: &Place<'_>,
        raw: &RawValue,
        path: String,
        message: impl Into<String>,
    ) {
        if self.quiet {
            return;
        }
        let location = self.location(raw);
        self.warnings.push(Diagnostic {
            feature_index: Some(place.index),
            feature_id: place.id.map(str::to_owned),
            property: Some(path),
            ..Diagnostic::new(message).at(location)
        });
    }

    /// Reads the top-level `aircraft` table: `{"Tu-22M3": {"cruise_kmh": 900, …}, …}`.
    pub(super) fn aircraft_table(&mut self, raw: &RawValue) -> Vec<(String, f64)> {
        let Ok(table) = serde_json::from_str::<RawObject<'_>>(raw.get()) else {
            self.warnings.push(
                Diagnostic::new("\"aircraft\" should be an object of aircraft types")
                    .property("aircraft")
                    .at(self.location(raw)),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, entry) in &table.members {
            let speed = serde_json::from_str::<RawObject<'_>>(entry.get())
                .ok()
                .and_then(|o| o.get("cruise_kmh"))
                .and_then(as_f64)
                .filter(|v| *v > 0.0);
            match speed {
                Some(speed) => out.push((name.to_string(), speed)),
                None => self.warnings.push(
                    Diagnostic::new("expected {\"cruise_kmh\": a number above 0, …}")
                        .property(format!("aircraft.{name}"))
                        .at(self.location(entry)),
                ),
            }
        }
        out
    }

    /// A file that is one bare geometry becomes one feature without properties.
    pub(super) fn bare_geometry(&mut self, raw: &'t RawValue) -> Feature {
        let place = Place { index: 0, id: None };
        let mut feature = empty_feature(0, "#0".to_owned(), Some(self.location(raw)));
        self.read_geometry_into(&place, raw, "", &mut feature);
        feature
    }

    /// Reads one Feature object. Errors only when the value is not a Feature at all.
    pub(super) fn feature(
        &mut self,
        index: usize,
        raw: &'t RawValue,
        prefix: &str,
    ) -> Result<Feature, Diagnostic> {
        let at = self.location(raw);
        let object: RawObject<'t> = serde_json::from_str(raw.get()).map_err(|_| {
            Diagnostic::new(format!(
                "expected a Feature object, found {}",
                JsonKind::of(raw).describe()
            ))
            .property(if prefix.is_empty() {
                "(top level)".to_owned()
            } else {
                prefix.to_owned()
            })
            .at(at)
        })?;
        match object.get("type").and_then(as_string).as_deref() {
            Some("Feature") => {}
            found => {
                let message = match found {
                    Some(t) => format!("expected \"type\": \"Feature\", found {t:?}"),
                    None => "expected \"type\": \"Feature\"".to_owned(),
                };
                return Err(Diagnostic {
                    feature_index: Some(index),
                    ..Diagnostic::new(message)
                        .property(member_path(prefix, "type"))
                        .at(at)
                });
            }
        }

        // The id first, so that every warning can name it.
        let mut foreign_members = Vec::new();
        let id = match object.get("id") {
            None => None,
            Some(raw_id) => match JsonKind::of(raw_id) {
                JsonKind::String => match as_string(raw_id) {
                    Some(id) if id.is_empty() => {
                        self.warn(
                            &Place { index, id: None },
                            raw_id,
                            member_path(prefix, "id"),
                            format!("an empty id cannot be linked to; using #{index}"),
                        );
                        None
                    }
                    id => id,
                },
                JsonKind::Number => Some(raw_id.get().to_owned()),
                kind => {
                    self.warn(
                        &Place { index, id: None },
                        raw_id,
                        member_path(prefix, "id"),
                        format!(
                            "an id must be a string or a number, found {}; using #{index}",
                            kind.describe()
                        ),
                    );
                    foreign_members.push(("id".to_owned(), to_value(raw_id)));
                    None
                }
            },
        };
        let id_known = id.is_some();
        let id = id.unwrap_or_else(|| format!("#{index}"));
        let mut feature = empty_feature(index, id.clone(), Some(at));
        let place = Place {
            index,
            id: id_known.then_some(id.as_str()),
        };

        for (key, value) in &object.members {
            match key.as_ref() {
                "type" | "id" => {}
                "geometry" => {
                    let path = member_path(prefix, "geometry");
                    self.read_geometry_into(&place, value, &path, &mut feature);
                }
                "properties" => match JsonKind::of(value) {
                    JsonKind::Null => {}
                    JsonKind::Object => {
                        if let Ok(props) = serde_json::from_str::<RawObject<'t>>(value.get()) {
                            let path = member_path(prefix, "properties");
                            self.read_properties(&place, &props, &path, &mut feature);
                        }
                    }
                    kind => {
                        self.warn(
                            &place,
                            value,
                            member_path(prefix, "properties"),
                            format!(
                                "\"properties\" must be an object or null, found {}",
                                kind.describe()
                            ),
                        );
                        foreign_members.push(("properties".to_owned(), to_value(value)));
                    }
                },
                other => foreign_members.push((other.to_owned(), to_value(value))),
            }
        }
        feature.foreign_members.splice(0..0, foreign_members);
        if feature.name.is_empty() {
            feature.name.clone_from(&feature.id);
        }
        Ok(feature)
    }

    fn read_properties(
        &mut self,
        place: &Place<'_>,
        props: &RawObject<'t>,
        prefix: &str,
        feature: &mut Feature,
    ) {
        let mut title = None;
        let mut kind = None;
        let mut route = RouteInfo::default();
        let mut route_members = Vec::new();
        for (key, raw) in &props.members {
            let key = key.as_ref();
            let path = format!("{prefix}.{key}");
            let mut keep = false;
            match key {
                "kind" => {
                    match as_string(raw)
                        .as_deref()
                        .map(|s| (s, FeatureKind::parse(s)))
                    {
                        Some((_, Some(k))) => kind = Some(k),
                        Some((s, None)) => {
                            self.warn(place, raw, path, format!("unknown kind {s:?} (expected base, target, place or route); shown as other"));
                            keep = true;
                        }
                        None => keep = self.wrong_type(place, raw, path, "a string"),
                    }
                }
                "name" => match as_string(raw) {
                    Some(s) => feature.name = s,
                    None => keep = self.wrong_type(place, raw, path, "a string"),
                },
                "title" => match as_string(raw) {
                    Some(s) => title = Some(s),
                    None => keep = self.wrong_type(place, raw, path, "a string"),
                },
                "description" => match as_string(raw) {
                    Some(s) => feature.description = Some(s),
                    None => keep = self.wrong_type(place, raw, path, "a string"),
                },
                "date" | "date_end" => match as_string(raw).map(|s| (PartialDate::parse(&s), s)) {
                    Some((Some(date), _)) => {
                        if key == "date" {
                            feature.date = Some(date);
                        } else {
                            feature.date_end = Some(date);
                        }
                    }
                    Some((None, s)) => {
                        self.warn(
                            place,
                            raw,
                            path,
                            format!("{s:?} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                        );
                        keep = true;
                    }
                    None => keep = self.wrong_type(place, raw, path, "a date string"),
                },
                "location_precision" => match location_precision(raw) {
                    Ok(p) => feature.location_precision = Some(p),
                    Err(m) => {
                        self.warn(place, raw, path, m);
                        keep = true;
                    }
                },
                "claims" => keep = self.read_claims(place, raw, &path, feature),
                "sources" => keep = self.read_sources(place, raw, &path, feature),
                "from" | "to" => match as_string(raw) {
                    Some(s) => {
                        if key == "from" {
                            route.from = Some(s);
                        } else {
                            route.to = Some(s);
                        }
                        route_members.push((key.to_owned(), to_value(raw)));
                    }
                    None => keep = self.wrong_type(place, raw, path, "a feature id (string)"),
                },
                "aircraft" => match string_list(raw) {
                    Some(list) => {
                        route.aircraft = list;
                        route_members.push((key.to_owned(), to_value(raw)));
                    }
                    None => {
                        keep = self.wrong_type(place, raw, path, "a string or an array of strings")
                    }
                },
                "cruise_kmh" => match as_f64(raw).filter(|v| *v > 0.0) {
                    Some(v) => {
                        route.cruise_kmh = Some(v);
                        route_members.push((key.to_owned(), to_value(raw)));
                    }
                    None => keep = self.wrong_type(place, raw, path, "a speed in km/h above 0"),
                },
                "schematic" => match raw.get() {
                    "true" | "false" => {
                        route.schematic = raw.get() == "true";
                        route_members.push((key.to_owned(), to_value(raw)));
                    }
                    _ => keep = self.wrong_type(place, raw, path, "true or false"),
                },
                "marker-color" | "stroke" | "fill" => match as_string(raw)
                    .map(|s| (Rgb::parse(&s), s))
                {
                    Some((Some(color), _)) => match key {
                        "marker-color" => feature.style.marker_color = Some(color),
                        "stroke" => feature.style.stroke = Some(color),
                        _ => feature.style.fill = Some(color),
                    },
                    Some((None, s)) => {
                        self.warn(
                            place,
                            raw,
                            path,
                            format!("{s:?} is not a colour (#RGB or #RRGGBB); the default is used"),
                        );
                        keep = true;
                    }
                    None => keep = self.wrong_type(place, raw, path, "a colour string"),
                },
                "marker-size" => match as_string(raw).as_deref().map(MarkerSize::parse) {
                    Some(Some(size)) => feature.style.marker_size = size,
                    _ => {
                        self.warn(
                            place,
                            raw,
                            path,
                            "marker-size must be \"small\", \"medium\" or \"large\"; medium is used",
                        );
                        keep = true;
                    }
                },
                "marker-symbol" => match JsonKind::of(raw) {
                    JsonKind::String => {
                        feature.style.marker_symbol = as_string(raw).filter(|s| !s.is_empty())
                    }
                    JsonKind::Number => feature.style.marker_symbol = Some(raw.get().to_owned()),
                    _ => keep = self.wrong_type(place, raw, path, "a string"),
                },
                "stroke-width" | "stroke-opacity" | "fill-opacity" => {
                    let max = if key == "stroke-width" { f64::MAX } else { 1.0 };
                    match as_f64(raw).filter(|v| (0.0..=max).contains(v)) {
                        Some(v) => match key {
                            "stroke-width" => feature.style.stroke_width = v,
                            "stroke-opacity" => feature.style.stroke_opacity = v,
                            _ => feature.style.fill_opacity = v,
                        },
                        None => {
                            let range = if key == "stroke-width" {
                                "a number ≥ 0"
                            } else {
                                "a number from 0 to 1"
                            };
                            self.warn(
                                place,
                                raw,
                                path,
                                format!("{key} must be {range}; the default is used"),
                            );
                            keep = true;
                        }
                    }
                }
                _ => keep = true,
            }
            if keep {
                feature
                    .other_properties
                    .push((key.to_owned(), to_value(raw)));
            }
        }
        if feature.name.is_empty() {
            feature.name = title.unwrap_or_default();
        } else if let Some(title) = title {
            feature
                .other_properties
                .push(("title".to_owned(), Value::String(title)));
        }
        feature.kind = kind.unwrap_or(FeatureKind::Other);
        if feature.kind == FeatureKind::Route {
            feature.route = Some(route);
        } else {
            feature.other_properties.extend(route_members);
        }
    }

    /// Warns that a property has the wrong JSON type; returns true (keep the value).
    pub(super) fn wrong_type(
        &mut self,
        place: &Place<'_>,
        raw: &RawValue,
        path: String,
        expected: &str,
    ) -> bool {
        let found = JsonKind::of(raw).describe();
        self.warn(
            place,
            raw,
            path,
            format!("expected {expected}, found {found}"),
        );
        true
    }

    /// Reads `claims`; returns true when the whole value must be kept as found.
    fn read_claims(
        &mut self,
        place: &Place<'_>,
        raw: &'t RawValue,
        path: &str,
        feature: &mut Feature,
    ) -> bool {
        let Ok(items) = serde_json::from_str::<Vec<&'t RawValue>>(raw.get()) else {
            return self.wrong_type(place, raw, path.to_owned(), "an array of claims");
        };
        for (i, item) in items.into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let claim = serde_json::from_str::<RawObject<'t>>(item.get())
                .ok()
                .and_then(|o| Some((o.get("text").and_then(as_string)?, o)));
            let Some((text, object)) = claim else {
                self.warn(
                    place,
                    item,
                    item_path.clone(),
                    "a claim must be an object with a \"text\"; kept as found",
                );
                feature
                    .other_properties
                    .push((format!("claims[{i}]"), to_value(item)));
                continue;
            };
            let status = match object.get("status") {
                None => None,
                Some(s) => {
                    let parsed = as_string(s).as_deref().and_then(ClaimStatus::parse);
                    if parsed.is_none() {
                        self.warn(
                            place,
                            s,
                            format!("{item_path}.status"),
                            "status must be reported, claimed, confirmed, disputed or denied",
                        );
                    }
                    parsed
                }
            };
            let source_ids = match object.get("sources") {
                None => Vec::new(),
                Some(s) => string_list(s).unwrap_or_else(|| {
                    self.warn(
                        place,
                        s,
                        format!("{item_path}.sources"),
                        "expected an array of source ids",
                    );
                    Vec::new()
                }),
            };
            feature.claims.push(Claim {
                text,
                by: object.get("by").and_then(as_string),
                status,
                source_ids,
            });
        }
        false
    }

    /// Reads `sources`; returns true when the whole value must be kept as found.
    fn read_sources(
        &mut self,
        place: &Place<'_>,
        raw: &'t RawValue,
        path: &str,
        feature: &mut Feature,
    ) -> bool {
        let Ok(items) = serde_json::from_str::<Vec<&'t RawValue>>(raw.get()) else {
            return self.wrong_type(place, raw, path.to_owned(), "an array of sources");
        };
        for (i, item) in items.into_iter().enumerate() {
            let Ok(object) = serde_json::from_str::<RawObject<'t>>(item.get()) else {
                self.warn(
                    place,
                    item,
                    format!("{path}[{i}]"),
                    "a source must be an object; kept as found",
                );
                feature
                    .other_properties
                    .push((format!("sources[{i}]"), to_value(item)));
                continue;
            };
            let mut source = Source::default();
            for (key, value) in &object.members {
                let slot = match key.as_ref() {
                    "id" => &mut source.id,
                    "publisher" => &mut source.publisher,
                    "title" => &mut source.title,
                    "author" => &mut source.author,
                    "published" => &mut source.published,
                    "url" => &mut source.url,
                    "quote" => &mut source.quote,
                    "accessed" => &mut source.accessed,
                    other => {
                        source.other.push((other.to_owned(), to_value(value)));
                        continue;
                    }
                };
                match as_string(value) {
                    Some(s) => *slot = Some(s),
                    None => {
                        self.wrong_type(place, value, format!("{path}[{i}].{key}"), "a string");
                        source.other.push((key.to_string(), to_value(value)));
                    }
                }
                if matches!(key.as_ref(), "published" | "accessed")
                    && let Some(s) = slot.as_deref()
                    && PartialDate::parse(s).is_none()
                {
                    let message = format!("{s:?} is not an ISO 8601 date; shown as written");
                    self.warn(place, value, format!("{path}[{i}].{key}"), message);
                }
            }
            feature.sources.push(source);
        }
        false
    }
}

pub(super) fn empty_feature(index: usize, id: String, location: Option<TextLocation>) -> Feature {
    Feature {
        id,
        index,
        kind: FeatureKind::Other,
        name: String::new(),
        description: None,
        date: None,
        date_end: None,
        location_precision: None,
        claims: Vec::new(),
        sources: Vec::new(),
        style: SimpleStyle::default(),
        geometry: None,
        altitudes_m: Vec::new(),
        route: None,
        other_properties: Vec::new(),
        foreign_members: Vec::new(),
        location,
    }
}

pub(super) fn as_string(raw: &RawValue) -> Option<String> {
    (JsonKind::of(raw) == JsonKind::String)
        .then(|| serde_json::from_str::<String>(raw.get()).ok())
        .flatten()
}

pub(super) fn as_f64(raw: &RawValue) -> Option<f64> {
    (JsonKind::of(raw) == JsonKind::Number)
        .then(|| serde_json::from_str::<f64>(raw.get()).ok())
        .flatten()
        .filter(|v| v.is_finite())
}

pub(super) fn string_list(raw: &RawValue) -> Option<Vec<String>> {
    match JsonKind::of(raw) {
        JsonKind::String => as_string(raw).map(|s| vec![s]),
        JsonKind::Array => serde_json::from_str::<Vec<String>>(raw.get()).ok(),
        _ => None,
    }
}

/// A raw value as a `serde_json::Value`; a number too large for f64 is kept as its text.
pub(super) fn to_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|_| Value::String(raw.get().to_owned()))
}
