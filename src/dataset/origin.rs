//! What a dataset's text is, and so how a feature is read again from it and where its
//! warnings point: a GeoJSON file, a document converted from another format (KML, KMZ), or
//! a table's rows (ACLED, UCDP, a spreadsheet) read again through their format's reader.

use std::sync::Arc;

use super::formats::Format;
use super::formats::row::Rows;

/// Where a dataset's text came from.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    /// A GeoJSON file: a FeatureCollection (paths then start with `features[i]`), or one
    /// Feature or geometry.
    GeoJson {
        /// Whether the file was a FeatureCollection.
        collection: bool,
    },
    /// A file in another format, converted into a dataset format v1 document (the text
    /// kept): feature `i` came from line `lines[i]` of the file.
    Converted {
        /// The file's format.
        format: Format,
        /// The line of the file each feature came from.
        lines: Arc<Vec<u32>>,
    },
    /// A table: the text is the file's, each feature's span its row, read again in full by
    /// `rows`.
    Table {
        /// The table's format.
        format: Format,
        /// How to read a row again.
        rows: Arc<Rows>,
    },
}

impl Default for Origin {
    fn default() -> Self {
        Self::GeoJson { collection: false }
    }
}

impl Origin {
    /// The format of the file read.
    pub fn format(&self) -> Format {
        match self {
            Self::GeoJson { .. } => Format::GeoJson,
            Self::Converted { format, .. } | Self::Table { format, .. } => *format,
        }
    }

    /// Whether features are elements of a collection (their paths start `features[i]`).
    pub fn collection(&self) -> bool {
        match self {
            Self::GeoJson { collection } => *collection,
            Self::Converted { .. } | Self::Table { .. } => true,
        }
    }

    /// Whether the text is the file as read, in GeoJSON (so a JSON path leads to a place
    /// in the file).
    pub fn is_geojson(&self) -> bool {
        matches!(self, Self::GeoJson { .. })
    }

    /// How to read a table's rows again, for a table.
    pub fn rows(&self) -> Option<&Arc<Rows>> {
        match self {
            Self::Table { rows, .. } => Some(rows),
            _ => None,
        }
    }
}
