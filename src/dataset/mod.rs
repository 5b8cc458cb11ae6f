//! The dataset model: features with their kind, dates, claims, sources and style, read once
//! by a format's reader ([`geojson`] today) and made into the model by one builder
//! (`build.rs`). Uses geometry (geodesic lengths at load) and nothing above it: no screen, no
//! analysis, no world data.

mod build;
mod diagnostic;
mod evidence;
pub mod formats;
pub(crate) mod geojson;
mod imported;
mod limits;
mod open;
mod registry;
mod search;
mod store;
mod style;
pub mod time;
mod timeline;

use std::fmt;
use std::path::PathBuf;

pub use build::route_vertices;
pub use diagnostic::{Diagnostic, DiagnosticKind, LoadError, TextLocation};
pub use evidence::{EvidenceFindings, evidence_findings, evidence_warnings};
pub use geojson::Step;
pub use limits::MAX_GEOMETRY_NESTING;
pub use open::{LoadProgress, load_path, load_path_with, parse_bytes, parse_bytes_with, parse_str};
pub use registry::{FeatureTexts, SourceUse};
pub use search::SearchIndex;
pub use store::Look;
pub use style::{
    MarkerSize, Rgb, SPEC_FILL, SPEC_MARKER_COLOR, SPEC_STROKE, SimpleStyle, kind_rgb,
};
pub use time::{Certainty, DAY_S, DateExpr, When};
pub use timeline::{BinUnit, Bits, InRange, RangeMode, TimeFilter, TimeIndex};

use crate::geometry::geodesic::RouteMetrics;

/// What a feature stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureKind {
    /// An air base or airfield that aircraft fly from.
    Base,
    /// A place reported struck.
    Target,
    /// A place named for context.
    Place,
    /// An event of a conflict-event dataset (ACLED, UCDP) other than a strike on a place:
    /// a battle, a protest, an explosion.
    Event,
    /// A flight from a base to a target.
    Route,
    /// A feature with no Sortie kind (plain GeoJSON).
    Other,
}

impl FeatureKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [Self; 6] = [
        Self::Base,
        Self::Target,
        Self::Event,
        Self::Route,
        Self::Place,
        Self::Other,
    ];

    /// Parses the `kind` property's value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "base" => Some(Self::Base),
            "target" => Some(Self::Target),
            "place" => Some(Self::Place),
            "event" => Some(Self::Event),
            "route" => Some(Self::Route),
            _ => None,
        }
    }

    /// The word used in the file (`other` for features without a kind).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Target => "target",
            Self::Place => "place",
            Self::Event => "event",
            Self::Route => "route",
            Self::Other => "other",
        }
    }

    /// A plural heading for lists ("Bases").
    pub fn plural_label(self) -> &'static str {
        match self {
            Self::Base => "Bases",
            Self::Target => "Targets",
            Self::Place => "Places",
            Self::Event => "Events",
            Self::Route => "Routes",
            Self::Other => "Other features",
        }
    }
}

impl fmt::Display for FeatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a claim has been established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClaimStatus {
    /// Reported by a source, not attributed to a party's own statement.
    Reported,
    /// Asserted by a party (e.g. a ministry), not independently verified.
    Claimed,
    /// Confirmed by an independent or accountable source.
    Confirmed,
    /// Contested by another party or source.
    Disputed,
    /// Denied by a party.
    Denied,
    /// The dataset editors' own reasoning from the cited sources, not a party's statement.
    Inferred,
}

impl ClaimStatus {
    /// Parses the `status` value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "reported" => Some(Self::Reported),
            "claimed" => Some(Self::Claimed),
            "confirmed" => Some(Self::Confirmed),
            "disputed" => Some(Self::Disputed),
            "denied" => Some(Self::Denied),
            "inferred" => Some(Self::Inferred),
            _ => None,
        }
    }

    /// The word used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Claimed => "claimed",
            Self::Confirmed => "confirmed",
            Self::Disputed => "disputed",
            Self::Denied => "denied",
            Self::Inferred => "inferred",
        }
    }

    /// How the status reads in the panels: the file's word, except `inferred`, which is
    /// the editors' own.
    pub fn label(self) -> &'static str {
        match self {
            Self::Inferred => "editors' inference",
            other => other.as_str(),
        }
    }
}

/// One statement about a feature, who makes it, and which sources carry it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claim {
    /// What is claimed.
    pub text: String,
    /// Who makes the claim (a ministry, a spokesman, a newspaper).
    pub by: Option<String>,
    /// How far it is established; `None` when the file gives no or an unknown status.
    pub status: Option<ClaimStatus>,
    /// When the claim was made, as written.
    pub date: Option<String>,
    /// The sources that carry the claim, each cited by id, with the words quoted from it.
    pub citations: Vec<Citation>,
    /// Members the format does not define, or values that could not be read, kept as found.
    pub other: Vec<(String, serde_json::Value)>,
}

impl Claim {
    /// The ids of the sources the claim cites, in order.
    pub fn source_ids(&self) -> impl Iterator<Item = &str> {
        self.citations.iter().map(|c| c.id.as_str())
    }
}

/// A claim citing a source: which source, the words it quotes from it, and where in it.
/// In the file, a bare id (`"tass-895515"`) or `{"id": …, "quote": …, "locator": …}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Citation {
    /// The cited source's id.
    pub id: String,
    /// Words quoted from the source, as they appear there.
    pub quote: Option<String>,
    /// Where in the source (`para. 4`, `p. 12`, `02:13`).
    pub locator: Option<String>,
    /// Members the format does not define, kept as found.
    pub other: Vec<(String, serde_json::Value)>,
}

/// A published source: who published what, when, where, and what it says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Source {
    /// Id that claims refer to.
    pub id: Option<String>,
    /// Publisher (newspaper, agency, ministry).
    pub publisher: Option<String>,
    /// Title of the piece.
    pub title: Option<String>,
    /// Author or byline.
    pub author: Option<String>,
    /// Publication date as written (ISO 8601 expected).
    pub published: Option<String>,
    /// Address of the piece.
    pub url: Option<String>,
    /// A short quote from it (older files; a citation's quote belongs to the citation).
    pub quote: Option<String>,
    /// When the address was last read, as written.
    pub accessed: Option<String>,
    /// An archived copy of the page (the Wayback Machine, archive.today).
    pub archived: Option<String>,
    /// Members the format does not define, kept as found.
    pub other: Vec<(String, serde_json::Value)>,
}

/// True for `http://` and `https://` addresses (scheme matched case-insensitively): the
/// only addresses the panels open and figures link.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(char::is_control)
}

/// How exactly a feature's position is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrecisionLevel {
    /// A surveyed or reference point.
    Exact,
    /// Near here; the true point may be some km away.
    Approximate,
    /// Stands for an area (a province, a sea), not a point.
    Area,
}

impl PrecisionLevel {
    /// Parses `exact`, `approximate` or `area`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "exact" => Some(Self::Exact),
            "approximate" => Some(Self::Approximate),
            "area" => Some(Self::Area),
            _ => None,
        }
    }

    /// The word used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Approximate => "approximate",
            Self::Area => "area",
        }
    }
}

/// `location_precision`: a level and, optionally, a radius.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocationPrecision {
    /// How exact the position is.
    pub level: PrecisionLevel,
    /// Radius of uncertainty in kilometres, when given.
    pub radius_km: Option<f64>,
}

/// One stretch of a route over one country, or over open sea.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AirspaceRow {
    /// The country's name, or `None` over open sea.
    pub country: Option<String>,
    /// Distance flown over it, in kilometres.
    pub km: f64,
    /// Where the route enters it: [longitude, latitude].
    pub entry: [f64; 2],
    /// Where the route leaves it: [longitude, latitude].
    pub exit: [f64; 2],
}

/// The route-specific part of a feature of kind `route`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RouteInfo {
    /// Id of the feature the route starts at.
    pub from: Option<String>,
    /// Id of the feature the route ends at.
    pub to: Option<String>,
    /// Index of the `from` feature, when the id was found.
    pub from_index: Option<usize>,
    /// Index of the `to` feature, when the id was found.
    pub to_index: Option<usize>,
    /// Aircraft reported on the route.
    pub aircraft: Vec<String>,
    /// True when the drawn track is not the known flight path.
    pub schematic: bool,
    /// Length and bearings along the ellipsoid; `None` without a line geometry.
    pub metrics: Option<RouteMetrics>,
    /// `cruise_kmh`: the speed to estimate the flight time with, in km/h.
    pub cruise_kmh: Option<f64>,
    /// The countries crossed, in order; `None` until the analysis has run (see
    /// `routes::airspace::AirspaceIndex::fill`).
    pub airspace: Option<Vec<AirspaceRow>>,
}

impl RouteInfo {
    /// Estimated flight times in hours: from the route's own `cruise_kmh`, else one per
    /// aircraft type whose cruise speed the dataset documents.
    pub fn flight_times_h(&self, dataset: &Dataset) -> Vec<(String, f64)> {
        let Some(km) = self.metrics.as_ref().map(RouteMetrics::length_km) else {
            return Vec::new();
        };
        if let Some(speed) = self.cruise_kmh {
            return vec![(format!("at {speed} km/h"), km / speed)];
        }
        self.aircraft
            .iter()
            .filter_map(|a| {
                let speed = dataset
                    .aircraft_cruise_kmh
                    .iter()
                    .find(|(name, _)| name == a)?
                    .1;
                Some((format!("{a} at {speed} km/h"), km / speed))
            })
            .collect()
    }
}

/// One feature of the dataset, fully parsed.
#[derive(Clone, Debug)]
pub struct Feature {
    /// The feature's id: the file's `id`, or `#<index>` when it has none.
    pub id: String,
    /// Position in the file's collection (0-based).
    pub index: usize,
    /// What it stands for.
    pub kind: FeatureKind,
    /// Display name: `name`, else `title`, else the id.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `date` (ISO 8601 or EDTF), when it could be read.
    pub date: Option<DateExpr>,
    /// `date_end`, for spans.
    pub date_end: Option<DateExpr>,
    /// When it may have happened: `date` to `date_end`.
    pub when: Option<When>,
    /// `location_precision`.
    pub location_precision: Option<LocationPrecision>,
    /// `claims`.
    pub claims: Vec<Claim>,
    /// `sources`.
    pub sources: Vec<Source>,
    /// simplestyle properties.
    pub style: SimpleStyle,
    /// The geometry; `None` for `geometry: null` or a geometry that could not be read.
    pub geometry: Option<geo_types::Geometry<f64>>,
    /// Altitudes (metres, the third element) of the positions that have one, in file order.
    pub altitudes_m: Vec<f64>,
    /// Route details, for routes.
    pub route: Option<RouteInfo>,
    /// Properties the format does not define (or that failed to parse), kept as found.
    pub other_properties: Vec<(String, serde_json::Value)>,
    /// Members of the Feature object beside `type`, `id`, `geometry` and `properties`.
    pub foreign_members: Vec<(String, serde_json::Value)>,
    /// Where the feature starts in the file.
    pub location: Option<TextLocation>,
}

impl Feature {
    /// The position of a point feature (the first point of a MultiPoint).
    pub fn point(&self) -> Option<geo_types::Point<f64>> {
        match &self.geometry {
            Some(geo_types::Geometry::Point(p)) => Some(*p),
            Some(geo_types::Geometry::MultiPoint(mp)) => mp.0.first().copied(),
            _ => None,
        }
    }

    /// Looks up one of this feature's sources by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id.as_deref() == Some(id))
    }
}

/// A feature as the map, the list and the search see it: what a frame needs, read from the
/// compact store without copying. [`Dataset::feature`] reads the whole feature.
#[derive(Clone, Copy, Debug)]
pub struct FeatureRef<'a> {
    /// Position in the file's collection (0-based).
    pub index: usize,
    /// The feature's id: the file's `id`, or `#<index>` when it has none.
    pub id: &'a str,
    /// What it stands for.
    pub kind: FeatureKind,
    /// Display name: `name`, else `title`, else the id.
    pub name: &'a str,
    /// `description` (empty when none).
    pub description: &'a str,
    /// simplestyle properties.
    pub style: &'a SimpleStyle,
    /// `location_precision`.
    pub location_precision: Option<LocationPrecision>,
    /// Route details, for routes.
    pub route: Option<&'a RouteInfo>,
    /// When it may have happened (`date` to `date_end`); `None` when undated.
    pub when: Option<When>,
    geometry: GeometryRef<'a>,
}

#[derive(Clone, Copy, Debug)]
enum GeometryRef<'a> {
    None,
    Point([f64; 2]),
    Shape(&'a geo_types::Geometry<f64>),
}

impl<'a> FeatureRef<'a> {
    /// The position of a point feature (the first point of a MultiPoint).
    pub fn point(&self) -> Option<geo_types::Point<f64>> {
        match self.geometry {
            GeometryRef::None => None,
            GeometryRef::Point([x, y]) => Some(geo_types::Point::new(x, y)),
            GeometryRef::Shape(geo_types::Geometry::Point(p)) => Some(*p),
            GeometryRef::Shape(geo_types::Geometry::MultiPoint(mp)) => mp.0.first().copied(),
            GeometryRef::Shape(_) => None,
        }
    }

    /// The geometry; `None` for `geometry: null` or one that could not be read.
    pub fn geometry(&self) -> Option<std::borrow::Cow<'a, geo_types::Geometry<f64>>> {
        match self.geometry {
            GeometryRef::None => None,
            GeometryRef::Point([x, y]) => Some(std::borrow::Cow::Owned(
                geo_types::Geometry::Point(geo_types::Point::new(x, y)),
            )),
            GeometryRef::Shape(g) => Some(std::borrow::Cow::Borrowed(g)),
        }
    }

    /// Whether the geometry is a single Point.
    pub fn is_point(&self) -> bool {
        matches!(
            self.geometry,
            GeometryRef::Point(_) | GeometryRef::Shape(geo_types::Geometry::Point(_))
        )
    }

    /// Whether the feature has a geometry.
    pub fn has_geometry(&self) -> bool {
        !matches!(self.geometry, GeometryRef::None)
    }
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
    /// Whether the file was a FeatureCollection (paths then start with `features[i]`).
    collection: bool,
    /// The format of the file read.
    format: formats::Format,
    /// For a file read in another format than GeoJSON: the line of the file each feature
    /// came from (the text is then the document it was read into).
    origin_lines: Option<std::sync::Arc<Vec<u32>>>,
    /// For a table (ACLED, UCDP, a spreadsheet): how to read a row again in full (the text
    /// is then the file's, and each feature's span its row).
    rows: Option<std::sync::Arc<formats::rows::Rows>>,
}

impl Dataset {
    /// How many features there are.
    pub fn len(&self) -> usize {
        self.part.cores.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.part.cores.is_empty()
    }

    /// The text the features were read from.
    fn body(&self) -> &str {
        self.text.get(self.text_start..).unwrap_or("")
    }

    fn feature_text(&self, core: &store::Core) -> &str {
        let start = usize::try_from(core.start).unwrap_or(usize::MAX);
        self.body()
            .get(start..start.saturating_add(core.len as usize))
            .unwrap_or("")
    }

    /// Feature `index` as a frame sees it.
    pub fn get(&self, index: usize) -> Option<FeatureRef<'_>> {
        let core = self.part.cores.get(index)?;
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
        let core = self.part.cores.get(index)?;
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
        let mut feature = match &self.rows {
            Some(rows) => geojson::read_feature_json(
                &rows.feature_json(self.feature_text(core), self.row_line(core))?,
                index,
            )?,
            None => geojson::read_full(self.body(), core, index, self.collection)?,
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
        if self.origin_lines.is_some() {
            return index.and_then(|i| self.origin_location(i));
        }
        if self.rows.is_some() {
            return index.map(|i| self.feature_location(i));
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
        if self.origin_lines.is_some() || self.rows.is_some() {
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
            std::sync::Arc::new(if self.rows.is_some() {
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
        self.part
            .sources
            .get(from..)?
            .iter()
            .take_while(|&&(h, _)| h == hash)
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

    /// Every source of the dataset once (the registry's, then those features define) and
    /// what rests on each; read from every feature on first use.
    pub fn source_uses(&self) -> &[SourceUse] {
        self.source_uses.get_or_init(|| registry::source_uses(self))
    }

    /// [`Self::source_uses`] if built already.
    pub fn source_uses_ready(&self) -> Option<&[SourceUse]> {
        self.source_uses.get().map(Vec::as_slice)
    }

    /// The features' text and spans and the registry, for a thread to read the features
    /// in full ([`FeatureTexts::source_uses`]) while the dataset stays here.
    pub fn feature_texts(&self) -> FeatureTexts {
        FeatureTexts {
            text: std::sync::Arc::clone(&self.text),
            text_start: self.text_start,
            cores: self.part.cores.clone(),
            collection: self.collection,
            registry: self.registry.clone(),
            rows: self
                .rows
                .clone()
                .map(|rows| (rows, std::sync::Arc::clone(self.line_starts()))),
        }
    }

    /// Keeps the source uses read on another thread (if none are kept yet).
    pub fn set_source_uses(&self, uses: Vec<SourceUse>) {
        let _ = self.source_uses.set(uses);
    }

    /// The route details of feature `index`, if it is a route.
    pub fn route(&self, index: usize) -> Option<&RouteInfo> {
        let core = self.part.cores.get(index)?;
        self.part.routes.get(core.route as usize)
    }

    /// Every route: (feature index, its vertices).
    pub fn route_vertices(&self) -> Vec<(usize, Vec<geo_types::Point<f64>>)> {
        self.iter()
            .filter(|f| f.route.is_some())
            .map(|f| (f.index, build::route_vertices(f.geometry().as_deref())))
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
        self.part.routes.len()
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
        let warnings = self.warnings.len() + more;
        format!(
            "{} feature{} ({}), {routes} route{}, {warnings} warning{}",
            self.len(),
            plural(self.len()),
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
