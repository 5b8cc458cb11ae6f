//! The timeline's range applied to the map and the list: within the frame for a small
//! dataset, else on another thread, the latest range winning.

use std::sync::Arc;

use super::SortieApp;
use super::job::{Count, Job, Polled};
use crate::dataset::{InRange, TimeFilter};
use crate::map::RangeLayers;
use crate::ui;

/// Up to this many features, a new time range is applied within the frame; beyond, on
/// another thread, while the map shows the previous range.
const RANGE_AT_ONCE: usize = 100_000;

/// A time range being applied on another thread.
pub(super) struct RangeJob {
    filter: TimeFilter,
    job: Job<(Arc<RangeLayers>, Arc<InRange>)>,
}

impl SortieApp {
    /// The time range the timeline asks for, if it filters the map.
    fn wanted_range(&self) -> Option<TimeFilter> {
        self.loaded
            .timeline
            .as_ref()
            .filter(|_| self.settings.show_timeline)
            .map(ui::timeline::Timeline::filter)
    }

    /// Brings the map and the list to the timeline's range: within the frame for a small
    /// dataset, else on another thread (the latest range wins; the map shows the previous
    /// one meanwhile).
    pub(super) fn sync_range(&mut self, ctx: &egui::Context) {
        if let Some(job) = &self.range_job {
            match job.job.poll() {
                Polled::Done((layers, in_range)) => {
                    let filter = job.filter;
                    self.range_job = None;
                    self.show_range(Some((filter, layers, in_range)));
                }
                Polled::Running => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(10));
                }
                Polled::Lost => self.range_job = None,
            }
        }
        let wanted = self.wanted_range();
        let current = self.applied_range.as_ref().map(|(f, _)| *f);
        let running = self.range_job.as_ref().map(|j| j.filter);
        if wanted == current || (wanted.is_some() && wanted == running) {
            return;
        }
        let (Some(filter), Some(timeline)) = (wanted, &self.loaded.timeline) else {
            self.range_job = None;
            self.show_range(None);
            return;
        };
        if running.is_some() {
            // Collected when it finishes; the next range starts then.
            return;
        }
        let index = Arc::clone(timeline.index());
        let build = self.loaded.layers.range_builder();
        let compute = move || {
            let in_range = Arc::new(index.filter(filter));
            (Arc::new(build(Arc::clone(&in_range))), in_range)
        };
        if self.loaded.dataset.len() <= RANGE_AT_ONCE {
            let (layers, in_range) = compute();
            self.show_range(Some((filter, layers, in_range)));
            return;
        }
        let spawned = Job::spawn(
            "sortie-range",
            Some(ctx.clone()),
            Count::default(),
            move |_: &Count| compute(),
        );
        if let Ok(job) = spawned {
            self.range_job = Some(RangeJob { filter, job });
        }
    }

    pub(super) fn show_range(
        &mut self,
        range: Option<(TimeFilter, Arc<RangeLayers>, Arc<InRange>)>,
    ) {
        // Drawn on the next frame, even if no input comes to ask for one.
        self.repaint_for_range = true;
        match range {
            Some((filter, layers, in_range)) => {
                self.loaded.layers.set_range(Some(layers));
                self.loaded.list.set_range(Some(Arc::clone(&in_range)));
                self.applied_range = Some((filter, in_range));
            }
            None => {
                self.loaded.layers.set_range(None);
                self.loaded.list.set_range(None);
                self.applied_range = None;
            }
        }
    }

    /// Starts building what edits left to build (see [`super::Loaded::views_work`]):
    /// within the frame for a small dataset, else on another thread. While a build runs,
    /// later edits wait for it; the next build folds them all in.
    pub(super) fn start_views_job(&mut self) {
        if self.views_job.is_some() {
            return;
        }
        let Some(work) = self.loaded.views_work() else {
            return;
        };
        if self.loaded.dataset.len() <= RANGE_AT_ONCE {
            let built = work.run();
            self.views_built(built);
            return;
        }
        let spawned = Job::spawn(
            "sortie-views",
            self.wake.clone(),
            Count::default(),
            move |_: &Count| work.run(),
        );
        self.views_job = spawned.ok();
    }

    /// Puts in the views built after edits; the time range is applied again to them.
    fn views_built(&mut self, built: super::load::ViewsBuilt) {
        self.loaded.set_views(built);
        self.reapply_range();
    }

    /// Applies the time range again to the features as they now are (the map and the list
    /// show the range applied before until it is).
    pub(super) fn reapply_range(&mut self) {
        self.range_job = None;
        self.applied_range = None;
        self.repaint_for_range = true;
    }

    /// Collects the views built in the background, and starts the next build if edits
    /// came meanwhile.
    pub(super) fn sync_views(&mut self) {
        let Some(job) = &self.views_job else {
            return;
        };
        match job.poll() {
            Polled::Done(built) => {
                self.views_job = None;
                self.views_built(built);
                self.start_views_job();
            }
            Polled::Running => {}
            Polled::Lost => self.views_job = None,
        }
    }

    /// Waits for the time range being applied (tests and benchmarks), and before it for
    /// the views edits left to build.
    pub fn wait_for_range(&mut self) {
        while let Some(job) = self.views_job.take() {
            if let Some(built) = job.wait() {
                self.views_built(built);
                self.start_views_job();
            }
        }
        let ctx = egui::Context::default();
        while let Some(job) = &self.range_job {
            if let Some((layers, in_range)) = job.job.wait() {
                let filter = job.filter;
                self.range_job = None;
                self.show_range(Some((filter, layers, in_range)));
            } else {
                self.range_job = None;
            }
            self.sync_range(&ctx);
        }
        self.loaded.list.wait_for_search();
    }

    /// How many features the map and the list show, when the timeline filters them.
    pub fn in_range_count(&self) -> Option<usize> {
        self.applied_range.as_ref().map(|(_, r)| r.count)
    }
}
