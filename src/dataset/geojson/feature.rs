//! The GeoJSON feature reader: the one place a Feature object becomes the model's typed
//! data, [`Parts`], from which the builder's record or the full [`Feature`] is taken.
//!
//! It reads in one of two ways, by the same code. **Quickly** (at load): serde straight from
//! the text into typed, borrowed data, with no positions; the first thing it would warn
//! about stops the reading ([`REFUSED`]), and the feature is read again, located, once its
//! index is known. **Located**: every value is first taken as its raw slice of the text, so
//! that a warning names its line and column, feature index, id and JSON path, and a value at
//! fault is kept as found (in `other_properties` or `foreign_members`): nothing is lost.
//! Reading a shown feature again is a quiet located reading. `properties` are read in
//! [`properties`], geometry in `geometry.rs`, claims and sources in `evidence.rs`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::evidence::{ClaimParts, SourceParts};
use super::geometry::GeometrySeed;
use super::raw::{Got, JsonKind, Member, next_member, next_str, next_value, offset_in};
use crate::dataset::build::{Record, member_path};
use crate::dataset::store::Look;
use crate::dataset::{
    DateExpr, Diagnostic, Feature, FeatureKind, LocationPrecision, RouteInfo, SimpleStyle,
    TextLocation, When,
};

mod properties;

use properties::PropertiesSeed;

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
    /// Byte offsets of line starts, built on the first warning by whichever reader of the
    /// load warns first, and shared by all of them (and then by the dataset).
    lines: std::sync::Arc<std::sync::OnceLock<Vec<usize>>>,
    /// What was found wrong, in order.
    pub warnings: Vec<Diagnostic>,
    /// The feature's index in the file.
    pub index: usize,
    /// Its JSON path: `features[3]`, or empty for a file that is one Feature.
    pub prefix: String,
    /// Reading a member of the file's top level (the source registry), not a feature.
    pub top_level: bool,
}

impl<'t> Reader<'t> {
    /// A quick reader: no positions, no warnings.
    pub fn quick() -> Self {
        Self {
            text: "",
            located: false,
            quiet: true,
            lines: std::sync::Arc::default(),
            warnings: Vec::new(),
            index: 0,
            prefix: String::new(),
            top_level: false,
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

    /// A located reader over `text` whose line index is shared with the other readers of
    /// the same text.
    pub fn located_sharing(
        text: &'t str,
        lines: &std::sync::Arc<std::sync::OnceLock<Vec<usize>>>,
    ) -> Self {
        Self {
            lines: std::sync::Arc::clone(lines),
            ..Self::located(text)
        }
    }

    /// The shared line index (empty until a warning builds it).
    pub fn lines(&self) -> &std::sync::Arc<std::sync::OnceLock<Vec<usize>>> {
        &self.lines
    }

    /// The line index, if a warning built it and no other reader still shares it.
    pub fn take_lines(&mut self) -> Option<Vec<usize>> {
        std::sync::Arc::try_unwrap(std::mem::take(&mut self.lines))
            .ok()
            .and_then(std::sync::OnceLock::into_inner)
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
            if !self.top_level {
                d.feature_index = Some(self.index);
            }
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
    /// `date` and `date_end` as written, with their spans.
    pub date: Option<(Cow<'t, str>, When)>,
    pub date_end: Option<(Cow<'t, str>, When)>,
    /// `date` is there but does not read: the feature stays undated, whatever `date_end`.
    pub date_unreadable: bool,
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

    /// When the feature may have happened: `date` to `date_end`; undated when `date` does
    /// not read.
    fn when(&self) -> Option<When> {
        if self.date_unreadable {
            return None;
        }
        When::of_feature(
            self.date.as_ref().map(|d| d.1),
            self.date_end.as_ref().map(|d| d.1),
        )
    }

    /// What the builder keeps of the feature whose text is `own`.
    pub fn into_record(mut self, own: &'t str) -> Record<'t> {
        self.take_record(own)
    }

    /// What the builder keeps of the feature whose text is `own`, taken out of the parts.
    pub fn take_record(&mut self, own: &'t str) -> Record<'t> {
        let kind = self.kind.unwrap_or(FeatureKind::Other);
        let name = if self.bare {
            Some(Cow::Borrowed(""))
        } else if self.name.as_ref().is_some_and(|n| !n.is_empty()) {
            self.name.take()
        } else {
            self.title.take().filter(|n| !n.is_empty())
        };
        let source_ids = std::mem::take(&mut self.source_ids);
        let mut cited_elsewhere: Vec<Cow<'t, str>> = Vec::new();
        for id in self
            .claims
            .iter()
            .flat_map(|c| c.citations.iter().map(|c| &c.id))
            .chain(&self.cited)
        {
            if !source_ids.contains(id) && !cited_elsewhere.contains(id) {
                cited_elsewhere.push(id.clone());
            }
        }
        Record {
            own,
            id: self.id.take(),
            name,
            description: self.description.take(),
            kind,
            look: Look {
                style: std::mem::take(&mut self.style),
                precision: self.location_precision,
            },
            geometry: self.geometry.take(),
            route: (kind == FeatureKind::Route)
                .then(|| Box::new(Self::route_info(std::mem::take(&mut self.route)))),
            source_ids,
            cited_elsewhere,
            when: self.when(),
        }
    }

    /// The whole feature, owned, as the details panel shows it.
    pub fn into_feature(mut self, index: usize, location: Option<TextLocation>) -> Feature {
        let when = self.when();
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
            when,
            date: self.date.and_then(|(text, _)| DateExpr::parse(&text).ok()),
            date_end: self
                .date_end
                .and_then(|(text, _)| DateExpr::parse(&text).ok()),
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
        let mut parts = Parts::default();
        FeatureInto {
            reader: self.reader,
            parts: &mut parts,
        }
        .deserialize(d)?;
        Ok(parts)
    }
}

/// Reads one Feature object into the [`Parts`] given (empty), where they lie: the quick
/// reading's way, as a feature's parts are large.
pub(super) struct FeatureInto<'r, 'p, 't> {
    pub reader: &'r mut Reader<'t>,
    pub parts: &'p mut Parts<'t>,
}

impl<'t> DeserializeSeed<'t> for FeatureInto<'_, '_, 't> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'t> Visitor<'t> for FeatureInto<'_, '_, 't> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Feature object")
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<(), A::Error> {
        let r = self.reader;
        let located = r.located;
        let first_warning = r.warnings.len();
        let parts = self.parts;
        let mut id_raw = None;
        while let Some(member) = next_member(&mut map)? {
            match member {
                FeatureMember::Type => parts.type_name = Some(next_str(&mut map, located)?.0),
                FeatureMember::Id => id_raw = Some(map.next_value::<&'t RawValue>()?),
                FeatureMember::Geometry => {
                    let (found, raw) =
                        next_value(&mut map, located, GeometrySeed { located, depth: 0 })?;
                    found.read_into(r, raw, "geometry", parts)?;
                }
                FeatureMember::Properties => {
                    let seed = PropertiesSeed {
                        reader: &mut *r,
                        parts: &mut *parts,
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
        Ok(())
    }
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
