//! The App: the loaded dataset, selection and hover, settings, background jobs (loading,
//! airspace, sources, a time range, exports, file dialogs: each a [`job::Job`], polled once
//! a frame), and the actions that panels return and that are applied once, at the end of
//! the frame. On top of the house: it may use every module but `cli`.

use std::path::{Path, PathBuf};

use egui::{Key, Ui};

use std::sync::Arc;

use crate::dataset::{Dataset, InRange, LoadError, SourceUse, TimeFilter, parse_str};
use crate::map::draw::Emphasis;
use crate::map::{MapInput, MapView};
use crate::theme::Palette;
use crate::ui;

mod background;
mod capture;
mod dialog;
mod editing;
mod export;
mod job;
mod journal;
mod load;
mod range;
pub use crate::action::{Action, Editing, LeftTab, Pending, Question, Settings};
use background::RouteAirspace;
use dialog::DialogPurpose;
use job::{Job, Polled};
use load::Loading;

pub use load::{Loaded, ViewsBuilt, ViewsWork, views_of};
use range::RangeJob;

/// The bundled dataset, built into the binary so the app opens anywhere.
pub const BUNDLED_DATASET: &str = include_str!("../../assets/datasets/hamedan-2016-08.geojson");
/// The bundled dataset's file name.
pub const BUNDLED_NAME: &str = "hamedan-2016-08.geojson";

/// Loads the bundled dataset.
///
/// # Errors
/// Only if the bundled file were broken, which a test guards against.
pub fn bundled_dataset() -> Result<Dataset, LoadError> {
    parse_str(BUNDLED_DATASET, Some(Path::new(BUNDLED_NAME)))
}

/// Sortie's window.
pub struct SortieApp {
    /// The dataset on screen and its views.
    pub loaded: Loaded,
    /// The map.
    pub map: MapView,
    /// The selected feature.
    pub selection: Option<usize>,
    /// The feature under the pointer, on the map or in the list.
    pub hovered: Option<usize>,
    /// What the left panel lists.
    pub left_tab: LeftTab,
    /// The sources tab and its search box.
    pub sources: ui::sources::SourceList,
    /// The selected source (an index into [`Dataset::source_uses`]).
    pub source_selection: Option<usize>,
    /// The features citing the selected source, sorted: drawn as selected.
    pub highlighted: Vec<usize>,
    /// The sources being read for the Sources tab, on another thread.
    source_job: Option<Job<Option<Vec<SourceUse>>>>,
    /// A source to show once the sources are read.
    pending_source: Option<String>,
    /// Remembered settings.
    pub settings: Settings,
    /// An error to show until dismissed.
    pub message: Option<String>,
    /// Whether the warnings window is open.
    pub show_warnings: bool,
    pointer_lon_lat: Option<(f64, f64)>,
    loading: Option<Loading>,
    dialog: Option<(DialogPurpose, Job<Option<PathBuf>>)>,
    /// An export being written: its outcome, worded for the message bar.
    export_job: Option<Job<Result<String, String>>>,
    /// The Export map window's choices.
    pub export_map: ui::export_map::ExportMapDialog,
    title_shown: Option<String>,
    theme_applied: Option<bool>,
    /// Airspace being computed for the dataset on screen.
    airspace_job: Option<Job<RouteAirspace>>,
    /// The time range the map and the list show (`None`: every feature), and its result.
    applied_range: Option<(TimeFilter, Arc<InRange>)>,
    /// A time range being applied in the background.
    range_job: Option<RangeJob>,
    /// What an edit left to build (aggregates, time index), being built in the background.
    views_job: Option<Job<ViewsBuilt>>,
    /// A range was applied after the map was drawn: draw again.
    repaint_for_range: bool,
    /// A dataset just replaced the one on screen: when its file was chosen and the slowest
    /// frame while it loaded, logged once the frame showing it is drawn.
    just_loaded: Option<(std::time::Instant, std::time::Duration)>,
    /// The window's context, for a background job to ask for a frame the moment it is done
    /// (`None` until the first frame, or [`SortieApp::waking`]).
    wake: Option<egui::Context>,
    /// Whether the window edits, and with which tool.
    pub editing: Editing,
    /// A question waiting for the user's answer.
    pub question: Option<Question>,
    /// The recovery journal of the edits not saved.
    journal: Option<journal::Journal>,
    /// Where recovery journals are kept (`None`: no journal).
    data_dir: Option<PathBuf>,
    /// The selected feature's property fields while editing.
    form: Option<ui::properties::PropertyForm>,
    /// The selected feature's claim fields while editing.
    claims_form: Option<ui::claims::ClaimsForm>,
    /// The selected source's fields while editing.
    source_form: Option<ui::sources::SourceForm>,
    /// A capture being kept, for the source named.
    capture_job: Option<capture::CaptureJob>,
    /// The source a file dialog picks a capture for.
    capture_for: Option<String>,
    /// Quotes checked against their sources' captures, for the details panel.
    quote_checks: ui::details::QuoteChecks,
    /// The route being drawn: the feature it starts at, and its vertices so far.
    pub route_draft: Option<(usize, Vec<(f64, f64)>)>,
    /// The file Save writes: the GeoJSON file opened or last saved as (`None`: Save asks).
    pub file: Option<PathBuf>,
    /// The user chose to lose the unsaved edits (until the next edit).
    discarded: bool,
    /// The window may close though edits are unsaved.
    allow_close: bool,
}

/// How often the window is drawn again while a background job runs and nothing else asks
/// for a frame: for the progress bar. A frame of the whole window costs tens of
/// milliseconds of CPU under a software renderer, taken from the job on a 2-core machine;
/// a job that finishes asks for its frame at once.
const JOB_POLL: std::time::Duration = std::time::Duration::from_millis(250);

impl SortieApp {
    /// The countries the selected route crosses, tinted on the map and in figures.
    fn tinted_countries(&self) -> Vec<String> {
        self.selection
            .and_then(|i| self.loaded.dataset.route(i))
            .and_then(|r| r.airspace.as_ref())
            .map(|rows| rows.iter().filter_map(|r| r.country.clone()).collect())
            .unwrap_or_default()
    }

    /// An app showing `dataset`.
    pub fn new(dataset: Dataset, settings: Settings) -> Self {
        Self {
            loaded: Loaded::of(dataset),
            applied_range: None,
            range_job: None,
            views_job: None,
            repaint_for_range: false,
            just_loaded: None,
            wake: None,
            map: MapView::new(),
            selection: None,
            hovered: None,
            left_tab: LeftTab::Features,
            sources: ui::sources::SourceList::default(),
            source_selection: None,
            highlighted: Vec::new(),
            source_job: None,
            pending_source: None,
            settings,
            message: None,
            show_warnings: false,
            export_map: ui::export_map::ExportMapDialog::default(),
            pointer_lon_lat: None,
            loading: None,
            dialog: None,
            export_job: None,
            title_shown: None,
            theme_applied: None,
            airspace_job: None,
            editing: Editing::default(),
            question: None,
            route_draft: None,
            form: None,
            claims_form: None,
            source_form: None,
            capture_job: None,
            capture_for: None,
            quote_checks: ui::details::QuoteChecks::default(),
            journal: None,
            data_dir: journal::data_dir(),
            file: None,
            discarded: false,
            allow_close: false,
        }
        .with_airspace_job()
    }

    /// Applies `action` as the end of a frame applies what the panels asked (benchmarks).
    pub fn act(&mut self, action: Action) {
        self.apply(action);
    }

    /// Keeps recovery journals in `dir` (the platform's data folder by default).
    #[must_use]
    pub fn with_data_dir(mut self, dir: PathBuf) -> Self {
        self.data_dir = Some(dir);
        self
    }

    /// Lets background jobs started before the first frame (the file named on the command
    /// line) ask for a frame when they finish.
    #[must_use]
    pub fn waking(mut self, ctx: egui::Context) -> Self {
        self.wake = Some(ctx);
        self
    }

    /// Polls background jobs (file loading, airspace, the file dialogs).
    fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some(job) = &self.export_job {
            match job.poll() {
                Polled::Done(outcome) => {
                    self.message = Some(outcome.unwrap_or_else(|e| e));
                    self.export_job = None;
                }
                Polled::Running => ctx.request_repaint_after(std::time::Duration::from_millis(100)),
                Polled::Lost => {
                    self.message = Some("The export stopped unexpectedly".to_owned());
                    self.export_job = None;
                }
            }
        }
        self.poll_airspace(ctx);
        self.poll_load(ctx);
        self.poll_dialog(ctx);
        self.poll_capture(ctx);
    }

    /// Keyboard shortcuts; typing in a text field keeps its keys except Esc and arrows.
    fn keyboard_actions(&self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input(|i| {
            let with = |mods: egui::Modifiers, key: Key| shortcut(i, mods, key);
            let (command, shift) = (egui::Modifiers::COMMAND, egui::Modifiers::SHIFT);
            if i.key_pressed(Key::Escape) {
                actions.push(match self.editing.map_tool() {
                    _ if self.route_draft.is_some() => Action::CancelRoute,
                    Some(crate::map::Tool::Point(_) | crate::map::Tool::Route) => {
                        Action::SetTool(crate::map::Tool::Select)
                    }
                    _ => Action::Select(None),
                });
            }
            if i.key_pressed(Key::Enter) && self.route_draft.is_some() {
                actions.push(Action::FinishRoute);
            }
            if i.key_pressed(Key::ArrowDown) {
                actions.push(Action::MoveSelection(1));
            }
            if i.key_pressed(Key::ArrowUp) {
                actions.push(Action::MoveSelection(-1));
            }
            for (key, mods, action) in [
                (Key::O, command, Action::ShowOpenDialog),
                (Key::S, command, Action::Save),
                (Key::S, command | shift, Action::ShowSaveAsDialog),
                (Key::E, command | shift, Action::ShowExportDialog),
                (Key::E, command, Action::OpenExportMap),
            ] {
                if with(mods, key) {
                    actions.push(action);
                }
            }
            if !typing {
                for (key, mods, action) in [
                    (Key::Z, command, Action::Undo),
                    (Key::Z, command | shift, Action::Redo),
                    (Key::Y, command, Action::Redo),
                ] {
                    if with(mods, key) {
                        actions.push(action);
                    }
                }
            }
            if !typing {
                self.plain_keys(i, actions);
                // A web address pasted onto the window starts a source with it.
                let pasted = i.events.iter().find_map(|e| match e {
                    egui::Event::Paste(text) if crate::dataset::is_web_url(text.trim()) => {
                        Some(text.trim().to_owned())
                    }
                    _ => None,
                });
                if let Some(url) = pasted {
                    actions.push(Action::AddSource(Some(url)));
                }
            }
            // A file dropped on a source shown while editing is kept as its capture; any
            // other is opened.
            let shown_source = self
                .source_selection
                .filter(|_| self.editing.on)
                .and_then(|i| {
                    self.loaded
                        .dataset
                        .source_uses_ready()?
                        .get(i)?
                        .source
                        .id
                        .clone()
                });
            for file in &i.raw.dropped_files {
                let path = file.path();
                if path.as_os_str().is_empty() {
                    continue;
                }
                actions.push(match &shown_source {
                    Some(id) => Action::AttachCapture {
                        source: id.clone(),
                        file: path.to_path_buf(),
                    },
                    None => Action::Open(path.to_path_buf()),
                });
            }
        });
    }

    /// Keys without a modifier, outside text fields.
    fn plain_keys(&self, i: &egui::InputState, actions: &mut Vec<Action>) {
        let key = |key: Key| plain(i, key);
        if key(Key::F) {
            actions.push(Action::FitAll);
        }
        if key(Key::Plus) || key(Key::Equals) {
            actions.push(Action::Zoom(1.0));
        }
        if key(Key::Minus) {
            actions.push(Action::Zoom(-1.0));
        }
        let toggled = key(Key::E);
        if toggled {
            actions.push(Action::ToggleEditing);
        }
        // Editing, once this frame's actions are applied.
        if self.editing.on == toggled {
            return;
        }
        if key(Key::Num1) {
            actions.push(Action::SetTool(crate::map::Tool::Select));
        }
        if key(Key::Num2) {
            actions.push(Action::SetTool(crate::map::Tool::Point(
                self.editing.point_kind,
            )));
        }
        if key(Key::Num3) {
            actions.push(Action::SetTool(crate::map::Tool::Route));
        }
        if key(Key::Delete) || key(Key::Backspace) {
            actions.push(Action::DeleteSelected);
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Select(selection) => {
                self.selection = selection;
                self.clear_source();
            }
            Action::SelectAndCenter(index) => {
                self.selection = Some(index);
                self.clear_source();
                self.map.center_on(&self.loaded.layers, index);
            }
            Action::MoveSelection(step) => {
                if let Some(index) = self.loaded.list.step(self.selection, step) {
                    self.selection = Some(index);
                    self.clear_source();
                    self.loaded.list.scroll_to(index);
                    self.map.center_on(&self.loaded.layers, index);
                }
            }
            Action::FitAll => self.map.request_fit(),
            Action::Zoom(steps) => self.map.zoom_by(steps),
            Action::ShowOpenDialog => {
                if self.unsaved_allow(Pending::ShowOpenDialog) {
                    self.show_file_dialog(DialogPurpose::OpenDataset);
                }
            }
            Action::ShowPmTilesDialog => self.show_file_dialog(DialogPurpose::PickPmTiles),
            Action::Open(path) => {
                if self.unsaved_allow(Pending::Open(path.clone())) {
                    self.open(path);
                }
            }
            Action::CancelLoad => self.cancel_load(),
            Action::DismissMessage => self.message = None,
            Action::ShowExportDialog => self.show_file_dialog(DialogPurpose::ExportData),
            Action::Export(path) => self.export(path),
            Action::OpenExportMap => {
                self.export_map.open = true;
                self.export_map.dark = self.settings.dark_mode;
            }
            Action::ShowExportMapDialog => {
                self.show_file_dialog(DialogPurpose::ExportMap(self.export_map.format));
            }
            Action::ExportMap(path) => self.export_map(path),
            Action::ToggleWarnings => self.show_warnings = !self.show_warnings,
            Action::SetDarkMode(dark) => self.settings.dark_mode = dark,
            Action::SetBasemap(basemap) => self.settings.basemap = basemap,
            Action::SetTimeline(shown) => self.settings.show_timeline = shown,
            Action::ShowTab(tab) => {
                self.left_tab = tab;
                self.pending_source = None;
            }
            Action::ShowSource(id) => {
                self.left_tab = LeftTab::Sources;
                match self.loaded.dataset.source_uses_ready() {
                    Some(uses) => {
                        let found = uses
                            .iter()
                            .position(|u| u.source.id.as_deref() == Some(id.as_str()));
                        if found.is_some() {
                            self.apply(Action::SelectSource(found));
                        }
                    }
                    // Shown once the sources are read.
                    None => self.pending_source = Some(id),
                }
            }
            Action::SelectSource(source) => {
                self.selection = None;
                self.source_selection = source;
                self.highlighted = source
                    .and_then(|i| self.loaded.dataset.source_uses_ready()?.get(i))
                    .map(|u| u.features.clone())
                    .unwrap_or_default();
            }
            editing => self.apply_editing(editing),
        }
    }
    /// The window's theme and title, when they change.
    fn sync_window(&mut self, ctx: &egui::Context) {
        if self.theme_applied != Some(self.settings.dark_mode) {
            ctx.set_theme(if self.settings.dark_mode {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.theme_applied = Some(self.settings.dark_mode);
        }
        let mark = if self.loaded.dataset.is_modified() {
            "● "
        } else {
            ""
        };
        let title = format!("{mark}{} — Sortie", self.loaded.dataset.title);
        if self.title_shown.as_ref() != Some(&title) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = Some(title);
        }
    }

    /// The left panel: the feature list or the sources, on their tabs. Returns the feature
    /// the pointer is over in the list.
    fn left_panel_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) -> Option<usize> {
        let mut list_hover = None;
        egui::Panel::left("features")
            .resizable(true)
            .default_size(260.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (tab, label) in [
                        (LeftTab::Features, "Features"),
                        (LeftTab::Sources, "Sources"),
                    ] {
                        if ui.selectable_label(self.left_tab == tab, label).clicked() {
                            actions.push(Action::ShowTab(tab));
                        }
                    }
                });
                match self.left_tab {
                    LeftTab::Features => {
                        list_hover = self.loaded.list.list_ui(
                            ui,
                            &self.loaded.dataset,
                            self.selection,
                            actions,
                        );
                    }
                    LeftTab::Sources => self.sources.sources_ui(
                        ui,
                        &self.loaded.dataset,
                        self.source_selection,
                        self.source_job.as_ref().and_then(Job::fraction),
                        self.editing.on,
                        actions,
                    ),
                }
            });
        list_hover
    }

    /// Draws one frame into `ui` and applies what the user did. The eframe entry point
    /// calls this; tests call it through egui_kittest.
    pub fn show(&mut self, ui: &mut Ui) {
        let frame_started = std::time::Instant::now();
        let ctx = ui.ctx().clone();
        if self.wake.is_none() {
            self.wake = Some(ctx.clone());
        }
        self.poll_jobs(&ctx);
        self.read_sources(&ctx);
        self.sync_window(&ctx);

        let mut actions = Vec::new();
        self.keyboard_actions(&ctx, &mut actions);
        let palette = Palette::for_dark_mode(self.settings.dark_mode);

        let undo = ui::menu::UndoLabels {
            undo: self.loaded.dataset.undo_label(),
            redo: self.loaded.dataset.redo_label(),
        };
        egui::Panel::top("menu").show(ui, |ui| {
            ui::menu::menu_bar_ui(ui, &self.settings, &self.editing, &undo, &mut actions);
        });
        if self.editing.on {
            egui::Panel::top("edit tools").show(ui, |ui| {
                let drawing = self.route_draft.as_ref().map(|(_, v)| v.len());
                let state = ui::edit::ToolbarState {
                    editing: &self.editing,
                    undo: &undo,
                    selection: self.selection,
                    drawing,
                };
                ui::edit::toolbar_ui(ui, &state, &mut actions);
            });
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            let info = ui::status::StatusInfo {
                pointer_lon_lat: self.pointer_lon_lat,
                zoom: self.map.memory.zoom(),
                loading: self.load_fraction(),
                basemap_problem: self.map.basemap_status(&self.settings.basemap),
                in_range: self.in_range_count(),
            };
            ui::status::status_bar_ui(ui, &self.loaded.dataset, &info, &mut actions);
        });
        if self.settings.show_timeline
            && let Some(timeline) = &mut self.loaded.timeline
        {
            let focus = self.hovered.or(self.selection);
            let in_range = self.applied_range.as_ref().map(|(_, r)| r.as_ref());
            egui::Panel::bottom("timeline").show(ui, |ui| {
                timeline.timeline_ui(ui, &self.loaded.dataset, focus, in_range, &palette);
            });
        }
        let list_hover = self.left_panel_ui(ui, &mut actions);
        egui::Panel::right("details")
            .resizable(true)
            .default_size(360.0)
            .show(ui, |ui| {
                match self
                    .source_selection
                    .and_then(|i| self.loaded.dataset.source_uses_ready()?.get(i))
                {
                    Some(u) => {
                        if self.editing.on {
                            let form = match &mut self.source_form {
                                Some(form) if form.is_for(&u.source) => form,
                                slot => slot.insert(ui::sources::SourceForm::of(&u.source)),
                            };
                            let dataset = &self.loaded.dataset;
                            let capturing = u.source.id.as_deref().and_then(|id| {
                                self.capture_job
                                    .as_ref()
                                    .filter(|(source, _)| source == id)
                                    .map(|(_, job)| job.fraction().unwrap_or(0.0))
                            });
                            let state = ui::sources::SourceFormState {
                                capturing,
                                editor_name: &self.settings.editor_name,
                            };
                            ui::sources::source_form_ui(ui, form, dataset, u, &state, &mut actions);
                        }
                        ui::sources::source_details_ui(ui, &self.loaded.dataset, u, &mut actions);
                    }
                    None => {
                        self.properties_ui(ui, &mut actions);
                        ui::details::details_panel_ui(
                            ui,
                            &self.loaded.dataset,
                            self.selection,
                            &mut self.quote_checks,
                            &mut actions,
                        );
                    }
                }
            });
        if let Some(message) = &self.message {
            egui::Panel::top("message")
                .show(ui, |ui| ui::status::message_ui(ui, message, &mut actions));
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let emphasis = Emphasis {
                    selected: self.selection,
                    hovered: list_hover,
                    highlighted: &self.highlighted,
                };
                let tinted = self.tinted_countries();
                let input = MapInput {
                    dataset: &self.loaded.dataset,
                    layers: &self.loaded.layers,
                    emphasis,
                    basemap: &self.settings.basemap,
                    palette: &palette,
                    dark: self.settings.dark_mode,
                    tinted_countries: &tinted,
                    tool: self.editing.map_tool(),
                    draft: self.route_draft.as_ref().map_or(&[], |(_, v)| v.as_slice()),
                };
                let response = self.map.ui(ui, &input);
                self.hovered = response.hovered.or(list_hover);
                self.pointer_lon_lat = response.pointer_lon_lat;
                if let Some(clicked) = response.clicked {
                    actions.push(Action::Select(clicked));
                }
                if let Some((lon, lat)) = response.placed
                    && let crate::map::Tool::Point(kind) = self.editing.tool
                {
                    actions.push(Action::AddPoint(kind, lon, lat));
                }
                if let Some((index, lon, lat)) = response.moved {
                    actions.push(Action::MoveFeature(index, lon, lat));
                }
                if let Some((route, vertex, lon, lat)) = response.moved_waypoint {
                    actions.push(Action::MoveWaypoint(route, vertex, lon, lat));
                }
                if let Some(click) = response.route_click {
                    actions.push(Action::RouteClick(click));
                }
            });
        if self.export_map.open {
            ui::export_map::export_map_ui(&ctx, &mut self.export_map, &mut actions);
        }
        if self.show_warnings {
            let mut open = true;
            egui::Window::new("Warnings")
                .open(&mut open)
                .default_width(520.0)
                .show(&ctx, |ui| {
                    ui::status::warnings_ui(ui, &self.loaded.dataset, &mut actions)
                });
            if !open {
                actions.push(Action::ToggleWarnings);
            }
        }
        if let Some(question) = &self.question {
            ui::edit::question_ui(&ctx, question, &self.loaded.dataset, &mut actions);
        }
        self.guard_close(&ctx);
        for action in actions {
            self.apply(action);
        }
        self.sync_views();
        self.sync_range(&ctx);
        if std::mem::take(&mut self.repaint_for_range) {
            ctx.request_repaint();
        }
        self.log_load_timing(frame_started.elapsed());
    }
}

impl eframe::App for SortieApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// Whether `key` was pressed this frame with the Ctrl (Cmd) and Shift of `mods`, as held
/// when it was pressed (a quick press may let go of Ctrl before the frame ends).
fn shortcut(i: &egui::InputState, mods: egui::Modifiers, key: Key) -> bool {
    i.events.iter().any(|e| {
        matches!(e, egui::Event::Key { key: k, pressed: true, modifiers, .. }
            if *k == key && modifiers.command == mods.command && modifiers.shift == mods.shift)
    })
}

/// Whether `key` was pressed this frame without Ctrl, Cmd or Alt (Shift allowed: `+`).
fn plain(i: &egui::InputState, key: Key) -> bool {
    i.events.iter().any(|e| {
        matches!(e, egui::Event::Key { key: k, pressed: true, modifiers, .. }
            if *k == key && !modifiers.command && !modifiers.ctrl && !modifiers.alt)
    })
}

/// Where the settings live in eframe's storage.
pub const SETTINGS_KEY: &str = "sortie-settings";
