//! The GeoJSON feature reader: the one place a Feature object becomes the model's typed
//! data, [`Parts`], from which the builder's record or the full [`Feature`] is taken.
//!
//! It reads in one of two ways, by the same code. **Quickly** (at load): serde straight from
//! the text into typed, borrowed data, with no positions; the first thing it would warn
//! about stops the reading ([`REFUSED`]), and the feature is read again, located, once its
//! index is known. **Located**: every value is first taken as its raw slice of the text, so
//! that a warning names its line and column, feature index, id and JSON path, and a value at
//! fault is kept as found (in `other_properties` or `foreign_members`): nothing is lost.
//! Reading a shown feature again is a quiet located reading. Geometry is read in
//! `geometry.rs`, claims and sources in `evidence.rs`.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::evidence::{ClaimParts, ClaimsSeed, SourceParts, SourcesSeed, Strs};
use super::geometry::{GeometrySeed, location_precision};
use super::raw::{
    Got, JsonKind, Member, next_got, next_member, next_str, next_value, offset_in, plain,
};
use crate::dataset::build::{Record, member_path};
use crate::dataset::store::Look;
use crate::dataset::{
    Diagnostic, Feature, FeatureKind, LocationPrecision, MarkerSize, PartialDate, Rgb, RouteInfo,
    SimpleStyle, TextLocation,
};

/// The message a quick reading stops with: the feature must be read located.
pub(super) const REFUSED: &str = "a feature the quick reading leaves to the located one";

/// Reads features: how (quickly or located), where (the whole text, for positions), which
/// (index and JSON path), and the warnings so far.
pub(super) struct Reader<'t> {
    text: &'t str,
    /// Values are read from their raw slices, so positions are known.
    pub located: bool,
    /// Reading a feature again for display: no warnings.
    pub quiet: bool,
    /// Byte offsets of line starts, built on the first warning.
    lines: OnceCell<Vec<usize>>,
    /// What was found wrong, in order.
    pub warnings: Vec<Diagnostic>,
    /// The feature's index in the file.
    pub index: usize,
    /// Its JSON path: `features[3]`, or empty for a file that is one Feature.
    pub prefix: String,
}

impl<'t> Reader<'t> {
    /// A quick reader: no positions, no warnings.
    pub fn quick() -> Self {
        Self {
            text: "",
            located: false,
            quiet: true,
            lines: OnceCell::new(),
            warnings: Vec::new(),
            index: 0,
            prefix: String::new(),
        }
    }

    /// A located reader over `text`, the whole text features are slices of.
    pub fn located(text: &'t str) -> Self {
        Self {
            text,
            located: true,
            quiet: false,
            ..Self::quick()
        }
    }

    /// Line and column of a raw slice of the text.
    pub fn location(&self, raw: &RawValue) -> TextLocation {
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

    /// The JSON path of `member` of the feature.
    pub fn path(&self, member: &str) -> String {
        member_path(&self.prefix, member)
    }

    /// Notes a problem with the value `raw`, at `path` below the feature. Reading quickly,
    /// it stops the reading instead.
    ///
    /// # Errors
    /// [`REFUSED`], reading quickly.
    pub fn warn<E: de::Error>(
        &mut self,
        raw: Option<&RawValue>,
        path: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
    ) -> Result<(), E> {
        if !self.located {
            return Err(E::custom(REFUSED));
        }
        if !self.quiet {
            let mut d = Diagnostic::new(message()).property(self.path(&path()));
            d.feature_index = Some(self.index);
            if let Some(raw) = raw {
                d = d.at(self.location(raw));
            }
            self.warnings.push(d);
        }
        Ok(())
    }

    /// Warns that a value has the wrong JSON type.
    ///
    /// # Errors
    /// As [`Reader::warn`].
    pub fn wrong_type<E: de::Error>(
        &mut self,
        raw: Option<&RawValue>,
        path: impl FnOnce() -> String,
        expected: &str,
        found: JsonKind,
    ) -> Result<(), E> {
        self.warn(raw, path, || {
            format!("expected {expected}, found {}", found.describe())
        })
    }

    /// Stops a quick reading where only a located one can go on (it needs a value's text).
    ///
    /// # Errors
    /// [`REFUSED`], reading quickly.
    pub fn located_only<E: de::Error>(&self) -> Result<(), E> {
        if self.located {
            Ok(())
        } else {
            Err(E::custom(REFUSED))
        }
    }
}

/// A raw string's text: a slice of it when it has no escapes.
fn unescaped(raw: &RawValue) -> Option<Cow<'_, str>> {
    let t = raw.get();
    match t.get(1..t.len().saturating_sub(1)) {
        Some(inner) if !inner.contains('\\') => Some(Cow::Borrowed(inner)),
        _ => Got::of_raw(raw).into_str(),
    }
}

/// A raw value as a `serde_json::Value`; a number too large for f64 is kept as its text.
pub(super) fn to_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|_| Value::String(raw.get().to_owned()))
}

/// Keeps `raw` under `key` when there is one (reading located).
pub(super) fn keep(list: &mut Vec<(String, Value)>, key: &str, raw: Option<&RawValue>) {
    if let Some(raw) = raw {
        list.push((key.to_owned(), to_value(raw)));
    }
}

/// A route's own properties, as read.
#[derive(Debug, Default)]
pub(super) struct RouteParts<'t> {
    from: Option<Cow<'t, str>>,
    to: Option<Cow<'t, str>>,
    aircraft: Vec<Cow<'t, str>>,
    schematic: bool,
    cruise_kmh: Option<f64>,
    /// The members read into the route, kept as properties if the feature is no route.
    members: Vec<(String, Value)>,
}

/// One feature as read: typed, its strings borrowed from the text where they have no
/// escapes. The builder takes a [`Record`] of it; the details panel the full [`Feature`].
#[derive(Debug, Default)]
pub(super) struct Parts<'t> {
    /// `type`, as found.
    type_name: Option<Got<'t>>,
    /// The id, when the feature has a usable one.
    id: Option<Cow<'t, str>>,
    kind: Option<FeatureKind>,
    name: Option<Cow<'t, str>>,
    title: Option<Cow<'t, str>>,
    description: Option<Cow<'t, str>>,
    date: Option<PartialDate>,
    date_end: Option<PartialDate>,
    location_precision: Option<LocationPrecision>,
    /// Claims, read located; reading quickly, only the ids they cite are kept (`cited`).
    claims: Vec<ClaimParts<'t>>,
    /// Every source id a claim cites, reading quickly.
    cited: Vec<Cow<'t, str>>,
    /// Sources, read located.
    sources: Vec<SourceParts<'t>>,
    /// The ids of the feature's own sources.
    source_ids: Vec<Cow<'t, str>>,
    style: SimpleStyle,
    pub geometry: Option<geo_types::Geometry<f64>>,
    pub altitudes_m: Vec<f64>,
    route: RouteParts<'t>,
    pub other_properties: Vec<(String, Value)>,
    foreign_members: Vec<(String, Value)>,
    /// A geometry that could not be read, kept as found.
    pub geometry_kept: Option<Value>,
    /// A bare geometry, not a Feature: it has no name, not even its id.
    bare: bool,
}

impl<'t> Parts<'t> {
    /// A file that is one bare geometry, read as one feature without properties.
    pub fn bare(geometry: Option<geo_types::Geometry<f64>>, altitudes_m: Vec<f64>) -> Self {
        Self {
            type_name: Some(Got::Str(Cow::Borrowed("Feature"))),
            geometry,
            altitudes_m,
            bare: true,
            ..Self::default()
        }
    }

    /// Whether `type` says Feature; or what it says instead.
    pub fn type_error(&self) -> Option<String> {
        match &self.type_name {
            Some(Got::Str(t)) if t == "Feature" => None,
            Some(Got::Str(t)) => Some(format!("expected \"type\": \"Feature\", found {t:?}")),
            _ => Some("expected \"type\": \"Feature\"".to_owned()),
        }
    }

    /// The display name, if not the id: `name`, else `title`, when not empty.
    fn shown_name(&self) -> Option<&Cow<'t, str>> {
        self.name
            .as_ref()
            .filter(|n| !n.is_empty())
            .or(self.title.as_ref())
            .filter(|n| !n.is_empty())
    }

    fn route_info(route: RouteParts<'_>) -> RouteInfo {
        RouteInfo {
            from: route.from.map(Cow::into_owned),
            to: route.to.map(Cow::into_owned),
            aircraft: route.aircraft.into_iter().map(Cow::into_owned).collect(),
            schematic: route.schematic,
            cruise_kmh: route.cruise_kmh,
            ..RouteInfo::default()
        }
    }

    /// What the builder keeps of the feature whose text is `own`.
    pub fn into_record(self, own: &'t str) -> Record<'t> {
        let kind = self.kind.unwrap_or(FeatureKind::Other);
        let name = if self.bare {
            Some(Cow::Borrowed(""))
        } else {
            self.shown_name().cloned()
        };
        let source_ids = self.source_ids;
        let cites_elsewhere = self
            .claims
            .iter()
            .flat_map(|c| &c.sources)
            .chain(&self.cited)
            .any(|id| !source_ids.contains(id));
        Record {
            own,
            id: self.id,
            name,
            description: self.description,
            kind,
            look: Look {
                style: self.style,
                precision: self.location_precision,
            },
            geometry: self.geometry,
            route: (kind == FeatureKind::Route).then(|| Box::new(Self::route_info(self.route))),
            source_ids,
            cites_elsewhere,
        }
    }

    /// The whole feature, owned, as the details panel shows it.
    pub fn into_feature(mut self, index: usize, location: Option<TextLocation>) -> Feature {
        let kind = self.kind.unwrap_or(FeatureKind::Other);
        let id = self
            .id
            .take()
            .map_or_else(|| format!("#{index}"), Cow::into_owned);
        let name = match (self.bare, self.shown_name()) {
            (true, _) => String::new(),
            (false, Some(name)) => name.to_string(),
            (false, None) => id.clone(),
        };
        let mut other_properties = std::mem::take(&mut self.other_properties);
        if self.name.as_ref().is_some_and(|n| !n.is_empty())
            && let Some(title) = self.title.take()
        {
            other_properties.push(("title".to_owned(), Value::String(title.into_owned())));
        }
        let route = if kind == FeatureKind::Route {
            Some(Self::route_info(std::mem::take(&mut self.route)))
        } else {
            other_properties.append(&mut self.route.members);
            None
        };
        let mut foreign_members = self.foreign_members;
        foreign_members.extend(self.geometry_kept.map(|g| ("geometry".to_owned(), g)));
        Feature {
            id,
            index,
            kind,
            name,
            description: self.description.map(Cow::into_owned),
            date: self.date,
            date_end: self.date_end,
            location_precision: self.location_precision,
            claims: self
                .claims
                .into_iter()
                .map(ClaimParts::into_claim)
                .collect(),
            sources: self
                .sources
                .into_iter()
                .map(SourceParts::into_source)
                .collect(),
            style: self.style,
            geometry: self.geometry,
            altitudes_m: self.altitudes_m,
            route,
            other_properties,
            foreign_members,
            location,
        }
    }
}

/// Reads one Feature object into [`Parts`].
pub(super) struct FeatureSeed<'r, 't> {
    pub reader: &'r mut Reader<'t>,
}

impl<'t> DeserializeSeed<'t> for FeatureSeed<'_, 't> {
    type Value = Parts<'t>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Parts<'t>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'t> Visitor<'t> for FeatureSeed<'_, 't> {
    type Value = Parts<'t>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Feature object")
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Parts<'t>, A::Error> {
        let r = self.reader;
        let located = r.located;
        let first_warning = r.warnings.len();
        let mut parts = Parts::default();
        let mut id_raw = None;
        while let Some(member) = next_member(&mut map)? {
            match member {
                FeatureMember::Type => parts.type_name = Some(next_str(&mut map, located)?.0),
                FeatureMember::Id => id_raw = Some(map.next_value::<&'t RawValue>()?),
                FeatureMember::Geometry => {
                    let (found, raw) = next_value(&mut map, located, GeometrySeed { located })?;
                    found.read_into(r, raw, "geometry", &mut parts)?;
                }
                FeatureMember::Properties => {
                    let seed = PropertiesSeed {
                        reader: &mut *r,
                        parts: &mut parts,
                    };
                    let (found, raw) = next_value(&mut map, located, seed)?;
                    if let Some(kind) = found {
                        r.warn(
                            raw,
                            || "properties".to_owned(),
                            || {
                                format!(
                                    "\"properties\" must be an object or null, found {}",
                                    kind.describe()
                                )
                            },
                        )?;
                        keep(&mut parts.foreign_members, "properties", raw);
                    }
                }
                FeatureMember::Other(other) => {
                    if located {
                        let raw: &RawValue = map.next_value()?;
                        keep(&mut parts.foreign_members, &other, Some(raw));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        // The id last (JSON's last-wins rule), its warning first, and every other warning
        // naming it.
        let mut id_warnings = Vec::new();
        if let Some(raw) = id_raw {
            let index = r.index;
            let before = r.warnings.len();
            match JsonKind::of(raw) {
                JsonKind::String => match unescaped(raw) {
                    Some(id) if id.is_empty() => r.warn(
                        Some(raw),
                        || "id".to_owned(),
                        || format!("an empty id cannot be linked to; using #{index}"),
                    )?,
                    id => parts.id = id,
                },
                JsonKind::Number => parts.id = Some(Cow::Borrowed(raw.get())),
                kind => {
                    r.warn(
                        Some(raw),
                        || "id".to_owned(),
                        || {
                            format!(
                                "an id must be a string or a number, found {}; using #{index}",
                                kind.describe()
                            )
                        },
                    )?;
                    parts
                        .foreign_members
                        .insert(0, ("id".to_owned(), to_value(raw)));
                }
            }
            id_warnings = r.warnings.split_off(before);
        }
        if let Some(id) = &parts.id {
            for w in r.warnings.get_mut(first_warning..).into_iter().flatten() {
                w.feature_id = Some(id.to_string());
            }
        }
        let rest = r.warnings.split_off(first_warning);
        r.warnings.extend(id_warnings);
        r.warnings.extend(rest);
        if !located && parts.type_error().is_some() {
            return Err(de::Error::custom(REFUSED));
        }
        Ok(parts)
    }
}

/// Reads `properties` into the feature's parts; gives the kind of value found when it is
/// neither an object nor null.
struct PropertiesSeed<'r, 'p, 't> {
    reader: &'r mut Reader<'t>,
    parts: &'p mut Parts<'t>,
}

impl<'t> DeserializeSeed<'t> for PropertiesSeed<'_, '_, 't> {
    type Value = Option<JsonKind>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for PropertiesSeed<'_, '_, 't> {
    type Value = Option<JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::String))
    }
    fn visit_seq<A: de::SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(JsonKind::Array))
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (r, parts) = (self.reader, self.parts);
        let located = r.located;
        while let Some(member) = next_member::<_, Property<'t>>(&mut map)? {
            let key = member.name();
            let path = || format!("properties.{key}");
            // Whether the value is kept as found (a value at fault, or one Sortie does not
            // read), with its raw slice.
            let kept: Option<Option<&'t RawValue>> = match member {
                Property::Claims => {
                    let seed = ClaimsSeed::new(r, "properties.claims");
                    let (found, raw) = next_value(&mut map, located, seed)?;
                    match found {
                        Ok(claims) => {
                            parts.claims.extend(claims.items);
                            parts.cited.extend(claims.ids);
                            parts.other_properties.extend(claims.kept);
                            None
                        }
                        Err(kind) => {
                            r.wrong_type(raw, path, "an array of claims", kind)?;
                            Some(raw)
                        }
                    }
                }
                Property::Sources => {
                    let seed = SourcesSeed::new(r, "properties.sources");
                    let (found, raw) = next_value(&mut map, located, seed)?;
                    match found {
                        Ok(sources) => {
                            parts.sources.extend(sources.items);
                            parts.source_ids.extend(sources.ids);
                            parts.other_properties.extend(sources.kept);
                            None
                        }
                        Err(kind) => {
                            r.wrong_type(raw, path, "an array of sources", kind)?;
                            Some(raw)
                        }
                    }
                }
                Property::LocationPrecision => {
                    let raw: &'t RawValue = map.next_value()?;
                    match location_precision(raw) {
                        Ok(p) => {
                            parts.location_precision = Some(p);
                            None
                        }
                        Err(m) => {
                            r.warn(Some(raw), path, || m)?;
                            Some(Some(raw))
                        }
                    }
                }
                Property::Aircraft => {
                    let (found, raw) = next_value(&mut map, located, plain::<Strs<'t>>())?;
                    match found {
                        Strs::List(list) => {
                            parts.route.aircraft = list;
                            keep(&mut parts.route.members, key, raw);
                            None
                        }
                        Strs::Not(kind) => {
                            r.wrong_type(raw, path, "a string or an array of strings", kind)?;
                            Some(raw)
                        }
                    }
                }
                Property::Scalar(which) => {
                    let (got, raw) = if which.is_text() {
                        next_str(&mut map, located)?
                    } else {
                        next_got(&mut map, located)?
                    };
                    scalar(r, parts, which, key, got, raw)?.then_some(raw)
                }
                Property::Other(_) => {
                    if located {
                        Some(Some(map.next_value::<&'t RawValue>()?))
                    } else {
                        map.next_value::<IgnoredAny>()?;
                        None
                    }
                }
            };
            if let Some(raw) = kept {
                keep(&mut parts.other_properties, key, raw);
            }
        }
        Ok(None)
    }
}

/// The properties whose value is a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    Kind,
    Name,
    Title,
    Description,
    Date,
    DateEnd,
    From,
    To,
    CruiseKmh,
    Schematic,
    MarkerColor,
    Stroke,
    Fill,
    MarkerSize,
    MarkerSymbol,
    StrokeWidth,
    StrokeOpacity,
    FillOpacity,
}

/// The members of a Feature object.
enum FeatureMember<'t> {
    Type,
    Id,
    Geometry,
    Properties,
    Other(Cow<'t, str>),
}

impl<'t> Member<'t> for FeatureMember<'t> {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "type" => Self::Type,
            "id" => Self::Id,
            "geometry" => Self::Geometry,
            "properties" => Self::Properties,
            _ => return None,
        })
    }
    fn other(key: Cow<'t, str>) -> Self {
        Self::Other(key)
    }
}

/// The members of `properties`.
enum Property<'t> {
    Claims,
    Sources,
    LocationPrecision,
    Aircraft,
    Scalar(Scalar),
    Other(Cow<'t, str>),
}

impl<'t> Member<'t> for Property<'t> {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "claims" => Self::Claims,
            "sources" => Self::Sources,
            "location_precision" => Self::LocationPrecision,
            "aircraft" => Self::Aircraft,
            _ => Self::Scalar(Scalar::of(key)?),
        })
    }
    fn other(key: Cow<'t, str>) -> Self {
        Self::Other(key)
    }
}

impl Property<'_> {
    /// The property's name.
    fn name(&self) -> &str {
        match self {
            Self::Claims => "claims",
            Self::Sources => "sources",
            Self::LocationPrecision => "location_precision",
            Self::Aircraft => "aircraft",
            Self::Scalar(s) => s.name(),
            Self::Other(key) => key,
        }
    }
}

impl Scalar {
    /// Whether the value is a string (reading quickly, anything else is left to the
    /// located reading).
    fn is_text(self) -> bool {
        !matches!(
            self,
            Self::CruiseKmh
                | Self::Schematic
                | Self::StrokeWidth
                | Self::StrokeOpacity
                | Self::FillOpacity
        )
    }

    /// The property's name.
    fn name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Name => "name",
            Self::Title => "title",
            Self::Description => "description",
            Self::Date => "date",
            Self::DateEnd => "date_end",
            Self::From => "from",
            Self::To => "to",
            Self::CruiseKmh => "cruise_kmh",
            Self::Schematic => "schematic",
            Self::MarkerColor => "marker-color",
            Self::Stroke => "stroke",
            Self::Fill => "fill",
            Self::MarkerSize => "marker-size",
            Self::MarkerSymbol => "marker-symbol",
            Self::StrokeWidth => "stroke-width",
            Self::StrokeOpacity => "stroke-opacity",
            Self::FillOpacity => "fill-opacity",
        }
    }

    /// The property named `key`, if it is one of these.
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "kind" => Self::Kind,
            "name" => Self::Name,
            "title" => Self::Title,
            "description" => Self::Description,
            "date" => Self::Date,
            "date_end" => Self::DateEnd,
            "from" => Self::From,
            "to" => Self::To,
            "cruise_kmh" => Self::CruiseKmh,
            "schematic" => Self::Schematic,
            "marker-color" => Self::MarkerColor,
            "stroke" => Self::Stroke,
            "fill" => Self::Fill,
            "marker-size" => Self::MarkerSize,
            "marker-symbol" => Self::MarkerSymbol,
            "stroke-width" => Self::StrokeWidth,
            "stroke-opacity" => Self::StrokeOpacity,
            "fill-opacity" => Self::FillOpacity,
            _ => return None,
        })
    }
}

/// Reads property `key`, `which` of the scalars; gives whether the value is kept as found.
fn scalar<'t, E: de::Error>(
    r: &mut Reader<'t>,
    parts: &mut Parts<'t>,
    which: Scalar,
    key: &str,
    got: Got<'t>,
    raw: Option<&'t RawValue>,
) -> Result<bool, E> {
    let path = || format!("properties.{key}");
    let kind = got.kind();
    let number = got.number();
    let flag = got == Got::Bool(true);
    let text = got.into_str();
    match which {
        Scalar::Kind => {
            match text.as_deref().map(|s| (s, FeatureKind::parse(s))) {
                Some((_, Some(k))) => parts.kind = Some(k),
                Some((s, None)) => {
                    r.warn(raw, path, || {
                    format!("unknown kind {s:?} (expected base, target, place or route); shown as other")
                })?;
                    return Ok(true);
                }
                None => return r.wrong_type(raw, path, "a string", kind).map(|()| true),
            }
        }
        Scalar::Name | Scalar::Title | Scalar::Description => match text {
            Some(s) => match which {
                Scalar::Name => parts.name = Some(s),
                Scalar::Title => parts.title = Some(s),
                _ => parts.description = Some(s),
            },
            None => return r.wrong_type(raw, path, "a string", kind).map(|()| true),
        },
        Scalar::Date | Scalar::DateEnd => match text.as_deref().map(|s| (PartialDate::parse(s), s))
        {
            Some((Some(date), _)) => {
                if which == Scalar::Date {
                    parts.date = Some(date);
                } else {
                    parts.date_end = Some(date);
                }
            }
            Some((None, s)) => {
                r.warn(raw, path, || {
                    format!("{s:?} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
                })?;
                return Ok(true);
            }
            None => {
                return r
                    .wrong_type(raw, path, "a date string", kind)
                    .map(|()| true);
            }
        },
        Scalar::From | Scalar::To => match text {
            Some(s) => {
                if which == Scalar::From {
                    parts.route.from = Some(s);
                } else {
                    parts.route.to = Some(s);
                }
                keep(&mut parts.route.members, key, raw);
            }
            None => {
                return r
                    .wrong_type(raw, path, "a feature id (string)", kind)
                    .map(|()| true);
            }
        },
        Scalar::CruiseKmh => match number.filter(|v| *v > 0.0) {
            Some(v) => {
                parts.route.cruise_kmh = Some(v);
                keep(&mut parts.route.members, key, raw);
            }
            None => {
                return r
                    .wrong_type(raw, path, "a speed in km/h above 0", kind)
                    .map(|()| true);
            }
        },
        Scalar::Schematic => match kind {
            JsonKind::Bool => {
                parts.route.schematic = flag;
                keep(&mut parts.route.members, key, raw);
            }
            _ => {
                return r
                    .wrong_type(raw, path, "true or false", kind)
                    .map(|()| true);
            }
        },
        Scalar::MarkerColor | Scalar::Stroke | Scalar::Fill => {
            match text.as_deref().map(|s| (Rgb::parse(s), s)) {
                Some((Some(color), _)) => match which {
                    Scalar::MarkerColor => parts.style.marker_color = Some(color),
                    Scalar::Stroke => parts.style.stroke = Some(color),
                    _ => parts.style.fill = Some(color),
                },
                Some((None, s)) => {
                    r.warn(raw, path, || {
                        format!("{s:?} is not a colour (#RGB or #RRGGBB); the default is used")
                    })?;
                    return Ok(true);
                }
                None => {
                    return r
                        .wrong_type(raw, path, "a colour string", kind)
                        .map(|()| true);
                }
            }
        }
        Scalar::MarkerSize => match text.as_deref().and_then(MarkerSize::parse) {
            Some(size) => parts.style.marker_size = size,
            None => {
                r.warn(raw, path, || {
                    "marker-size must be \"small\", \"medium\" or \"large\"; medium is used"
                        .to_owned()
                })?;
                return Ok(true);
            }
        },
        Scalar::MarkerSymbol => match (text, kind) {
            (Some(s), _) => {
                parts.style.marker_symbol = Some(s.into_owned()).filter(|s| !s.is_empty())
            }
            (None, JsonKind::Number) => {
                // Kept as written, which only a located reading has.
                r.located_only()?;
                parts.style.marker_symbol = raw.map(|r| r.get().to_owned());
            }
            (None, kind) => return r.wrong_type(raw, path, "a string", kind).map(|()| true),
        },
        Scalar::StrokeWidth | Scalar::StrokeOpacity | Scalar::FillOpacity => {
            let max = if which == Scalar::StrokeWidth {
                f64::MAX
            } else {
                1.0
            };
            match number.filter(|v| (0.0..=max).contains(v)) {
                Some(v) => match which {
                    Scalar::StrokeWidth => parts.style.stroke_width = v,
                    Scalar::StrokeOpacity => parts.style.stroke_opacity = v,
                    _ => parts.style.fill_opacity = v,
                },
                None => {
                    let range = if which == Scalar::StrokeWidth {
                        "a number ≥ 0"
                    } else {
                        "a number from 0 to 1"
                    };
                    r.warn(raw, path, || {
                        format!("{key} must be {range}; the default is used")
                    })?;
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}
