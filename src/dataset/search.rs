//! Text search over a dataset: every feature's name, id and description, lower-cased once
//! into one buffer, so a query is a single substring scan (memchr's `memmem`) however many
//! features there are. Features edited afterwards are kept beside the buffer, each with its
//! own text, so an edit costs what the edited features cost.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Dataset, FeatureKind};

/// Matches found between two looks at the cancel flag.
const CANCEL_CHECK_EVERY: usize = 4_096;

/// The searchable text of a dataset, built once at load and kept up to date by edits.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    /// The text of every feature as loaded (shared by the copies edits make).
    base: Arc<BaseText>,
    /// Features edited since: their text and kind, or `None` for one deleted.
    edited: BTreeMap<usize, Option<(String, FeatureKind)>>,
    /// How many features there are (those of the base, then those added).
    len: usize,
}

/// Every feature's searchable text in one buffer.
#[derive(Debug, Default)]
struct BaseText {
    /// `name id description` of each feature, lower-cased, each followed by a newline.
    text: String,
    /// Where each feature's text starts in `text`.
    starts: Vec<usize>,
    /// Each feature's kind, for grouping results.
    kinds: Vec<FeatureKind>,
    /// The indices of deleted features, in order (no query lists them).
    gone: Vec<usize>,
}

/// A feature's searchable text: `name id description`, lower-cased, newlines made spaces.
fn push_text(text: &mut String, parts: [&str; 3]) {
    for (k, part) in parts.into_iter().enumerate() {
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
}

impl SearchIndex {
    /// Lower-cases every feature's name, id and description into one buffer.
    pub fn new(dataset: &Dataset) -> Self {
        Self {
            base: Arc::new(BaseText::new(dataset)),
            edited: BTreeMap::new(),
            len: dataset.len(),
        }
    }

    /// Takes in features `indices` of `dataset` as they now are (changed, added or
    /// deleted).
    pub fn update(&mut self, dataset: &Dataset, indices: &[usize]) {
        self.len = self.len.max(dataset.len());
        for &index in indices {
            let entry = dataset.get(index).map(|f| {
                let mut text = String::new();
                push_text(&mut text, [f.name, f.id, f.description]);
                (text, f.kind)
            });
            self.edited.insert(index, entry);
        }
    }
}

impl BaseText {
    fn new(dataset: &Dataset) -> Self {
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
            push_text(&mut text, [f.name, f.id, f.description]);
            text.push('\n');
        }
        Self {
            text,
            starts,
            kinds,
            gone,
        }
    }
}

impl SearchIndex {
    /// How many features the index covers.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it covers none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The kind of feature `index`.
    pub fn kind(&self, index: usize) -> FeatureKind {
        match self.edited.get(&index) {
            Some(Some((_, kind))) => *kind,
            Some(None) => FeatureKind::Other,
            None => self
                .base
                .kinds
                .get(index)
                .copied()
                .unwrap_or(FeatureKind::Other),
        }
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
        let base = &self.base;
        if needle.is_empty() {
            return Some(
                (0..self.len())
                    .filter(|i| match self.edited.get(i) {
                        Some(entry) => entry.is_some(),
                        None => *i < base.starts.len() && base.gone.binary_search(i).is_err(),
                    })
                    .collect(),
            );
        }
        let mut found = base.matches(&needle, cancelled)?;
        if self.edited.is_empty() {
            return Some(found);
        }
        // Edited features answer from their own text, not the base's.
        found.retain(|i| !self.edited.contains_key(i));
        found.extend(self.edited.iter().filter_map(|(&i, entry)| {
            let (text, _) = entry.as_ref()?;
            text.contains(needle.as_str()).then_some(i)
        }));
        found.sort_unstable();
        Some(found)
    }
}

impl BaseText {
    /// The features whose text holds `needle` (lower-cased, not empty), in order.
    fn matches(&self, needle: &str, cancelled: &AtomicBool) -> Option<Vec<usize>> {
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
    fn edited_features_are_found_as_they_now_are() {
        use crate::dataset::{Edit, Feature};
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"a","properties":{"name":"Hamedan"},"geometry":null},
          {"type":"Feature","id":"b","properties":{"name":"Aleppo"},"geometry":null},
          {"type":"Feature","id":"c","properties":{"name":"Idlib"},"geometry":null}]}"#;
        let mut dataset = crate::dataset::parse_str(text, None).expect("loads");
        let mut index = SearchIndex::new(&dataset);
        let mut renamed = dataset.feature(1).expect("b");
        renamed.name = "Kuweires".to_owned();
        let added = Feature {
            id: "d".to_owned(),
            name: "Al-Bab".to_owned(),
            kind: FeatureKind::Target,
            ..Feature::default()
        };
        let changed = dataset
            .apply(
                "edit",
                vec![Edit::Replace(1, renamed), Edit::Delete(2), Edit::Add(added)],
            )
            .expect("applies");
        index.update(&dataset, &changed.indices);
        let go = AtomicBool::new(false);
        assert_eq!(index.len(), 4);
        assert_eq!(index.matches("aleppo", &go), Some(vec![]), "the old name");
        assert_eq!(index.matches("kuweires", &go), Some(vec![1]));
        assert_eq!(index.matches("idlib", &go), Some(vec![]), "deleted");
        assert_eq!(index.matches("a", &go), Some(vec![0, 3]));
        assert_eq!(index.matches("", &go), Some(vec![0, 1, 3]));
        assert_eq!(index.kind(3), FeatureKind::Target);
        // The same as an index built afresh.
        let fresh = SearchIndex::new(&dataset);
        for query in ["", "a", "b", "kuw", "idlib", "d"] {
            assert_eq!(
                index.matches(query, &go),
                fresh.matches(query, &go),
                "{query}"
            );
        }
    }

    #[test]
    fn a_cancelled_search_returns_nothing() {
        let index = index();
        assert_eq!(index.matches("a", &AtomicBool::new(true)), None);
    }
}
