//! What the window reads in the background about the dataset on screen: the airspace its
//! routes cross, and its sources with what rests on each (for the Sources tab).

use super::job::{Count, Job, Polled};
use super::{Action, JOB_POLL, LeftTab, SortieApp};
use crate::dataset::AirspaceRow;
use crate::routes::airspace::AirspaceIndex;

/// Up to this many features, the sources are read at once, in a frame (well under 50 ms);
/// beyond, on another thread.
const SOURCES_READ_AT_ONCE: usize = 4_000;

/// Airspace rows by route feature index.
pub(super) type RouteAirspace = Vec<(usize, Vec<AirspaceRow>)>;

impl SortieApp {
    pub(super) fn with_airspace_job(mut self) -> Self {
        self.start_airspace_job();
        self
    }

    /// Starts computing the airspace of the dataset's routes in the background (the country
    /// index takes a few hundred milliseconds to build the first time).
    pub(super) fn start_airspace_job(&mut self) {
        self.start_airspace_job_for(None);
    }

    /// Computes the airspace of the routes that lack it, in the background: of routes
    /// `only` when a job is not already at work (after an edit: the routes it touched),
    /// else of all of them (the job at work is stopped, as it may be of routes since
    /// changed).
    pub(super) fn start_airspace_job_for(&mut self, only: Option<&[usize]>) {
        let only = only.filter(|_| self.airspace_job.is_none());
        // A job for another dataset stops when dropped.
        self.airspace_job = None;
        let routes: Vec<(usize, Vec<geo_types::Point<f64>>)> = self
            .loaded
            .dataset
            .route_vertices(only, |_, r| r.airspace.is_none())
            .into_iter()
            .filter(|(_, v)| v.len() >= 2)
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

    /// Waits for the routes' airspace being computed, and keeps it (tests and benchmarks).
    pub fn wait_for_airspace(&mut self) {
        if let Some(rows) = self.airspace_job.take().and_then(|job| job.wait()) {
            self.loaded.dataset.set_airspace(rows);
        }
    }

    /// Whether route airspace is still being computed.
    pub fn is_computing_airspace(&self) -> bool {
        self.airspace_job.is_some()
    }

    /// Keeps the airspace once it is computed.
    pub(super) fn poll_airspace(&mut self, ctx: &egui::Context) {
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
    }

    /// While the Sources tab needs them and they are not read yet, reads every source and
    /// what rests on it on another thread (every feature read in full: seconds for a big
    /// file), and keeps them when done.
    pub(super) fn read_sources(&mut self, ctx: &egui::Context) {
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
    pub(super) fn clear_source(&mut self) {
        self.source_selection = None;
        self.highlighted.clear();
        self.pending_source = None;
    }
}
