//! Errors and warnings met while loading a dataset, each carrying where it happened, and the
//! progress of a load: what every reader shares, below all of them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Where in a file something was found, and what it was about.
///
/// Every field is optional: an error in the JSON syntax knows its line and column but no
/// feature; a warning about a feature knows its index, id and the property at fault.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// What is wrong, in plain words.
    pub message: String,
    /// 1-based line in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (in characters) in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// 0-based index of the feature in the collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature_index: Option<usize>,
    /// The feature's `id`, where it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature_id: Option<String>,
    /// The JSON path of the member at fault, e.g. `features[3].geometry.coordinates`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// What sort of problem it is, when not one of the format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DiagnosticKind>,
}

/// A sort of problem beyond the format's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticKind {
    /// About the evidence: sources and how claims cite them (`sortie check`'s evidence
    /// checks; `--strict` makes them errors).
    Evidence,
}

impl Diagnostic {
    /// A diagnostic with a message and nothing else yet.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }

    /// Sets the line and column.
    #[must_use]
    pub fn at(mut self, location: TextLocation) -> Self {
        self.line = Some(location.line);
        self.column = Some(location.column);
        self
    }

    /// Sets the JSON path of the member at fault.
    #[must_use]
    pub fn property(mut self, path: impl Into<String>) -> Self {
        self.property = Some(path.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            message,
            line,
            column,
            feature_index,
            feature_id,
            property,
            kind: _,
        } = self;
        if let Some(line) = line {
            write!(f, "{line}:{}: ", column.unwrap_or(1))?;
        }
        match (feature_index, feature_id) {
            (Some(index), Some(id)) => write!(f, "feature {index} (id {id:?}): ")?,
            (Some(index), None) => write!(f, "feature {index}: ")?,
            (None, Some(id)) => write!(f, "feature id {id:?}: ")?,
            (None, None) => {}
        }
        if let Some(property) = property {
            write!(f, "{property}: ")?;
        }
        f.write_str(message)
    }
}

/// A 1-based line and column in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextLocation {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl TextLocation {
    /// The location of byte `offset` in `text` (clamped to the text's length).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self {
            line: before.bytes().filter(|&b| b == b'\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// The location of a byte offset, with `lines` the byte offsets of `text`'s line starts
    /// (0 first).
    pub fn with_lines(text: &str, lines: &[usize], offset: usize) -> Self {
        let line = lines.partition_point(|&start| start <= offset).max(1);
        let start = lines.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        Self { line, column }
    }

    /// The location of `inner`, a location counted from the start of a slice that itself
    /// starts at `self`.
    pub fn then(self, inner: Self) -> Self {
        if inner.line == 1 {
            Self {
                line: self.line,
                column: self.column + inner.column - 1,
            }
        } else {
            Self {
                line: self.line + inner.line - 1,
                column: inner.column,
            }
        }
    }
}

/// Why a dataset could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path:?}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The load was cancelled.
    #[error("loading was cancelled")]
    Cancelled,
    /// The file was read but is not valid GeoJSON.
    #[error("{}{diagnostic}", origin_prefix(origin.as_deref(), diagnostic.line.is_some()))]
    Invalid {
        /// The file, when the text came from one.
        origin: Option<PathBuf>,
        /// What is wrong and where.
        diagnostic: Box<Diagnostic>,
    },
}

fn origin_prefix(origin: Option<&Path>, located: bool) -> String {
    let gap = if located { "" } else { " " };
    origin.map_or_else(String::new, |path| format!("{}:{gap}", path.display()))
}

impl LoadError {
    /// The diagnostic behind an invalid file, or one made from a read error.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Self::Read { source, .. } => Diagnostic::new(format!("cannot read the file: {source}")),
            Self::Cancelled => Diagnostic::new("loading was cancelled"),
            Self::Invalid { diagnostic, .. } => (**diagnostic).clone(),
        }
    }
}

/// How far a load has come, shared with the thread doing it; and a way to cancel it.
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub(super) done: AtomicUsize,
    pub(super) total: AtomicUsize,
    cancelled: AtomicBool,
}

impl LoadProgress {
    /// Work done so far and in all, in bytes of the features array (the total is 0 while it
    /// is not known yet, and for a file that is one Feature or one geometry).
    pub fn features(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// The fraction done, 0 to 1.
    #[allow(clippy::cast_precision_loss)]
    pub fn fraction(&self) -> f32 {
        let (done, total) = self.features();
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64) as f32
        }
    }

    /// Asks the load to stop; it returns [`LoadError::Cancelled`] soon after.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`LoadProgress::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// The error for a file that cannot be read in its format, at `diagnostic`.
pub(super) fn invalid(origin: Option<&Path>, diagnostic: Diagnostic) -> LoadError {
    LoadError::Invalid {
        origin: origin.map(Path::to_owned),
        diagnostic: Box::new(diagnostic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(
            TextLocation::of_offset(text, 0),
            TextLocation { line: 1, column: 1 }
        );
        assert_eq!(
            TextLocation::of_offset(text, 3),
            TextLocation { line: 2, column: 1 }
        );
        let at = |offset| TextLocation::of_offset(text, offset);
        // 'é' is two bytes: the newline after it is at byte 7 but column 4.
        assert_eq!(at(5), TextLocation { line: 2, column: 3 });
        assert_eq!(at(7), TextLocation { line: 2, column: 4 });
        assert_eq!(at(8), TextLocation { line: 3, column: 1 });
        // An offset inside a character moves back to its start.
        assert_eq!(at(6), TextLocation { line: 2, column: 3 });
    }

    #[test]
    fn nested_locations_add_up() {
        let outer = TextLocation {
            line: 4,
            column: 10,
        };
        assert_eq!(
            outer.then(TextLocation { line: 1, column: 3 }),
            TextLocation {
                line: 4,
                column: 12
            }
        );
        assert_eq!(
            outer.then(TextLocation { line: 2, column: 3 }),
            TextLocation { line: 5, column: 3 }
        );
    }

    #[test]
    fn display_names_every_known_place() {
        let d = Diagnostic {
            message: "bad colour".into(),
            line: Some(3),
            column: Some(7),
            feature_index: Some(2),
            feature_id: Some("aleppo".into()),
            property: Some("features[2].properties.marker-color".into()),
            kind: None,
        };
        assert_eq!(
            d.to_string(),
            "3:7: feature 2 (id \"aleppo\"): features[2].properties.marker-color: bad colour"
        );
    }
}
