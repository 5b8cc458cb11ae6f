//! One kind of background work for the window: a [`Job`] runs a closure on a thread of its
//! own, shares a progress with it (how far it has come, and a way to cancel), and hands back
//! its result, which the app polls once a frame. A job that finishes asks the window for a
//! frame at once; a job dropped is cancelled.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::dataset::LoadProgress;

/// What a job shares with the thread doing it.
pub(crate) trait Progress: Default + Send + Sync + 'static {
    /// Asks the work to stop; it checks now and then.
    fn cancel(&self);
    /// The fraction done, 0 to 1; `None` while the whole is not known.
    fn fraction(&self) -> Option<f32>;
}

/// Items done out of a total, and a flag to stop: the progress of most jobs.
#[derive(Debug, Default)]
pub(crate) struct Count {
    /// Items done so far.
    pub done: AtomicUsize,
    /// Items in all (0: not known).
    pub total: AtomicUsize,
    /// Set to stop the work.
    pub cancelled: AtomicBool,
}

impl Count {
    /// A count out of `total` items.
    pub fn of(total: usize) -> Self {
        Self {
            total: AtomicUsize::new(total),
            ..Self::default()
        }
    }

    /// Whether the work was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

impl Progress for Count {
    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    #[allow(clippy::cast_precision_loss)]
    fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        let done = self.done.load(Ordering::Relaxed);
        (total > 0).then(|| (done as f64 / total as f64).min(1.0) as f32)
    }
}

impl Progress for LoadProgress {
    fn cancel(&self) {
        LoadProgress::cancel(self);
    }

    fn fraction(&self) -> Option<f32> {
        Some(LoadProgress::fraction(self))
    }
}

/// What polling a job finds.
pub(crate) enum Polled<T> {
    /// Still at work.
    Running,
    /// Done, with its result.
    Done(T),
    /// Its thread ended without a result (it panicked, or stopped when cancelled).
    Lost,
}

/// Work on another thread, with its progress and its result to come.
pub(crate) struct Job<T, P: Progress = Count> {
    result: Receiver<T>,
    progress: Arc<P>,
}

impl<T: Send + 'static, P: Progress> Job<T, P> {
    /// Runs `work` on a thread named `name`, sharing `progress` with it; `wake` (the
    /// window's context) is asked for a frame when the work is done.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn spawn(
        name: &str,
        wake: Option<egui::Context>,
        progress: P,
        work: impl FnOnce(&P) -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, result) = channel();
        let progress = Arc::new(progress);
        let shared = Arc::clone(&progress);
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                tx.send(work(&shared)).ok();
                if let Some(ctx) = wake {
                    ctx.request_repaint();
                }
            })?;
        Ok(Self { result, progress })
    }

    /// The result if it has come, without waiting.
    pub fn poll(&self) -> Polled<T> {
        match self.result.try_recv() {
            Ok(value) => Polled::Done(value),
            Err(TryRecvError::Empty) => Polled::Running,
            Err(TryRecvError::Disconnected) => Polled::Lost,
        }
    }

    /// Waits for the result (`None` when the thread ended without one).
    pub fn wait(&self) -> Option<T> {
        self.result.recv().ok()
    }

    /// The progress shared with the work.
    pub fn progress(&self) -> &P {
        &self.progress
    }

    /// The fraction done, 0 to 1, when known.
    pub fn fraction(&self) -> Option<f32> {
        self.progress.fraction()
    }
}

impl<T, P: Progress> Drop for Job<T, P> {
    fn drop(&mut self) {
        // A job no one waits for any more stops (a finished one has nothing to stop).
        self.progress.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_hands_back_its_result_and_its_progress() {
        let job = Job::spawn("test-job", None, Count::of(4), |p: &Count| {
            p.done.store(2, Ordering::Relaxed);
            7
        })
        .unwrap();
        assert_eq!(job.wait(), Some(7));
        assert_eq!(job.fraction(), Some(0.5));
    }

    #[test]
    fn dropping_a_job_cancels_it() {
        let (started_tx, started) = channel();
        let job = Job::spawn("test-job", None, Count::default(), move |p: &Count| {
            started_tx.send(()).unwrap();
            while !p.is_cancelled() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            "stopped"
        })
        .unwrap();
        started.recv().unwrap();
        assert!(matches!(job.poll(), Polled::Running));
        let progress = Arc::clone(&job.progress);
        drop(job);
        assert!(progress.is_cancelled());
    }

    #[test]
    fn a_job_whose_thread_panics_is_lost_not_a_crash() {
        let job: Job<u8> = Job::spawn("test-job", None, Count::default(), |_: &Count| {
            panic!("deliberately")
        })
        .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match job.poll() {
                Polled::Lost => break,
                Polled::Running => assert!(std::time::Instant::now() < deadline),
                Polled::Done(_) => panic!("no result was sent"),
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}
