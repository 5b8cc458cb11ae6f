//! `sortie convert IN OUT`: any format Sortie reads, written as GeoJSON, KML or KMZ.

use std::io::Write;
use std::path::Path;

use super::common::{EXIT_OK, EXIT_UNREADABLE, exit_status};
use crate::dataset::load_path;

/// Runs `convert`: reads `input` in whatever format it is, writes `output` in `format` (or
/// the one its extension names); returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn convert(
    input: &Path,
    output: &Path,
    format: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    use crate::dataset::formats::{ExportFormat, export};
    let Some(format) = format
        .and_then(ExportFormat::parse)
        .or_else(|| ExportFormat::of_path(output))
    else {
        writeln!(
            out,
            "error: cannot tell the format to write from {:?}: name it .geojson, .kml or .kmz, \
             or pass --format",
            output.display().to_string()
        )?;
        return Ok(EXIT_UNREADABLE);
    };
    let dataset = match load_path(input) {
        Ok(dataset) => dataset,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(exit_status(&Err(e)));
        }
    };
    for warning in &dataset.warnings {
        writeln!(out, "{}:{warning}", input.display())?;
    }
    let started = std::time::Instant::now();
    match export(&dataset, output, format) {
        Ok(()) => {
            let bytes = std::fs::metadata(output).map_or(0, |m| m.len());
            writeln!(
                out,
                "{}: {} feature{} from {} written as {format} ({bytes} bytes) in {:.2?}",
                output.display(),
                dataset.len(),
                if dataset.len() == 1 { "" } else { "s" },
                dataset.format(),
                started.elapsed()
            )?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            writeln!(out, "error: {e}")?;
            Ok(EXIT_UNREADABLE)
        }
    }
}
