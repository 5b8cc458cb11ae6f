//! Opening a dataset: a file read from disk (in pieces, on every core, when it is big) or
//! bytes in memory, checked for UTF-8 and a byte-order mark, then handed to the reader of
//! its format, with progress and cancelling shared with the caller. Knows files and bytes;
//! what a format means is the reader's, what the model keeps is the builder's.

use std::path::Path;

use super::diagnostic::invalid;
use super::origin::Origin;
use super::{Dataset, Diagnostic, LoadError, LoadProgress, TextLocation};

/// Reads a dataset file in any format Sortie reads (GeoJSON, ACLED and UCDP exports, CSV
/// with coordinates, KML, KMZ), recognised from its content.
///
/// # Errors
/// [`LoadError::Read`] when the file cannot be read, [`LoadError::Invalid`] when it cannot
/// be read in its format (with line and column, or the JSON path at fault).
pub fn load_path(path: &Path) -> Result<Dataset, LoadError> {
    load_path_with(path, &LoadProgress::default())
}

/// [`load_path`], reporting progress and stopping when cancelled.
///
/// # Errors
/// As [`load_path`], and [`LoadError::Cancelled`].
pub fn load_path_with(path: &Path, progress: &LoadProgress) -> Result<Dataset, LoadError> {
    let started = std::time::Instant::now();
    let bytes = read_file(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    log::debug!("{} bytes read in {:.2?}", bytes.len(), started.elapsed());
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled);
    }
    parse_owned(bytes, Some(path), progress)
}

/// Reads a whole file; a big one in as many pieces as there are cores, read side by side
/// (copying from the page cache and faulting in the buffer's pages is most of the time).
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt as _;
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    if len < 1 << 24 {
        let mut bytes = Vec::with_capacity(len);
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        return Ok(bytes);
    }
    let mut bytes = vec![0u8; len];
    let pieces = crate::parallel::threads_for(len, 1 << 24);
    let piece = len.div_ceil(pieces);
    let read: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bytes
            .chunks_mut(piece)
            .enumerate()
            .map(|(k, chunk)| {
                let file = &file;
                scope.spawn(move || file.read_exact_at(chunk, (k * piece) as u64))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| crate::parallel::joined(h.join()))
            .collect()
    });
    read.into_iter().collect::<std::io::Result<()>>()?;
    // The file may have grown meanwhile: read whatever follows too.
    let mut rest = &file;
    std::io::Seek::seek(&mut rest, std::io::SeekFrom::Start(len as u64))?;
    std::io::Read::read_to_end(&mut rest, &mut bytes)?;
    Ok(bytes)
}

/// Parses GeoJSON from bytes (UTF-8, with or without a byte-order mark).
///
/// `origin` names the file in errors and gives the dataset its title.
///
/// # Errors
/// [`LoadError::Invalid`] when the bytes are not UTF-8, not JSON, or not GeoJSON.
pub fn parse_bytes(bytes: &[u8], origin: Option<&Path>) -> Result<Dataset, LoadError> {
    parse_bytes_with(bytes, origin, &LoadProgress::default())
}

/// [`parse_bytes`], reporting progress and stopping when cancelled.
///
/// # Errors
/// As [`parse_bytes`], and [`LoadError::Cancelled`].
pub fn parse_bytes_with(
    bytes: &[u8],
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    parse_owned(bytes.to_vec(), origin, progress)
}

/// Parses GeoJSON text.
///
/// # Errors
/// [`LoadError::Invalid`] when the text is not JSON or not GeoJSON.
pub fn parse_str(text: &str, origin: Option<&Path>) -> Result<Dataset, LoadError> {
    parse_owned(text.as_bytes().to_vec(), origin, &LoadProgress::default())
}

/// Parses GeoJSON from bytes the dataset then keeps (a feature is read again from them in
/// full when it is shown).
fn parse_owned(
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    use super::formats::Format;
    match super::formats::detect(&bytes, origin) {
        Format::GeoJson => {}
        format @ (Format::Kml | Format::Kmz) => {
            return parse_imported(format, bytes, origin, progress);
        }
        format => {
            let started = std::time::Instant::now();
            let (built, text, text_start) =
                super::formats::rows::load(format, bytes, origin, progress)?;
            let dataset = built.into_dataset(origin, std::sync::Arc::new(text), text_start);
            log::debug!(
                "indexed {} rows in {:.2?}",
                dataset.len(),
                started.elapsed()
            );
            return Ok(dataset);
        }
    }
    let mut warnings = Vec::new();
    let text_start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        warnings.push(
            Diagnostic::new("the UTF-8 byte-order mark at the start of the file was ignored")
                .at(TextLocation { line: 1, column: 1 }),
        );
        3
    } else {
        0
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid_up_to = e.utf8_error().valid_up_to();
        let valid = bytes
            .get(text_start.min(valid_up_to)..valid_up_to)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let bad = bytes.get(valid_up_to).copied().unwrap_or(0);
        invalid(
            origin,
            Diagnostic::new(format!("the file is not valid UTF-8 (byte 0x{bad:02X})"))
                .at(TextLocation::of_offset(valid, valid.len())),
        )
    })?;
    let text = std::sync::Arc::new(text);
    let body = text.get(text_start..).unwrap_or("");
    let started = std::time::Instant::now();
    let parsed = super::geojson::read(body, origin, warnings, progress)?;
    let parsed_at = started.elapsed();
    let dataset = parsed.into_dataset(origin, std::sync::Arc::clone(&text), text_start);
    log::debug!(
        "loaded {} features: parsed in {parsed_at:.2?}, indexed in {:.2?}",
        dataset.len(),
        started.elapsed() - parsed_at
    );
    Ok(dataset)
}

/// Reads a file in another format than GeoJSON: into a dataset format v1 document, which is
/// then read as GeoJSON; messages name the file's own lines.
fn parse_imported(
    format: super::formats::Format,
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let started = std::time::Instant::now();
    let imported = super::formats::import(format, bytes, origin, progress)?;
    let converted_at = started.elapsed();
    let text = std::sync::Arc::new(imported.text);
    let mut parsed = super::geojson::read(&text, origin, imported.warnings, progress)?;
    parsed.origin = Origin::Converted {
        format,
        lines: std::sync::Arc::new(imported.lines),
    };
    let dataset = parsed.into_dataset(origin, std::sync::Arc::clone(&text), 0);
    log::debug!(
        "read {} features of {format}: converted in {converted_at:.2?}, loaded in {:.2?}",
        dataset.len(),
        started.elapsed() - converted_at
    );
    Ok(dataset)
}
