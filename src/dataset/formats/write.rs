//! Writing what is loaded: GeoJSON (the dataset format v1 document the dataset holds),
//! KML and KMZ. Every write goes to a temporary file beside the target, renamed over it only
//! once complete: a failed write leaves any file already there as it was.

use std::fmt;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use crate::dataset::Dataset;

/// A format Sortie writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// GeoJSON, dataset format v1: every property, claim and source.
    GeoJson,
    /// KML for Google Earth.
    Kml,
    /// KML zipped (`doc.kml` in a zip archive).
    Kmz,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 3] = [Self::GeoJson, Self::Kml, Self::Kmz];

    /// The format a file name's extension asks for.
    pub fn of_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Self::parse(&extension)
    }

    /// Parses `geojson`, `json`, `kml` or `kmz`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "geojson" | "json" => Some(Self::GeoJson),
            "kml" => Some(Self::Kml),
            "kmz" => Some(Self::Kmz),
            _ => None,
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::GeoJson => "geojson",
            Self::Kml => "kml",
            Self::Kmz => "kmz",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::GeoJson => "GeoJSON",
            Self::Kml => "KML",
            Self::Kmz => "KMZ",
        })
    }
}

/// A write that failed, and where.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file that was to be written.
    pub path: PathBuf,
    /// Why it failed.
    #[source]
    pub source: io::Error,
}

/// Writes `dataset` to `path` in `format`, atomically.
///
/// # Errors
/// [`WriteError`] when the file cannot be written; an existing file is then left as it was.
pub fn export(dataset: &Dataset, path: &Path, format: ExportFormat) -> Result<(), WriteError> {
    write_atomically(path, |out| match format {
        ExportFormat::GeoJson => dataset.write_geojson(out),
        ExportFormat::Kml => super::kml::write::write(dataset, out),
        ExportFormat::Kmz => {
            let mut zip = zip::ZipWriter::new_stream(out);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("doc.kml", options)
                .map_err(io::Error::other)?;
            super::kml::write::write(dataset, &mut zip)?;
            zip.finish().map_err(io::Error::other)?;
            Ok(())
        }
    })
}

/// Writes a file through `write` to a temporary file beside `path`, then renames it over
/// `path`. On any failure the temporary file is removed and `path` is untouched.
///
/// # Errors
/// [`WriteError`] naming `path`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> io::Result<()>,
) -> Result<(), WriteError> {
    let fail = |source: io::Error| WriteError {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| fail(io::Error::new(io::ErrorKind::InvalidInput, "no file name")))?;
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp = dir.join(format!(
        ".{}.{}-{n}.sortie-partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(fail)?;
    // From here the temporary file is this call's own, removed on any failure.
    let result = (|| {
        let mut out = BufWriter::with_capacity(1 << 20, file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}
