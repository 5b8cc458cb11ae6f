//! What every part of the GeoJSON reader shares: the [`Reader`] (how a feature is read,
//! where, and the warnings so far), the way a quick reading stops ([`REFUSED`]), values kept
//! as found, serde_json's errors as diagnostics, and the nesting check. Below the feature,
//! geometry, evidence and collection readers.

use serde::de;
use serde_json::Value;
use serde_json::value::RawValue;

use super::raw::{JsonKind, offset_in};
use crate::dataset::path::member_path;
use crate::dataset::{Diagnostic, TextLocation};

/// The message a quick reading stops with: the feature must be read located.
pub(super) const REFUSED: &str = "a feature the quick reading leaves to the located one";

/// Reads features: how (quickly or located), where (the whole text, for positions), which
/// (index and JSON path), and the warnings so far.
pub(super) struct Reader<'t> {
    text: &'t str,
    /// Values are read from their raw slices, so positions are known.
    pub located: bool,
    /// Reading a feature again for display: no warnings.
    pub quiet: bool,
    /// Byte offsets of line starts, built on the first warning by whichever reader of the
    /// load warns first, and shared by all of them (and then by the dataset).
    lines: std::sync::Arc<std::sync::OnceLock<Vec<usize>>>,
    /// What was found wrong, in order.
    pub warnings: Vec<Diagnostic>,
    /// The feature's index in the file.
    pub index: usize,
    /// Its JSON path: `features[3]`, or empty for a file that is one Feature.
    pub prefix: String,
    /// Reading a member of the file's top level (the source registry), not a feature.
    pub top_level: bool,
}

impl<'t> Reader<'t> {
    /// A quick reader: no positions, no warnings.
    pub fn quick() -> Self {
        Self {
            text: "",
            located: false,
            quiet: true,
            lines: std::sync::Arc::default(),
            warnings: Vec::new(),
            index: 0,
            prefix: String::new(),
            top_level: false,
        }
    }

    /// A located reader over `text`, the whole text features are slices of.
    pub fn located(text: &'t str) -> Self {
        Self {
            text,
            located: true,
            quiet: false,
            ..Self::quick()
        }
    }

    /// A located reader over `text` whose line index is shared with the other readers of
    /// the same text.
    pub fn located_sharing(
        text: &'t str,
        lines: &std::sync::Arc<std::sync::OnceLock<Vec<usize>>>,
    ) -> Self {
        Self {
            lines: std::sync::Arc::clone(lines),
            ..Self::located(text)
        }
    }

    /// The shared line index (empty until a warning builds it).
    pub fn lines(&self) -> &std::sync::Arc<std::sync::OnceLock<Vec<usize>>> {
        &self.lines
    }

    /// The line index, if a warning built it and no other reader still shares it.
    pub fn take_lines(&mut self) -> Option<Vec<usize>> {
        std::sync::Arc::try_unwrap(std::mem::take(&mut self.lines))
            .ok()
            .and_then(std::sync::OnceLock::into_inner)
    }

    /// Line and column of a raw slice of the text.
    pub fn location(&self, raw: &RawValue) -> TextLocation {
        if self.quiet {
            return TextLocation { line: 1, column: 1 };
        }
        let lines = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        TextLocation::with_lines(self.text, lines, offset_in(self.text, raw))
    }

    /// The JSON path of `member` of the feature.
    pub fn path(&self, member: &str) -> String {
        member_path(&self.prefix, member)
    }

    /// Notes a problem with the value `raw`, at `path` below the feature. Reading quickly,
    /// it stops the reading instead.
    ///
    /// # Errors
    /// [`REFUSED`], reading quickly.
    pub fn warn<E: de::Error>(
        &mut self,
        raw: Option<&RawValue>,
        path: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
    ) -> Result<(), E> {
        if !self.located {
            return Err(E::custom(REFUSED));
        }
        if !self.quiet {
            let mut d = Diagnostic::new(message()).property(self.path(&path()));
            if !self.top_level {
                d.feature_index = Some(self.index);
            }
            if let Some(raw) = raw {
                d = d.at(self.location(raw));
            }
            self.warnings.push(d);
        }
        Ok(())
    }

    /// Warns that a value has the wrong JSON type.
    ///
    /// # Errors
    /// As [`Reader::warn`].
    pub fn wrong_type<E: de::Error>(
        &mut self,
        raw: Option<&RawValue>,
        path: impl FnOnce() -> String,
        expected: &str,
        found: JsonKind,
    ) -> Result<(), E> {
        self.warn(raw, path, || {
            format!("expected {expected}, found {}", found.describe())
        })
    }

    /// Stops a quick reading where only a located one can go on (it needs a value's text).
    ///
    /// # Errors
    /// [`REFUSED`], reading quickly.
    pub fn located_only<E: de::Error>(&self) -> Result<(), E> {
        if self.located {
            Ok(())
        } else {
            Err(E::custom(REFUSED))
        }
    }
}

/// A raw value as a `serde_json::Value`; a number too large for f64 is kept as its text.
pub(super) fn to_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|_| Value::String(raw.get().to_owned()))
}

/// Keeps `raw` under `key` when there is one (reading located).
pub(super) fn keep(list: &mut Vec<(String, Value)>, key: &str, raw: Option<&RawValue>) {
    if let Some(raw) = raw {
        list.push((key.to_owned(), to_value(raw)));
    }
}

/// A serde_json error as a diagnostic: its message without serde's own " at line …".
pub(super) fn json_diagnostic(error: &serde_json::Error) -> Diagnostic {
    let full = error.to_string();
    let message = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i])
        .to_owned();
    let message = match error.classify() {
        serde_json::error::Category::Eof => format!("unexpected end of file: {message}"),
        _ => message,
    };
    Diagnostic::new(message).at(TextLocation {
        line: error.line().max(1),
        column: error.column().max(1),
    })
}

pub(super) const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// The deepest nesting of arrays and objects accepted (serde_json's own limit).
pub(super) const MAX_DEPTH: usize = 128;

/// The byte offset where nesting first exceeds [`MAX_DEPTH`], if it does. Brackets inside
/// strings do not count.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
