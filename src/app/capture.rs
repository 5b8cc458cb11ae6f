//! Captures kept from the window: a file picked or dropped on a source, hashed and copied
//! into the dataset's `captures/` folder on another thread (progress shown, cancellable, the
//! window live), then recorded on the source as one step; a capture opened with the
//! system's viewer.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use super::SortieApp;
use super::job::{Job, Polled, Progress};
use crate::dataset::Capture;
use crate::dataset::capture::{CaptureError, CaptureProgress, capture_path, keep_capture, utc_now};

/// A capture being kept: the source's id, and the work.
pub(super) type CaptureJob = (String, Job<Result<Capture, CaptureError>, CaptureProgress>);

impl Progress for CaptureProgress {
    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    #[allow(clippy::cast_precision_loss)]
    fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        let read = self.read.load(Ordering::Relaxed);
        (total > 0).then(|| (read as f64 / total as f64).min(1.0) as f32)
    }
}

impl SortieApp {
    /// Starts keeping `file` as a capture of source `source` (one at a time).
    pub(super) fn start_capture(&mut self, source: String, file: PathBuf) {
        if self.capture_job.is_some() {
            self.message = Some("A capture is being kept already; wait for it or cancel it".into());
            return;
        }
        let dir = crate::dataset::dataset_dir(&self.loaded.dataset);
        let by = Some(self.settings.editor_name.trim().to_owned()).filter(|n| !n.is_empty());
        let job = Job::spawn(
            "sortie-capture",
            self.wake.clone(),
            CaptureProgress::default(),
            move |progress: &CaptureProgress| {
                keep_capture(&dir, &file, utc_now(), by, Some(progress))
            },
        );
        match job {
            Ok(job) => self.capture_job = Some((source, job)),
            Err(e) => self.message = Some(format!("Could not start keeping the capture: {e}")),
        }
    }

    /// Records the capture kept on its source, as one step; says why when it was not kept.
    pub(super) fn poll_capture(&mut self, ctx: &egui::Context) {
        let Some((source, job)) = &self.capture_job else {
            return;
        };
        let source = source.clone();
        match job.poll() {
            Polled::Running => ctx.request_repaint_after(std::time::Duration::from_millis(100)),
            Polled::Lost => {
                self.capture_job = None;
                self.message = Some("Keeping the capture stopped unexpectedly".to_owned());
            }
            Polled::Done(Err(CaptureError::Cancelled)) => self.capture_job = None,
            Polled::Done(Err(e)) => {
                self.capture_job = None;
                self.message = Some(format!("The capture was not kept: {e}"));
            }
            Polled::Done(Ok(capture)) => {
                self.capture_job = None;
                let dataset = &self.loaded.dataset;
                let Some(mut record) = dataset.source_by_id(&source).or_else(|| {
                    dataset
                        .source_uses_ready()?
                        .iter()
                        .find(|u| u.source.id.as_deref() == Some(source.as_str()))
                        .map(|u| u.source.clone())
                }) else {
                    self.message = Some(format!(
                        "The source {source} is gone; the copy stays in the captures folder"
                    ));
                    return;
                };
                if record
                    .captures
                    .iter()
                    .any(|c| c.sha256 == capture.sha256 && c.file == capture.file)
                {
                    self.message = Some(format!("{source} has this capture already"));
                    return;
                }
                record.captures.push(capture);
                self.apply(super::Action::EditSource {
                    id: source,
                    source: Box::new(record),
                });
            }
        }
    }

    /// Opens a capture's file with the system's viewer.
    pub(super) fn open_capture(&mut self, file: &str) {
        let path = capture_path(&crate::dataset::dataset_dir(&self.loaded.dataset), file);
        if !path.is_file() {
            self.message = Some(format!("{} is not there", path.display()));
            return;
        }
        let opener = if cfg!(target_os = "macos") {
            std::process::Command::new("open").arg(&path).spawn()
        } else if cfg!(windows) {
            std::process::Command::new("explorer").arg(&path).spawn()
        } else {
            std::process::Command::new("xdg-open").arg(&path).spawn()
        };
        if let Err(e) = opener {
            self.message = Some(format!("Could not open {}: {e}", path.display()));
        }
    }
}
