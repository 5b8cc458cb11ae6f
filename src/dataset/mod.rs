//! The dataset model: features with their kind, dates, claims, sources and style, read once
//! by a format's reader and made into a [`Dataset`] by one builder (`build.rs`). Uses
//! geometry (geodesic lengths at load) and nothing above it: no screen, no analysis, no
//! world data.
//!
//! The files import one way (`tests/layers.rs` holds it), from the bottom:
//! - leaves: `diagnostic.rs` (errors, warnings, positions, a load's progress), `path.rs`
//!   (JSON paths), `limits.rs`, `kind.rs`, `time.rs`, `style.rs`;
//! - the records: `model.rs` (a feature in full, claims, sources), `store.rs` (the compact
//!   store), `history.rs` (edit steps as the records they replaced), `origin.rs` (what the
//!   text is), `record.rs` (what a reader hands the builder);
//! - the readers: `geojson/`, [`formats`] (CSV, ACLED, UCDP, KML, KMZ);
//! - this file's [`Dataset`], which reads a feature again through its reader;
//! - what needs a whole dataset: `build.rs`, `open.rs`, `evidence.rs`, `registry.rs`,
//!   `search.rs`, `timeline.rs`, `imported.rs`, `edit.rs` (edits, undo and redo),
//!   `save.rs` (the GeoJSON after edits, changed only where edited), and the writers
//!   (`formats/write.rs`, `formats/kml/write.rs`).

mod build;
pub mod capture;
mod custody;
mod diagnostic;
mod edit;
mod evidence;
pub mod formats;
pub(crate) mod geojson;
mod history;
mod imported;
mod kind;
mod limits;
mod model;
mod open;
mod origin;
pub mod page_text;
mod path;
mod record;
mod registry;
mod save;
mod search;
mod source_edit;
mod store;
mod style;
pub mod time;
mod timeline;

use std::path::PathBuf;

use model::GeometryRef;
use origin::Origin;

pub use custody::{QuoteCheck, quote_check};
pub use diagnostic::{Diagnostic, DiagnosticKind, LoadError, LoadProgress, TextLocation};
pub use edit::{Changed, Edit, EditError};
pub use evidence::{EvidenceFindings, dataset_dir, evidence_findings, evidence_warnings};
pub use geojson::write::{feature_geojson, source_geojson, sources_geojson};
pub use kind::FeatureKind;
pub use limits::MAX_GEOMETRY_NESTING;
pub use model::{
    AirspaceRow, Capture, Citation, Claim, ClaimStatus, Feature, FeatureRef, LocationPrecision,
    PrecisionLevel, RouteInfo, Source, SourceUse, host_of, is_typed_property, is_web_url,
    route_vertices,
};
pub use open::{load_path, load_path_with, parse_bytes, parse_bytes_with, parse_str};
pub use path::Step;
pub use registry::FeatureTexts;
pub use search::SearchIndex;
pub use store::Look;
pub use style::{
    MarkerSize, Rgb, SPEC_FILL, SPEC_MARKER_COLOR, SPEC_STROKE, SimpleStyle, kind_rgb,
};
pub use time::{Certainty, DAY_S, DateExpr, When};
pub use timeline::{BinUnit, Bits, InRange, RangeMode, TimeChanges, TimeFilter, TimeIndex};

/// Reads one Feature object's text (as [`feature_geojson`] writes it) as feature `index`;
/// `None` when it is no Feature.
pub fn feature_from_geojson(json: &str, index: usize) -> Option<Feature> {
    geojson::read_feature_json(json, index)
}

/// Reads a JSON array of sources, as [`sources_geojson`] writes it; `None` when it is not
/// JSON (what cannot be read is dropped).
pub fn sources_from_geojson(json: &str) -> Option<Vec<Source>> {
    geojson::read_sources_json(json)
}

/// A hash of a text, the same on every machine and run.
pub fn text_hash(text: &str) -> u64 {
    store::id_hash(text)
}

/// A loaded dataset: its features in file order, and what the loader warned about.
///
/// Features are kept compact (see `store.rs`): [`Dataset::get`] gives the part a frame needs
/// at no cost, [`Dataset::feature`] reads one feature in full (claims, sources, every
/// property) from the file's text, which the dataset keeps.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// A short title: the file name, or what the caller named it.
    pub title: String,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Problems that did not stop the load.
    pub warnings: Vec<Diagnostic>,
    /// Members of the top-level object beside `type` and `features`, kept as found.
    pub foreign_members: Vec<(String, serde_json::Value)>,
    /// Cruise speeds (km/h) by aircraft type, from the top-level `aircraft` table.
    pub aircraft_cruise_kmh: Vec<(String, f64)>,
    /// The file's source registry: the top-level `sources`, which claims anywhere cite.
    pub registry: Vec<Source>,
    /// The registry's ids, hashed and sorted: (hash, index in `registry`).
    registry_ids: Vec<(u64, u32)>,
    /// The file's text (its byte-order mark, if any, before `text_start`).
    text: std::sync::Arc<String>,
    text_start: usize,
    part: store::Part,
    /// The first feature with each id.
    ids: store::IdTable,
    /// Features of each kind, in [`FeatureKind::ALL`] order.
    kind_counts: [usize; 6],
    /// [`Self::registry_location`]s, found on first use.
    registry_locations: std::sync::OnceLock<Vec<(usize, TextLocation)>>,
    /// [`Self::source_uses`], computed on first use.
    source_uses: std::sync::OnceLock<Vec<SourceUse>>,
    /// [`Self::summary`], computed on first use.
    summary: std::sync::OnceLock<String>,
    /// Byte offsets of line starts, built when a location is first asked for.
    lines: std::sync::OnceLock<std::sync::Arc<Vec<usize>>>,
    /// What the text is, and how a feature is read again from it.
    origin: Origin,
    /// The edits made in Sortie over the file's features, with undo and redo.
    history: history::History,
    /// How many features are routes.
    routes: usize,
    /// The routes and the features they link, found on first use and kept up to date by
    /// edits (see [`Self::routes_at`]).
    route_links: std::sync::OnceLock<RouteLinks>,
}

/// The routes of a dataset and where they start and end, for finding the routes at a
/// feature without looking at every route. Edits only add to it (a feature that stopped
/// being a route, or a link that changed, is checked against the dataset when read).
#[derive(Clone, Debug, Default)]
struct RouteLinks {
    /// Features that are or were routes, sorted.
    routes: Vec<u32>,
    /// For each feature, the routes that start or end (or started or ended) at it.
    ends: std::collections::HashMap<u32, Vec<u32>>,
    /// The feature each route record (`Core::route`) is of.
    owners: std::collections::HashMap<u32, u32>,
}

impl RouteLinks {
    /// Notes that route `route`, whose record is `slot`, links `ends`.
    fn add(&mut self, route: u32, slot: u32, ends: [Option<usize>; 2]) {
        self.owners.insert(slot, route);
        if let Err(at) = self.routes.binary_search(&route) {
            self.routes.insert(at, route);
        }
        for end in ends.into_iter().flatten() {
            let at = self
                .ends
                .entry(u32::try_from(end).unwrap_or(u32::MAX))
                .or_default();
            if !at.contains(&route) {
                at.push(route);
            }
        }
    }
}

impl Dataset {
    /// How many feature indices there are: the features of the file, then those added in
    /// Sortie. A deleted feature keeps its index (so no other moves), and [`Self::get`]
    /// and [`Self::feature`] answer `None` for it; [`Self::feature_count`] counts the
    /// features there are.
    pub fn len(&self) -> usize {
        self.part.cores.len()
    }

    /// Whether there are no feature indices.
    pub fn is_empty(&self) -> bool {
        self.part.cores.is_empty()
    }

    /// How many features there are (deleted ones not counted).
    pub fn feature_count(&self) -> usize {
        self.kind_counts.iter().sum()
    }

    /// The text the features were read from.
    fn body(&self) -> &str {
        self.text.get(self.text_start..).unwrap_or("")
    }

    fn feature_text(&self, core: &store::Core) -> &str {
        let (text, start) = if core.start & history::EDITED == 0 {
            (self.body(), core.start & !history::DELETED)
        } else {
            (
                self.history.edited.as_str(),
                core.start & !(history::EDITED | history::DELETED),
            )
        };
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        text.get(start..start.saturating_add(core.len as usize))
            .unwrap_or("")
    }

    /// Feature `index` as a frame sees it; `None` past the end or when it was deleted.
    pub fn get(&self, index: usize) -> Option<FeatureRef<'_>> {
        let core = self.part.cores.get(index)?;
        if !history::is_live(core) {
            return None;
        }
        let text = self.feature_text(core);
        let arena = self.part.arena.as_str();
        let look = self
            .part
            .looks
            .list
            .get(core.look as usize)
            .or(self.part.looks.list.first())?;
        let geometry = if core.geometry == store::NONE {
            GeometryRef::None
        } else if core.geometry & store::SHAPE == 0 {
            self.part
                .points
                .get(core.geometry as usize)
                .map_or(GeometryRef::None, |p| GeometryRef::Point(*p))
        } else {
            self.part
                .shape(core.geometry)
                .map_or(GeometryRef::None, GeometryRef::Shape)
        };
        Some(FeatureRef {
            index,
            id: core.id.get(text, arena),
            kind: core.kind,
            name: core.name.get(text, arena),
            description: core.description.get(text, arena),
            style: &look.style,
            location_precision: look.precision,
            route: self.part.routes.get(core.route as usize),
            when: self.part.whens.get(core.when as usize).copied(),
            geometry,
        })
    }

    /// When feature `index` may have happened; `None` when it is undated.
    pub fn when(&self, index: usize) -> Option<When> {
        let core = self.part.cores.get(index).filter(|c| history::is_live(c))?;
        self.part.whens.get(core.when as usize).copied()
    }

    /// Every feature, in file order.
    pub fn iter(&self) -> impl Iterator<Item = FeatureRef<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Reads feature `index` in full from the file's text: claims, sources, dates, every
    /// property. Takes microseconds; call it for the features shown, not for all.
    pub fn feature(&self, index: usize) -> Option<Feature> {
        let core = self.part.cores.get(index)?;
        if !history::is_live(core) {
            return None;
        }
        if core.start & history::EDITED != 0 {
            let mut feature = geojson::read_feature_json(self.feature_text(core), index)?;
            feature.route = self.part.routes.get(core.route as usize).cloned();
            return Some(feature);
        }
        let mut feature = match self.origin.rows() {
            Some(rows) => geojson::read_feature_json(
                &rows.feature_json(self.feature_text(core), self.row_line(core))?,
                index,
            )?,
            None => geojson::read_full(self.body(), core, index, self.origin.collection())?,
        };
        feature.location = Some(
            self.origin_location(index)
                .unwrap_or_else(|| self.location_of(usize::try_from(core.start).unwrap_or(0))),
        );
        feature.route = self.part.routes.get(core.route as usize).cloned();
        Some(feature)
    }

    /// Line and column of the value `path` leads to inside feature `index` (or, with no
    /// feature, inside the file's top-level object), to point a message at a claim or a
    /// source rather than at the feature. `None` when the path leads nowhere.
    pub fn location_in(&self, index: Option<usize>, path: &[Step<'_>]) -> Option<TextLocation> {
        match self.origin {
            Origin::Converted { .. } => return index.and_then(|i| self.origin_location(i)),
            Origin::Table { .. } => return index.map(|i| self.feature_location(i)),
            Origin::GeoJson { .. } => {}
        }
        let start = match index {
            Some(i) => usize::try_from(self.part.cores.get(i)?.start).ok()?,
            None => 0,
        };
        let text = match index {
            Some(i) => {
                let core = self.part.cores.get(i)?;
                self.body()
                    .get(start..start.checked_add(core.len as usize)?)?
            }
            None => self.body(),
        };
        let offset = geojson::offset_of(text, path)?;
        Some(self.location_of(start + offset))
    }

    /// Where registry source `i` is: its index in the file's top-level `sources` (elements
    /// that are no source object are not in the registry) and its line and column. The file
    /// is read for them once.
    pub fn registry_location(&self, i: usize) -> Option<(usize, TextLocation)> {
        if !self.origin.is_geojson() || !self.registry_as_opened() {
            return None;
        }
        self.registry_locations
            .get_or_init(|| {
                let body = self.body();
                geojson::element_offsets(body, &[Step::Key("sources")])
                    .into_iter()
                    .enumerate()
                    .filter(|&(_, offset)| body.as_bytes().get(offset) == Some(&b'{'))
                    .map(|(k, offset)| (k, self.location_of(offset)))
                    .collect()
            })
            .get(i)
            .copied()
    }

    /// Every feature read in full, in file order (for reports; slow for big files).
    pub fn full_features(&self) -> impl Iterator<Item = Feature> + '_ {
        (0..self.len()).filter_map(|i| self.feature(i))
    }

    /// Line and column of a byte offset in the text.
    pub(crate) fn location_of(&self, offset: usize) -> TextLocation {
        TextLocation::with_lines(self.body(), self.line_starts(), offset)
    }

    /// Byte offsets of the text's line starts, built on first use.
    fn line_starts(&self) -> &std::sync::Arc<Vec<usize>> {
        self.lines.get_or_init(|| {
            std::sync::Arc::new(if self.origin.rows().is_some() {
                // A table's lines may end with a `\r` alone, as its reader counts them.
                formats::line_starts(self.body())
            } else {
                std::iter::once(0)
                    .chain(memchr::memchr_iter(b'\n', self.body().as_bytes()).map(|i| i + 1))
                    .collect()
            })
        })
    }

    /// Line and column where feature `index` starts in the file.
    pub(crate) fn feature_location(&self, index: usize) -> TextLocation {
        if let Some(location) = self.origin_location(index) {
            return location;
        }
        let start = self
            .part
            .cores
            .get(index)
            .map_or(0, |c| usize::try_from(c.start).unwrap_or(0));
        self.location_of(start)
    }

    /// The index of the feature with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids
            .find(store::id_hash(id), |&i| {
                self.get(i as usize).is_some_and(|f| f.id == id)
            })
            .map(|&i| i as usize)
    }

    /// The feature with this id, read in full.
    pub fn feature_by_id(&self, id: &str) -> Option<Feature> {
        self.index_of(id).and_then(|i| self.feature(i))
    }

    /// The source with this id: the registry's, else from whichever feature defines it
    /// (the first).
    pub fn source_by_id(&self, id: &str) -> Option<Source> {
        let hash = store::id_hash(id);
        let from = self.registry_ids.partition_point(|&(h, _)| h < hash);
        let registered = self.registry_ids.get(from..).and_then(|ids| {
            ids.iter()
                .take_while(|&&(h, _)| h == hash)
                .filter_map(|&(_, i)| self.registry.get(i as usize))
                .find(|s| s.id.as_deref() == Some(id))
        });
        if let Some(source) = registered {
            return Some(source.clone());
        }
        let from = self.part.sources.partition_point(|&(h, _)| h < hash);
        let in_file = self.part.sources.get(from..).unwrap_or_default();
        in_file
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .chain(self.history.sources.iter().filter(|&&(h, _)| h == hash))
            .find_map(|&(_, i)| self.feature(i as usize)?.source(id).cloned())
    }

    /// Every source `feature` rests on, numbered in this order in the panels: its own, then
    /// those its claims cite from the registry or another feature, in order of first
    /// citation. An id nobody defines is left out (the load warned about it).
    pub fn sources_of(&self, feature: &Feature) -> Vec<Source> {
        let mut sources = feature.sources.clone();
        for id in feature.claims.iter().flat_map(Claim::source_ids) {
            if !sources.iter().any(|s| s.id.as_deref() == Some(id))
                && let Some(source) = self.source_by_id(id)
            {
                sources.push(source);
            }
        }
        sources
    }

    /// The route details of feature `index`, if it is a route.
    pub fn route(&self, index: usize) -> Option<&RouteInfo> {
        let core = self.part.cores.get(index)?;
        self.part.routes.get(core.route as usize)
    }

    /// The routes that start or end at feature `index`, in index order. The first call
    /// looks at every feature once; later ones only at the routes linked to it.
    pub fn routes_at(&self, index: usize) -> Vec<usize> {
        let at = u32::try_from(index).unwrap_or(u32::MAX);
        let mut found: Vec<usize> = self
            .route_links()
            .ends
            .get(&at)
            .map(|routes| routes.iter().map(|&r| r as usize).collect())
            .unwrap_or_default();
        found.retain(|&r| {
            self.is_live_route(r)
                && self.route(r).is_some_and(|info| {
                    info.from_index == Some(index) || info.to_index == Some(index)
                })
        });
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The indices of the routes, in order. The first call looks at every feature once;
    /// later ones only at the routes.
    pub fn route_indices(&self) -> Vec<usize> {
        self.route_links()
            .routes
            .iter()
            .map(|&r| r as usize)
            .filter(|&r| self.is_live_route(r))
            .collect()
    }

    fn is_live_route(&self, index: usize) -> bool {
        self.part
            .cores
            .get(index)
            .is_some_and(|c| history::is_live(c) && c.route != store::NONE)
    }

    fn route_links(&self) -> &RouteLinks {
        self.route_links.get_or_init(|| {
            let mut links = RouteLinks::default();
            for (i, core) in self.part.cores.iter().enumerate() {
                if let Some(route) = self.part.routes.get(core.route as usize) {
                    links.add(
                        u32::try_from(i).unwrap_or(u32::MAX),
                        core.route,
                        [route.from_index, route.to_index],
                    );
                }
            }
            links
        })
    }

    /// Every route (or those of `only`) that `keep` keeps (given its index and details):
    /// (feature index, its vertices).
    pub fn route_vertices(
        &self,
        only: Option<&[usize]>,
        keep: impl Fn(usize, &RouteInfo) -> bool,
    ) -> Vec<(usize, Vec<geo_types::Point<f64>>)> {
        let indices = match only {
            Some(only) => {
                let mut only = only.to_vec();
                only.sort_unstable();
                only.dedup();
                only.retain(|&i| self.is_live_route(i));
                only
            }
            None => self.route_indices(),
        };
        indices
            .into_iter()
            .filter(|&i| self.route(i).is_some_and(|r| keep(i, r)))
            .filter_map(|i| {
                let f = self.get(i)?;
                Some((i, route_vertices(f.geometry().as_deref())))
            })
            .collect()
    }

    /// Stores airspace computed elsewhere (the app computes it in the background), by
    /// feature index.
    pub fn set_airspace(&mut self, airspace: Vec<(usize, Vec<AirspaceRow>)>) {
        for (index, rows) in airspace {
            let Some(core) = self.part.cores.get(index) else {
                continue;
            };
            if let Some(route) = self.part.routes.get_mut(core.route as usize) {
                route.airspace = Some(rows);
            }
        }
    }

    /// How many features there are of each kind, in [`FeatureKind::ALL`] order.
    pub fn count_by_kind(&self) -> Vec<(FeatureKind, usize)> {
        FeatureKind::ALL
            .iter()
            .copied()
            .zip(self.kind_counts)
            .collect()
    }

    /// A one-line summary: `15 features (6 bases, 5 targets, …), 3 routes, 0 warnings`.
    pub fn summary(&self) -> &str {
        self.summary.get_or_init(|| self.compute_summary(0))
    }

    /// How many features are routes.
    pub fn route_count(&self) -> usize {
        self.routes
    }

    /// The summary with `more` warnings counted beside the load's (`sortie check`'s
    /// evidence findings).
    pub fn summary_with(&self, more: usize) -> String {
        self.compute_summary(more)
    }

    fn compute_summary(&self, more: usize) -> String {
        let kinds: Vec<String> = self
            .count_by_kind()
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .map(|(kind, n)| match kind {
                FeatureKind::Other => format!("{n} other"),
                _ => format!("{n} {}{}", kind.as_str(), if n == 1 { "" } else { "s" }),
            })
            .collect();
        let routes = self.route_count();
        let warnings = self.warning_count() + more;
        format!(
            "{} feature{} ({}), {routes} route{}, {warnings} warning{}",
            self.feature_count(),
            plural(self.feature_count()),
            if kinds.is_empty() {
                "none".to_owned()
            } else {
                kinds.join(", ")
            },
            plural(routes),
            plural(warnings),
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
