//! One feature as read, [`Parts`]: typed, its strings borrowed from the text where they have
//! no escapes; the builder takes a [`Record`] of it, the details panel the full [`Feature`].
//! Filled by the feature, properties, geometry and evidence readers.

use std::borrow::Cow;

use serde_json::Value;
use serde_json::value::RawValue;

use super::evidence::{ClaimParts, SourceParts};
use super::geometry::Placed;
use super::raw::Got;
use crate::dataset::record::Record;
use crate::dataset::store::Look;
use crate::dataset::{
    DateExpr, Feature, FeatureKind, LocationPrecision, RouteInfo, SimpleStyle, TextLocation, When,
};

/// A raw string's text: a slice of it when it has no escapes.
pub(super) fn unescaped(raw: &RawValue) -> Option<Cow<'_, str>> {
    let t = raw.get();
    match t.get(1..t.len().saturating_sub(1)) {
        Some(inner) if !inner.contains('\\') => Some(Cow::Borrowed(inner)),
        _ => Got::of_raw(raw).into_str(),
    }
}

/// A route's own properties, as read.
#[derive(Debug, Default)]
pub(super) struct RouteParts<'t> {
    pub from: Option<Cow<'t, str>>,
    pub to: Option<Cow<'t, str>>,
    pub aircraft: Vec<Cow<'t, str>>,
    pub schematic: bool,
    pub cruise_kmh: Option<f64>,
    /// The members read into the route, kept as properties if the feature is no route.
    pub members: Vec<(String, Value)>,
}

/// One feature as read: typed, its strings borrowed from the text where they have no
/// escapes. The builder takes a [`Record`] of it; the details panel the full [`Feature`].
#[derive(Debug, Default)]
pub(super) struct Parts<'t> {
    /// `type`, as found.
    pub type_name: Option<Got<'t>>,
    /// The id, when the feature has a usable one.
    pub id: Option<Cow<'t, str>>,
    pub kind: Option<FeatureKind>,
    pub name: Option<Cow<'t, str>>,
    pub title: Option<Cow<'t, str>>,
    pub description: Option<Cow<'t, str>>,
    /// `date` and `date_end` as written, with their spans.
    pub date: Option<(Cow<'t, str>, When)>,
    pub date_end: Option<(Cow<'t, str>, When)>,
    /// `date` is there but does not read: the feature stays undated, whatever `date_end`.
    pub date_unreadable: bool,
    pub location_precision: Option<LocationPrecision>,
    /// Claims, read located; reading quickly, only the ids they cite are kept (`cited`).
    pub claims: Vec<ClaimParts<'t>>,
    /// Every source id a claim cites, reading quickly.
    pub cited: Vec<Cow<'t, str>>,
    /// Sources, read located.
    pub sources: Vec<SourceParts<'t>>,
    /// The ids of the feature's own sources.
    pub source_ids: Vec<Cow<'t, str>>,
    pub style: SimpleStyle,
    pub geometry: Option<geo_types::Geometry<f64>>,
    pub altitudes_m: Vec<f64>,
    pub route: RouteParts<'t>,
    pub other_properties: Vec<(String, Value)>,
    pub foreign_members: Vec<(String, Value)>,
    /// A geometry that could not be read, kept as found.
    pub geometry_kept: Option<Value>,
    /// A bare geometry, not a Feature: it has no name, not even its id.
    pub bare: bool,
}

impl<'t> Parts<'t> {
    /// Takes the geometry read for the feature (or the value kept, when it could not be).
    pub fn place(&mut self, placed: Placed) {
        if placed.geometry.is_none() {
            self.geometry_kept = placed.kept;
        }
        self.geometry = placed.geometry;
        self.altitudes_m = placed.altitudes_m;
    }

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
