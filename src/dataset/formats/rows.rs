//! Tables (ACLED, UCDP GED, any CSV with coordinates) read straight into the model: each
//! row becomes a lean draft (its columns left out), read by the one GeoJSON feature reader
//! into the builder, its span the row's own text. The dataset keeps the file's text and a
//! [`Rows`], which reads a row again in full (every column) when the feature is shown or
//! written out. So a million rows cost the file's text and a small record each, not a
//! GeoJSON document three times the file's size.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use super::Format;
use super::csv::{Header, RowSink, Table, decode};
use super::emit::{self, Emitted};
use crate::dataset::build::Built;
use crate::dataset::open::LoadProgress;
use crate::dataset::store::Part;
use crate::dataset::{Dataset, Diagnostic, LoadError, Source};

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
        out: &mut Emitted,
    );
}

/// What a dataset read from a table keeps to read a row again in full.
#[derive(Debug)]
pub struct Rows {
    header: Header,
    reader: Box<dyn RowReader>,
    /// The document's start (up to its features) and its source registry, as GeoJSON, for
    /// writing the dataset out.
    start: String,
    registry: Vec<String>,
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

    /// The dataset as a dataset format v1 document: `rows` are the features' own texts and
    /// first lines, in order.
    pub(crate) fn document<'r>(&self, rows: impl Iterator<Item = (&'r str, u32)>) -> String {
        let mut out = Emitted::after(&self.start);
        for (row, line) in rows {
            if let Some(record) = self.header.record(row) {
                self.reader
                    .row(&self.header, &record, line, false, &mut out);
            }
        }
        emit::finish_document(out, &self.registry).text
    }
}

/// One piece of the rows, read on one thread.
struct Piece {
    part: Part,
    warnings: Vec<Diagnostic>,
    registry_ids: hashbrown::HashSet<String>,
    /// The draft of the row being read.
    scratch: Emitted,
}

impl RowSink for Piece {
    fn warn(&mut self, line: u32, column: Option<&str>, message: String) {
        self.scratch.warn(line, column, message);
        self.warnings.append(&mut self.scratch.warnings);
    }
}

/// Reads a table in `format` straight into a dataset.
///
/// # Errors
/// [`LoadError::Invalid`] when there is no header or no coordinate columns, or no row could
/// be read; [`LoadError::Cancelled`].
pub(crate) fn load(
    format: Format,
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let started = std::time::Instant::now();
    let (text, text_start, decoded) = decode(bytes);
    let name = origin.and_then(Path::file_stem).map_or_else(
        || "imported".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let (parts, header, reader) = {
        // The text after a byte-order mark: the dataset's body, which features' spans index.
        let whole = text.get(text_start..).unwrap_or("");
        let table = Table::new(whole, origin)?;
        let reader: Box<dyn RowReader> = match format {
            Format::Acled(_) => match super::acled::Acled::new(&table) {
                Some(r) => Box::new(r),
                None => Box::new(super::table::Plain::new(&table, origin)?),
            },
            Format::UcdpGed => match super::ucdp::Ged::new(&table) {
                Some(r) => Box::new(r),
                None => Box::new(super::table::Plain::new(&table, origin)?),
            },
            _ => Box::new(super::table::Plain::new(&table, origin)?),
        };
        let reader_ref = &*reader;
        let head = &table.head;
        let parts = table.read_rows(
            progress,
            |_| Piece {
                part: Part::default(),
                warnings: Vec::new(),
                registry_ids: hashbrown::HashSet::new(),
                scratch: Emitted::default(),
            },
            |record, line, own, piece: &mut Piece| {
                piece.scratch.clear();
                reader_ref.row(head, record, line, true, &mut piece.scratch);
                for id in piece.scratch.registry_ids.drain() {
                    piece.registry_ids.insert(id);
                }
                piece.warnings.append(&mut piece.scratch.warnings);
                if piece.scratch.len() == 1 {
                    let index = piece.part.cores.len();
                    let json = piece.scratch.feature_text();
                    let warned =
                        crate::dataset::geojson::push_row(&mut piece.part, whole, own, json, index);
                    for mut w in warned {
                        w.line = Some(line as usize);
                        w.column = None;
                        piece.warnings.push(w);
                    }
                }
            },
        )?;
        (parts, table.head.clone(), reader)
    };
    let converted_at = started.elapsed();
    let mut part = Part::default();
    let mut warnings: Vec<Diagnostic> = decoded.into_iter().collect();
    let mut registry_ids = hashbrown::HashSet::new();
    for piece in parts {
        let base = part.cores.len();
        warnings.extend(piece.warnings.into_iter().map(|mut w| {
            if let Some(i) = w.feature_index.as_mut() {
                *i += base;
            }
            w
        }));
        registry_ids.extend(piece.registry_ids);
        part.append(piece.part);
    }
    part.name_anonymous();
    if part.cores.is_empty() && !warnings.is_empty() {
        return Err(super::nothing_read(origin, &warnings));
    }
    let mut publishers: Vec<String> = registry_ids.into_iter().collect();
    publishers.sort_unstable();
    let registry: Vec<Source> = publishers
        .iter()
        .map(|p| Source {
            id: Some(p.clone()),
            publisher: Some(p.clone()),
            ..Source::default()
        })
        .collect();
    let rows = Rows {
        header,
        reader,
        start: emit::document_start(&name, &[]),
        registry: publishers
            .iter()
            .map(|p| super::acled::publisher_record(p))
            .collect(),
    };
    let built = Built {
        part,
        warnings,
        foreign_members: vec![
            ("name".to_owned(), serde_json::Value::String(name)),
            ("sortie_format".to_owned(), serde_json::json!(1)),
        ],
        aircraft_cruise_kmh: Vec::new(),
        registry,
        collection: true,
        lines: None,
    };
    let mut dataset = built.into_dataset(origin, Arc::new(text), text_start);
    dataset.set_rows(format, Arc::new(rows));
    log::debug!(
        "read {} features of {format}: rows read in {converted_at:.2?}, indexed in {:.2?}",
        dataset.len(),
        started.elapsed() - converted_at
    );
    Ok(dataset)
}
