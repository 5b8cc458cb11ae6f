//! Text search over a dataset: every feature's name, id and description, lower-cased once
//! into one buffer, so a query is a single substring scan (memchr's `memmem`) however many
//! features there are.

use std::sync::atomic::{AtomicBool, Ordering};

use super::{Dataset, FeatureKind};

/// Matches found between two looks at the cancel flag.
const CANCEL_CHECK_EVERY: usize = 4_096;

/// The searchable text of a dataset, built once at load.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    /// `name id description` of each feature, lower-cased, each followed by a newline.
    text: String,
    /// Where each feature's text starts in `text`.
    starts: Vec<usize>,
    /// Each feature's kind, for grouping results.
    kinds: Vec<FeatureKind>,
    /// The indices of deleted features, in order (no query lists them).
    gone: Vec<usize>,
}

impl SearchIndex {
    /// Lower-cases every feature's name, id and description into one buffer.
    pub fn new(dataset: &Dataset) -> Self {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(dataset.len());
        let mut kinds = Vec::with_capacity(dataset.len());
        let mut gone = Vec::new();
        for index in 0..dataset.len() {
            starts.push(text.len());
            let Some(f) = dataset.get(index) else {
                // Deleted: an empty line, which no query matches.
                gone.push(index);
                kinds.push(FeatureKind::Other);
                text.push('\n');
                continue;
            };
            kinds.push(f.kind);
            for (k, part) in [f.name, f.id, f.description].into_iter().enumerate() {
                if k > 0 {
                    text.push(' ');
                }
                // Newlines separate features: a single-line query never spans two.
                text.extend(
                    part.chars()
                        .flat_map(char::to_lowercase)
                        .map(|c| if c == '\n' { ' ' } else { c }),
                );
            }
            text.push('\n');
        }
        Self {
            text,
            starts,
            kinds,
            gone,
        }
    }

    /// How many features the index covers.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether it covers none.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The kind of feature `index`.
    pub fn kind(&self, index: usize) -> FeatureKind {
        self.kinds.get(index).copied().unwrap_or(FeatureKind::Other)
    }

    /// Indices of the features whose text contains `query` (case-insensitive; an empty
    /// query matches all), in order; `None` if `cancelled` was set meanwhile.
    pub fn matches(&self, query: &str, cancelled: &AtomicBool) -> Option<Vec<usize>> {
        let needle: String = query
            .trim()
            .chars()
            .flat_map(char::to_lowercase)
            .filter(|&c| c != '\n')
            .collect();
        if needle.is_empty() {
            return Some(
                (0..self.len())
                    .filter(|i| self.gone.binary_search(i).is_err())
                    .collect(),
            );
        }
        let mut found = Vec::new();
        let mut from_feature = 0;
        for (n, at) in
            memchr::memmem::find_iter(self.text.as_bytes(), needle.as_bytes()).enumerate()
        {
            if n % CANCEL_CHECK_EVERY == 0 && cancelled.load(Ordering::Relaxed) {
                return None;
            }
            // The feature holding byte `at`: the last start at or before it. Matches come in
            // order, so the search starts where the last one ended.
            let rest = self.starts.get(from_feature..).unwrap_or(&[]);
            let feature = from_feature + rest.partition_point(|&s| s <= at).saturating_sub(1);
            if found.last() != Some(&feature) {
                found.push(feature);
            }
            from_feature = feature;
        }
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"a","properties":{"name":"Hamedan","description":"Nojeh air base"},"geometry":null},
          {"type":"Feature","id":"b","properties":{"name":"ALEPPO"},"geometry":null},
          {"type":"Feature","id":"c","properties":{"name":"Deir ez-Zor"},"geometry":null},
          {"type":"Feature","id":"d","properties":{"name":"Ärzte base"},"geometry":null}]}"#;
        SearchIndex::new(&crate::dataset::parse_str(text, None).expect("loads"))
    }

    #[test]
    fn finds_by_name_id_or_description_ignoring_case() {
        let index = index();
        let go = AtomicBool::new(false);
        assert_eq!(index.matches("aleppo", &go), Some(vec![1]));
        assert_eq!(index.matches("  BASE ", &go), Some(vec![0, 3]));
        assert_eq!(index.matches("ärzte", &go), Some(vec![3]));
        assert_eq!(index.matches("", &go), Some(vec![0, 1, 2, 3]));
        assert_eq!(index.matches("zzz", &go), Some(vec![]));
        // "base\n" ends feature 0's text: a query cannot run on into the next feature.
        assert_eq!(index.matches("base aleppo", &go), Some(vec![]));
        assert_eq!(index.matches("c", &go), Some(vec![2]), "by id");
    }

    #[test]
    fn a_cancelled_search_returns_nothing() {
        let index = index();
        assert_eq!(index.matches("a", &AtomicBool::new(true)), None);
    }
}
