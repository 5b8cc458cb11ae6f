//! File > Export data: the dataset written on another thread, the outcome shown when done.

use std::path::PathBuf;
use std::sync::mpsc::channel;

use super::SortieApp;

impl SortieApp {
    /// Writes the dataset to `path` on another thread (a million features take seconds as
    /// KML); the outcome is shown in the message bar when done.
    pub(super) fn export(&mut self, path: PathBuf) {
        use crate::dataset::formats::{ExportFormat, export};
        if self.export_job.is_some() {
            self.message =
                Some("An export is still being written; try again when it is done.".to_owned());
            return;
        }
        let (path, format) = match ExportFormat::of_path(&path) {
            Some(format) => (path, format),
            None => (path.with_extension("geojson"), ExportFormat::GeoJson),
        };
        let dataset = self.dataset.clone();
        let (tx, rx) = channel();
        let job_path = path.clone();
        let spawned = std::thread::Builder::new()
            .name("sortie-export".to_owned())
            .spawn(move || {
                let started = std::time::Instant::now();
                let outcome = export(&dataset, &job_path, format).map(|()| {
                    format!(
                        "Exported {} features to {} as {format} in {:.1} s.",
                        dataset.len(),
                        job_path.display(),
                        started.elapsed().as_secs_f64()
                    )
                });
                tx.send(outcome.map_err(|e| format!("Could not export: {e}")))
                    .ok();
            });
        match spawned {
            Ok(_) => {
                self.message = Some(format!("Exporting to {}…", path.display()));
                self.export_job = Some(rx);
            }
            Err(e) => self.message = Some(format!("Could not start the export: {e}")),
        }
    }
}
