//! Editing a dataset: features added, changed and deleted in steps that undo and redo whole.
//! A changed feature is written once as dataset format v1 GeoJSON (the one writer,
//! [`super::feature_geojson`]) and read back by the one feature reader, so it is stored,
//! drawn, searched and saved exactly as a feature read from a file. Indices never move: an
//! added feature takes the next index, a deleted one keeps its own.

use super::history::{Change, DELETED, EDITED, Step, is_live};
use super::record::index_u32;
use super::store::{self, Core};
use super::{Dataset, Diagnostic, Feature, FeatureKind, Source, geojson};

/// One change a step makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Adds a feature after the others. An empty id is replaced by a new one made from the
    /// name ([`Dataset::fresh_id`]).
    Add(Feature),
    /// Puts `feature` in place of feature `index` (moved, renamed, any property changed).
    Replace(usize, Feature),
    /// Deletes feature `index`.
    Delete(usize),
    /// Puts `sources` in place of the file's source registry (the top-level `sources`).
    Registry(Vec<Source>),
}

/// Why a step was refused; the dataset is then as it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The feature is not there (past the end, or deleted).
    #[error("there is no feature {0}")]
    NoSuchFeature(usize),
    /// Another feature has the id.
    #[error("the id {id:?} is already used by feature {by}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The index of the feature using it.
        by: usize,
    },
    /// The feature written out did not read back (a bug in the writer or the reader).
    #[error("the edited feature does not read back: {0}")]
    Unreadable(String),
    /// Two sources of the registry would have the id.
    #[error("two sources of the registry would have the id {0:?}")]
    DuplicateSourceId(String),
    /// A source to delete is cited by claims (named: feature name and claim number).
    #[error("{id} is cited by {}", .claims.join(", "))]
    SourceCited {
        /// The source's id.
        id: String,
        /// The claims citing it, as "Deir ez-Zor, claim 2".
        claims: Vec<String>,
    },
    /// No source has the id.
    #[error("no source has the id {0:?}")]
    NoSuchSource(String),
}

/// What a step, an undo or a redo changed: the features whose index is listed were
/// replaced, added, deleted or brought back. Views of the dataset update these.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// The indices, in the order the step changed them.
    pub indices: Vec<usize>,
    /// The step's label ("move Deir ez-Zor").
    pub label: String,
}

impl Dataset {
    /// Applies `edits` as one step named `label` (undone and redone whole).
    ///
    /// # Errors
    /// [`EditError`] when an edit names no feature or an id another feature has; nothing is
    /// changed then.
    pub fn apply(
        &mut self,
        label: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Result<Changed, EditError> {
        let mut edits = self.checked(edits)?;
        let mut registry = None;
        edits.retain_mut(|e| match e {
            Edit::Registry(sources) => {
                registry = Some(std::mem::take(sources));
                false
            }
            _ => true,
        });
        let linked: Vec<usize> = edits
            .iter()
            .filter_map(|e| match e {
                Edit::Replace(i, _) | Edit::Delete(i) => Some(*i),
                Edit::Add(_) | Edit::Registry(_) => None,
            })
            .flat_map(|i| self.routes_at(i))
            .collect();
        let mut changes: Vec<Change> = Vec::with_capacity(edits.len());
        for edit in edits {
            let change = match self.change_of(edit) {
                Ok(change) => change,
                Err(e) => {
                    for change in changes.iter().rev() {
                        self.set_core(change.index as usize, change.before);
                    }
                    return Err(e);
                }
            };
            self.set_core(change.index as usize, change.after);
            changes.push(change);
        }
        let registry = registry.map(|after| {
            let before = std::mem::take(&mut self.registry);
            self.history
                .file_registry
                .get_or_insert_with(|| before.clone());
            self.set_registry(after.clone());
            Box::new([before, after])
        });
        let step = Step {
            label: label.into(),
            changes,
            registry,
        };
        let changed = changed_by(&step);
        self.history.push(step);
        self.forget_derived();
        self.recheck(&changed.indices, linked);
        Ok(changed)
    }

    /// Undoes the latest step; `None` when there is none.
    pub fn undo(&mut self) -> Option<Changed> {
        let step = self.history.done.pop()?;
        let linked = self.linked(&step);
        for change in step.changes.iter().rev() {
            self.set_core(change.index as usize, change.before);
        }
        if let Some(registry) = &step.registry {
            self.set_registry(registry[0].clone());
        }
        let changed = changed_by(&step);
        self.history.undone.push(step);
        self.forget_derived();
        self.recheck(&changed.indices, linked);
        Some(changed)
    }

    /// Redoes the latest step undone; `None` when there is none.
    pub fn redo(&mut self) -> Option<Changed> {
        let step = self.history.undone.pop()?;
        let linked = self.linked(&step);
        for change in &step.changes {
            self.set_core(change.index as usize, change.after);
        }
        if let Some(registry) = &step.registry {
            self.set_registry(registry[1].clone());
        }
        let changed = changed_by(&step);
        self.history.done.push(step);
        self.forget_derived();
        self.recheck(&changed.indices, linked);
        Some(changed)
    }

    /// What undo would undo ("move Deir ez-Zor").
    pub fn undo_label(&self) -> Option<&str> {
        self.history.done.last().map(|s| s.label.as_str())
    }

    /// What redo would redo.
    pub fn redo_label(&self) -> Option<&str> {
        self.history.undone.last().map(|s| s.label.as_str())
    }

    /// Whether there are edits not saved: the state differs from the one last saved (or
    /// opened).
    pub fn is_modified(&self) -> bool {
        self.history.is_modified()
    }

    /// Marks the present state as saved.
    pub fn mark_saved(&mut self) {
        self.history.saved_at = Some(self.history.done.len());
    }

    /// Whether feature `index` was added or changed in Sortie (and is there).
    pub fn is_edited(&self, index: usize) -> bool {
        self.part
            .cores
            .get(index)
            .is_some_and(|c| is_live(c) && c.start & EDITED != 0)
    }

    /// An id no feature has, made from `name` (`shahid-nojeh-air-base`, then `-2`, `-3`…);
    /// `feature` when the name has no letter or digit.
    pub fn fresh_id(&self, name: &str) -> String {
        let base = slug(name);
        let base = if base.is_empty() { "feature" } else { &base };
        if self.index_of(base).is_none() {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| self.index_of(id).is_none())
            .unwrap_or_default()
    }

    /// A source id no source of the dataset (nor `also`) has, made from `name`
    /// (`reuters-2016`, then `-2`, `-3`…); `source` when the name has no letter or digit.
    pub fn fresh_source_id(&self, name: &str, also: &[Source]) -> String {
        let base = slug(name);
        let base = if base.is_empty() { "source" } else { &base };
        let taken = |id: &str| {
            self.source_by_id(id).is_some() || also.iter().any(|s| s.id.as_deref() == Some(id))
        };
        if !taken(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken(id))
            .unwrap_or_default()
    }

    /// The edits with fresh ids given, once every index and id has been checked.
    fn checked(&self, mut edits: Vec<Edit>) -> Result<Vec<Edit>, EditError> {
        // Ids the step gives, with the index each goes to (`len` and on for added ones).
        let mut giving: Vec<(String, usize)> = Vec::new();
        let mut taking: Vec<usize> = Vec::new();
        let mut next = self.len();
        for edit in &mut edits {
            let (index, feature) = match edit {
                Edit::Add(feature) => {
                    if feature.id.is_empty() {
                        feature.id = self.fresh_id(&feature.name);
                        while giving.iter().any(|(id, _)| *id == feature.id) {
                            feature.id = format!("{}-{next}", feature.id);
                        }
                    }
                    next += 1;
                    (next - 1, feature)
                }
                Edit::Replace(index, feature) => {
                    if self.get(*index).is_none() {
                        return Err(EditError::NoSuchFeature(*index));
                    }
                    (*index, feature)
                }
                Edit::Delete(index) => {
                    if self.get(*index).is_none() {
                        return Err(EditError::NoSuchFeature(*index));
                    }
                    taking.push(*index);
                    continue;
                }
                Edit::Registry(sources) => {
                    let mut ids: Vec<&str> =
                        sources.iter().filter_map(|s| s.id.as_deref()).collect();
                    ids.sort_unstable();
                    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
                        return Err(EditError::DuplicateSourceId(w[0].to_owned()));
                    }
                    continue;
                }
            };
            if let Some((_, by)) = giving.iter().find(|(id, _)| *id == feature.id) {
                return Err(EditError::DuplicateId {
                    id: feature.id.clone(),
                    by: *by,
                });
            }
            giving.push((feature.id.clone(), index));
        }
        for (id, index) in &giving {
            // An id stays free when its feature is deleted or given another id in the step.
            if let Some(by) = self.index_of(id)
                && by != *index
                && !taking.contains(&by)
                && !giving.iter().any(|(_, i)| *i == by)
            {
                return Err(EditError::DuplicateId { id: id.clone(), by });
            }
        }
        Ok(edits)
    }

    /// The change `edit` makes; the new record, for a feature written, reads its text.
    fn change_of(&mut self, edit: Edit) -> Result<Change, EditError> {
        let (index, feature) = match edit {
            Edit::Delete(index) => {
                let before = self.core(index)?;
                let after = Core {
                    start: before.start | DELETED,
                    ..before
                };
                return Ok(Change {
                    index: index_u32(index),
                    before,
                    after,
                });
            }
            Edit::Add(feature) => {
                let index = self.len();
                let empty = self.empty_core();
                self.part.cores.push(empty);
                (index, feature)
            }
            Edit::Replace(index, feature) => (index, feature),
            // Taken out of the step before its features' changes are made.
            Edit::Registry(_) => return Err(EditError::Unreadable("a registry edit".to_owned())),
        };
        let before = self.core(index).or_else(|_| {
            self.part
                .cores
                .get(index)
                .copied()
                .ok_or(EditError::NoSuchFeature(index))
        })?;
        let after = self.written(index, &feature)?;
        Ok(Change {
            index: index_u32(index),
            before,
            after,
        })
    }

    fn core(&self, index: usize) -> Result<Core, EditError> {
        self.part
            .cores
            .get(index)
            .filter(|c| is_live(c))
            .copied()
            .ok_or(EditError::NoSuchFeature(index))
    }

    /// The record of a slot not yet filled (an added feature before it is, or after undo).
    fn empty_core(&self) -> Core {
        let start = u64::try_from(self.history.edited.len()).unwrap_or(0);
        Core {
            start: start | EDITED | DELETED,
            len: 0,
            id: store::StrRef::EMPTY,
            name: store::StrRef::EMPTY,
            description: store::StrRef::EMPTY,
            look: 0,
            geometry: store::NONE,
            route: store::NONE,
            when: store::NONE,
            kind: FeatureKind::Other,
        }
    }

    /// Writes `feature` as feature `index` and reads it back into a new record (its old
    /// record is left as it was, for undo).
    fn written(&mut self, index: usize, feature: &Feature) -> Result<Core, EditError> {
        let text = super::feature_geojson(feature);
        let at = self.history.edited.len();
        self.history.edited.push_str(&text);
        let own = &self.history.edited[at..];
        let (record, _warnings): (_, Vec<Diagnostic>) = geojson::edited_record(own, index)
            .map_err(|d| EditError::Unreadable(d.message.clone()))?;
        let here = index_u32(index);
        let (mut core, sources) = self.part.edited_core(here, &self.history.edited, record);
        core.start |= EDITED;
        // A feature without an id is `#<index>`, as when read from the file.
        if let Some(at) = self.part.anonymous.iter().position(|&(i, _)| i == here) {
            let (_, name_too) = self.part.anonymous.swap_remove(at);
            let id = self.part.arena_str(&format!("#{index}"));
            core.id = id;
            if name_too {
                core.name = id;
            }
        }
        self.history
            .sources
            .extend(sources.into_iter().map(|h| (h, here)));
        Ok(core)
    }

    /// Puts `core` in slot `index`, keeping the counts, the id index and the routes' links
    /// in step.
    fn set_core(&mut self, index: usize, core: Core) {
        let Some(&old) = self.part.cores.get(index) else {
            return;
        };
        if index < self.history.file_features {
            self.history
                .originals
                .entry(index_u32(index))
                .or_insert(old);
        }
        let old_id = self.get(index).map(|f| f.id.to_owned());
        self.count(&old, false);
        if let Some(slot) = self.part.cores.get_mut(index) {
            *slot = core;
        }
        self.count(&core, true);
        let new_id = self.get(index).map(|f| f.id.to_owned());
        if let Some(id) = &new_id
            && self.index_of(id) != Some(index)
        {
            let mut ids = std::mem::take(&mut self.ids);
            ids.insert_unique(store::id_hash(id), index_u32(index), |&i| {
                store::id_hash(self.get(i as usize).map_or("", |f| f.id))
            });
            self.ids = ids;
        }
        let relinked = self.relink_routes(index, [old_id, new_id]);
        let Some(links) = self.route_links.get_mut() else {
            return;
        };
        if is_live(&core)
            && let Some(route) = self.part.routes.get(core.route as usize)
        {
            links.add(
                index_u32(index),
                core.route,
                [route.from_index, route.to_index],
            );
        }
        // Routes linked again to it or from it by its id.
        for slot in relinked {
            if let (Some(&owner), Some(route)) = (
                links.owners.get(&index_u32(slot)),
                self.part.routes.get(slot),
            ) {
                links.add(owner, index_u32(slot), [route.from_index, route.to_index]);
            }
        }
    }

    /// Counts a record in (or out of) the counts by kind and of routes.
    fn count(&mut self, core: &Core, add: bool) {
        if !is_live(core) {
            return;
        }
        let change = |n: &mut usize| {
            *n = if add { *n + 1 } else { n.saturating_sub(1) };
        };
        if let Some(k) = FeatureKind::ALL.iter().position(|&k| k == core.kind)
            && let Some(n) = self.kind_counts.get_mut(k)
        {
            change(n);
        }
        if core.route != store::NONE {
            change(&mut self.routes);
        }
    }

    /// Links again the routes that name `ids` (the ids feature `index` had and has) as an
    /// end, and feature `index`'s own route. Returns the records of the routes other than
    /// its own linked again.
    fn relink_routes(&mut self, index: usize, ids: [Option<String>; 2]) -> Vec<usize> {
        let ids: Vec<String> = if ids[0] == ids[1] {
            Vec::new()
        } else {
            ids.into_iter().flatten().collect()
        };
        let own = self.part.cores.get(index).map_or(store::NONE, |c| c.route);
        let find = |end: &Option<String>| end.as_deref().and_then(|e| self.index_of(e));
        let mut links = Vec::new();
        if let Some(route) = self.part.routes.get(own as usize) {
            links.push((own as usize, find(&route.from), find(&route.to)));
        }
        if !ids.is_empty() {
            let names = |end: &Option<String>| end.as_ref().is_some_and(|e| ids.contains(e));
            for (r, route) in self.part.routes.iter().enumerate() {
                if names(&route.from) || names(&route.to) {
                    links.push((r, find(&route.from), find(&route.to)));
                }
            }
        }
        let others: Vec<usize> = links
            .iter()
            .map(|&(r, ..)| r)
            .filter(|&r| r != own as usize)
            .collect();
        for (r, from, to) in links {
            if let Some(route) = self.part.routes.get_mut(r) {
                route.from_index = from;
                route.to_index = to;
            }
        }
        others
    }

    /// The routes at the features `step` changes, before it is applied.
    fn linked(&self, step: &Step) -> Vec<usize> {
        step.changes
            .iter()
            .flat_map(|c| self.routes_at(c.index as usize))
            .collect()
    }

    /// Checks again the features `indices` and the routes at them, now and before
    /// (`linked`): their warnings replace those they had.
    fn recheck(&mut self, indices: &[usize], linked: Vec<usize>) {
        let mut all: Vec<usize> = indices.to_vec();
        all.extend(linked);
        for &i in indices {
            all.extend(self.routes_at(i));
        }
        all.sort_unstable();
        all.dedup();
        for i in all {
            let warnings = self.warnings_of(i);
            self.history.warnings.insert(index_u32(i), warnings);
        }
    }

    /// The warnings of feature `index` as it now is (none when deleted): the load's rules
    /// (its members, its route's ends and track, the source ids its claims cite) and, once
    /// it is edited, the evidence rules of `sortie check`.
    pub fn warnings_of(&self, index: usize) -> Vec<Diagnostic> {
        let Some(feature) = self.feature(index) else {
            return Vec::new();
        };
        let text = super::feature_geojson(&feature);
        let mut warnings = match geojson::edited_record(&text, index) {
            Ok((_, warnings)) => warnings,
            Err(e) => vec![*e],
        };
        let collection = self.origin.collection();
        let at = |property: &str| {
            super::path::member_path(&super::path::path_of(index, collection), property)
        };
        for warning in &mut warnings {
            // Positions in the feature's own text, not the file's.
            warning.line = None;
            warning.column = None;
            warning.feature_index = Some(index);
            warning.feature_id = Some(feature.id.clone());
        }
        if let Some(route) = &feature.route {
            let vertices = super::route_vertices(feature.geometry.as_ref()).len();
            let (_, problems) = super::build::route_problems(self, route, vertices);
            warnings.extend(problems.into_iter().map(|(member, message)| Diagnostic {
                feature_index: Some(index),
                feature_id: Some(feature.id.clone()),
                property: Some(at(&member)),
                ..Diagnostic::new(message)
            }));
        }
        warnings.extend(super::build::unresolved_citations(
            self, &feature, collection,
        ));
        if self.is_edited(index) {
            // The evidence rules the load leaves to `check`, for what was edited; and no
            // line of the file to name.
            warnings.extend(super::evidence::feature_evidence(self, &feature));
            for warning in &mut warnings {
                warning.line = None;
                warning.column = None;
            }
        }
        warnings
    }

    /// How many warnings there are: the load's, those of features edited since as they
    /// now are in place of theirs.
    pub fn warning_count(&self) -> usize {
        if self.history.warnings.is_empty() {
            return self.warnings.len();
        }
        let warned = self.load_warned();
        let replaced: usize = self
            .history
            .warnings
            .keys()
            .map(|i| warned.partition_point(|w| w <= i) - warned.partition_point(|w| w < i))
            .sum();
        let edited: usize = self.history.warnings.values().map(Vec::len).sum();
        self.warnings.len() - replaced + edited
    }

    /// Every warning: the load's (but those of features edited since), then those of the
    /// features edited, in index order.
    pub fn all_warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        let edited = &self.history.warnings;
        self.warnings
            .iter()
            .filter(|w| {
                w.feature_index
                    .is_none_or(|i| !edited.contains_key(&index_u32(i)))
            })
            .chain(edited.values().flatten())
    }

    fn load_warned(&self) -> &[u32] {
        self.history.load_warned.get_or_init(|| {
            let mut warned: Vec<u32> = self
                .warnings
                .iter()
                .filter_map(|w| w.feature_index)
                .map(index_u32)
                .collect();
            warned.sort_unstable();
            warned
        })
    }

    /// Puts `registry` in place of the source registry, its id index with it.
    fn set_registry(&mut self, registry: Vec<Source>) {
        self.registry_ids = super::build::registry_ids(&registry);
        self.registry = registry;
    }

    /// Whether the source registry is as the file has it.
    pub(crate) fn registry_as_opened(&self) -> bool {
        self.history
            .file_registry
            .as_ref()
            .is_none_or(|file| *file == self.registry)
    }

    /// Drops what was computed from the features on first use.
    fn forget_derived(&mut self) {
        self.summary = std::sync::OnceLock::new();
        self.source_uses = std::sync::OnceLock::new();
    }
}

fn changed_by(step: &Step) -> Changed {
    let mut indices: Vec<usize> = Vec::with_capacity(step.changes.len());
    for change in &step.changes {
        let i = change.index as usize;
        if !indices.contains(&i) {
            indices.push(i);
        }
    }
    Changed {
        indices,
        label: step.label.clone(),
    }
}

/// `name` as an id: its letters and digits lowercased, other runs of characters one `-`.
fn slug(name: &str) -> String {
    let mut base = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            base.push(c);
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
    }
    base.trim_end_matches('-').to_owned()
}
