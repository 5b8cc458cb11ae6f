//! The chain-of-custody checks of `sortie check`: each capture record against its file
//! (there, a file, the recorded SHA-256 and size), and each quoted citation against the text
//! of its source's readable captures. Every file is hashed once (a file several records name
//! too), the files on every core. Findings are worded here and placed by the evidence
//! checks. Knows the model and the file system.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::capture::{CaptureState, FileFound, find_file, judge, record_path};
use super::model::{Capture, Source};
use super::page_text::{PageKind, page_text, quote_found};

/// Where a custody finding belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CustodyAt {
    /// Capture `k` of source `j` of feature `feature` (its index in the file's list), or of
    /// the registry (its index in the registry).
    Capture {
        feature: Option<usize>,
        j: usize,
        k: usize,
    },
    /// The quote of citation `citation` of claim `claim` (indices in the file's lists).
    Quote {
        feature: usize,
        claim: usize,
        citation: usize,
    },
}

/// A capture record to check, and where it is.
pub(super) struct CaptureUse {
    pub at: CustodyAt,
    /// The source's name in a message.
    pub source: String,
    pub capture: Capture,
}

/// A quoted citation whose source has captures, and where it is.
pub(super) struct QuoteUse {
    pub at: CustodyAt,
    /// The cited source's name in a message.
    pub source: String,
    pub quote: String,
    /// The cited source's captures.
    pub captures: Vec<Capture>,
}

/// How a source is named in a finding: its id, else its publisher, title or address.
pub(super) fn source_name(source: &Source) -> String {
    match (&source.id, &source.publisher, &source.title, &source.url) {
        (Some(id), ..) => format!("{id:?}"),
        (None, Some(p), ..) | (None, None, Some(p), _) | (None, None, None, Some(p)) => {
            format!("{p:?}")
        }
        (None, None, None, None) => "(unnamed)".to_owned(),
    }
}

/// Files larger than this are hashed but not read for quotes.
const MAX_TEXT_BYTES: u64 = 256 << 20;

/// The findings about `captures` and `quotes`, the files read in the dataset's folder
/// `dir`: each worded, with where it belongs, in the order given (captures first).
pub(super) fn custody_findings(
    dir: &Path,
    captures: &[CaptureUse],
    quotes: &[QuoteUse],
) -> Vec<(CustodyAt, String)> {
    // Every file any record names, hashed once, on every core.
    let mut paths: Vec<PathBuf> = captures
        .iter()
        .map(|u| &u.capture)
        .chain(quotes.iter().flat_map(|q| &q.captures))
        .filter_map(|c| record_path(dir, c).ok().map(|(path, _)| path))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let found: HashMap<&PathBuf, FileFound> = paths
        .iter()
        .zip(crate::parallel::map_ranges(paths.len(), 1, |range| {
            paths[range].iter().map(|p| find_file(p)).collect()
        }))
        .collect();
    let state = |c: &Capture| match record_path(dir, c) {
        Ok((path, expected)) => match found.get(&path) {
            Some(f) => (judge(c, &path, expected, f), Some(path)),
            None => (CaptureState::Missing(path.clone()), Some(path)),
        },
        Err(bad) => (bad, None),
    };
    let mut out = Vec::new();
    for u in captures {
        let (state, _) = state(&u.capture);
        if let Some(message) = capture_message(&u.capture, &u.source, &state) {
            out.push((u.at, message));
        }
    }
    // The text of every readable capture a quote needs, read once, on every core.
    let mut readable: Vec<(PathBuf, PageKind)> = quotes
        .iter()
        .flat_map(|q| &q.captures)
        .filter_map(|c| {
            let kind = PageKind::of(c.media_type.as_deref(), c.file.as_deref()?)?;
            let (state, path) = state(c);
            let small = matches!(
                path.as_ref().and_then(|p| found.get(p)),
                Some(FileFound::Hashed(_, bytes)) if *bytes <= MAX_TEXT_BYTES
            );
            path.filter(|_| state.holds_recorded_bytes() && small)
                .map(|p| (p, kind))
        })
        .collect();
    readable.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    readable.dedup_by(|a, b| a.0 == b.0);
    let texts: HashMap<&PathBuf, String> = readable
        .iter()
        .map(|(p, _)| p)
        .zip(crate::parallel::map_ranges(readable.len(), 1, |range| {
            readable[range]
                .iter()
                .map(|(path, kind)| {
                    std::fs::read(path).map_or_else(|_| String::new(), |b| page_text(&b, *kind))
                })
                .collect()
        }))
        .collect();
    for q in quotes {
        let read: Vec<(&str, &String)> = q
            .captures
            .iter()
            .filter_map(|c| {
                let (_, path) = state(c);
                Some((c.file.as_deref()?, texts.get(&path?)?))
            })
            .collect();
        if read.is_empty() || read.iter().any(|(_, text)| quote_found(text, &q.quote)) {
            continue;
        }
        let files: Vec<&str> = read.iter().map(|(f, _)| *f).collect();
        out.push((
            q.at,
            format!(
                "the quote is not in the captured text of source {} ({}): {:?}",
                q.source,
                files.join(", "),
                shortened(&q.quote, 80)
            ),
        ));
    }
    out
}

/// Whether a quote is in the text of a source's captures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteCheck {
    /// Found in the capture kept in this file (which holds its recorded SHA-256).
    Found(String),
    /// Not in the text of any of these files (each holding its recorded SHA-256).
    NotFound(Vec<String>),
    /// No capture whose text can be read and that holds its recorded bytes (none, PDFs or
    /// images only, a file changed, or one larger than the window reads).
    Unchecked,
}

/// Checks `quote` against the readable captures among `captures` (files in the dataset's
/// folder `dir` no larger than `max_bytes`, each hashed first: a changed copy verifies
/// nothing).
pub fn quote_check(dir: &Path, captures: &[Capture], quote: &str, max_bytes: u64) -> QuoteCheck {
    let mut read = Vec::new();
    for capture in captures {
        let (Some(file), Ok((path, expected))) =
            (capture.file.as_deref(), record_path(dir, capture))
        else {
            continue;
        };
        let Some(kind) = PageKind::of(capture.media_type.as_deref(), file) else {
            continue;
        };
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= max_bytes);
        if !small || !judge(capture, &path, expected, &find_file(&path)).holds_recorded_bytes() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if quote_found(&page_text(&bytes, kind), quote) {
            return QuoteCheck::Found(file.to_owned());
        }
        read.push(file.to_owned());
    }
    if read.is_empty() {
        QuoteCheck::Unchecked
    } else {
        QuoteCheck::NotFound(read)
    }
}

/// What is wrong with a capture, worded; `None` when nothing is.
fn capture_message(capture: &Capture, source: &str, state: &CaptureState) -> Option<String> {
    let file = capture.file.as_deref().unwrap_or_default();
    let recorded = capture.sha256.as_deref().unwrap_or_default();
    let of = || format!("the capture {file} of source {source}");
    Some(match state {
        CaptureState::Intact => return None,
        CaptureState::BadRecord(why) => format!("source {source}: {why}"),
        CaptureState::Missing(path) => format!(
            "{} is missing: no file at {} (recorded SHA-256 {recorded})",
            of(),
            path.display()
        ),
        CaptureState::NotAFile(_, what) => format!("{} is {what}, not a file", of()),
        CaptureState::Unreadable(_, why) => format!("{} cannot be read: {why}", of()),
        CaptureState::Changed { found, bytes, .. } => format!(
            "{} has changed since it was kept: its SHA-256 is {found} ({bytes} bytes), the record says {recorded}",
            of()
        ),
        CaptureState::WrongSize { bytes } => format!(
            "{} holds {bytes} bytes, the record says {}",
            of(),
            capture.bytes.unwrap_or_default()
        ),
    })
}

/// `text` cut to `max` characters, with "…" when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
