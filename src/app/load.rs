//! Opening a file in the window: loaded with its views off the UI thread, the dataset on
//! screen kept until the new one is ready (and kept if it fails), and how long it took.

use std::path::PathBuf;
use std::sync::Arc;

use super::job::{Job, Polled};
use super::{JOB_POLL, SortieApp};
use crate::dataset::{Dataset, LoadError, LoadProgress, TimeChanges, TimeIndex, load_path_with};
use crate::map::{AggregateWork, Aggregates, MapLayers};
use crate::ui;

/// A file being loaded in the background.
pub(super) struct Loading {
    pub(super) path: PathBuf,
    pub(super) job: Job<Result<Loaded, LoadError>, LoadProgress>,
    /// When the file was chosen.
    pub(super) chosen: std::time::Instant,
    /// The longest frame drawn while it loaded (the UI thread's work in `show`).
    pub(super) slowest_frame: std::time::Duration,
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
    /// The time index, with or without a timeline.
    time: Arc<TimeIndex>,
    /// Edits not yet in the time index, oldest first.
    time_pending: Vec<Arc<TimeChanges>>,
}

impl Loaded {
    /// `dataset` with its views built (the benchmarks time [`views_of`]).
    pub fn of(dataset: Dataset) -> Self {
        let (layers, list, time) = views_of(&dataset);
        Self {
            dataset,
            layers,
            list,
            timeline: ui::timeline::Timeline::new(Arc::clone(&time)),
            time,
            time_pending: Vec::new(),
        }
    }
}

/// What an edit leaves to build off the UI thread, as its time grows with the dataset:
/// the map's clusters and density, and the time index (with the timeline's histogram).
pub struct ViewsWork {
    aggregates: Option<AggregateWork>,
    time: Arc<TimeIndex>,
    time_changes: Vec<Arc<TimeChanges>>,
}

/// What [`ViewsWork::run`] built, for [`Loaded::set_views`].
pub struct ViewsBuilt {
    aggregates: Option<Aggregates>,
    time: Option<(Arc<TimeIndex>, usize)>,
}

impl ViewsWork {
    /// Builds the aggregates and the time index with the pending edits folded in.
    pub fn run(self) -> ViewsBuilt {
        let time = (!self.time_changes.is_empty()).then(|| {
            let mut index: Option<TimeIndex> = None;
            for changes in &self.time_changes {
                let from = index.as_ref().unwrap_or(&self.time);
                index = Some(from.with(changes));
            }
            let index = index.map_or_else(|| Arc::clone(&self.time), Arc::new);
            (index, self.time_changes.len())
        });
        ViewsBuilt {
            aggregates: self.aggregates.map(AggregateWork::run),
            time,
        }
    }
}

impl Loaded {
    /// Brings the views up to date with features `indices` changed, added or deleted by
    /// an edit, keeping the list's query and the timeline's range. The map's features and
    /// indexes and the list follow at once, in time that grows with the features touched;
    /// what grows with the dataset (clusters, density, the time index) is left to
    /// [`Self::views_work`].
    pub fn update(&mut self, indices: &[usize]) {
        self.layers.update(&self.dataset, indices);
        self.list.update_index(&self.dataset, indices);
        self.time_pending
            .push(Arc::new(TimeIndex::changes(&self.dataset, indices)));
    }

    /// The work left by the edits since the views were last brought up to date, if any.
    pub fn views_work(&self) -> Option<ViewsWork> {
        let aggregates = self.layers.aggregate_work();
        (aggregates.is_some() || !self.time_pending.is_empty()).then(|| ViewsWork {
            aggregates,
            time: Arc::clone(&self.time),
            time_changes: self.time_pending.clone(),
        })
    }

    /// Puts in what [`ViewsWork::run`] built.
    pub fn set_views(&mut self, built: ViewsBuilt) {
        if let Some(aggregates) = built.aggregates {
            self.layers.set_aggregates(aggregates);
        }
        if let Some((time, folded)) = built.time {
            self.time_pending
                .drain(..folded.min(self.time_pending.len()));
            self.time = Arc::clone(&time);
            self.timeline = match self.timeline.take() {
                Some(mut timeline) if time.extent().is_some() => {
                    timeline.replace_index(time);
                    Some(timeline)
                }
                _ => ui::timeline::Timeline::new(time),
            };
        }
    }

    /// Whether edits are not yet in every view.
    pub fn views_pending(&self) -> bool {
        self.layers.aggregates_pending() || !self.time_pending.is_empty()
    }
}

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

    pub(super) fn replace_dataset(&mut self, loaded: Loaded) {
        self.file = super::editing::save_target(&loaded.dataset);
        self.loaded = loaded;
        self.question = None;
        self.discarded = false;
        // The journal of the dataset replaced stays if its edits were not saved.
        self.journal = None;
        self.offer_journal();
        self.applied_range = None;
        self.range_job = None;
        self.views_job = None;
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

    /// Shows the dataset once it is loaded, or says why it could not be.
    pub(super) fn poll_load(&mut self, ctx: &egui::Context) {
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
    }

    /// While a file loads, keeps the longest frame; once the frame showing it is drawn,
    /// logs how long the user waited (at `info`: `RUST_LOG=sortie=info`) and that frame.
    pub(super) fn log_load_timing(&mut self, frame: std::time::Duration) {
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
