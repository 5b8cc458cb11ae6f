//! The builder: the one place where what a reader found becomes the dataset. Every format's
//! reader hands it a [`Built`] (records joined in file order, see `record.rs`), and
//! [`Built::into_dataset`] does what needs the whole dataset: ids indexed (a repeated id is
//! a warning), routes linked to the features they join and measured, claims' sources
//! checked, and warnings pointed at the lines of a file read in another format. Knows the
//! model and geodesy; no format's syntax, no screen.

use std::path::Path;

use super::origin::Origin;
use super::path::{member_path, path_of};
use super::record::{Built, index_u32};
use super::store;
use super::{Dataset, Diagnostic, FeatureKind, TextLocation, route_vertices};

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
            route_links: std::sync::OnceLock::new(),
            registry_locations: std::sync::OnceLock::new(),
            summary: std::sync::OnceLock::new(),
            lines: self.lines.map_or_else(std::sync::OnceLock::new, |lines| {
                std::sync::OnceLock::from(std::sync::Arc::new(lines))
            }),
            origin: self.origin,
            routes: 0,
            history: super::history::History::default(),
        };
        dataset.routes = dataset.part.routes.len();
        dataset.history.file_features = dataset.part.cores.len();
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
        if let Origin::Converted { lines, .. } = &dataset.origin {
            // Warnings about a feature name the line of the file it came from.
            for warning in &mut dataset.warnings {
                if let Some(i) = warning.feature_index {
                    warning.line = lines.get(i).map(|&l| l as usize);
                    warning.column = None;
                }
            }
        }
        dataset
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
                        property: Some(member_path(&path_of(i, dataset.origin.collection()), "id")),
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

/// The features a route's ends name (their indices), and what is wrong with it as
/// (member, message): an end that names no feature or none, a track of fewer than two
/// positions (`vertices`).
pub(super) fn route_problems(
    dataset: &Dataset,
    route: &super::RouteInfo,
    vertices: usize,
) -> ([Option<usize>; 2], Vec<(String, String)>) {
    let mut warnings = Vec::new();
    let mut ends = [None, None];
    for (slot, (name, id)) in ends
        .iter_mut()
        .zip([("from", &route.from), ("to", &route.to)])
    {
        let message = match id {
            Some(id) => match dataset.index_of(id) {
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
    if vertices < 2 {
        warnings.push((
            "geometry".to_owned(),
            "a route needs a LineString of at least two positions; it cannot be measured or drawn as a route".to_owned(),
        ));
    }
    (ends, warnings)
}

/// Resolves routes' `from`/`to` ids.
fn resolve_routes(dataset: &mut Dataset) {
    let collection = dataset.origin.collection();
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
            let vertices = route_vertices(feature.geometry().as_deref()).len();
            let (ends, warnings) = route_problems(dataset_ref, route, vertices);
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
pub(super) fn registry_ids(registry: &[super::Source]) -> Vec<(u64, u32)> {
    let mut ids: Vec<(u64, u32)> = registry
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((store::id_hash(s.id.as_deref()?), index_u32(i))))
        .collect();
    ids.sort_unstable();
    ids
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
    let collection = dataset.origin.collection();
    let mut warnings = Vec::new();
    for &index in &unresolved {
        let Some(feature) = dataset.feature(index as usize) else {
            continue;
        };
        warnings.extend(unresolved_citations(dataset, &feature, collection));
    }
    dataset.warnings.extend(warnings);
}

/// A warning for each source id `feature`'s claims cite that neither it nor the dataset
/// defines.
pub(super) fn unresolved_citations(
    dataset: &Dataset,
    feature: &super::Feature,
    collection: bool,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let claim_at =
        super::path::file_indices(&feature.other_properties, "claims", feature.claims.len());
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
    warnings
}

impl Diagnostic {
    fn with_location(self, location: Option<TextLocation>) -> Self {
        match location {
            Some(l) => self.at(l),
            None => self,
        }
    }
}
