//! GeoJSON text → [`Dataset`].
//!
//! Two passes over the text, no generic JSON tree in between: the first splits the
//! collection into borrowed raw slices (one per feature), the second reads each feature
//! into typed data. What is wrong with the file as a whole (not JSON, not GeoJSON) is a
//! [`LoadError`]; what is wrong with one feature is a warning naming its index, id and
//! property, and the feature is kept, with the value at fault moved to its
//! `other_properties` (or `foreign_members`) so that nothing is lost.

use std::cell::OnceCell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde_json::Value;
use serde_json::value::RawValue;

use super::fast::{self, QuickFeature, QuickGeometry};
use super::raw::{Coords, JsonKind, RawObject, offset_in};
use super::store::{self, Core, Look, Part, StrRef};
use super::{
    Claim, ClaimStatus, Dataset, Diagnostic, Feature, FeatureKind, LoadError, LocationPrecision,
    MarkerSize, PartialDate, PrecisionLevel, Rgb, RouteInfo, SimpleStyle, Source, TextLocation,
};
use crate::routes::RouteMetrics;

/// Reads and parses a GeoJSON file.
///
/// # Errors
/// [`LoadError::Read`] when the file cannot be read, [`LoadError::Invalid`] when it is not
/// GeoJSON (with line and column, or the JSON path at fault).
pub fn load_path(path: &Path) -> Result<Dataset, LoadError> {
    load_path_with(path, &LoadProgress::default())
}

/// How far a load has come, shared with the thread doing it; and a way to cancel it.
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub(super) done: AtomicUsize,
    pub(super) total: AtomicUsize,
    cancelled: AtomicBool,
}

impl LoadProgress {
    /// Work done so far and in all (features, or bytes of the features array; the total is 0
    /// while it is not known yet).
    pub fn features(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// The fraction done, 0 to 1.
    #[allow(clippy::cast_precision_loss)]
    pub fn fraction(&self) -> f32 {
        let (done, total) = self.features();
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64) as f32
        }
    }

    /// Asks the load to stop; it returns [`LoadError::Cancelled`] soon after.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`LoadProgress::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// [`load_path`], reporting progress and stopping when cancelled.
///
/// # Errors
/// As [`load_path`], and [`LoadError::Cancelled`].
pub fn load_path_with(path: &Path, progress: &LoadProgress) -> Result<Dataset, LoadError> {
    let started = std::time::Instant::now();
    let bytes = read_file(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    log::debug!("{} bytes read in {:.2?}", bytes.len(), started.elapsed());
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled);
    }
    parse_owned(bytes, Some(path), progress)
}

/// Reads a whole file; a big one in as many pieces as there are cores, read side by side
/// (copying from the page cache and faulting in the buffer's pages is most of the time).
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt as _;
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    if len < 1 << 24 {
        let mut bytes = Vec::with_capacity(len);
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        return Ok(bytes);
    }
    let mut bytes = vec![0u8; len];
    let pieces = crate::parallel::threads_for(len, 1 << 24);
    let piece = len.div_ceil(pieces);
    let read: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bytes
            .chunks_mut(piece)
            .enumerate()
            .map(|(k, chunk)| {
                let file = &file;
                scope.spawn(move || file.read_exact_at(chunk, (k * piece) as u64))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| crate::parallel::joined(h.join()))
            .collect()
    });
    read.into_iter().collect::<std::io::Result<()>>()?;
    // The file may have grown meanwhile: read whatever follows too.
    let mut rest = &file;
    std::io::Seek::seek(&mut rest, std::io::SeekFrom::Start(len as u64))?;
    std::io::Read::read_to_end(&mut rest, &mut bytes)?;
    Ok(bytes)
}

/// Parses GeoJSON from bytes (UTF-8, with or without a byte-order mark).
///
/// `origin` names the file in errors and gives the dataset its title.
///
/// # Errors
/// [`LoadError::Invalid`] when the bytes are not UTF-8, not JSON, or not GeoJSON.
pub fn parse_bytes(bytes: &[u8], origin: Option<&Path>) -> Result<Dataset, LoadError> {
    parse_bytes_with(bytes, origin, &LoadProgress::default())
}

/// [`parse_bytes`], reporting progress and stopping when cancelled.
///
/// # Errors
/// As [`parse_bytes`], and [`LoadError::Cancelled`].
pub fn parse_bytes_with(
    bytes: &[u8],
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    parse_owned(bytes.to_vec(), origin, progress)
}

/// Parses GeoJSON text.
///
/// # Errors
/// [`LoadError::Invalid`] when the text is not JSON or not GeoJSON.
pub fn parse_str(text: &str, origin: Option<&Path>) -> Result<Dataset, LoadError> {
    parse_owned(text.as_bytes().to_vec(), origin, &LoadProgress::default())
}

/// Parses GeoJSON from bytes the dataset then keeps (a feature is read again from them in
/// full when it is shown).
fn parse_owned(
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let mut warnings = Vec::new();
    let text_start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        warnings.push(
            Diagnostic::new("the UTF-8 byte-order mark at the start of the file was ignored")
                .at(TextLocation { line: 1, column: 1 }),
        );
        3
    } else {
        0
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid_up_to = e.utf8_error().valid_up_to();
        let valid = bytes
            .get(text_start.min(valid_up_to)..valid_up_to)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let bad = bytes.get(valid_up_to).copied().unwrap_or(0);
        invalid(
            origin,
            Diagnostic::new(format!("the file is not valid UTF-8 (byte 0x{bad:02X})"))
                .at(TextLocation::of_offset(valid, valid.len())),
        )
    })?;
    let text = std::sync::Arc::new(text);
    let body = text.get(text_start..).unwrap_or("");
    let started = std::time::Instant::now();
    let parsed = parse_text(body, origin, warnings, progress)?;
    let parsed_at = started.elapsed();
    let dataset = parsed.into_dataset(origin, std::sync::Arc::clone(&text), text_start);
    log::debug!(
        "loaded {} features: parsed in {parsed_at:.2?}, indexed in {:.2?}",
        dataset.len(),
        started.elapsed() - parsed_at
    );
    Ok(dataset)
}

fn invalid(origin: Option<&Path>, diagnostic: Diagnostic) -> LoadError {
    LoadError::Invalid {
        origin: origin.map(Path::to_owned),
        diagnostic: Box::new(diagnostic),
    }
}

/// A serde_json error as a diagnostic: its message without serde's own " at line …".
fn json_diagnostic(error: &serde_json::Error) -> Diagnostic {
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

const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// What parsing gives before the dataset takes the text.
struct Parsed {
    part: Part,
    warnings: Vec<Diagnostic>,
    foreign_members: Vec<(String, Value)>,
    aircraft_cruise_kmh: Vec<(String, f64)>,
    collection: bool,
}

impl Parsed {
    fn into_dataset(
        self,
        origin: Option<&Path>,
        text: std::sync::Arc<String>,
        text_start: usize,
    ) -> Dataset {
        let mut kind_counts = [0usize; 5];
        for core in &self.part.cores {
            if let Some(k) = FeatureKind::ALL.iter().position(|&k| k == core.kind)
                && let Some(n) = kind_counts.get_mut(k)
            {
                *n += 1;
            }
        }
        let mut dataset = Dataset {
            title: origin.and_then(|p| p.file_name()).map_or_else(
                || "untitled".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
            path: origin.map(Path::to_owned),
            warnings: self.warnings,
            foreign_members: self.foreign_members,
            aircraft_cruise_kmh: self.aircraft_cruise_kmh,
            text,
            text_start,
            part: self.part,
            ids: store::IdTable::default(),
            kind_counts,
            summary: std::sync::OnceLock::new(),
            lines: std::sync::OnceLock::new(),
            collection: self.collection,
        };
        if dataset.part.cites_elsewhere.is_empty() {
            // No claim cites another feature's source: nothing will look one up.
            dataset.part.sources = Vec::new();
        }
        let started = std::time::Instant::now();
        index_ids(&mut dataset);
        log::debug!("ids indexed in {:.2?}", started.elapsed());
        resolve_routes(&mut dataset);
        log::debug!("routes resolved in {:.2?}", started.elapsed());
        check_claim_sources(&mut dataset);
        log::debug!("sources checked in {:.2?}", started.elapsed());
        dataset
    }
}

/// Features per thread below which the load stays on one thread.
const PARALLEL_FROM: usize = 4_096;

fn parse_text(
    text: &str,
    origin: Option<&Path>,
    warnings: Vec<Diagnostic>,
    progress: &LoadProgress,
) -> Result<Parsed, LoadError> {
    if text.trim().is_empty() {
        return Err(invalid(origin, Diagnostic::new("the file is empty")));
    }
    let started = std::time::Instant::now();
    if let Some(quick) = super::collection::read(text, progress)? {
        log::debug!("features read the quick way in {:.2?}", started.elapsed());
        let mut loader = Loader::new(text);
        loader.warnings = warnings;
        let mut part = quick.part;
        finish(&mut part, text, true)
            .map_err(|d| invalid(origin, d))
            .map(|w| loader.warnings.extend(w))?;
        let mut foreign_members = Vec::new();
        let mut aircraft_cruise_kmh = Vec::new();
        for (key, raw) in &quick.members {
            foreign_members.push((key.to_string(), to_value(raw)));
            if key == "aircraft" {
                aircraft_cruise_kmh = loader.aircraft_table(raw);
            }
        }
        return Ok(Parsed {
            part,
            warnings: loader.warnings,
            foreign_members,
            aircraft_cruise_kmh,
            collection: true,
        });
    }
    if let Some(offset) = too_deep(text) {
        return Err(invalid(
            origin,
            Diagnostic::new(format!("JSON nested deeper than {MAX_DEPTH} levels"))
                .at(TextLocation::of_offset(text, offset)),
        ));
    }
    log::debug!("nesting checked in {:.2?}", started.elapsed());
    let top: RawObject<'_> = serde_json::from_str(text).map_err(|e| {
        let mut d = json_diagnostic(&e);
        if e.classify() == serde_json::error::Category::Data {
            d.message = "expected a GeoJSON object at the top level".to_owned();
        }
        invalid(origin, d)
    })?;
    log::debug!("top level read in {:.2?}", started.elapsed());

    let mut loader = Loader::new(text);
    loader.warnings = warnings;
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

    let mut foreign_members = Vec::new();
    let mut aircraft_cruise_kmh = Vec::new();
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
            let list: Vec<&RawValue> = serde_json::from_str(raw_features.get()).map_err(|_| {
                invalid(
                    origin,
                    Diagnostic::new(format!(
                        "expected an array of features, found {}",
                        JsonKind::of(raw_features).describe()
                    ))
                    .property("features")
                    .at(loader.location(raw_features)),
                )
            })?;
            progress.total.store(list.len(), Ordering::Relaxed);
            log::debug!("features split in {:.2?}", started.elapsed());
            let list = &list;
            let results: Vec<Result<Part, LoadError>> = std::thread::scope(|scope| {
                let handles: Vec<_> = crate::parallel::ranges(list.len(), PARALLEL_FROM)
                    .into_iter()
                    .map(|range| {
                        let first = range.start;
                        let raws = list.get(range).unwrap_or(&[]);
                        scope.spawn(move || read_run(text, raws, first, progress))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or(Err(LoadError::Cancelled)))
                    .collect()
            });
            for result in results {
                part.append(result?);
            }
            let warnings = finish(&mut part, text, true).map_err(|d| invalid(origin, d))?;
            loader.warnings.extend(warnings);
            progress.done.store(list.len(), Ordering::Relaxed);
            log::debug!("features read in {:.2?}", started.elapsed());
            for (key, raw) in &top.members {
                if key != "type" && key != "features" {
                    foreign_members.push((key.to_string(), to_value(raw)));
                }
                if key == "aircraft" {
                    aircraft_cruise_kmh = loader.aircraft_table(raw);
                }
            }
        }
        "Feature" => {
            // The whole text is the one feature; serde_json has already checked it.
            let raw: &RawValue =
                serde_json::from_str(text).map_err(|e| invalid(origin, json_diagnostic(&e)))?;
            let feature = loader.feature(0, raw, "").map_err(|d| invalid(origin, d))?;
            push_full(&mut part, raw.get(), text, feature);
        }
        t if GEOMETRY_TYPES.contains(&t) => {
            let raw: &RawValue =
                serde_json::from_str(text).map_err(|e| invalid(origin, json_diagnostic(&e)))?;
            let feature = loader.bare_geometry(raw);
            push_full(&mut part, raw.get(), text, feature);
        }
        other => {
            return Err(invalid(
                origin,
                Diagnostic::new(format!(
                    "unknown GeoJSON type {other:?} (expected FeatureCollection, Feature or a geometry)"
                ))
                .property("type"),
            ));
        }
    }
    Ok(Parsed {
        part,
        warnings: loader.warnings,
        foreign_members,
        aircraft_cruise_kmh,
        collection: type_name == "FeatureCollection",
    })
}

/// Reads a run of a collection's features, split beforehand (`first` is the first one's
/// index, for progress only): each through the fast path, or deferred to the full reader.
fn read_run(
    text: &str,
    raws: &[&RawValue],
    first: usize,
    progress: &LoadProgress,
) -> Result<Part, LoadError> {
    let mut part = Part::default();
    part.cores.reserve_exact(raws.len());
    part.points.reserve(raws.len());
    for (k, raw) in raws.iter().enumerate() {
        if (first + k) % 1024 == 1023 {
            if progress.is_cancelled() {
                return Err(LoadError::Cancelled);
            }
            progress.done.fetch_add(1024, Ordering::Relaxed);
        }
        match fast::read(raw.get()) {
            Some(quick) => push_quick(&mut part, raw.get(), text, quick),
            None => defer(&mut part, raw.get(), text),
        }
    }
    Ok(part)
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
        fill_full(part, index, own, text, feature?);
        warnings.extend(feature_warnings);
    }
    for (index, name_too) in std::mem::take(&mut part.anonymous) {
        let id = part.arena_str(&format!("#{index}"));
        if let Some(core) = part.cores.get_mut(index as usize) {
            core.id = id;
            if name_too {
                core.name = id;
            }
        }
    }
    Ok(warnings)
}

/// The byte span of `own`, a slice of `text`.
fn span_of(own: &str, text: &str) -> (u64, u32) {
    let start = (own.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    (
        u64::try_from(start).unwrap_or(u64::MAX),
        u32::try_from(own.len()).unwrap_or(u32::MAX),
    )
}

fn index_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(store::NONE - 1)
}

/// Stores a feature the fast path read from `own`, its slice of `text`.
pub(super) fn push_quick(part: &mut Part, own: &str, text: &str, q: QuickFeature<'_>) {
    let (start, len) = span_of(own, text);
    let id = match q.id {
        Some(id) => part.str_in(own, id),
        None => StrRef::EMPTY,
    };
    let name = match &q.name {
        Some(std::borrow::Cow::Borrowed(n)) => part.str_in(own, n),
        Some(std::borrow::Cow::Owned(n)) => part.arena_str(n),
        None => id,
    };
    if q.id.is_none() {
        let here = u32::try_from(part.cores.len()).unwrap_or(store::NONE);
        part.anonymous.push((here, q.name.is_none()));
    }
    let description = match &q.description {
        Some(std::borrow::Cow::Borrowed(d)) => part.str_in(own, d),
        Some(std::borrow::Cow::Owned(d)) => part.arena_str(d),
        None => StrRef::EMPTY,
    };
    let look = part.looks.intern(Look {
        style: q.style,
        precision: q.location_precision,
    });
    let geometry = part.add_geometry(match q.geometry {
        QuickGeometry::None => None,
        QuickGeometry::Point([x, y]) => Some(Geometry::Point(Point::new(x, y))),
        QuickGeometry::Line(line) => Some(Geometry::LineString(LineString(
            line.into_iter().map(|[x, y]| Coord { x, y }).collect(),
        ))),
    });
    let route = match q.route {
        None => store::NONE,
        Some(r) => {
            part.routes.push(RouteInfo {
                from: r.from.map(str::to_owned),
                to: r.to.map(str::to_owned),
                aircraft: r.aircraft,
                schematic: r.schematic,
                cruise_kmh: r.cruise_kmh,
                metrics: RouteMetrics::measure(&route_vertices(part.shape(geometry))),
                ..RouteInfo::default()
            });
            index_u32(part.routes.len() - 1)
        }
    };
    let core = Core {
        start,
        len,
        id,
        name,
        description,
        look,
        geometry,
        route,
        kind: q.kind,
    };
    part.push(core, &q.source_ids, !q.foreign_citations.is_empty());
}

/// Holds a place for a feature the fast path refused, to be read in full by [`finish`].
pub(super) fn defer(part: &mut Part, own: &str, text: &str) {
    let (start, len) = span_of(own, text);
    let here = u32::try_from(part.cores.len()).unwrap_or(store::NONE);
    part.deferred.push(here);
    part.cores.push(Core {
        start,
        len,
        id: StrRef::EMPTY,
        name: StrRef::EMPTY,
        description: StrRef::EMPTY,
        look: 0,
        geometry: store::NONE,
        route: store::NONE,
        kind: FeatureKind::Other,
    });
}

/// Stores a feature the full reader read from `own` (a file that is one feature).
fn push_full(part: &mut Part, own: &str, text: &str, feature: Feature) {
    defer(part, own, text);
    part.deferred.pop();
    fill_full(part, 0, own, text, feature);
}

/// Stores feature `index`, read in full from `own`, its slice of `text`.
fn fill_full(part: &mut Part, index: u32, own: &str, text: &str, feature: Feature) {
    let (start, len) = span_of(own, text);
    let id = part.arena_str(&feature.id);
    let name = part.arena_str(&feature.name);
    let description = match &feature.description {
        Some(d) => part.arena_str(d),
        None => StrRef::EMPTY,
    };
    let look = part.looks.intern(Look {
        style: feature.style.clone(),
        precision: feature.location_precision,
    });
    let geometry = part.add_geometry(feature.geometry);
    let route = match feature.route {
        None => store::NONE,
        Some(mut r) => {
            r.metrics = RouteMetrics::measure(&route_vertices(part.shape(geometry)));
            part.routes.push(r);
            index_u32(part.routes.len() - 1)
        }
    };
    let own_ids: Vec<&str> = feature
        .sources
        .iter()
        .filter_map(|s| s.id.as_deref())
        .collect();
    let cites_elsewhere = feature
        .claims
        .iter()
        .flat_map(|c| &c.source_ids)
        .any(|id| !own_ids.contains(&id.as_str()));
    let core = Core {
        start,
        len,
        id,
        name,
        description,
        look,
        geometry,
        route,
        kind: feature.kind,
    };
    part.set(index, core, &own_ids, cites_elsewhere);
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
const MAX_DEPTH: usize = 128;

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

/// Fills the id index; a repeated id is a warning and keeps pointing at its first feature.
fn index_ids(dataset: &mut Dataset) {
    let mut ids = store::IdTable::with_capacity(dataset.len());
    let id_of = |i: u32| dataset.get(i as usize).map_or("", |f| f.id);
    let mut warnings = Vec::new();
    // Hashing reads every id from the text: on all cores, a block of features at a time.
    const BLOCK: usize = 1 << 18;
    for first in (0..dataset.len()).step_by(BLOCK) {
        let block = BLOCK.min(dataset.len() - first);
        let hashes = crate::parallel::map_ranges(block, 65_536, |range| {
            range
                .filter_map(|k| dataset.get(first + k))
                .map(|f| store::id_hash(f.id))
                .collect()
        });
        for (k, &hash) in hashes.iter().enumerate() {
            let index = index_u32(first + k);
            let id = id_of(index);
            match ids.entry(
                hash,
                |&other| id_of(other) == id,
                |&other| store::id_hash(id_of(other)),
            ) {
                hashbrown::hash_table::Entry::Vacant(slot) => {
                    slot.insert(index);
                }
                hashbrown::hash_table::Entry::Occupied(first) => {
                    let first = *first.get();
                    let i = index as usize;
                    warnings.push(Diagnostic {
                        feature_index: Some(i),
                        feature_id: Some(id.to_owned()),
                        property: Some(member_path(&path_of(i, dataset.collection), "id")),
                        ..Diagnostic::new(format!(
                            "duplicate id {id:?} (first used by feature {first}); links to it go to the first"
                        ))
                        .at(dataset.feature_location(i))
                    });
                }
            }
        }
    }
    dataset.ids = ids;
    dataset.warnings.extend(warnings);
}

/// Resolves routes' `from`/`to` ids.
fn resolve_routes(dataset: &mut Dataset) {
    let collection = dataset.collection;
    let routes: Vec<usize> = dataset
        .part
        .cores
        .iter()
        .enumerate()
        .filter(|(_, c)| c.route != store::NONE)
        .map(|(i, _)| i)
        .collect();
    // Each lookup is a few random reads of memory: on all cores.
    let dataset_ref = &*dataset;
    let resolved = crate::parallel::map_ranges(routes.len(), 4_096, |range| {
        let mut out = Vec::with_capacity(range.len());
        for i in range.filter_map(|k| routes.get(k).copied()) {
            let Some(feature) = dataset_ref.get(i) else {
                continue;
            };
            let Some(route) = feature.route else {
                continue;
            };
            let mut warnings = Vec::new();
            let mut ends = [None, None];
            for (slot, (name, id)) in ends
                .iter_mut()
                .zip([("from", &route.from), ("to", &route.to)])
            {
                let message = match id {
                    Some(id) => match dataset_ref.index_of(id) {
                        Some(index) => {
                            *slot = Some(index);
                            continue;
                        }
                        None => format!("no feature has the id {id:?}"),
                    },
                    None => format!("a route should name the id of the feature it goes {name}"),
                };
                warnings.push((format!("properties.{name}"), message));
            }
            if route_vertices(feature.geometry().as_deref()).len() < 2 {
                warnings.push((
                    "geometry".to_owned(),
                    "a route needs a LineString of at least two positions; it cannot be measured or drawn as a route".to_owned(),
                ));
            }
            out.push((i, ends, warnings));
        }
        out
    });
    let mut warnings = Vec::new();
    for (i, [from, to], route_warnings) in resolved {
        for (member, message) in route_warnings {
            warnings.push(Diagnostic {
                feature_index: Some(i),
                feature_id: dataset.get(i).map(|f| f.id.to_owned()),
                property: Some(member_path(&path_of(i, collection), &member)),
                ..Diagnostic::new(message).at(dataset.feature_location(i))
            });
        }
        let Some(core) = dataset.part.cores.get(i) else {
            continue;
        };
        if let Some(route) = dataset.part.routes.get_mut(core.route as usize) {
            route.from_index = from;
            route.to_index = to;
        }
    }
    dataset.warnings.extend(warnings);
}

/// The vertices of a route: a LineString's, or a MultiLineString's parts joined.
pub fn route_vertices(geometry: Option<&Geometry<f64>>) -> Vec<Point<f64>> {
    match geometry {
        Some(Geometry::LineString(line)) => line.points().collect(),
        Some(Geometry::MultiLineString(lines)) => lines.0.iter().flat_map(|l| l.points()).collect(),
        _ => Vec::new(),
    }
}

/// Warns about claims that cite a source id that neither the feature nor any other has.
///
/// Only features whose claims cite a source they do not define themselves are read again,
/// and the features whose source ids hash alike.
fn check_claim_sources(dataset: &mut Dataset) {
    if dataset.part.cites_elsewhere.is_empty() {
        return;
    }
    dataset.part.sources.sort_unstable();
    dataset.part.cites_elsewhere.sort_unstable();
    let collection = dataset.collection;
    let mut warnings = Vec::new();
    for &index in &dataset.part.cites_elsewhere {
        let Some(feature) = dataset.feature(index as usize) else {
            continue;
        };
        for (c, claim) in feature.claims.iter().enumerate() {
            for id in &claim.source_ids {
                if feature.source(id).is_none() && dataset.source_by_id(id).is_none() {
                    warnings.push(Diagnostic {
                        feature_index: Some(feature.index),
                        feature_id: Some(feature.id.clone()),
                        property: Some(member_path(
                            &path_of(feature.index, collection),
                            &format!("properties.claims[{c}].sources"),
                        )),
                        ..Diagnostic::new(format!("no source has the id {id:?}"))
                            .with_location(feature.location)
                    });
                }
            }
        }
    }
    dataset.warnings.extend(warnings);
}

impl Diagnostic {
    fn with_location(self, location: Option<TextLocation>) -> Self {
        match location {
            Some(l) => self.at(l),
            None => self,
        }
    }
}

/// The JSON path of feature `index`: `features[3]`, or empty for a file that is a single
/// Feature.
fn path_of(index: usize, collection: bool) -> String {
    if collection {
        format!("features[{index}]")
    } else {
        String::new()
    }
}

fn member_path(prefix: &str, member: &str) -> String {
    if prefix.is_empty() {
        member.to_owned()
    } else {
        format!("{prefix}.{member}")
    }
}

/// Reads features, collecting warnings.
struct Loader<'t> {
    text: &'t str,
    /// Byte offsets of line starts, built on the first warning.
    lines: OnceCell<Vec<usize>>,
    warnings: Vec<Diagnostic>,
    /// Reading a feature again for display: no warnings, no locations.
    quiet: bool,
}

/// Where a warning is about, inside one feature.
struct Place<'a> {
    index: usize,
    id: Option<&'a str>,
}

impl<'t> Loader<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            lines: OnceCell::new(),
            warnings: Vec::new(),
            quiet: false,
        }
    }

    fn location(&self, raw: &RawValue) -> TextLocation {
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

    fn warn(
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
    fn aircraft_table(&mut self, raw: &RawValue) -> Vec<(String, f64)> {
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
    fn bare_geometry(&mut self, raw: &'t RawValue) -> Feature {
        let place = Place { index: 0, id: None };
        let mut feature = empty_feature(0, "#0".to_owned(), Some(self.location(raw)));
        self.read_geometry_into(&place, raw, "", &mut feature);
        feature
    }

    /// Reads one Feature object. Errors only when the value is not a Feature at all.
    fn feature(
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

    fn read_geometry_into(
        &mut self,
        place: &Place<'_>,
        raw: &RawValue,
        path: &str,
        feature: &mut Feature,
    ) {
        if JsonKind::of(raw) == JsonKind::Null {
            return;
        }
        match self.geometry(raw, path, &mut feature.altitudes_m) {
            Ok(geometry) => feature.geometry = Some(geometry),
            Err((at_raw, at_path, message)) => {
                self.warn(
                    place,
                    at_raw,
                    at_path,
                    format!("{message}; the feature is kept without a geometry"),
                );
                feature.altitudes_m.clear();
                feature
                    .foreign_members
                    .push(("geometry".to_owned(), to_value(raw)));
            }
        }
    }

    /// Reads a geometry. The error names the raw value and path at fault.
    fn geometry<'r>(
        &self,
        raw: &'r RawValue,
        path: &str,
        altitudes: &mut Vec<f64>,
    ) -> Result<Geometry<f64>, (&'r RawValue, String, String)> {
        let fail = |r: &'r RawValue, p: String, m: String| Err((r, p, m));
        let Ok(object) = serde_json::from_str::<RawObject<'r>>(raw.get()) else {
            return fail(
                raw,
                path.to_owned(),
                format!(
                    "a geometry must be an object or null, found {}",
                    JsonKind::of(raw).describe()
                ),
            );
        };
        let type_path = member_path(path, "type");
        let Some(type_raw) = object.get("type") else {
            return fail(raw, type_path, "a geometry needs a \"type\"".to_owned());
        };
        let Some(type_name) = as_string(type_raw) else {
            return fail(
                type_raw,
                type_path,
                format!(
                    "expected a string, found {}",
                    JsonKind::of(type_raw).describe()
                ),
            );
        };
        if type_name == "GeometryCollection" {
            let gpath = member_path(path, "geometries");
            let Some(list_raw) = object.get("geometries") else {
                return fail(
                    raw,
                    gpath,
                    "a GeometryCollection needs a \"geometries\" array".to_owned(),
                );
            };
            let Ok(list) = serde_json::from_str::<Vec<&'r RawValue>>(list_raw.get()) else {
                return fail(
                    list_raw,
                    gpath,
                    format!(
                        "expected an array, found {}",
                        JsonKind::of(list_raw).describe()
                    ),
                );
            };
            let mut parts = Vec::with_capacity(list.len());
            for (i, part) in list.into_iter().enumerate() {
                parts.push(self.geometry(part, &format!("{gpath}[{i}]"), altitudes)?);
            }
            return Ok(Geometry::GeometryCollection(geo_types::GeometryCollection(
                parts,
            )));
        }
        if !GEOMETRY_TYPES.contains(&type_name.as_str()) {
            return fail(
                type_raw,
                type_path,
                format!("unknown geometry type {type_name:?}"),
            );
        }
        let cpath = member_path(path, "coordinates");
        let Some(coords_raw) = object.get("coordinates") else {
            return fail(raw, cpath, format!("a {type_name} needs \"coordinates\""));
        };
        let coords: Coords = serde_json::from_str(coords_raw.get())
            .map_err(|e| (coords_raw, cpath.clone(), json_diagnostic(&e).message))?;
        let shape = |m: String| (coords_raw, cpath.clone(), m);
        let geometry = match type_name.as_str() {
            "Point" => Geometry::Point(Point(position(&coords, "", altitudes).map_err(shape)?)),
            "MultiPoint" => Geometry::MultiPoint(MultiPoint(
                positions(&coords, "", altitudes, 0)
                    .map_err(shape)?
                    .into_iter()
                    .map(Point)
                    .collect(),
            )),
            "LineString" => Geometry::LineString(LineString(
                positions(&coords, "", altitudes, 2).map_err(shape)?,
            )),
            "MultiLineString" => Geometry::MultiLineString(MultiLineString(
                list(&coords, "")
                    .map_err(shape)?
                    .iter()
                    .enumerate()
                    .map(|(i, c)| positions(c, &format!("[{i}]"), altitudes, 2).map(LineString))
                    .collect::<Result<_, _>>()
                    .map_err(shape)?,
            )),
            "Polygon" => Geometry::Polygon(polygon(&coords, "", altitudes).map_err(shape)?),
            _ => Geometry::MultiPolygon(MultiPolygon(
                list(&coords, "")
                    .map_err(shape)?
                    .iter()
                    .enumerate()
                    .map(|(i, c)| polygon(c, &format!("[{i}]"), altitudes))
                    .collect::<Result<_, _>>()
                    .map_err(shape)?,
            )),
        };
        Ok(geometry)
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
    fn wrong_type(
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

fn empty_feature(index: usize, id: String, location: Option<TextLocation>) -> Feature {
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

fn as_string(raw: &RawValue) -> Option<String> {
    (JsonKind::of(raw) == JsonKind::String)
        .then(|| serde_json::from_str::<String>(raw.get()).ok())
        .flatten()
}

fn as_f64(raw: &RawValue) -> Option<f64> {
    (JsonKind::of(raw) == JsonKind::Number)
        .then(|| serde_json::from_str::<f64>(raw.get()).ok())
        .flatten()
        .filter(|v| v.is_finite())
}

fn string_list(raw: &RawValue) -> Option<Vec<String>> {
    match JsonKind::of(raw) {
        JsonKind::String => as_string(raw).map(|s| vec![s]),
        JsonKind::Array => serde_json::from_str::<Vec<String>>(raw.get()).ok(),
        _ => None,
    }
}

/// A raw value as a `serde_json::Value`; a number too large for f64 is kept as its text.
fn to_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|_| Value::String(raw.get().to_owned()))
}

pub(super) fn location_precision(raw: &RawValue) -> Result<LocationPrecision, String> {
    const EXPECTED: &str = "location_precision must be \"exact\", \"approximate\", \"area\", or {\"level\": …, \"radius_km\": …}";
    if let Some(level) = as_string(raw) {
        let level = PrecisionLevel::parse(&level).ok_or_else(|| EXPECTED.to_owned())?;
        return Ok(LocationPrecision {
            level,
            radius_km: None,
        });
    }
    let object: RawObject<'_> = serde_json::from_str(raw.get()).map_err(|_| EXPECTED.to_owned())?;
    let level = object
        .get("level")
        .and_then(as_string)
        .as_deref()
        .and_then(PrecisionLevel::parse)
        .ok_or_else(|| EXPECTED.to_owned())?;
    let radius_km = match object.get("radius_km") {
        None => None,
        Some(r) => Some(
            as_f64(r)
                .filter(|&r| r >= 0.0)
                .ok_or("radius_km must be a number ≥ 0")?,
        ),
    };
    Ok(LocationPrecision { level, radius_km })
}

/// The items of a coordinate array, or an error naming the path below `coordinates`.
fn list<'c>(coords: &'c Coords, path: &str) -> Result<&'c [Coords], String> {
    match coords {
        Coords::Array(items) => Ok(items),
        Coords::Number(_) => Err(format!(
            "coordinates{path}: expected an array, found a number"
        )),
        Coords::Other(found) => Err(format!(
            "coordinates{path}: expected an array, found {found}"
        )),
    }
}

/// One position: [lon, lat] or [lon, lat, alt], checked for range.
fn position(coords: &Coords, path: &str, altitudes: &mut Vec<f64>) -> Result<Coord<f64>, String> {
    let items = list(coords, path)?;
    let number = |i: usize| match items.get(i) {
        Some(Coords::Number(v)) if v.is_finite() => Ok(*v),
        Some(Coords::Number(_)) => Err(format!("coordinates{path}[{i}]: not a finite number")),
        Some(Coords::Array(_)) => Err(format!(
            "coordinates{path}[{i}]: expected a number, found an array"
        )),
        Some(Coords::Other(found)) => Err(format!(
            "coordinates{path}[{i}]: expected a number, found {found}"
        )),
        None => Err(format!(
            "coordinates{path}: a position needs at least longitude and latitude"
        )),
    };
    let lon = number(0)?;
    let lat = number(1)?;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "coordinates{path}: longitude {lon} is outside -180..180"
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "coordinates{path}: latitude {lat} is outside -90..90"
        ));
    }
    if items.len() >= 3 {
        altitudes.push(number(2)?);
    }
    Ok(Coord { x: lon, y: lat })
}

fn positions(
    coords: &Coords,
    path: &str,
    altitudes: &mut Vec<f64>,
    min: usize,
) -> Result<Vec<Coord<f64>>, String> {
    let items = list(coords, path)?;
    if items.len() < min {
        return Err(format!(
            "coordinates{path}: needs at least {min} positions, has {}",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, c)| position(c, &format!("{path}[{i}]"), altitudes))
        .collect()
}

fn polygon(coords: &Coords, path: &str, altitudes: &mut Vec<f64>) -> Result<Polygon<f64>, String> {
    let rings = list(coords, path)?;
    let mut rings = rings
        .iter()
        .enumerate()
        .map(|(i, ring)| positions(ring, &format!("{path}[{i}]"), altitudes, 4).map(LineString));
    let exterior = rings
        .next()
        .ok_or_else(|| format!("coordinates{path}: a polygon needs at least one ring"))??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}
