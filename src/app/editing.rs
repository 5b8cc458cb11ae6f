//! Editing in the window: the edit actions applied to the dataset as steps (add, move,
//! delete, undo, redo), the views built again after each, saving (to the file opened when it
//! is GeoJSON, else to a GeoJSON file the user names), and the questions asked first
//! (unsaved edits before opening another file or quitting; a delete that unlinks routes).

use std::path::{Path, PathBuf};

use super::dialog::DialogPurpose;
use super::job::Progress as _;
use super::journal::{Entry, Journal, replay};
use super::{Action, SortieApp};
use crate::action::{Pending, Question};
use crate::dataset::formats::{Format, write_atomically};
use crate::dataset::{Changed, Edit, Feature, FeatureKind};
use crate::map::{RouteClick, Tool};
use crate::ui::claims::{ClaimsForm, claims_ui};
use crate::ui::properties::{PropertyForm, properties_ui};

impl SortieApp {
    /// Applies an editing action.
    pub(super) fn apply_editing(&mut self, action: Action) {
        match action {
            Action::ToggleEditing => {
                self.editing.on = !self.editing.on;
                self.route_draft = None;
            }
            Action::RouteClick(click) => self.route_click(click),
            Action::FinishRoute => self.finish_route(None),
            Action::CancelRoute => self.route_draft = None,
            Action::SetTool(tool) => {
                self.editing.on = true;
                self.route_draft = None;
                self.editing.tool = tool;
                if let Tool::Point(kind) = tool {
                    self.editing.point_kind = kind;
                }
            }
            Action::AddPoint(kind, lon, lat) => self.add_point(kind, lon, lat),
            Action::MoveFeature(index, lon, lat) => self.move_feature(index, lon, lat),
            Action::MoveWaypoint(route, vertex, lon, lat) => {
                self.move_waypoint(route, vertex, lon, lat);
            }
            Action::ReplaceFeature {
                index,
                label,
                feature,
            } => {
                self.edit(&label, vec![Edit::Replace(index, *feature)]);
            }
            Action::EditSource { id, source } => {
                let edits = self.loaded.dataset.source_edits(&id, &source);
                self.source_step(&format!("edit source {id}"), edits, source.id.clone());
            }
            Action::AddSource(url) => {
                self.editing.on = true;
                let dataset = &self.loaded.dataset;
                let publisher = url
                    .as_deref()
                    .and_then(crate::dataset::host_of)
                    .map(str::to_owned);
                let id = dataset.fresh_source_id(publisher.as_deref().unwrap_or("source"), &[]);
                let source = crate::dataset::Source {
                    id: Some(id.clone()),
                    publisher,
                    url,
                    accessed: Some(crate::dataset::capture::utc_today()),
                    ..crate::dataset::Source::default()
                };
                let edits = dataset.registry_edit(None, source).map(|e| vec![e]);
                self.source_step(&format!("add source {id}"), edits, Some(id));
            }
            Action::ShowAttachDialog(source) => {
                self.capture_for = Some(source);
                self.show_file_dialog(DialogPurpose::AttachCapture);
            }
            Action::AttachCapture { source, file } => self.start_capture(source, file),
            Action::CancelCapture => {
                if let Some((_, job)) = &self.capture_job {
                    job.progress().cancel();
                }
            }
            Action::OpenCapture(file) => self.open_capture(&file),
            Action::SetEditorName(name) => self.settings.editor_name = name,
            Action::DeleteSource(id) => {
                let edits = self.loaded.dataset.delete_source_edits(&id);
                self.source_step(&format!("delete source {id}"), edits, None);
            }
            Action::MergeSources { keep, merged } => {
                let edits = self.loaded.dataset.merge_source_edits(&keep, &merged);
                self.source_step(&format!("merge {merged} into {keep}"), edits, Some(keep));
            }
            Action::DeleteSelected => self.delete_selected(),
            Action::DeleteFeatures(indices) => self.delete(&indices),
            Action::Undo => {
                if let Some(changed) = self.loaded.dataset.undo() {
                    self.journal(&Entry::Undo);
                    self.after_edit(&changed);
                }
            }
            Action::Redo => {
                if let Some(changed) = self.loaded.dataset.redo() {
                    self.journal(&Entry::Redo);
                    self.after_edit(&changed);
                }
            }
            Action::Save => match self.file.clone() {
                Some(path) => {
                    self.save_to(&path);
                }
                None => self.show_file_dialog(DialogPurpose::SaveAs),
            },
            Action::ShowSaveAsDialog => self.show_file_dialog(DialogPurpose::SaveAs),
            Action::SaveAs(path) => {
                self.save_to(&with_geojson_extension(path));
            }
            Action::Ask(question) => self.question = Some(question),
            Action::Dismiss => self.question = None,
            Action::SaveThen(pending) => {
                self.question = None;
                let saved = match self.file.clone() {
                    Some(path) => self.save_to(&path),
                    None => {
                        self.show_file_dialog(DialogPurpose::SaveAs);
                        false
                    }
                };
                if saved {
                    self.go_on(pending);
                }
            }
            Action::DiscardThen(pending) => {
                self.question = None;
                self.discarded = true;
                self.end_journal();
                self.go_on(pending);
            }
            Action::RestoreJournal => self.restore_journal(),
            Action::DiscardJournal => {
                self.question = None;
                if let (Some(dir), Some(path)) = (&self.data_dir, &self.loaded.dataset.path) {
                    Journal::remove_for(dir, path);
                }
            }
            _ => {}
        }
    }

    /// While editing, the selected feature's properties, above its details.
    pub(super) fn properties_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let feature = self
            .selection
            .filter(|_| self.editing.on)
            .and_then(|i| self.loaded.dataset.feature(i));
        let Some(feature) = feature else {
            self.form = None;
            self.claims_form = None;
            return;
        };
        let form = match &mut self.form {
            Some(form) if form.index == feature.index => form,
            slot => slot.insert(PropertyForm::of(&feature)),
        };
        let claims_form = match &mut self.claims_form {
            Some(form) if form.is_for(&feature) => form,
            slot => slot.insert(ClaimsForm::of(&feature)),
        };
        let dataset = &self.loaded.dataset;
        // At most a little over half the panel: the details stay in view below.
        egui::ScrollArea::vertical()
            .id_salt("properties")
            .max_height(ui.available_height() * 0.55)
            .show(ui, |ui| {
                egui::CollapsingHeader::new("Properties")
                    .default_open(true)
                    .show(ui, |ui| properties_ui(ui, form, &feature, actions));
                egui::CollapsingHeader::new(format!(
                    "Claims and citations ({})",
                    feature.claims.len()
                ))
                .id_salt("edit claims")
                .default_open(true)
                .show(ui, |ui| {
                    claims_ui(ui, claims_form, dataset, &feature, actions)
                });
            });
        ui.separator();
    }

    /// Appends to the recovery journal (started with the first edit of a file), before the
    /// frame showing the edit is drawn. A journal that cannot be written is said once.
    fn journal(&mut self, entry: &Entry) {
        if self.journal.is_none()
            && let Some(path) = self.loaded.dataset.path.clone().filter(|p| p.is_file())
            && let Some(dir) = self.data_dir.clone()
        {
            match Journal::start(&dir, &path) {
                Ok(journal) => self.journal = Some(journal),
                Err(e) => {
                    self.message = Some(format!("No recovery journal for these edits: {e}"));
                }
            }
        }
        if let Some(journal) = &mut self.journal
            && let Err(e) = journal.append(entry)
        {
            self.message = Some(format!("The recovery journal stopped: {e}"));
            self.journal = None;
        }
    }

    /// Removes the recovery journal (the edits are saved or discarded).
    pub(super) fn end_journal(&mut self) {
        if let Some(journal) = self.journal.take() {
            journal.remove();
        }
    }

    /// Asks whether to restore the edits a crash left for the file just opened.
    pub(super) fn offer_journal(&mut self) {
        let (Some(dir), Some(path)) = (&self.data_dir, &self.loaded.dataset.path) else {
            return;
        };
        let left = Journal::left_for(dir, path);
        if let Some(entries) = left {
            self.question = Some(Question::Restore {
                steps: entries.len(),
            });
        }
    }

    /// Applies the edits the journal holds, and goes on journaling.
    fn restore_journal(&mut self) {
        self.question = None;
        let (Some(dir), Some(path)) = (self.data_dir.clone(), self.loaded.dataset.path.clone())
        else {
            return;
        };
        let Some(entries) = Journal::left_for(&dir, &path) else {
            return;
        };
        let total = entries.len();
        let took = replay(&mut self.loaded.dataset, entries.clone());
        // The journal goes on, for the file as it still is.
        if let Ok(mut journal) = Journal::start(&dir, &path) {
            let kept = entries.iter().all(|e| journal.append(e).is_ok());
            self.journal = kept.then_some(journal);
        }
        self.after_edit(&Changed::default());
        self.message = Some(format!("Restored {took} of {total} unsaved edit steps."));
    }

    /// Does what waited on the unsaved edits.
    fn go_on(&mut self, pending: Pending) {
        match pending {
            Pending::Open(path) => self.open(path),
            Pending::ShowOpenDialog => self.show_file_dialog(DialogPurpose::OpenDataset),
            Pending::Quit => {
                self.allow_close = true;
                if let Some(ctx) = &self.wake {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
    }

    /// Whether `pending` may go ahead now; if edits are unsaved, asks first and says no.
    pub(super) fn unsaved_allow(&mut self, pending: Pending) -> bool {
        if !self.loaded.dataset.is_modified() || self.discarded {
            return true;
        }
        self.question = Some(Question::Unsaved(pending));
        false
    }

    /// Keeps the window open while edits are unsaved, and asks.
    pub(super) fn guard_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.allow_close
            && !self.unsaved_allow(Pending::Quit)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
    }

    fn add_point(&mut self, kind: FeatureKind, lon: f64, lat: f64) {
        let name = format!("New {}", kind.as_str());
        let feature = Feature {
            kind,
            name: name.clone(),
            geometry: Some(geo_types::Geometry::Point(geo_types::Point::new(lon, lat))),
            ..Feature::default()
        };
        let label = format!("add {name}");
        if let Some(changed) = self.edit(&label, vec![Edit::Add(feature)]) {
            self.selection = changed.indices.first().copied();
            self.clear_source();
        }
    }

    /// Moves a point feature, and the ends of the routes that start or end at it with it
    /// (one step).
    fn move_feature(&mut self, index: usize, lon: f64, lat: f64) {
        let dataset = &self.loaded.dataset;
        let Some(mut feature) = dataset.feature(index) else {
            return;
        };
        feature.geometry = Some(geo_types::Geometry::Point(geo_types::Point::new(lon, lat)));
        // Altitudes belong to the old position's coordinates.
        feature.altitudes_m.clear();
        let label = format!("move {}", feature.name);
        let mut edits = vec![Edit::Replace(index, feature)];
        let ends: Vec<(usize, bool, bool)> = dataset
            .routes_at(index)
            .into_iter()
            .filter_map(|r| {
                let info = dataset.route(r)?;
                Some((
                    r,
                    info.from_index == Some(index),
                    info.to_index == Some(index),
                ))
            })
            .collect();
        for (r, from, to) in ends {
            let Some(mut route) = dataset.feature(r) else {
                continue;
            };
            if let Some(geo_types::Geometry::LineString(line)) = &mut route.geometry
                && !line.0.is_empty()
            {
                let last = line.0.len() - 1;
                for (moves, at) in [(from, 0), (to, last)] {
                    if moves && let Some(c) = line.0.get_mut(at) {
                        *c = geo_types::coord! { x: lon, y: lat };
                    }
                }
                edits.push(Edit::Replace(r, route));
            }
        }
        self.edit(&label, edits);
    }

    /// Moves waypoint `vertex` of route `index` (one step; the route is measured again).
    fn move_waypoint(&mut self, index: usize, vertex: usize, lon: f64, lat: f64) {
        let Some(mut route) = self.loaded.dataset.feature(index) else {
            return;
        };
        let Some(geo_types::Geometry::LineString(line)) = &mut route.geometry else {
            return;
        };
        let vertices = line.0.len();
        let Some(c) = line.0.get_mut(vertex) else {
            return;
        };
        *c = geo_types::coord! { x: lon, y: lat };
        // A waypoint moved keeps its altitude where every vertex has one; else which
        // altitude was whose cannot be told, and they go.
        if route.altitudes_m.len() != vertices {
            route.altitudes_m.clear();
        }
        let label = format!("move a waypoint of {}", route.name);
        self.edit(&label, vec![Edit::Replace(index, route)]);
    }

    /// A click of the route tool: the start, a waypoint, or the end.
    fn route_click(&mut self, click: RouteClick) {
        match (&mut self.route_draft, click.feature) {
            (None, Some(start)) => self.route_draft = Some((start, vec![click.lon_lat])),
            (None, None) => {
                self.message =
                    Some("A route starts at a feature: click a base or another point.".to_owned());
            }
            (Some((start, _)), Some(end)) if end != *start => self.finish_route(Some(end)),
            (Some((_, vertices)), _) => vertices.push(click.lon_lat),
        }
    }

    /// Adds the route drawn, ending at feature `end` (or, with `None`, at its last vertex).
    fn finish_route(&mut self, end: Option<usize>) {
        let Some((start, mut vertices)) = self.route_draft.take() else {
            return;
        };
        let dataset = &self.loaded.dataset;
        let end_point = end.and_then(|e| dataset.get(e)?.point());
        if let Some(p) = end_point {
            vertices.push((p.x(), p.y()));
        }
        if vertices.len() < 2 {
            return;
        }
        let name_of = |i: usize| dataset.get(i).map(|f| (f.id.to_owned(), f.name.to_owned()));
        let (from_id, from_name) = name_of(start).unwrap_or_default();
        let to = end.and_then(name_of);
        let name = format!(
            "{from_name} → {}",
            to.as_ref().map_or("?", |(_, name)| name.as_str())
        );
        let feature = Feature {
            kind: FeatureKind::Route,
            name: name.clone(),
            geometry: Some(geo_types::Geometry::LineString(
                vertices.into_iter().collect(),
            )),
            route: Some(crate::dataset::RouteInfo {
                from: Some(from_id),
                to: to.map(|(id, _)| id),
                // Drawn as great circles between the clicks, not a known track.
                schematic: true,
                ..crate::dataset::RouteInfo::default()
            }),
            ..Feature::default()
        };
        if let Some(changed) = self.edit(&format!("add route {name}"), vec![Edit::Add(feature)]) {
            self.selection = changed.indices.first().copied();
            self.clear_source();
        }
    }

    /// Deletes the selected feature, asking first when routes start or end at it.
    fn delete_selected(&mut self) {
        let Some(index) = self.selection else {
            return;
        };
        let routes = self.loaded.dataset.routes_at(index);
        if routes.is_empty() {
            self.delete(&[index]);
        } else {
            self.question = Some(Question::DeleteWithRoutes { index, routes });
        }
    }

    fn delete(&mut self, indices: &[usize]) {
        self.question = None;
        let Some(first) = indices.first() else {
            return;
        };
        let name = self
            .loaded
            .dataset
            .get(*first)
            .map_or_else(String::new, |f| f.name.to_owned());
        let label = match indices.len() {
            1 => format!("delete {name}"),
            n => format!("delete {name} and {} routes", n - 1),
        };
        let edits = indices.iter().map(|&i| Edit::Delete(i)).collect();
        self.edit(&label, edits);
    }

    /// Applies one step; a refusal is shown in the message bar.
    fn edit(&mut self, label: &str, mut edits: Vec<Edit>) -> Option<Changed> {
        // Ids given here, so that the journal replays to the same ones.
        for edit in &mut edits {
            if let Edit::Add(feature) = edit
                && feature.id.is_empty()
            {
                feature.id = self.loaded.dataset.fresh_id(&feature.name);
            }
        }
        let entry = Entry::Step(label.to_owned(), edits.clone());
        match self.loaded.dataset.apply(label, edits) {
            Ok(changed) => {
                self.journal(&entry);
                self.after_edit(&changed);
                Some(changed)
            }
            Err(e) => {
                self.message = Some(format!("Could not {label}: {e}"));
                None
            }
        }
    }

    /// Applies a step over the sources, then shows source `show` (by id, once the sources
    /// are read again); a step refused is said in the message bar, naming why.
    fn source_step(
        &mut self,
        label: &str,
        edits: Result<Vec<Edit>, crate::dataset::EditError>,
        show: Option<String>,
    ) {
        match edits {
            Ok(edits) => {
                if self.edit(label, edits).is_some() {
                    self.source_selection = None;
                    self.source_form = None;
                    if let Some(id) = show {
                        self.apply(Action::ShowSource(id));
                    }
                }
            }
            Err(e) => self.message = Some(format!("Cannot {label}: {e}")),
        }
    }

    /// Brings the views up to date with a step done, undone or redone.
    fn after_edit(&mut self, changed: &Changed) {
        self.discarded = false;
        // The form is filled again from the feature as it now is.
        self.form = None;
        self.quote_checks.clear();
        self.loaded.update(&changed.indices);
        self.start_views_job();
        self.reapply_range();
        if self
            .selection
            .is_some_and(|i| self.loaded.dataset.get(i).is_none())
        {
            self.selection = None;
        }
        self.hovered = None;
        if changed
            .indices
            .iter()
            .any(|&i| self.loaded.dataset.route(i).is_some())
        {
            self.start_airspace_job_for(Some(&changed.indices));
        }
    }

    /// Saves the dataset as GeoJSON to `path` (atomically); says so in the message bar.
    /// Returns whether it was saved.
    fn save_to(&mut self, path: &Path) -> bool {
        let started = std::time::Instant::now();
        let dataset = &self.loaded.dataset;
        let written = write_atomically(path, |out| dataset.write_geojson(out));
        match written {
            Ok(()) => {
                let count = dataset.feature_count();
                self.message = Some(format!(
                    "Saved {count} feature{} to {} in {:.2} s.",
                    if count == 1 { "" } else { "s" },
                    path.display(),
                    started.elapsed().as_secs_f64()
                ));
                self.loaded.dataset.mark_saved();
                self.discarded = false;
                self.end_journal();
                if self.file.as_deref() != Some(path) {
                    self.file = Some(path.to_owned());
                    self.loaded.dataset.path = Some(path.to_owned());
                    if let Some(name) = path.file_name() {
                        self.loaded.dataset.title = name.to_string_lossy().into_owned();
                    }
                }
                true
            }
            Err(e) => {
                self.message = Some(format!("Could not save: {e}"));
                false
            }
        }
    }
}

/// The file Save writes for a dataset: the file it was read from when that is GeoJSON
/// (Sortie never overwrites a file of another format), else none (Save asks).
pub(super) fn save_target(dataset: &crate::dataset::Dataset) -> Option<PathBuf> {
    let path = dataset.path.as_ref()?;
    (dataset.format() == Format::GeoJson && path.is_file()).then(|| path.clone())
}

fn with_geojson_extension(path: PathBuf) -> PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json") => path,
        _ => path.with_extension("geojson"),
    }
}
