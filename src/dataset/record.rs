//! What a reader hands the builder: a [`Record`] per feature, added to a [`Part`] of the
//! store (on as many threads as the reader likes, each into its own part), and the
//! [`Built`] whole once the reader is done. Below every reader; knows the model and the
//! store, no format's syntax.

use std::borrow::Cow;

use geo_types::Geometry;
use serde_json::Value;

use super::origin::Origin;
use super::store::{self, Core, Look, Part, StrRef};
use super::{Diagnostic, FeatureKind, RouteInfo, Source, When, route_vertices};
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
    pub registry: Vec<Source>,
    /// What the text is and how a feature is read again from it.
    pub origin: Origin,
    /// Byte offsets of the text's line starts, when the reader built them for its warnings.
    pub lines: Option<Vec<usize>>,
}

/// The byte span of `own`, a slice of `text`.
fn span_of(own: &str, text: &str) -> (u64, u32) {
    let start = (own.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    (
        u64::try_from(start).unwrap_or(u64::MAX),
        u32::try_from(own.len()).unwrap_or(u32::MAX),
    )
}

/// An index as the store keeps it.
pub(super) fn index_u32(index: usize) -> u32 {
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

    /// The compact record of feature `index` as changed in Sortie (`record.own` a slice of
    /// `text`, the dataset's edited texts), with the hashes of the source ids it defines; the
    /// caller puts the record in place.
    pub fn edited_core(&mut self, index: u32, text: &str, record: Record<'_>) -> (Core, Vec<u64>) {
        let (core, source_ids, _) = self.core_of(index, text, record);
        let sources = source_ids.iter().map(|id| store::id_hash(id)).collect();
        (core, sources)
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
