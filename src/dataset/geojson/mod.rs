//! The GeoJSON reader: RFC 7946 text → the model, through the builder.
//!
//! A FeatureCollection is read in one parallel pass ([`collection`]): each feature straight
//! into borrowed typed data by the fast path ([`fast`]), or, when the fast path cannot vouch
//! for it, read in full by the careful reader ([`feature`], [`geometry`]) once its index is
//! known, which words every warning with its line:column, feature index, id and JSON path.
//! A file the quick pass does not expect (a single Feature, a bare geometry, bad JSON, a
//! repeated member) is read here, through [`raw`]'s borrowed slices, and its error worded.
//! What is wrong with the file as a whole is a [`LoadError`]; what is wrong with one feature
//! is a warning, and the value at fault is kept so that nothing is lost.
//!
//! Knows GeoJSON's syntax and the model; not how files are opened, nor any screen.

mod collection;
mod fast;
mod feature;
mod geometry;
mod raw;

use std::borrow::Cow;
use std::path::Path;

use geo_types::{Coord, Geometry, LineString, Point};
use serde_json::value::RawValue;

use super::build::{Built, Record};
use super::open::{LoadProgress, invalid};
use super::store::{Core, Look, Part};
use super::{Diagnostic, Feature, LoadError, RouteInfo, TextLocation};
use fast::{QuickFeature, QuickGeometry};
use feature::{Loader, as_string, to_value};
use raw::{JsonKind, RawObject};

/// A serde_json error as a diagnostic: its message without serde's own " at line …".
pub(super) fn json_diagnostic(error: &serde_json::Error) -> Diagnostic {
    let full = error.to_string();
    let message = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i])
        .to_owned();
    let message = match error.classify() {
        serde_json::error::Category::Eof => format!("unexpected end of file: {message}"),
        _ => message,
    };
    Diagnostic::new(message).at(TextLocation {
        line: error.line().max(1),
        column: error.column().max(1),
    })
}

pub(super) const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Reads GeoJSON text (without its byte-order mark): a FeatureCollection, one Feature, or one
/// bare geometry. `warnings` are those found before (a byte-order mark).
///
/// # Errors
/// [`LoadError::Invalid`] when the text is not JSON or not GeoJSON, [`LoadError::Cancelled`].
pub(super) fn read(
    text: &str,
    origin: Option<&Path>,
    warnings: Vec<Diagnostic>,
    progress: &LoadProgress,
) -> Result<Built, LoadError> {
    if text.trim().is_empty() {
        return Err(invalid(origin, Diagnostic::new("the file is empty")));
    }
    let started = std::time::Instant::now();
    let mut loader = Loader::new(text);
    loader.warnings = warnings;
    let (members, mut part, collection) = match collection::read(text, progress)? {
        Some(quick) => (quick.members, quick.part, true),
        None => carefully(text, origin, progress, &mut loader)?,
    };
    log::debug!("features read in {:.2?}", started.elapsed());
    let deferred = finish(&mut part, text, collection).map_err(|d| invalid(origin, d))?;
    loader.warnings.extend(deferred);
    let mut foreign_members = Vec::new();
    let mut aircraft_cruise_kmh = Vec::new();
    for (key, raw) in &members {
        foreign_members.push((key.to_string(), to_value(raw)));
        if key == "aircraft" {
            aircraft_cruise_kmh = loader.aircraft_table(raw);
        }
    }
    Ok(Built {
        part,
        warnings: loader.warnings,
        foreign_members,
        aircraft_cruise_kmh,
        collection,
    })
}

/// A collection's top-level members other than `type` and `features`.
type Members<'t> = Vec<(Cow<'t, str>, &'t RawValue)>;

/// Reads a file the quick pass did not take, with every check worded: too deep, not JSON,
/// not GeoJSON. Gives the top-level members, the features (a collection's deferred ones still
/// to be read in full) and whether the file is a collection.
fn carefully<'t>(
    text: &'t str,
    origin: Option<&Path>,
    progress: &LoadProgress,
    loader: &mut Loader<'t>,
) -> Result<(Members<'t>, Part, bool), LoadError> {
    if let Some(offset) = too_deep(text) {
        return Err(invalid(
            origin,
            Diagnostic::new(format!("JSON nested deeper than {MAX_DEPTH} levels"))
                .at(TextLocation::of_offset(text, offset)),
        ));
    }
    let top: RawObject<'t> = serde_json::from_str(text).map_err(|e| {
        let mut d = json_diagnostic(&e);
        if e.classify() == serde_json::error::Category::Data {
            d.message = "expected a GeoJSON object at the top level".to_owned();
        }
        invalid(origin, d)
    })?;
    let type_name = match top.get("type") {
        None => {
            return Err(invalid(
                origin,
                Diagnostic::new("missing \"type\": not a GeoJSON object").property("type"),
            ));
        }
        Some(raw) => as_string(raw).ok_or_else(|| {
            invalid(
                origin,
                Diagnostic::new(format!(
                    "expected a string, found {}",
                    JsonKind::of(raw).describe()
                ))
                .property("type")
                .at(loader.location(raw)),
            )
        })?,
    };
    let mut part = Part::default();
    match type_name.as_str() {
        "FeatureCollection" => {
            let raw_features = top.get("features").ok_or_else(|| {
                invalid(
                    origin,
                    Diagnostic::new("a FeatureCollection needs a \"features\" array")
                        .property("features"),
                )
            })?;
            let not_a_list = || {
                invalid(
                    origin,
                    Diagnostic::new(format!(
                        "expected an array of features, found {}",
                        JsonKind::of(raw_features).describe()
                    ))
                    .property("features")
                    .at(loader.location(raw_features)),
                )
            };
            if JsonKind::of(raw_features) != JsonKind::Array {
                return Err(not_a_list());
            }
            // The quick pass over the array chosen by JSON's last-wins rule.
            let after_bracket = raw::offset_in(text, raw_features) + 1;
            part = collection::features(text, after_bracket, progress)?
                .ok_or_else(not_a_list)?
                .0;
            let members = top
                .members
                .into_iter()
                .filter(|(key, _)| key != "type" && key != "features")
                .collect();
            Ok((members, part, true))
        }
        "Feature" => {
            // The whole text is the one feature; serde_json has already checked it.
            let raw: &RawValue =
                serde_json::from_str(text).map_err(|e| invalid(origin, json_diagnostic(&e)))?;
            let mut feature = loader.feature(0, raw, "").map_err(|d| invalid(origin, d))?;
            part.push_record(text, full_record(raw.get(), &mut feature));
            Ok((Vec::new(), part, false))
        }
        t if GEOMETRY_TYPES.contains(&t) => {
            let raw: &RawValue =
                serde_json::from_str(text).map_err(|e| invalid(origin, json_diagnostic(&e)))?;
            let mut feature = loader.bare_geometry(raw);
            part.push_record(text, full_record(raw.get(), &mut feature));
            Ok((Vec::new(), part, false))
        }
        other => Err(invalid(
            origin,
            Diagnostic::new(format!(
                "unknown GeoJSON type {other:?} (expected FeatureCollection, Feature or a geometry)"
            ))
            .property("type"),
        )),
    }
}

/// Reads the deferred features in full (on all cores) and names the anonymous ones, now that
/// every feature's index is known. Gives the deferred features' warnings in file order, or
/// the error that stops the load (an element that is not a Feature).
fn finish(part: &mut Part, text: &str, collection: bool) -> Result<Vec<Diagnostic>, Diagnostic> {
    let deferred = std::mem::take(&mut part.deferred);
    let cores = &part.cores;
    let read = crate::parallel::map_ranges(deferred.len(), 256, |range| {
        let mut loader = Loader::new(text);
        range
            .filter_map(|k| deferred.get(k).copied())
            .map(|index| {
                let i = index as usize;
                let own = cores
                    .get(i)
                    .and_then(|c| {
                        let start = usize::try_from(c.start).ok()?;
                        text.get(start..start + c.len as usize)
                    })
                    .unwrap_or("");
                let prefix = if collection {
                    format!("features[{i}]")
                } else {
                    String::new()
                };
                let feature = serde_json::from_str::<&RawValue>(own)
                    .map_err(|e| json_diagnostic(&e))
                    .and_then(|raw| loader.feature(i, raw, &prefix));
                (index, own, feature, std::mem::take(&mut loader.warnings))
            })
            .collect()
    });
    let mut warnings = Vec::new();
    for (index, own, feature, feature_warnings) in read {
        let mut feature = feature?;
        part.set_record(index, text, full_record(own, &mut feature));
        warnings.extend(feature_warnings);
    }
    part.name_anonymous();
    Ok(warnings)
}

/// Reads one Feature's text with the full reader, with its warnings (for tests of the fast
/// path).
#[cfg(test)]
pub(super) fn read_one_in_full(text: &str) -> Option<(Feature, Vec<Diagnostic>)> {
    let raw: &RawValue = serde_json::from_str(text).ok()?;
    let mut loader = Loader::new(text);
    let feature = loader.feature(0, raw, "features[0]").ok()?;
    Ok::<_, ()>((feature, loader.warnings)).ok()
}

/// Reads feature `index` again, in full, from its span of `text`; warnings are not kept
/// (the load reported them).
pub(super) fn read_full(
    text: &str,
    core: &Core,
    index: usize,
    collection: bool,
) -> Option<Feature> {
    let start = usize::try_from(core.start).ok()?;
    let own = text.get(start..start.checked_add(core.len as usize)?)?;
    let raw: &RawValue = serde_json::from_str(own).ok()?;
    let mut loader = Loader::new(text);
    loader.quiet = true;
    if collection {
        loader
            .feature(index, raw, &format!("features[{index}]"))
            .ok()
    } else if own.trim_start().starts_with('{')
        && serde_json::from_str::<RawObject<'_>>(own)
            .ok()
            .and_then(|o| o.get("type").and_then(as_string))
            .as_deref()
            == Some("Feature")
    {
        loader.feature(0, raw, "").ok()
    } else {
        Some(loader.bare_geometry(raw))
    }
}

/// The deepest nesting of arrays and objects accepted (serde_json's own limit).
pub(super) const MAX_DEPTH: usize = 128;

/// The byte offset where nesting first exceeds [`MAX_DEPTH`], if it does. Brackets inside
/// strings do not count.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A feature the fast path read, for the builder.
pub(super) fn quick_record<'a>(own: &'a str, q: QuickFeature<'a>) -> Record<'a> {
    Record {
        own,
        id: q.id.map(Cow::Borrowed),
        name: q.name,
        description: q.description,
        kind: q.kind,
        look: Look {
            style: q.style,
            precision: q.location_precision,
        },
        geometry: match q.geometry {
            QuickGeometry::None => None,
            QuickGeometry::Point([x, y]) => Some(Geometry::Point(Point::new(x, y))),
            QuickGeometry::Line(line) => Some(Geometry::LineString(LineString(
                line.into_iter().map(|[x, y]| Coord { x, y }).collect(),
            ))),
        },
        route: q.route.map(|r| RouteInfo {
            from: r.from.map(str::to_owned),
            to: r.to.map(str::to_owned),
            aircraft: r.aircraft,
            schematic: r.schematic,
            cruise_kmh: r.cruise_kmh,
            ..RouteInfo::default()
        }),
        cites_elsewhere: !q.foreign_citations.is_empty(),
        source_ids: q.source_ids,
    }
}

/// A feature the full reader read, for the builder. Its geometry and route move into the
/// record; its strings, not being spans of `own`, go to the arena.
fn full_record<'a>(own: &'a str, feature: &'a mut Feature) -> Record<'a> {
    let geometry = feature.geometry.take();
    let route = feature.route.take();
    let feature: &'a Feature = feature;
    let source_ids: Vec<&str> = feature
        .sources
        .iter()
        .filter_map(|s| s.id.as_deref())
        .collect();
    let cites_elsewhere = feature
        .claims
        .iter()
        .flat_map(|c| &c.source_ids)
        .any(|id| !source_ids.contains(&id.as_str()));
    Record {
        own,
        id: Some(Cow::Borrowed(&feature.id)),
        name: Some(Cow::Borrowed(&feature.name)),
        description: feature.description.as_deref().map(Cow::Borrowed),
        kind: feature.kind,
        look: Look {
            style: feature.style.clone(),
            precision: feature.location_precision,
        },
        geometry,
        route,
        source_ids,
        cites_elsewhere,
    }
}
