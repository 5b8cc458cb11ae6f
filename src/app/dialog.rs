//! The native file dialogs (open a dataset, pick a basemap, export), each on its own thread
//! so the window keeps drawing, and what is done with the file chosen.

use super::job::{Count, Job, Polled};
use super::{Action, SortieApp};
use crate::map::Basemap;

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DialogPurpose {
    OpenDataset,
    PickPmTiles,
    ExportData,
    ExportMap(crate::figure::FigureFormat),
    SaveAs,
    AttachCapture,
}

impl SortieApp {
    /// Shows a native file dialog on its own thread; the answer arrives in `poll_jobs`.
    pub(super) fn show_file_dialog(&mut self, purpose: DialogPurpose) {
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
                DialogPurpose::SaveAs => rfd::FileDialog::new()
                    .set_title("Save as")
                    .set_file_name(format!("{stem}.geojson"))
                    .add_filter("GeoJSON (dataset format v1)", &["geojson", "json"])
                    .save_file(),
                DialogPurpose::AttachCapture => rfd::FileDialog::new()
                    .set_title("Keep a copy of the source")
                    .add_filter(
                        "Captures (PDF, PNG, JPEG, HTML, MHTML, WARC, WACZ)",
                        &[
                            "pdf", "png", "jpg", "jpeg", "html", "htm", "mht", "mhtml", "warc",
                            "wacz", "txt",
                        ],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file(),
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

    /// Acts on the file a dialog gave.
    pub(super) fn poll_dialog(&mut self, ctx: &egui::Context) {
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
                        DialogPurpose::SaveAs => self.apply(Action::SaveAs(path)),
                        DialogPurpose::AttachCapture => {
                            if let Some(source) = self.capture_for.take() {
                                self.apply(Action::AttachCapture { source, file: path });
                            }
                        }
                    }
                }
                Polled::Done(None) | Polled::Lost => self.dialog = None,
                Polled::Running => ctx.request_repaint_after(std::time::Duration::from_millis(100)),
            }
        }
    }
}
