//! The formats investigators bring besides GeoJSON (ACLED and UCDP exports, any spreadsheet
//! with coordinates, KML and KMZ from Google Earth) and the ones Sortie writes (GeoJSON,
//! KML, KMZ).
//!
//! A file is recognised from its content (first bytes, header line), its name only breaking
//! ties. Each format is one module that turns the file into [`emit::Draft`]s of features,
//! which the one GeoJSON feature reader reads into the one builder. A table's rows are read
//! straight into the model, each feature's text its row, read again in full when shown
//! (`rows.rs`); a KML file is written as a dataset format v1 document, which the GeoJSON
//! reader reads like any file, each feature's line kept. Every message names the file's own
//! line.

pub(crate) mod acled;
mod csv;
pub(crate) mod emit;
pub(crate) mod kml;
pub(crate) mod row;
pub(crate) mod rows;
mod table;
mod ucdp;
mod write;

use std::fmt;
use std::path::Path;

use super::diagnostic::{LoadProgress, invalid};
use super::{Diagnostic, LoadError};
pub use acled::Generation;
pub(crate) use csv::line_starts;
pub use write::{ExportFormat, export, write_atomically};

/// A file format Sortie reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON, and Sortie's dataset format v1.
    #[default]
    GeoJson,
    /// An ACLED export of some generation.
    Acled(Generation),
    /// A UCDP GED download.
    UcdpGed,
    /// Any CSV or TSV with coordinates.
    Table,
    /// KML.
    Kml,
    /// KML zipped.
    Kmz,
}

impl Format {
    /// What the format is called in messages and `info`.
    pub fn label(self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::Acled(generation) => generation.label(),
            Self::UcdpGed => "UCDP GED (CSV)",
            Self::Table => "CSV with coordinates",
            Self::Kml => "KML",
            Self::Kmz => "KMZ",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The format of a file from its first bytes, its name breaking ties.
pub fn detect(bytes: &[u8], path: Option<&Path>) -> Format {
    let extension = path
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Kmz;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'{' | b'[') => return Format::GeoJson,
        Some(b'<') => return Format::Kml,
        None => return Format::GeoJson,
        _ => {}
    }
    match extension.as_str() {
        "geojson" | "json" => return Format::GeoJson,
        "kml" => return Format::Kml,
        "kmz" => return Format::Kmz,
        _ => {}
    }
    let head = &text[..text.len().min(1 << 16)];
    // Excel's "Unicode text" is UTF-16: its header is read after decoding.
    let head = match encoding_rs::Encoding::for_bom(head) {
        Some((encoding, _)) if encoding != encoding_rs::UTF_8 => encoding.decode(head).0,
        _ => String::from_utf8_lossy(head),
    };
    let line = head.lines().next().unwrap_or("");
    let delimiter = csv::sniff(line);
    let keys: Vec<String> = line
        .split(char::from(delimiter))
        .map(|k| k.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    if let Some(generation) = Generation::of(&keys) {
        Format::Acled(generation)
    } else if ucdp::is_ged(&keys) {
        Format::UcdpGed
    } else {
        Format::Table
    }
}

/// The name a document read from `origin` takes: the file's name without its extension.
pub(crate) fn title_of(origin: Option<&Path>) -> String {
    origin.and_then(Path::file_stem).map_or_else(
        || "imported".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// The error for a file of which no feature could be read: the first of its problems, and
/// how many there were.
pub(crate) fn nothing_read(origin: Option<&Path>, warnings: &[Diagnostic]) -> LoadError {
    let first = warnings.first().cloned().unwrap_or_default();
    invalid(
        origin,
        Diagnostic {
            message: format!(
                "no feature could be read ({} problems; the first: {})",
                warnings.len(),
                first.message
            ),
            ..first
        },
    )
}

/// A file read into a dataset format v1 document.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The document.
    pub text: String,
    /// The line each feature came from in the file.
    pub lines: Vec<u32>,
    /// What the reading warned about.
    pub warnings: Vec<Diagnostic>,
}

/// Reads `bytes` in `format` (KML or KMZ) into a document.
///
/// # Errors
/// [`LoadError::Invalid`] when the file cannot be read in that format at all (no
/// coordinates in a table, a truncated KML, a corrupt KMZ), naming where;
/// [`LoadError::Cancelled`].
pub(crate) fn import(
    format: Format,
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Imported, LoadError> {
    let name = title_of(origin);
    let (features, registry) = match format {
        Format::Kml | Format::Kmz => {
            let (features, document) = if format == Format::Kmz {
                kml::read(&kml::unzip(&bytes, origin)?, origin, progress)?
            } else {
                kml::read(&bytes, origin, progress)?
            };
            let mut registry = Vec::new();
            let mut members = Vec::new();
            for (key, value) in document {
                let json = serde_json::from_str::<serde_json::Value>(&value);
                match (key.as_str(), json) {
                    (kml::REGISTRY_DATA, Ok(serde_json::Value::Array(records))) => {
                        registry = records.iter().map(ToString::to_string).collect();
                    }
                    (kml::MEMBERS_DATA, Ok(serde_json::Value::Object(map))) => {
                        members = map
                            .into_iter()
                            .filter(|(k, _)| !matches!(k.as_str(), "type" | "features" | "sources"))
                            .map(|(k, v)| (k, v.to_string()))
                            .collect();
                    }
                    _ => {}
                }
            }
            let mut all = emit::Emitted::after(&emit::document_start(&name, &members));
            all.append(features);
            (all, registry)
        }
        Format::Acled(_) | Format::UcdpGed | Format::Table | Format::GeoJson => {
            // Tables are read straight into the model (`rows::load`), GeoJSON as it is.
            return Err(invalid(
                origin,
                Diagnostic::new(format!("{format} is not read through a document")),
            ));
        }
    };
    if features.len() == 0 && !features.warnings.is_empty() {
        return Err(nothing_read(origin, &features.warnings));
    }
    let features = emit::finish_document(features, &registry);
    Ok(Imported {
        text: features.text,
        lines: features.lines,
        warnings: features.warnings,
    })
}
