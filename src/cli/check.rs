//! `sortie check FILE`: the load's warnings and the evidence checks, summed up or listed in
//! full (`--json` streamed as it goes); `--strict` fails on any.

use std::io::Write;
use std::path::Path;

use super::common::{EXIT_INVALID, EXIT_OK, exit_status};
use crate::dataset::{Diagnostic, DiagnosticKind, load_path};

/// Runs `check`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn check(path: &Path, as_json: bool, strict: bool, out: &mut dyn Write) -> std::io::Result<u8> {
    let result = load_path(path);
    let mut out = std::io::BufWriter::new(out);
    let dataset = match &result {
        Ok(dataset) => dataset,
        Err(error) => {
            if as_json {
                write_report(
                    &mut out,
                    [error.diagnostic()].into_iter(),
                    std::iter::empty(),
                )?;
            } else {
                writeln!(out, "error: {error}")?;
            }
            out.flush()?;
            return Ok(exit_status(&result));
        }
    };
    // Kept compact, and worded a block at a time as they are written: a million findings
    // are never all in memory as messages.
    let findings = crate::dataset::evidence_findings(dataset);
    if log::log_enabled!(log::Level::Debug)
        && let Ok(status) = std::fs::read_to_string("/proc/self/status")
    {
        let memory: Vec<&str> = status
            .lines()
            .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
            .collect();
        log::debug!("memory after the evidence checks: {}", memory.join(", "));
    }
    // With --strict, the evidence warnings (the load's and the checks') are errors.
    let is_error = |w: &&Diagnostic| strict && w.kind == Some(DiagnosticKind::Evidence);
    let errors = || {
        let found = strict
            .then(|| findings.diagnostics(dataset))
            .into_iter()
            .flatten();
        dataset
            .warnings
            .iter()
            .filter(is_error)
            .cloned()
            .chain(found)
    };
    let warnings = || {
        let found = (!strict)
            .then(|| findings.diagnostics(dataset))
            .into_iter()
            .flatten();
        let loaded = dataset.warnings.iter().filter(|w| !is_error(w)).cloned();
        loaded.chain(found)
    };
    let ok = !(strict && (!findings.is_empty() || dataset.warnings.iter().any(|w| is_error(&w))));
    if as_json {
        write_report(&mut out, errors(), warnings())?;
    } else {
        let summary = dataset.summary_with(findings.len());
        writeln!(out, "{}: {summary}", path.display())?;
        for error in errors() {
            writeln!(out, "{}:{error} (error: --strict)", path.display())?;
        }
        for warning in warnings() {
            writeln!(out, "{}:{warning}", path.display())?;
        }
    }
    out.flush()?;
    Ok(if ok { EXIT_OK } else { EXIT_INVALID })
}

/// Writes `check --json`'s report, `{"ok", "errors", "warnings"}` as `serde_json` would
/// print it, one diagnostic at a time: `ok` is whether there are no errors.
pub(super) fn write_report(
    out: &mut impl Write,
    errors: impl Iterator<Item = Diagnostic>,
    warnings: impl Iterator<Item = Diagnostic>,
) -> std::io::Result<()> {
    let mut errors = errors.peekable();
    let ok = errors.peek().is_none();
    write!(out, "{{\n  \"ok\": {ok},\n  \"errors\": ")?;
    write_array(out, errors)?;
    write!(out, ",\n  \"warnings\": ")?;
    write_array(out, warnings)?;
    writeln!(out, "\n}}")
}

/// A JSON array of diagnostics as the second level of a pretty-printed object.
pub(super) fn write_array(
    out: &mut impl Write,
    items: impl Iterator<Item = Diagnostic>,
) -> std::io::Result<()> {
    let mut empty = true;
    for item in items {
        out.write_all(if empty { b"[\n    " } else { b",\n    " })?;
        // Strings in JSON hold no raw line breaks: each break is one of the layout's.
        let text = serde_json::to_string_pretty(&item).map_err(std::io::Error::other)?;
        out.write_all(text.replace('\n', "\n    ").as_bytes())?;
        empty = false;
    }
    out.write_all(if empty { b"[]" } else { b"\n  ]" })
}
