//! The builder: the one place where what a reader found becomes the model. Every format's
//! reader (GeoJSON today) hands it a [`Record`] per feature, on as many threads as it likes,
//! each into its own [`Part`]; the parts are joined in file order, and [`Built::into_dataset`]
//! then does what needs the whole dataset: ids indexed (a repeated id is a warning), routes
//! linked to the features they join and measured, claims' sources checked. Knows the model
//! and geodesy; no format's syntax, no screen.

use std::borrow::Cow;
use std::path::Path;

use geo_types::{Geometry, Point};
use serde_json::Value;

use super::store::{self, Core, Look, Part, StrRef};
use super::{Dataset, Diagnostic, FeatureKind, RouteInfo, TextLocation, When};
use crate::geometry::geodesic::RouteMetrics;

/// What a reader gives before the dataset takes the text.
pub(crate) struct Built {
    /// The features.
    pub part: Part,
    /// Problems that did not stop the load.
    pub warnings: Vec<Diagnostic>,
    /// Top-level members the format does not define.
    pub foreign_members: Vec<(String, Value)>,
    /// Cruise speeds by aircraft type.
    pub aircraft_cruise_kmh: Vec<(String, f64)>,
    /// The source registry (a top-level `sources`).
    pub registry: Vec<super::Source>,
    /// Whether the file was a collection (paths then start with `features[i]`).
    pub collection: bool,
    /// Byte offsets of the text's line starts, when the reader built them for its warnings.
    pub lines: Option<Vec<usize>>,
}

impl Built {
    /// The dataset: the features indexed by id, routes linked to their ends, claims'
    /// sources checked.
    pub fn into_dataset(
        self,
        origin: Option<&Path>,
        text: std::sync::Arc<String>,
        text_start: usize,
    ) -> Dataset {
        let mut kind_counts = [0usize; 6];
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
            registry_ids: registry_ids(&self.registry),
            registry: self.registry,
            text,
            text_start,
            part: self.part,
            ids: store::IdTable::default(),
            kind_counts,
            source_uses: std::sync::OnceLock::new(),
            registry_locations: std::sync::OnceLock::new(),
            summary: std::sync::OnceLock::new(),
            lines: self.lines.map_or_else(std::sync::OnceLock::new, |lines| {
                std::sync::OnceLock::from(std::sync::Arc::new(lines))
            }),
            collection: self.collection,
            format: super::formats::Format::GeoJson,
            origin_lines: None,
            rows: None,
        };
        if dataset.part.cited.is_empty() {
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

/// The byte span of `own`, a slice of `text`.
fn span_of(own: &str, text: &str) -> (u64, u32) {
    let start = (own.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    (
        u64::try_from(start).unwrap_or(u64::MAX),
        u32::try_from(own.len()).unwrap_or(u32::MAX),
    )
}

fn index_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(store::NONE - 1)
}

/// One feature as a reader hands it to the builder: what the map, the list and the search
/// need. Everything else stays in the feature's own text, which is read again in full when
/// the feature is shown.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    /// The feature's own text: a slice of the text the dataset keeps.
    pub own: &'a str,
    /// The id; `None` when it has none, and it is named `#<index>` once indices are known.
    pub id: Option<Cow<'a, str>>,
    /// The display name; `None` to show the id.
    pub name: Option<Cow<'a, str>>,
    /// The description.
    pub description: Option<Cow<'a, str>>,
    /// What it stands for.
    pub kind: FeatureKind,
    /// Style and precision.
    pub look: Look,
    /// The geometry.
    pub geometry: Option<Geometry<f64>>,
    /// For routes: their ends, aircraft and speed (the builder measures them).
    pub route: Option<Box<RouteInfo>>,
    /// Ids of the sources the feature defines.
    pub source_ids: Vec<Cow<'a, str>>,
    /// The ids its claims cite that the feature does not define.
    pub cited_elsewhere: Vec<Cow<'a, str>>,
    /// When it may have happened.
    pub when: Option<When>,
}

impl Record<'_> {
    /// The record with every string its own, and `own` for its text: for a feature read from
    /// a text the dataset does not keep (a table row's draft), whose own text is elsewhere.
    pub fn detached(self, own: &str) -> Record<'_> {
        let owned = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
        let all = |list: Vec<Cow<'_, str>>| {
            list.into_iter()
                .map(|c| Cow::Owned(c.into_owned()))
                .collect()
        };
        Record {
            own,
            id: owned(self.id),
            name: owned(self.name),
            description: owned(self.description),
            kind: self.kind,
            look: self.look,
            geometry: self.geometry,
            route: self.route,
            source_ids: all(self.source_ids),
            cited_elsewhere: all(self.cited_elsewhere),
            when: self.when,
        }
    }
}

impl Part {
    /// Adds a feature.
    pub fn push_record(&mut self, text: &str, record: Record<'_>) {
        let here = index_u32(self.cores.len());
        let (core, source_ids, cited) = self.core_of(here, text, record);
        self.push(core, &source_ids, &cited);
    }

    /// Fills the place [`Part::defer`] held for feature `index`.
    pub fn set_record(&mut self, index: u32, text: &str, record: Record<'_>) {
        let (core, source_ids, cited) = self.core_of(index, text, record);
        self.set(index, core, &source_ids, &cited);
    }

    /// Holds a place for a feature that is read later (in full, once indices are known).
    pub fn defer(&mut self, own: &str, text: &str) {
        let (start, len) = span_of(own, text);
        let here = index_u32(self.cores.len());
        self.deferred.push(here);
        self.cores.push(Core {
            start,
            len,
            id: StrRef::EMPTY,
            name: StrRef::EMPTY,
            description: StrRef::EMPTY,
            look: 0,
            geometry: store::NONE,
            route: store::NONE,
            when: store::NONE,
            kind: FeatureKind::Other,
        });
    }

    /// The compact record of feature `here`, the ids of the sources it defines and whether
    /// it cites others: strings as spans of its text where they lie there, else in the
    /// arena; the route measured along its geodesics.
    fn core_of<'r>(
        &mut self,
        here: u32,
        text: &str,
        record: Record<'r>,
    ) -> (Core, Vec<Cow<'r, str>>, Vec<Cow<'r, str>>) {
        let own = record.own;
        let (start, len) = span_of(own, text);
        let span = |part: &mut Self, s: &Cow<'_, str>| match s {
            Cow::Borrowed(s) => part.str_in(own, s),
            Cow::Owned(s) => part.arena_str(s),
        };
        let id = match &record.id {
            Some(id) => span(self, id),
            None => StrRef::EMPTY,
        };
        if record.id.is_none() {
            self.anonymous.push((here, record.name.is_none()));
        }
        let name = match &record.name {
            Some(name) => span(self, name),
            None => id,
        };
        let description = match &record.description {
            Some(d) => span(self, d),
            None => StrRef::EMPTY,
        };
        let look = self.looks.intern(record.look);
        let geometry = self.add_geometry(record.geometry);
        let route = match record.route {
            None => store::NONE,
            Some(mut route) => {
                route.metrics = RouteMetrics::measure(&route_vertices(self.shape(geometry)));
                self.routes.push(*route);
                index_u32(self.routes.len() - 1)
            }
        };
        let when = match record.when {
            None => store::NONE,
            Some(when) => {
                self.whens.push(when);
                index_u32(self.whens.len() - 1)
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
            when,
            kind: record.kind,
        };
        (core, record.source_ids, record.cited_elsewhere)
    }

    /// Names the features without an id `#<index>` (and their name too, where they have
    /// none), once every index is known.
    pub fn name_anonymous(&mut self) {
        for (index, name_too) in std::mem::take(&mut self.anonymous) {
            let id = self.arena_str(&format!("#{index}"));
            if let Some(core) = self.cores.get_mut(index as usize) {
                core.id = id;
                if name_too {
                    core.name = id;
                }
            }
        }
    }
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

/// A registry's ids, hashed and sorted, for lookups by id.
fn registry_ids(registry: &[super::Source]) -> Vec<(u64, u32)> {
    let mut ids: Vec<(u64, u32)> = registry
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((store::id_hash(s.id.as_deref()?), index_u32(i))))
        .collect();
    ids.sort_unstable();
    ids
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
/// The ids cited elsewhere are looked up by hash among the registry's and the features'
/// sources; only a feature citing an id found in neither is read again, to word the warning
/// (a file citing a registry thus loads without reading its features twice).
fn check_claim_sources(dataset: &mut Dataset) {
    if dataset.part.cited.is_empty() {
        return;
    }
    dataset.part.sources.sort_unstable();
    let mut registered: Vec<u64> = dataset
        .registry
        .iter()
        .filter_map(|s| Some(store::id_hash(s.id.as_deref()?)))
        .collect();
    registered.sort_unstable();
    let defined = |hash: u64| {
        registered.binary_search(&hash).is_ok()
            || dataset
                .part
                .sources
                .binary_search_by(|&(h, _)| h.cmp(&hash))
                .is_ok()
    };
    let mut unresolved: Vec<u32> = dataset
        .part
        .cited
        .iter()
        .filter(|&&(hash, _)| !defined(hash))
        .map(|&(_, index)| index)
        .collect();
    unresolved.sort_unstable();
    unresolved.dedup();
    let collection = dataset.collection;
    let mut warnings = Vec::new();
    for &index in &unresolved {
        let Some(feature) = dataset.feature(index as usize) else {
            continue;
        };
        let claim_at = super::evidence::file_indices(
            &feature.other_properties,
            "claims",
            feature.claims.len(),
        );
        for (c, claim) in claim_at.iter().copied().zip(&feature.claims) {
            for id in claim.source_ids() {
                if feature.source(id).is_none() && dataset.source_by_id(id).is_none() {
                    warnings.push(Diagnostic {
                        feature_index: Some(feature.index),
                        feature_id: Some(feature.id.clone()),
                        property: Some(member_path(
                            &path_of(feature.index, collection),
                            &format!("properties.claims[{c}].sources"),
                        )),
                        kind: Some(super::DiagnosticKind::Evidence),
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
pub(crate) fn path_of(index: usize, collection: bool) -> String {
    if collection {
        format!("features[{index}]")
    } else {
        String::new()
    }
}

pub(crate) fn member_path(prefix: &str, member: &str) -> String {
    if prefix.is_empty() {
        member.to_owned()
    } else {
        format!("{prefix}.{member}")
    }
}
