//! The App: the loaded dataset, selection and hover, settings, background jobs (loading,
//! airspace, sources, a time range, exports, file dialogs: each a [`job::Job`], polled once
//! a frame), and the actions that panels return and that are applied once, at the end of
//! the frame. On top of the house: it may use every module but `cli`.

use std::path::{Path, PathBuf};

use egui::{Key, Ui};

use std::sync::Arc;

use crate::dataset::AirspaceRow;
use crate::dataset::{
    Dataset, InRange, LoadError, LoadProgress, SourceUse, TimeFilter, TimeIndex, load_path_with,
    parse_str,
};
use crate::map::draw::Emphasis;
use crate::map::{Basemap, MapInput, MapLayers, MapView};
use crate::routes::airspace::AirspaceIndex;
use crate::theme::Palette;
use crate::ui;

mod export;
mod job;
mod range;
pub use crate::action::{Action, LeftTab, Settings};
use job::{Count, Job, Polled};
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

/// Up to this many features, the sources are read at once, in a frame (well under 50 ms);
/// beyond, on another thread.
const SOURCES_READ_AT_ONCE: usize = 4_000;

/// Airspace rows by route feature index.
type RouteAirspace = Vec<(usize, Vec<AirspaceRow>)>;

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DialogPurpose {
    OpenDataset,
    PickPmTiles,
    ExportData,
    ExportMap(crate::figure::FigureFormat),
}

/// A file being loaded in the background.
struct Loading {
    path: PathBuf,
    job: Job<Result<Loaded, LoadError>, LoadProgress>,
    /// When the file was chosen.
    chosen: std::time::Instant,
    /// The longest frame drawn while it loaded (the UI thread's work in `show`).
    slowest_frame: std::time::Duration,
}

/// A dataset and the views the window builds of it (the map's layers, the list and its
/// search index, the timeline and its time index): built together off the UI thread, shown
/// and replaced whole.
pub struct Loaded {
    /// The dataset.
    pub dataset: Dataset,
    /// Its map layers.
    pub layers: MapLayers,
    /// The feature list and its search box.
    pub list: ui::list::FeatureList,
    /// The timeline, when the dataset has dates.
    pub timeline: Option<ui::timeline::Timeline>,
}

impl Loaded {
    /// `dataset` with its views built (the benchmarks time [`views_of`]).
    pub fn of(dataset: Dataset) -> Self {
        let (layers, list, time) = views_of(&dataset);
        Self {
            dataset,
            layers,
            list,
            timeline: ui::timeline::Timeline::new(time),
        }
    }
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
    /// A range was applied after the map was drawn: draw again.
    repaint_for_range: bool,
    /// A dataset just replaced the one on screen: when its file was chosen and the slowest
    /// frame while it loaded, logged once the frame showing it is drawn.
    just_loaded: Option<(std::time::Instant, std::time::Duration)>,
    /// The window's context, for a background job to ask for a frame the moment it is done
    /// (`None` until the first frame, or [`SortieApp::waking`]).
    wake: Option<egui::Context>,
}

/// How often the window is drawn again while a background job runs and nothing else asks
/// for a frame: for the progress bar. A frame of the whole window costs tens of
/// milliseconds of CPU under a software renderer, taken from the job on a 2-core machine;
/// a job that finishes asks for its frame at once.
const JOB_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// The map layers, the list's search index and the time index of a dataset, built side
/// by side: all the window needs before it shows a dataset (the benchmarks time it).
pub fn views_of(dataset: &Dataset) -> (MapLayers, ui::list::FeatureList, Arc<TimeIndex>) {
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        let list = scope.spawn(|| {
            let list = ui::list::FeatureList::new(dataset);
            log::debug!("views: list built in {:.2?}", started.elapsed());
            let time = Arc::new(TimeIndex::new(dataset));
            log::debug!(
                "views: list and time index built in {:.2?}",
                started.elapsed()
            );
            (list, time)
        });
        let layers = MapLayers::new(dataset);
        let (list, time) = crate::parallel::joined(list.join());
        log::debug!("views: all built in {:.2?}", started.elapsed());
        (layers, list, time)
    })
}

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
        }
        .with_airspace_job()
    }

    fn with_airspace_job(mut self) -> Self {
        self.start_airspace_job();
        self
    }

    /// Lets background jobs started before the first frame (the file named on the command
    /// line) ask for a frame when they finish.
    #[must_use]
    pub fn waking(mut self, ctx: egui::Context) -> Self {
        self.wake = Some(ctx);
        self
    }

    /// Starts computing the airspace of the dataset's routes in the background (the country
    /// index takes a few hundred milliseconds to build the first time).
    fn start_airspace_job(&mut self) {
        // A job for another dataset stops when dropped.
        self.airspace_job = None;
        let routes: Vec<(usize, Vec<geo_types::Point<f64>>)> = self
            .loaded
            .dataset
            .route_vertices()
            .into_iter()
            .filter(|(i, v)| {
                v.len() >= 2
                    && self
                        .loaded
                        .dataset
                        .route(*i)
                        .is_some_and(|r| r.airspace.is_none())
            })
            .collect();
        if routes.is_empty() {
            return;
        }
        let total = routes.len();
        let job = Job::spawn(
            "sortie-airspace",
            self.wake.clone(),
            Count::of(total),
            move |progress: &Count| {
                let index = AirspaceIndex::shared();
                let mut rows = Vec::with_capacity(routes.len());
                // In blocks, on every core, so that a new dataset stops it soon.
                for block in routes.chunks(1_024) {
                    if progress.is_cancelled() {
                        break;
                    }
                    let vertices: Vec<&[geo_types::Point<f64>]> =
                        block.iter().map(|(_, v)| v.as_slice()).collect();
                    let found = index.airspace_of_routes(&vertices);
                    rows.extend(block.iter().map(|(i, _)| *i).zip(found));
                    progress
                        .done
                        .fetch_add(block.len(), std::sync::atomic::Ordering::Relaxed);
                }
                rows
            },
        );
        self.airspace_job = job.ok();
    }

    /// Whether route airspace is still being computed.
    pub fn is_computing_airspace(&self) -> bool {
        self.airspace_job.is_some()
    }

    /// Whether a file is being loaded in the background.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The fraction of the file loaded so far, while loading.
    pub fn load_fraction(&self) -> Option<f32> {
        self.loading.as_ref().map(|l| l.job.progress().fraction())
    }

    /// Cancels the load in progress, if any; the dataset on screen stays.
    pub fn cancel_load(&mut self) {
        // The load stops when its job is dropped.
        self.loading = None;
    }

    /// Starts loading `path` on a background thread; the current dataset stays on screen
    /// until it is ready, and stays if it fails.
    pub fn open(&mut self, path: PathBuf) {
        self.cancel_load();
        let job_path = path.clone();
        let spawned = Job::spawn(
            "sortie-load",
            self.wake.clone(),
            LoadProgress::default(),
            move |progress: &LoadProgress| {
                // Indexes are built here too; airspace follows in the background once the
                // dataset is on screen.
                load_path_with(&job_path, progress).and_then(|dataset| {
                    let loaded = Loaded::of(dataset);
                    if progress.is_cancelled() {
                        return Err(LoadError::Cancelled);
                    }
                    Ok(loaded)
                })
            },
        );
        match spawned {
            Ok(job) => {
                self.loading = Some(Loading {
                    path,
                    job,
                    chosen: std::time::Instant::now(),
                    slowest_frame: std::time::Duration::ZERO,
                })
            }
            Err(e) => {
                self.message = Some(format!("Could not start loading {}: {e}", path.display()))
            }
        }
    }

    fn replace_dataset(&mut self, loaded: Loaded) {
        self.loaded = loaded;
        self.applied_range = None;
        self.range_job = None;
        self.selection = None;
        self.source_selection = None;
        self.highlighted.clear();
        // Reading the sources of the dataset replaced stops when its job is dropped.
        self.source_job = None;
        self.pending_source = None;
        self.sources = ui::sources::SourceList::default();
        self.hovered = None;
        self.message = None;
        self.start_airspace_job();
        self.map.request_fit();
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
        if let Some(job) = &self.airspace_job {
            match job.poll() {
                Polled::Done(rows) => {
                    self.loaded.dataset.set_airspace(rows);
                    self.airspace_job = None;
                }
                Polled::Running => ctx.request_repaint_after(JOB_POLL),
                Polled::Lost => self.airspace_job = None,
            }
        }
        if let Some(Loading { path, job, .. }) = &self.loading {
            match job.poll() {
                Polled::Done(Ok(loaded)) => {
                    self.just_loaded = self.loading.take().map(|l| (l.chosen, l.slowest_frame));
                    self.replace_dataset(loaded);
                }
                Polled::Done(Err(LoadError::Cancelled)) => self.loading = None,
                Polled::Done(Err(error)) => {
                    self.message = Some(format!("Could not open {}: {error}", path.display()));
                    self.loading = None;
                }
                Polled::Running => ctx.request_repaint_after(JOB_POLL),
                Polled::Lost => {
                    self.message = Some(format!("Loading {} stopped unexpectedly", path.display()));
                    self.loading = None;
                }
            }
        }
        if let Some((purpose, job)) = &self.dialog {
            let purpose = *purpose;
            match job.poll() {
                Polled::Done(Some(path)) => {
                    self.dialog = None;
                    match purpose {
                        DialogPurpose::OpenDataset => self.open(path),
                        DialogPurpose::PickPmTiles => {
                            self.settings.basemap = Basemap::PmTiles(path)
                        }
                        DialogPurpose::ExportData => self.apply(Action::Export(path)),
                        DialogPurpose::ExportMap(_) => self.apply(Action::ExportMap(path)),
                    }
                }
                Polled::Done(None) | Polled::Lost => self.dialog = None,
                Polled::Running => ctx.request_repaint_after(std::time::Duration::from_millis(100)),
            }
        }
    }

    /// Shows a native file dialog on its own thread; the answer arrives in `poll_jobs`.
    fn show_file_dialog(&mut self, purpose: DialogPurpose) {
        if self.dialog.is_some() {
            return;
        }
        let stem = self
            .loaded
            .dataset
            .path
            .as_deref()
            .and_then(std::path::Path::file_stem)
            .map_or_else(
                || "dataset".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
        let spawned = Job::spawn(
            "sortie-file-dialog",
            self.wake.clone(),
            Count::default(),
            move |_: &Count| match purpose {
                DialogPurpose::OpenDataset => rfd::FileDialog::new()
                    .set_title("Open a dataset")
                    .add_filter(
                        "Datasets (GeoJSON, CSV, KML, KMZ)",
                        &["geojson", "json", "csv", "tsv", "txt", "kml", "kmz"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file(),
                DialogPurpose::PickPmTiles => rfd::FileDialog::new()
                    .set_title("Choose a raster PMTiles basemap")
                    .add_filter("PMTiles", &["pmtiles"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
                DialogPurpose::ExportData => rfd::FileDialog::new()
                    .set_title("Export data")
                    .set_file_name(format!("{stem}.geojson"))
                    .add_filter("GeoJSON (every property and source)", &["geojson"])
                    .add_filter("KML (Google Earth)", &["kml"])
                    .add_filter("KMZ (zipped KML)", &["kmz"])
                    .save_file(),
                DialogPurpose::ExportMap(format) => rfd::FileDialog::new()
                    .set_title("Export map")
                    .set_file_name(format!("{stem}.{}", format.extension()))
                    .add_filter(format.extension().to_uppercase(), &[format.extension()])
                    .save_file(),
            },
        );
        match spawned {
            Ok(job) => self.dialog = Some((purpose, job)),
            Err(e) => self.message = Some(format!("Could not show the file dialog: {e}")),
        }
    }

    /// Keyboard shortcuts; typing in a text field keeps its keys except Esc and arrows.
    fn keyboard_actions(&self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input(|i| {
            if i.key_pressed(Key::Escape) {
                actions.push(Action::Select(None));
            }
            if i.key_pressed(Key::ArrowDown) {
                actions.push(Action::MoveSelection(1));
            }
            if i.key_pressed(Key::ArrowUp) {
                actions.push(Action::MoveSelection(-1));
            }
            if i.modifiers.command && i.key_pressed(Key::O) {
                actions.push(Action::ShowOpenDialog);
            }
            if i.modifiers.command && i.modifiers.shift && i.key_pressed(Key::S) {
                actions.push(Action::ShowExportDialog);
            }
            if i.modifiers.command && i.key_pressed(Key::E) {
                actions.push(Action::OpenExportMap);
            }
            if !typing && !i.modifiers.command {
                if i.key_pressed(Key::F) {
                    actions.push(Action::FitAll);
                }
                if i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals) {
                    actions.push(Action::Zoom(1.0));
                }
                if i.key_pressed(Key::Minus) {
                    actions.push(Action::Zoom(-1.0));
                }
            }
            for file in &i.raw.dropped_files {
                let path = file.path();
                if !path.as_os_str().is_empty() {
                    actions.push(Action::Open(path.to_path_buf()));
                }
            }
        });
    }

    /// While the Sources tab needs them and they are not read yet, reads every source and
    /// what rests on it on another thread (every feature read in full: seconds for a big
    /// file), and keeps them when done.
    fn read_sources(&mut self, ctx: &egui::Context) {
        let wanted = self.left_tab == LeftTab::Sources || self.pending_source.is_some();
        if !wanted || self.loaded.dataset.source_uses_ready().is_some() {
            return;
        }
        if self.loaded.dataset.len() <= SOURCES_READ_AT_ONCE {
            self.loaded.dataset.source_uses();
            if let Some(id) = self.pending_source.take() {
                self.apply(Action::ShowSource(id));
            }
            return;
        }
        if self.source_job.is_none() {
            let texts = self.loaded.dataset.feature_texts();
            let job = Job::spawn(
                "sortie-sources",
                Some(ctx.clone()),
                Count::of(self.loaded.dataset.len()),
                move |progress: &Count| texts.source_uses(&progress.done, &progress.cancelled),
            );
            match job {
                Ok(job) => self.source_job = Some(job),
                Err(e) => {
                    self.message = Some(format!("Could not start reading the sources: {e}"));
                    return;
                }
            }
        }
        let Some(job) = &self.source_job else {
            return;
        };
        match job.poll() {
            Polled::Done(Some(uses)) => {
                self.source_job = None;
                self.loaded.dataset.set_source_uses(uses);
                if let Some(id) = self.pending_source.take() {
                    self.apply(Action::ShowSource(id));
                }
            }
            Polled::Done(None) | Polled::Lost => self.source_job = None,
            Polled::Running => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
    }

    /// Leaves the source view: a feature is selected, or nothing.
    fn clear_source(&mut self) {
        self.source_selection = None;
        self.highlighted.clear();
        self.pending_source = None;
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
            Action::ShowOpenDialog => self.show_file_dialog(DialogPurpose::OpenDataset),
            Action::ShowPmTilesDialog => self.show_file_dialog(DialogPurpose::PickPmTiles),
            Action::Open(path) => self.open(path),
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
        }
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
        if self.theme_applied != Some(self.settings.dark_mode) {
            ctx.set_theme(if self.settings.dark_mode {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.theme_applied = Some(self.settings.dark_mode);
        }
        let title = format!("{} — Sortie", self.loaded.dataset.title);
        if self.title_shown.as_ref() != Some(&title) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = Some(title);
        }

        let mut actions = Vec::new();
        self.keyboard_actions(&ctx, &mut actions);
        let palette = Palette::for_dark_mode(self.settings.dark_mode);

        egui::Panel::top("menu").show(ui, |ui| {
            ui::menu::menu_bar_ui(ui, &self.settings, &mut actions)
        });
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
                            &mut actions,
                        );
                    }
                    LeftTab::Sources => self.sources.sources_ui(
                        ui,
                        &self.loaded.dataset,
                        self.source_selection,
                        self.source_job.as_ref().and_then(Job::fraction),
                        &mut actions,
                    ),
                }
            });
        egui::Panel::right("details")
            .resizable(true)
            .default_size(360.0)
            .show(ui, |ui| {
                match self
                    .source_selection
                    .and_then(|i| self.loaded.dataset.source_uses_ready()?.get(i))
                {
                    Some(u) => {
                        ui::sources::source_details_ui(ui, &self.loaded.dataset, u, &mut actions)
                    }
                    None => ui::details::details_panel_ui(
                        ui,
                        &self.loaded.dataset,
                        self.selection,
                        &mut actions,
                    ),
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
                };
                let response = self.map.ui(ui, &input);
                self.hovered = response.hovered.or(list_hover);
                self.pointer_lon_lat = response.pointer_lon_lat;
                if let Some(clicked) = response.clicked {
                    actions.push(Action::Select(clicked));
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
        for action in actions {
            self.apply(action);
        }
        self.sync_range(&ctx);
        if std::mem::take(&mut self.repaint_for_range) {
            ctx.request_repaint();
        }
        self.log_load_timing(frame_started.elapsed());
    }

    /// While a file loads, keeps the longest frame; once the frame showing it is drawn,
    /// logs how long the user waited (at `info`: `RUST_LOG=sortie=info`) and that frame.
    fn log_load_timing(&mut self, frame: std::time::Duration) {
        if let Some(loading) = &mut self.loading {
            loading.slowest_frame = loading.slowest_frame.max(frame);
        }
        if let Some((chosen, slowest)) = self.just_loaded.take() {
            log::info!(
                "ready: {} features in {} ms after the file was chosen",
                self.loaded.dataset.len(),
                chosen.elapsed().as_millis()
            );
            log::debug!(
                "load: slowest frame while loading {:.1} ms; the first frame with the dataset {:.1} ms",
                slowest.as_secs_f64() * 1000.0,
                frame.as_secs_f64() * 1000.0
            );
        }
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

/// Where the settings live in eframe's storage.
pub const SETTINGS_KEY: &str = "sortie-settings";
