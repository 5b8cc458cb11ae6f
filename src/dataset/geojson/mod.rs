//! The GeoJSON reader: RFC 7946 text → the model, through the builder. One reader: every
//! Feature is read by [`feature`] (with [`geometry`] and [`evidence`]), whichever thread
//! runs it and however the file is laid out.
//!
//! A FeatureCollection is read in one parallel pass ([`collection`]), each feature quickly
//! (straight into typed, borrowed data). A feature the quick reading stops at (it would warn)
//! is read again, located, once its index is known, which words every warning with its
//! line:column, feature index, id and JSON path. A file the quick pass does not take (a
//! single Feature, a bare geometry, bad JSON, a repeated member) is read here through
//! [`raw`]'s borrowed slices, and its error worded. What is wrong with the file as a whole is
//! a [`LoadError`]; what is wrong with one feature is a warning, and the value at fault is
//! kept so that nothing is lost.
//!
//! Knows GeoJSON's syntax and the model; not how files are opened, nor any screen.

mod capture;
mod citation;
mod collection;
mod evidence;
mod feature;
mod geometry;
mod parts;
mod raw;
mod reader;
#[cfg(test)]
mod tests;
pub mod write;

use std::borrow::Cow;
use std::path::Path;

use serde::de::DeserializeSeed as _;
use serde_json::value::RawValue;

use super::diagnostic::{LoadProgress, invalid};
use super::origin::Origin;
use super::path::Step;
use super::path::{member_path, path_of};
use super::record::{Built, Record};
use super::store::{Core, Part};
use super::{Diagnostic, Feature, LoadError, Source, TextLocation};
use evidence::{SourceParts, SourcesSeed};
use feature::{FeatureSeed, read_quickly};
use parts::Parts;
use raw::{Got, JsonKind, RawObject};
use reader::{GEOMETRY_TYPES, MAX_DEPTH, Reader, json_diagnostic, to_value, too_deep};

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
    let mut loader = Reader::located(text);
    loader.warnings = warnings;
    let (members, mut part, collection) = match collection::read(text, progress)? {
        Some(quick) => (quick.members, quick.part, true),
        None => carefully(text, origin, progress, &mut loader)?,
    };
    log::debug!("features read in {:.2?}", started.elapsed());
    let deferred =
        finish(&mut part, text, collection, loader.lines()).map_err(|d| invalid(origin, *d))?;
    loader.warnings.extend(deferred);
    let mut foreign_members = Vec::new();
    let mut aircraft_cruise_kmh = Vec::new();
    let mut registry = Vec::new();
    for (key, raw) in &members {
        foreign_members.push((key.to_string(), to_value(raw)));
        if key == "aircraft" {
            aircraft_cruise_kmh = aircraft_table(&mut loader, raw);
        }
        if key == "sources" {
            registry = source_registry(&mut loader, raw);
        }
    }
    // The line index the warnings built, handed on to the dataset (which numbers lines in
    // the same text) rather than built again there.
    let lines = loader.take_lines();
    Ok(Built {
        part,
        warnings: loader.warnings,
        foreign_members,
        aircraft_cruise_kmh,
        registry,
        origin: Origin::GeoJson { collection },
        lines,
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
    loader: &mut Reader<'t>,
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
        Some(raw) => Got::of_raw(raw).into_str().ok_or_else(|| {
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
    match type_name.as_ref() {
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
            loader.index = 0;
            loader.prefix = String::new();
            let parts = read_located(loader, raw.get()).map_err(|d| invalid(origin, *d))?;
            part.push_record(text, parts.into_record(raw.get()));
            Ok((Vec::new(), part, false))
        }
        t if GEOMETRY_TYPES.contains(&t) => {
            let raw: &RawValue =
                serde_json::from_str(text).map_err(|e| invalid(origin, json_diagnostic(&e)))?;
            let parts =
                feature::bare(loader, raw).map_err(|e| invalid(origin, json_diagnostic(&e)))?;
            part.push_record(text, parts.into_record(raw.get()));
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

/// Reads the deferred features again, located (on all cores), and names the anonymous
/// ones, now that every feature's index is known. Gives the deferred features' warnings in
/// file order, or the error that stops the load (an element that is not a Feature).
fn finish(
    part: &mut Part,
    text: &str,
    collection: bool,
    lines: &std::sync::Arc<std::sync::OnceLock<Vec<usize>>>,
) -> Result<Vec<Diagnostic>, Box<Diagnostic>> {
    let deferred = std::mem::take(&mut part.deferred);
    log::debug!("{} features to read again, located", deferred.len());
    let cores = &part.cores;
    let read = crate::parallel::map_ranges(deferred.len(), 256, |range| {
        let mut reader = Reader::located_sharing(text, lines);
        range
            .filter_map(|k| deferred.get(k).copied())
            .map(|index| {
                let i = index as usize;
                let own = cores.get(i).map_or("", |c| span(text, c));
                reader.index = i;
                reader.prefix = path_of(i, collection);
                // Only what the builder keeps, taken here: the claims, sources and kept
                // values of a few hundred thousand features would otherwise wait in memory.
                let record = read_located(&mut reader, own).map(|p| p.into_record(own));
                (index, record, std::mem::take(&mut reader.warnings))
            })
            .collect()
    });
    let mut warnings = Vec::new();
    for (index, record, feature_warnings) in read {
        part.set_record(index, text, record?);
        warnings.extend(feature_warnings);
    }
    part.name_anonymous();
    Ok(warnings)
}

/// A feature's own text.
fn span<'t>(text: &'t str, core: &Core) -> &'t str {
    usize::try_from(core.start)
        .ok()
        .and_then(|start| text.get(start..start.checked_add(core.len as usize)?))
        .unwrap_or("")
}

/// Reads the Feature `own` (a slice of the reader's text), located.
///
/// # Errors
/// When `own` is no Feature: not an object, or its `type` is not `"Feature"`.
fn read_located<'t>(reader: &mut Reader<'t>, own: &'t str) -> Result<Parts<'t>, Box<Diagnostic>> {
    let raw: &'t RawValue = serde_json::from_str(own).map_err(|e| Box::new(json_diagnostic(&e)))?;
    let at = reader.location(raw);
    if JsonKind::of(raw) != JsonKind::Object {
        let property = if reader.prefix.is_empty() {
            "(top level)".to_owned()
        } else {
            reader.prefix.clone()
        };
        return Err(Box::new(
            Diagnostic::new(format!(
                "expected a Feature object, found {}",
                JsonKind::of(raw).describe()
            ))
            .property(property)
            .at(at),
        ));
    }
    let before = reader.warnings.len();
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let parts = FeatureSeed {
        reader: &mut *reader,
    }
    .deserialize(&mut de)
    .map_err(|e| Box::new(json_diagnostic(&e)))?;
    if let Some(message) = parts.type_error() {
        reader.warnings.truncate(before);
        return Err(Box::new(Diagnostic {
            feature_index: Some(reader.index),
            ..Diagnostic::new(message)
                .property(member_path(&reader.prefix, "type"))
                .at(at)
        }));
    }
    Ok(parts)
}

/// Reads feature `index` again, in full, from its span of `text`; warnings are not kept
/// (the load reported them).
pub(super) fn read_full(
    text: &str,
    core: &Core,
    index: usize,
    collection: bool,
) -> Option<Feature> {
    let own = span(text, core);
    let mut reader = Reader::located(text);
    reader.quiet = true;
    let raw: &RawValue = serde_json::from_str(own).ok()?;
    let is_feature = || {
        serde_json::from_str::<RawObject<'_>>(own)
            .ok()
            .and_then(|o| o.get("type").and_then(|t| Got::of_raw(t).into_str()))
            .as_deref()
            == Some("Feature")
    };
    let parts = if collection || is_feature() {
        reader.index = if collection { index } else { 0 };
        reader.prefix = path_of(reader.index, collection);
        read_located(&mut reader, own).ok()?
    } else {
        feature::bare(&mut reader, raw).ok()?
    };
    Some(parts.into_feature(reader.index, None))
}

/// Reads a table row's draft `json` (a lean Feature) into `part` as feature `index` of the
/// part, its text `own` (the row, a slice of `text`, the dataset's text): quickly, else
/// located, returning the located reading's warnings (a row whose draft is no feature is
/// left out, with a warning saying why).
pub(crate) fn push_row(
    part: &mut Part,
    text: &str,
    own: &str,
    json: &str,
    index: usize,
) -> Vec<Diagnostic> {
    let mut pushed = false;
    read_quickly(json, |parts, own_json| {
        part.push_record(text, parts.take_record(own_json).detached(own));
        pushed = true;
    });
    if pushed {
        return Vec::new();
    }
    let mut reader = Reader::located(json);
    reader.index = index;
    match read_located(&mut reader, json) {
        Ok(parts) => part.push_record(text, parts.into_record(json).detached(own)),
        Err(diagnostic) => reader.warnings.push(*diagnostic),
    }
    reader.warnings
}

/// Reads one Feature's whole text (a table row's draft, read again in full).
/// Reads a JSON array of sources (a registry, as [`write::sources_geojson`] writes it);
/// `None` when it is not JSON.
pub(crate) fn read_sources_json(json: &str) -> Option<Vec<Source>> {
    let raw: &RawValue = serde_json::from_str(json).ok()?;
    let mut reader = Reader::located(json);
    reader.quiet = true;
    Some(source_registry(&mut reader, raw))
}

pub(crate) fn read_feature_json(json: &str, index: usize) -> Option<Feature> {
    let mut reader = Reader::located(json);
    reader.quiet = true;
    reader.index = index;
    let parts = read_located(&mut reader, json).ok()?;
    Some(parts.into_feature(index, None))
}

/// Reads the text of a feature changed in Sortie (one Feature object, as
/// [`write::feature_geojson`] writes it) into the record of feature `index`, with what the
/// located reading warns about (nothing, for a feature whose values all read).
///
/// # Errors
/// The diagnostic when the text is no Feature.
pub(crate) fn edited_record(
    own: &str,
    index: usize,
) -> Result<(Record<'_>, Vec<Diagnostic>), Box<Diagnostic>> {
    let mut record = None;
    read_quickly(own, |parts, own_json| {
        record = Some(parts.take_record(own_json))
    });
    if let Some(record) = record {
        return Ok((record, Vec::new()));
    }
    let mut reader = Reader::located(own);
    reader.index = index;
    reader.prefix = path_of(index, true);
    let parts = read_located(&mut reader, own)?;
    Ok((parts.into_record(own), reader.warnings))
}

/// The byte offset, within `text` (one JSON value), of the value `path` leads to; `None`
/// when the path leads nowhere.
pub(super) fn offset_of(text: &str, path: &[Step<'_>]) -> Option<usize> {
    let mut value: &RawValue = serde_json::from_str(text).ok()?;
    for step in path {
        value = match *step {
            Step::Key(key) => serde_json::from_str::<RawObject<'_>>(value.get())
                .ok()?
                .get(key)?,
            Step::Index(i) => *serde_json::from_str::<Vec<&RawValue>>(value.get())
                .ok()?
                .get(i)?,
        };
    }
    Some(raw::offset_in(text, value))
}

/// The byte offsets, within `text`, of the elements of the array `path` leads to (none
/// when it leads to no array).
pub(super) fn element_offsets(text: &str, path: &[Step<'_>]) -> Vec<usize> {
    let Some(at) = offset_of(text, path) else {
        return Vec::new();
    };
    let Some(array) = text.get(at..) else {
        return Vec::new();
    };
    let mut de = serde_json::Deserializer::from_str(array);
    let items: Vec<&RawValue> = serde::Deserialize::deserialize(&mut de).unwrap_or_default();
    items
        .into_iter()
        .map(|raw| at + raw::offset_in(array, raw))
        .collect()
}

/// Reads the file's source registry, its top-level `sources`: the same records as a
/// feature's sources, with the same warnings (naming `sources[i]`, and no feature).
fn source_registry<'t>(reader: &mut Reader<'t>, raw: &'t RawValue) -> Vec<Source> {
    let (prefix, index) = (std::mem::take(&mut reader.prefix), reader.index);
    reader.top_level = true;
    let mut ids = Vec::new();
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let read = SourcesSeed::new(reader, "sources", &mut ids).deserialize(&mut de);
    reader.top_level = false;
    (reader.prefix, reader.index) = (prefix, index);
    match read {
        Ok(Ok(read)) => read
            .items
            .into_iter()
            .map(SourceParts::into_source)
            .collect(),
        Ok(Err(kind)) => {
            let at = reader.location(raw);
            reader.warnings.push(
                Diagnostic::new(format!(
                    "expected an array of sources, found {}",
                    kind.describe()
                ))
                .property("sources")
                .at(at),
            );
            Vec::new()
        }
        Err(e) => {
            reader
                .warnings
                .push(json_diagnostic(&e).property("sources"));
            Vec::new()
        }
    }
}

/// Reads the top-level `aircraft` table: `{"Tu-22M3": {"cruise_kmh": 900, …}, …}`.
fn aircraft_table(reader: &mut Reader<'_>, raw: &RawValue) -> Vec<(String, f64)> {
    let Ok(table) = serde_json::from_str::<RawObject<'_>>(raw.get()) else {
        let at = reader.location(raw);
        reader.warnings.push(
            Diagnostic::new("\"aircraft\" should be an object of aircraft types")
                .property("aircraft")
                .at(at),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, entry) in &table.members {
        let speed = serde_json::from_str::<RawObject<'_>>(entry.get())
            .ok()
            .and_then(|o| o.get("cruise_kmh"))
            .and_then(|v| Got::of_raw(v).number())
            .filter(|v| *v > 0.0);
        match speed {
            Some(speed) => out.push((name.to_string(), speed)),
            None => {
                let at = reader.location(entry);
                reader.warnings.push(
                    Diagnostic::new("expected {\"cruise_kmh\": a number above 0, …}")
                        .property(format!("aircraft.{name}"))
                        .at(at),
                );
            }
        }
    }
    out
}
