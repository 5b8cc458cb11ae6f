//! What a dataset read from another format than GeoJSON keeps of it: its format, how a
//! table's row is read again, the line each KML feature came from; and the dataset written
//! out as GeoJSON.

use super::origin::Origin;
use super::{Dataset, TextLocation, formats, store};

impl Dataset {
    /// The format of the file the dataset was read from.
    pub fn format(&self) -> formats::Format {
        self.origin.format()
    }

    /// The dataset as a dataset format v1 (GeoJSON) document: the file's text for GeoJSON,
    /// the document it was read into for KML, every row written out for a table.
    /// After edits, the features changed in Sortie are written in place of theirs (see
    /// `save.rs`), and every other keeps its text.
    pub fn geojson_text(&self) -> std::borrow::Cow<'_, str> {
        if self.history.has_edits() && !self.as_opened() {
            return std::borrow::Cow::Owned(self.edited_document());
        }
        match self.origin.rows() {
            Some(rows) => {
                std::borrow::Cow::Owned(rows.document(self.part.cores.iter().map(|core| {
                    formats::row::Piece::Row(self.feature_text(core), self.row_line(core))
                })))
            }
            None => std::borrow::Cow::Borrowed(self.body()),
        }
    }

    /// Feature `index`'s GeoJSON text (the Feature object, or the bare geometry of a file
    /// that is one).
    pub fn feature_json(&self, index: usize) -> Option<std::borrow::Cow<'_, str>> {
        let core = self.part.cores.get(index)?;
        self.get(index)?;
        if self.is_edited(index) {
            return Some(std::borrow::Cow::Borrowed(self.feature_text(core)));
        }
        match self.origin.rows() {
            Some(rows) => rows
                .feature_json(self.feature_text(core), self.row_line(core))
                .map(std::borrow::Cow::Owned),
            None => Some(std::borrow::Cow::Borrowed(self.feature_text(core))),
        }
    }

    /// The first line of a table row's text.
    pub(super) fn row_line(&self, core: &store::Core) -> u32 {
        let line = self
            .location_of(usize::try_from(core.start).unwrap_or(0))
            .line;
        u32::try_from(line).unwrap_or(0)
    }

    /// The line of the file read that feature `index` came from, for a file not in GeoJSON.
    pub(super) fn origin_location(&self, index: usize) -> Option<TextLocation> {
        let Origin::Converted { lines, .. } = &self.origin else {
            return None;
        };
        Some(TextLocation {
            line: lines.get(index).map_or(1, |&l| l as usize),
            column: 1,
        })
    }
}
