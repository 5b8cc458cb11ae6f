//! A KMZ archive opened: the KML document inside it, read whole within limits.

use std::borrow::Cow;
use std::io::Read as _;
use std::path::Path;

use crate::dataset::diagnostic::invalid;
use crate::dataset::{Diagnostic, LoadError};

/// The KML document inside a KMZ archive (`doc.kml`, else the first `.kml`).
///
/// # Errors
/// [`LoadError::Invalid`] when the archive is corrupt or holds no KML, saying where.
pub(crate) fn unzip(bytes: &[u8], origin: Option<&Path>) -> Result<Vec<u8>, LoadError> {
    let bad = |message: String| invalid(origin, Diagnostic::new(message));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        bad(format!(
            "the KMZ archive is corrupt: its directory, which ends a zip file (here at byte \
             {}), cannot be read ({e})",
            bytes.len()
        ))
    })?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(Cow::into_owned)
        .collect();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| {
            let has = |ext: &str| names.iter().any(|n| n.to_ascii_lowercase().ends_with(ext));
            let hint = if names.iter().any(|n| n.starts_with("xl/")) {
                " It is an Excel workbook: save the sheet as CSV to open it in Sortie."
            } else if has(".shp") {
                " It holds a shapefile: convert it to GeoJSON (QGIS, ogr2ogr) to open it."
            } else if names
                .iter()
                .any(|n| n.starts_with("word/") || n.starts_with("ppt/"))
            {
                " It is an Office document, not map data."
            } else {
                ""
            };
            let listed: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            bad(format!(
                "the zip archive holds no .kml file (it holds {}{}).{hint}",
                listed.join(", "),
                if names.len() > 5 { ", …" } else { "" }
            ))
        })?
        .clone();
    let mut entry = archive
        .by_name(&name)
        .map_err(|e| bad(format!("{name} in the KMZ archive cannot be read ({e})")))?;
    let mut out = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        match entry.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Err(e) => {
                return Err(bad(format!(
                    "{name} in the KMZ archive is corrupt after {} bytes ({e})",
                    out.len()
                )));
            }
        }
    }
    Ok(out)
}
