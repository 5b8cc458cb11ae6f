//! File > Export data and File > Export map: the dataset, or the figure of the map, written
//! on another thread, the outcome shown when done.

use super::job::{Count, Job};
use std::path::PathBuf;

use super::SortieApp;

impl SortieApp {
    /// Writes the dataset to `path` on another thread (a million features take seconds as
    /// KML); the outcome is shown in the message bar when done.
    pub(super) fn export(&mut self, path: PathBuf) {
        use crate::dataset::formats::{ExportFormat, export};
        if self.export_busy() {
            return;
        }
        let (path, format) = match ExportFormat::of_path(&path) {
            Some(format) => (path, format),
            None => (path.with_extension("geojson"), ExportFormat::GeoJson),
        };
        let dataset = self.loaded.dataset.clone();
        let job_path = path.clone();
        self.spawn_export("sortie-export", &path, move || {
            let started = std::time::Instant::now();
            export(&dataset, &job_path, format)
                .map(|()| {
                    format!(
                        "Exported {} features to {} as {format} in {:.1} s.",
                        dataset.feature_count(),
                        job_path.display(),
                        started.elapsed().as_secs_f64()
                    )
                })
                .map_err(|e| format!("Could not export: {e}"))
        });
    }

    /// Lays out the figure the Export map window describes, from the map's current view,
    /// the timeline's range and the selection, and writes it to `path` on another thread.
    pub fn export_map(&mut self, path: PathBuf) {
        use crate::figure::{Extent, Figure, FigureFormat, FigureOptions};
        use crate::ui::export_map::SizeChoice;
        if self.export_busy() {
            return;
        }
        let d = &self.export_map;
        let format = FigureFormat::from_path(&path).unwrap_or(d.format);
        let path = if FigureFormat::from_path(&path).is_some() {
            path
        } else {
            path.with_extension(format.extension())
        };
        let view = self.map.last_transform;
        let size = match d.size {
            SizeChoice::Window => view.map_or(egui::vec2(1600.0, 1000.0), |v| v.rect.size()),
            SizeChoice::Custom => egui::vec2(d.width, d.height),
            SizeChoice::Paper(paper) => paper.size(),
        };
        let extent = view.map_or(Extent::Fit, |v| {
            let (min, max) = v.visible_unit_rect();
            Extent::Bounds(min, max)
        });
        let date_range = self.applied_range.as_ref().map(|(filter, _)| {
            let day = |t: i64| crate::dataset::time::iso(t, false);
            match (filter.from, filter.to) {
                (i64::MIN, to) => format!("Until {}", day(to - 1)),
                (from, i64::MAX) => format!("From {}", day(from)),
                (from, to) => format!("{} to {}", day(from), day(to - 1)),
            }
        });
        let options = FigureOptions {
            size,
            extent,
            dark: d.dark,
            basemap: (&self.settings.basemap).into(),
            title: Some(d.title.clone()),
            parts: d.parts,
            selected: self.selection,
            date_range,
            tinted_countries: self.tinted_countries(),
        };
        let scale = d.scale;
        let mut figure =
            match Figure::build(&self.loaded.dataset, &self.loaded.layers, &options, format) {
                Ok(figure) => figure,
                Err(e) => {
                    self.message = Some(format!("Could not export the map: {e}"));
                    return;
                }
            };
        let job_path = path.clone();
        let started_job = self.spawn_export("sortie-export-map", &path, move || {
            let started = std::time::Instant::now();
            let px_per_pt = if format == FigureFormat::Png {
                scale
            } else {
                crate::figure::VECTOR_BASEMAP_PX_PER_PT
            };
            // The tiles are read here, off the UI thread; when some do not arrive, the
            // offline basemap shows in their place and the message says so.
            let tiles = match figure.fetch_basemap(px_per_pt) {
                Ok(Some(mosaic)) => match &mosaic.problem {
                    Some(problem) => format!(
                        " {} of {} basemap tiles drawn, the rest from the offline basemap: \
                         {problem}.",
                        mosaic.drawn, mosaic.tiles
                    ),
                    None => format!(" {} basemap tiles drawn.", mosaic.tiles),
                },
                Ok(None) => String::new(),
                Err(e) => format!(" The offline basemap was drawn instead of the tiles: {e}."),
            };
            figure
                .write(&job_path, format, scale)
                .map(|()| {
                    format!(
                        "Exported the map to {} ({}, {} sources numbered) in {:.1} s.{tiles}",
                        job_path.display(),
                        format.extension().to_uppercase(),
                        figure.footnotes.notes.len(),
                        started.elapsed().as_secs_f64()
                    )
                })
                .map_err(|e| format!("Could not export the map: {e}"))
        });
        if started_job {
            self.export_map.open = false;
        }
    }

    /// Whether an export is under way (then a second one is refused, with a message).
    fn export_busy(&mut self) -> bool {
        if self.export_job.is_some() {
            self.message =
                Some("An export is still being written; try again when it is done.".to_owned());
        }
        self.export_job.is_some()
    }

    /// Runs `job` on a thread named `name`; its outcome, worded for the message bar,
    /// arrives through `export_job`. Returns whether the thread started.
    fn spawn_export(
        &mut self,
        name: &str,
        path: &std::path::Path,
        job: impl FnOnce() -> Result<String, String> + Send + 'static,
    ) -> bool {
        let spawned = Job::spawn(
            name,
            self.wake.clone(),
            Count::default(),
            move |_: &Count| job(),
        );
        match spawned {
            Ok(job) => {
                self.message = Some(format!("Exporting to {}…", path.display()));
                self.export_job = Some(job);
                true
            }
            Err(e) => {
                self.message = Some(format!("Could not start the export: {e}"));
                false
            }
        }
    }
}
