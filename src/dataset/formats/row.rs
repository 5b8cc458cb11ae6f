//! How a table's row is read: the one trait every table format implements, and what a
//! dataset read from a table keeps to read a row again in full ([`Rows`]) when the feature
//! is shown or written out. Below the table readers and the dataset alike.

use std::fmt;

use super::csv::Header;
use super::emit::{self, DraftSink, Emitted};

/// How one format reads a row.
pub(crate) trait RowReader: Send + Sync + fmt::Debug {
    /// Writes the draft of the row at `line` into `out` (with `lean`, without the columns
    /// kept as properties, which only a full reading needs), or warns why it cannot.
    fn row(
        &self,
        table: &Header,
        record: &csv::StringRecord,
        line: u32,
        lean: bool,
        out: &mut dyn DraftSink,
    );
}

/// What a dataset read from a table keeps to read a row again in full.
#[derive(Debug)]
pub struct Rows {
    pub(super) header: Header,
    pub(super) reader: Box<dyn RowReader>,
    /// The document's start (up to its features) and its source registry, as GeoJSON, for
    /// writing the dataset out.
    pub(super) start: String,
    pub(super) registry: Vec<String>,
}

impl Rows {
    /// Feature `row`'s GeoJSON text (every column a property), the row read from `line`.
    pub(crate) fn feature_json(&self, row: &str, line: u32) -> Option<String> {
        let record = self.header.record(row)?;
        let mut out = Emitted::default();
        self.reader
            .row(&self.header, &record, line, false, &mut out);
        (out.len() == 1).then_some(out.text)
    }

    /// The dataset as a dataset format v1 document: `features` are the rows (their own
    /// texts and first lines) and the features changed in Sortie (their GeoJSON), in order.
    pub(crate) fn document<'r>(&self, features: impl Iterator<Item = Piece<'r>>) -> String {
        let mut out = Emitted::after(&self.start);
        for piece in features {
            match piece {
                Piece::Row(row, line) => {
                    if let Some(record) = self.header.record(row) {
                        self.reader
                            .row(&self.header, &record, line, false, &mut out);
                    }
                }
                Piece::Json(json) => out.push_json(json),
            }
        }
        emit::finish_document(out, &self.registry).text
    }
}

/// A feature of a table's dataset as it is written out.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Piece<'r> {
    /// A row as read: its text and first line.
    Row(&'r str, u32),
    /// A feature changed in Sortie: its GeoJSON.
    Json(&'r str),
}
