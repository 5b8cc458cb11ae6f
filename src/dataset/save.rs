//! The dataset as GeoJSON after edits, changing only what was edited: the file's text, with
//! each feature changed in Sortie written in place of its own (in the file's layout: one
//! line, or indented as the file is), each deleted feature cut out with one separator, and
//! each added feature after the last, separated as the file separates its features. A file
//! that was one Feature becomes a FeatureCollection; a table is written out row by row.

use std::io::{self, Write};

use super::formats::row::Piece;
use super::history::{EDITED, is_live};
use super::origin::Origin;
use super::path::Step;
use super::store::Core;
use super::{Dataset, geojson};

impl Dataset {
    /// Whether every feature is as the file has it (no edit, or every edit undone).
    pub(crate) fn as_opened(&self) -> bool {
        let file = self.history.file_features;
        self.registry_as_opened()
            && self
                .history
                .originals
                .iter()
                .all(|(&i, original)| self.part.cores.get(i as usize) == Some(original))
            && self
                .part
                .cores
                .get(file..)
                .is_none_or(|added| !added.iter().any(is_live))
    }

    /// The GeoJSON document of the dataset with its edits.
    pub(crate) fn edited_document(&self) -> String {
        let document = match &self.origin {
            Origin::Table { rows, .. } => rows.document((0..self.len()).filter_map(|i| {
                let core = self.part.cores.get(i).filter(|c| is_live(c))?;
                Some(if core.start & EDITED == 0 {
                    Piece::Row(self.feature_text(core), self.row_line(core))
                } else {
                    Piece::Json(self.feature_text(core))
                })
            })),
            Origin::GeoJson { collection: false } => self.new_collection(),
            Origin::GeoJson { collection: true } | Origin::Converted { .. } => {
                return self.spliced();
            }
        };
        // A table or a single Feature has no registry of its own: one made in Sortie goes
        // first in the new collection.
        match document.find('{') {
            Some(at) if !self.registry.is_empty() => {
                let registry = super::sources_geojson(&self.registry, Some(("\n", "  ")));
                format!(
                    "{}\"sources\":{registry},\n{}",
                    &document[..=at],
                    &document[at + 1..]
                )
            }
            _ => document,
        }
    }

    /// The registry's text in place of the file's, once a step changed it: the span of
    /// the body it replaces and the text; an insertion (an empty span, after the top-level
    /// `{`) when the file has none.
    fn registry_splice(&self, body: &str, newline: &str) -> Option<(usize, usize, String)> {
        if self.registry_as_opened() {
            return None;
        }
        let array = |indent: &str| super::sources_geojson(&self.registry, Some((newline, indent)));
        if let Some(start) = geojson::offset_of(body, &[Step::Key("sources")]) {
            let rest = body.get(start..)?;
            let mut de = serde_json::Deserializer::from_str(rest);
            let raw: &serde_json::value::RawValue =
                serde::Deserialize::deserialize(&mut de).ok()?;
            let line_start = body[..start].rfind('\n').map_or(0, |n| n + 1);
            let member_indent: String = body[line_start..start]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let text = array(&format!("{member_indent}  "));
            return Some((start, start + raw.get().len(), text));
        }
        let at = body.find('{')? + 1;
        Some((
            at,
            at,
            format!("{newline}  \"sources\": {},", array("    ")),
        ))
    }

    /// The record feature `i` had in the file.
    fn file_core(&self, i: usize) -> Option<&Core> {
        self.history
            .originals
            .get(&super::record::index_u32(i))
            .or_else(|| self.part.cores.get(i))
    }

    /// Where feature `i` of the file was in the text: (start, end).
    fn file_span(&self, i: usize) -> (usize, usize) {
        self.file_core(i).map_or((0, 0), |c| {
            let start = usize::try_from(c.start & !super::history::DELETED).unwrap_or(0);
            (start, start + c.len as usize)
        })
    }

    /// The file's text with the edits spliced in.
    fn spliced(&self) -> String {
        let mut out = Vec::with_capacity(self.body().len() + self.history.edited.len() / 4);
        // Writing to memory does not fail, and every piece is UTF-8.
        let _ = self.write_spliced(&mut out);
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Writes the file's text with the edits spliced in: each run of features not edited
    /// as one slice of the text.
    fn write_spliced(&self, out: &mut dyn Write) -> io::Result<()> {
        let body = self.body();
        let file = self.history.file_features;
        let layout = Layout::of(self, body);
        let (first, last) = if file > 0 {
            (self.file_span(0).0, self.file_span(file - 1).1)
        } else {
            let array = geojson::offset_of(body, &[Step::Key("features")]).map_or(0, |a| a + 1);
            (array, array)
        };
        let slice = |from: usize, to: usize| body.get(from..to).unwrap_or("").as_bytes();
        let registry = self.registry_splice(body, layout.newline);
        // Writes body[from..to], the registry's new text in place of its old one there.
        let outside = |out: &mut dyn Write, from: usize, to: usize| -> io::Result<()> {
            match &registry {
                Some((start, end, text)) if from <= *start && *end <= to => {
                    out.write_all(slice(from, *start))?;
                    out.write_all(text.as_bytes())?;
                    out.write_all(slice(*end, to))
                }
                _ => out.write_all(slice(from, to)),
            }
        };
        outside(out, 0, first)?;
        // A slice of the text not yet written: features as the file has them.
        let mut pending: Option<(usize, usize)> = None;
        let mut any = false;
        for i in 0..self.len() {
            let Some(core) = self.part.cores.get(i).filter(|c| is_live(c)) else {
                continue;
            };
            let original = core.start & EDITED == 0 && i < file;
            let gap = (i > 0 && i < file).then(|| (self.file_span(i - 1).1, self.file_span(i).0));
            // The feature before was written as the file has it: one slice goes on.
            if let (true, Some((from, _)), Some((start, end))) = (original, gap, pending)
                && any
                && end == from
            {
                pending = Some((start, self.file_span(i).1));
                continue;
            }
            if let Some((from, to)) = pending.take() {
                out.write_all(slice(from, to))?;
            }
            if any {
                match gap {
                    Some((from, to)) => out.write_all(slice(from, to))?,
                    None => out.write_all(layout.separator.as_bytes())?,
                }
            } else if file == 0 {
                out.write_all(b"\n")?;
                out.write_all(layout.indent.as_bytes())?;
            }
            any = true;
            if original {
                pending = Some(self.file_span(i));
            } else {
                let mut text = String::new();
                layout.write(&mut text, self.feature_text(core));
                out.write_all(text.as_bytes())?;
            }
        }
        if let Some((from, to)) = pending {
            out.write_all(slice(from, to))?;
        }
        if file == 0 && any {
            out.write_all(b"\n")?;
        }
        outside(out, last, body.len())
    }

    /// Writes the dataset as GeoJSON (what [`Self::geojson_text`] gives, after the file's
    /// byte-order mark if it had one), ending with a newline; a file's text with a few edits spliced in is streamed, not copied first.
    ///
    /// # Errors
    /// The writer's.
    pub fn write_geojson(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.origin.is_geojson() {
            // A GeoJSON file's byte-order mark, kept as the file had it.
            out.write_all(self.text.get(..self.text_start).unwrap_or("").as_bytes())?;
        }
        let spliced = matches!(
            self.origin,
            Origin::GeoJson { collection: true } | Origin::Converted { .. }
        );
        if spliced && self.history.has_edits() && !self.as_opened() {
            self.write_spliced(out)?;
            if !self.body().ends_with('\n') {
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        let text = self.geojson_text();
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// A FeatureCollection of every feature (for a file that was one Feature).
    fn new_collection(&self) -> String {
        let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
        let mut any = false;
        for i in 0..self.len() {
            let text = if self.is_edited(i) {
                self.feature_json(i).map(std::borrow::Cow::into_owned)
            } else {
                self.feature(i).map(|f| super::feature_geojson(&f))
            };
            let Some(text) = text else {
                continue;
            };
            if any {
                out.push_str(",\n");
            }
            any = true;
            out.push_str(&text);
        }
        out.push_str("\n]}\n");
        out
    }
}

/// How the file lays its features out, for writing new ones alike.
struct Layout {
    /// Between two features (`,\n` and the indent, for one feature a line).
    separator: String,
    /// Before a feature on its line.
    indent: String,
    /// One level of indent inside a feature, when features are spread over lines.
    unit: Option<String>,
    /// How the file ends a line: `\r\n` or `\n`.
    newline: &'static str,
}

impl Layout {
    fn of(dataset: &Dataset, body: &str) -> Self {
        let file = dataset.history.file_features;
        let (start, end) = dataset.file_span(0);
        let line_start = body
            .get(..start)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |n| n + 1);
        let indent: String = body
            .get(line_start..start)
            .filter(|s| s.chars().all(|c| c == ' ' || c == '\t'))
            .unwrap_or("")
            .to_owned();
        // The file's line ending, as far as its first feature shows it.
        let newline = if body.get(..end).is_some_and(|b| b.contains("\r\n")) {
            "\r\n"
        } else {
            "\n"
        };
        let separator = if file >= 2 {
            let (gap_from, gap_to) = (dataset.file_span(file - 2).1, dataset.file_span(file - 1).0);
            body.get(gap_from..gap_to)
                .map_or_else(|| format!(",{newline}"), str::to_owned)
        } else {
            format!(",{newline}{indent}")
        };
        // Spread over lines: the unit is what the feature's second line adds to the indent.
        let unit = body.get(start..end).and_then(|text| {
            let second = text.split('\n').nth(1)?;
            let lead: String = second
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let unit = lead.strip_prefix(indent.as_str()).unwrap_or(&lead);
            Some(if unit.is_empty() { "  " } else { unit }.to_owned())
        });
        Self {
            separator,
            indent,
            unit,
            newline,
        }
    }

    /// Writes a feature's one-line text in this layout.
    fn write(&self, out: &mut String, json: &str) {
        match &self.unit {
            None => out.push_str(json),
            Some(unit) => indented(out, json, self.newline, &self.indent, unit),
        }
    }
}

/// Writes compact JSON spread over lines (each ended by `line_end`): a member or element
/// a line, indented by `unit` a level after `base`; empty objects and arrays stay `{}` and
/// `[]`.
fn indented(out: &mut String, json: &str, line_end: &str, base: &str, unit: &str) {
    let newline = |out: &mut String, depth: usize| {
        out.push_str(line_end);
        out.push_str(base);
        for _ in 0..depth {
            out.push_str(unit);
        }
    };
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::indented;

    #[test]
    fn compact_json_spread_over_lines() {
        let mut out = String::new();
        indented(
            &mut out,
            r#"{"a":[1,2],"b":{},"c":"x, {y}: \"z\"","d":[]}"#,
            "\n",
            "  ",
            "  ",
        );
        assert_eq!(
            out,
            "{\n    \"a\": [\n      1,\n      2\n    ],\n    \"b\": {},\n    \"c\": \"x, {y}: \\\"z\\\"\",\n    \"d\": []\n  }"
        );
    }
}
