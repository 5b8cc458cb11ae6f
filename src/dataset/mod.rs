//! The dataset model: features with their kind, dates, claims, sources and style, parsed
//! once from GeoJSON. Nothing here knows about a screen.

mod date;
mod diagnostic;
mod load;
pub mod raw;
mod search;
mod style;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

pub use date::PartialDate;
pub use diagnostic::{Diagnostic, LoadError, TextLocation};
pub use load::{
    LoadProgress, load_path, load_path_with, parse_bytes, parse_bytes_with, parse_str,
    route_vertices,
};
pub use search::SearchIndex;
pub use style::{MarkerSize, Rgb, SPEC_FILL, SPEC_MARKER_COLOR, SPEC_STROKE, SimpleStyle};

use crate::routes::RouteMetrics;
use crate::routes::airspace::{AirspaceIndex, AirspaceRow};

/// What a feature stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureKind {
    /// An air base or airfield that aircraft fly from.
    Base,
    /// A place reported struck.
    Target,
    /// A place named for context.
    Place,
    /// A flight from a base to a target.
    Route,
    /// A feature with no Sortie kind (plain GeoJSON).
    Other,
}

impl FeatureKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [Self; 5] = [
        Self::Base,
        Self::Target,
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
        }
    }
}

/// One statement about a feature, who makes it, and which sources carry it.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// What is claimed.
    pub text: String,
    /// Who makes the claim (a ministry, a spokesman, a newspaper).
    pub by: Option<String>,
    /// How far it is established; `None` when the file gives no or an unknown status.
    pub status: Option<ClaimStatus>,
    /// Ids of the sources that carry the claim.
    pub source_ids: Vec<String>,
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
    /// A short quote from it.
    pub quote: Option<String>,
    /// When the address was last read, as written.
    pub accessed: Option<String>,
    /// Members the format does not define, kept as found.
    pub other: Vec<(String, serde_json::Value)>,
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
    /// The countries crossed, in order; `None` until computed (see
    /// [`Dataset::compute_airspace`]).
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
    /// `date`.
    pub date: Option<PartialDate>,
    /// `date_end`, for spans.
    pub date_end: Option<PartialDate>,
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

/// A loaded dataset: its features in file order, and what the loader warned about.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// A short title: the file name, or what the caller named it.
    pub title: String,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Features in file order; `features[i].index == i`.
    pub features: Vec<Feature>,
    /// Problems that did not stop the load.
    pub warnings: Vec<Diagnostic>,
    /// Members of the top-level object beside `type` and `features`, kept as found.
    pub foreign_members: Vec<(String, serde_json::Value)>,
    /// Cruise speeds (km/h) by aircraft type, from the top-level `aircraft` table.
    pub aircraft_cruise_kmh: Vec<(String, f64)>,
    ids: HashMap<String, usize>,
    /// [`Self::summary`], computed on first use (features and warnings do not change after
    /// the load).
    summary: std::sync::OnceLock<String>,
    /// [`Self::route_count`], computed on first use.
    routes: std::sync::OnceLock<usize>,
    /// Whether the file was a FeatureCollection (paths then start with `features[i]`).
    collection: bool,
}

impl Dataset {
    /// The index of the feature with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The feature with this id.
    pub fn feature_by_id(&self, id: &str) -> Option<&Feature> {
        self.index_of(id).and_then(|i| self.features.get(i))
    }

    /// Computes the airspace every route crosses.
    pub fn compute_airspace(&mut self, index: &AirspaceIndex) {
        for feature in &mut self.features {
            let vertices = load::route_vertices(feature.geometry.as_ref());
            if let Some(route) = feature.route.as_mut()
                && vertices.len() >= 2
            {
                route.airspace = Some(index.airspace(&vertices));
            }
        }
    }

    /// Stores airspace computed elsewhere (the app computes it in the background), by
    /// feature index.
    pub fn set_airspace(&mut self, airspace: Vec<(usize, Vec<AirspaceRow>)>) {
        for (index, rows) in airspace {
            if let Some(route) = self.features.get_mut(index).and_then(|f| f.route.as_mut()) {
                route.airspace = Some(rows);
            }
        }
    }

    /// How many features there are of each kind, in [`FeatureKind::ALL`] order.
    pub fn count_by_kind(&self) -> Vec<(FeatureKind, usize)> {
        FeatureKind::ALL
            .iter()
            .map(|&kind| {
                (
                    kind,
                    self.features.iter().filter(|f| f.kind == kind).count(),
                )
            })
            .collect()
    }

    /// A one-line summary: `15 features (6 bases, 5 targets, …), 3 routes, 0 warnings`.
    pub fn summary(&self) -> &str {
        self.summary.get_or_init(|| self.compute_summary())
    }

    /// How many features are routes.
    pub fn route_count(&self) -> usize {
        *self
            .routes
            .get_or_init(|| self.features.iter().filter(|f| f.route.is_some()).count())
    }

    fn compute_summary(&self) -> String {
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
        let warnings = self.warnings.len();
        format!(
            "{} feature{} ({}), {routes} route{}, {warnings} warning{}",
            self.features.len(),
            plural(self.features.len()),
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
