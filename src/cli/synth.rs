//! `sortie synth OUT`: a synthetic dataset of any size, for benchmarks and tests.

use std::io::Write;
use std::path::Path;

use super::common::{EXIT_OK, EXIT_UNREADABLE};

/// Runs `synth`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn synth(
    path: &Path,
    spec: crate::synth::SynthSpec,
    acled: bool,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let written = crate::dataset::formats::write_atomically(path, |writer| {
        if acled {
            crate::synth::write_acled_csv(spec, writer)
        } else {
            crate::synth::write_dataset(spec, writer)
        }
    });
    match written {
        Ok(()) => {
            let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
            writeln!(
                out,
                "{}: {} points, {} routes, {bytes} bytes",
                path.display(),
                spec.points,
                if acled { 0 } else { spec.routes }
            )?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            writeln!(out, "error: {e}")?;
            Ok(EXIT_UNREADABLE)
        }
    }
}
