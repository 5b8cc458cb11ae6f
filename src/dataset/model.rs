//! The model's records: a feature read in full, its claims, citations and sources, its
//! route's details, and the view of a feature a frame reads ([`FeatureRef`]). Plain data and
//! what follows from it alone; below every reader, the store and the dataset.

use geo_types::{Geometry, Point};

use super::diagnostic::TextLocation;
use super::kind::FeatureKind;
use super::style::SimpleStyle;
use super::time::{DateExpr, When};
use crate::geometry::geodesic::RouteMetrics;

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
    /// Copies of the source kept beside the dataset, each known by its SHA-256.
    pub captures: Vec<Capture>,
    /// Members the format does not define, kept as found.
    pub other: Vec<(String, serde_json::Value)>,
}

/// A saved copy of a source (a PDF, a screenshot, a web page, a web archive) kept in a file
/// beside the dataset and never changed: the record says which file and the SHA-256 it had
/// when it was captured, so that anyone can check the copy is the one first kept. In the
/// file, `{"sha256", "file", "media_type", "bytes", "captured_at", "captured_by"}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Capture {
    /// The SHA-256 of the file's bytes as recorded (64 hexadecimal digits; checked by
    /// `sortie check`, kept as written whatever it holds).
    pub sha256: Option<String>,
    /// Where the file is, relative to the dataset's folder (`captures/3f9a….html`).
    pub file: Option<String>,
    /// What the file holds (`text/html`, `application/pdf`, `image/png`).
    pub media_type: Option<String>,
    /// The file's size in bytes.
    pub bytes: Option<u64>,
    /// When the copy was made (ISO 8601, UTC).
    pub captured_at: Option<String>,
    /// Who made the copy.
    pub captured_by: Option<String>,
    /// Members the format does not define, or values of the wrong type, kept as found.
    pub other: Vec<(String, serde_json::Value)>,
}

/// The host of a web address, without `www.` or a port (`https://www.reuters.com/a` →
/// `reuters.com`): a guess at its publisher for the user to confirm. `None` for an address
/// that is not `http://` or `https://`.
pub fn host_of(url: &str) -> Option<&str> {
    if !is_web_url(url) {
        return None;
    }
    let rest = url.trim_start();
    let rest = &rest[rest.find("://")? + 3..];
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
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
    /// aircraft type whose cruise speed `cruise_kmh` documents (a dataset's
    /// [`aircraft_cruise_kmh`](super::Dataset::aircraft_cruise_kmh)).
    pub fn flight_times_h(&self, cruise_kmh: &[(String, f64)]) -> Vec<(String, f64)> {
        let Some(km) = self.metrics.as_ref().map(RouteMetrics::length_km) else {
            return Vec::new();
        };
        if let Some(speed) = self.cruise_kmh {
            return vec![(format!("at {speed} km/h"), km / speed)];
        }
        self.aircraft
            .iter()
            .filter_map(|a| {
                let speed = cruise_kmh.iter().find(|(name, _)| name == a)?.1;
                Some((format!("{a} at {speed} km/h"), km / speed))
            })
            .collect()
    }
}

/// One feature of the dataset, fully parsed. The default is an empty feature of kind
/// `other`, to build a new one from.
#[derive(Clone, Debug, Default, PartialEq)]
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
    pub(super) geometry: GeometryRef<'a>,
}

/// A feature's geometry as the store keeps it: none, a point inline, or a shape.
#[derive(Clone, Copy, Debug)]
pub(super) enum GeometryRef<'a> {
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

/// One source and what rests on it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceUse {
    /// The source record (its first definition).
    pub source: Source,
    /// The claims citing it: (feature index, claim index), in file order.
    pub claims: Vec<(usize, usize)>,
    /// The features that define or cite it, in file order.
    pub features: Vec<usize>,
}

/// The vertices of a route: a LineString's, or a MultiLineString's parts joined.
pub fn route_vertices(geometry: Option<&Geometry<f64>>) -> Vec<Point<f64>> {
    match geometry {
        Some(Geometry::LineString(line)) => line.points().collect(),
        Some(Geometry::MultiLineString(lines)) => lines.0.iter().flat_map(|l| l.points()).collect(),
        _ => Vec::new(),
    }
}

/// Property names the dataset format gives a meaning to.
const TYPED_PROPERTIES: [&str; 22] = [
    "kind",
    "name",
    "title",
    "description",
    "date",
    "date_end",
    "location_precision",
    "claims",
    "sources",
    "from",
    "to",
    "aircraft",
    "schematic",
    "cruise_kmh",
    "marker-color",
    "marker-size",
    "marker-symbol",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "fill",
    "fill-opacity",
];

/// Whether the dataset format gives property `key` a meaning (a typed field of
/// [`Feature`], not one of its other properties).
pub fn is_typed_property(key: &str) -> bool {
    TYPED_PROPERTIES.contains(&key)
}
