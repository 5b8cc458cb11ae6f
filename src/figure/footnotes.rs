//! Numbered source footnotes: every source cited by a feature drawn on the figure gets a
//! number, in order of first appearance (features in the file's order, each feature's
//! sources in the order the details panel numbers them); each feature's label carries its
//! numbers, and the list below the map gives publisher, title, author, date, address and
//! when it was read.

use std::collections::HashMap;

use crate::dataset::{Dataset, Source};

/// One numbered source.
#[derive(Clone, Debug, PartialEq)]
pub struct Footnote {
    /// Its number, from 1.
    pub number: usize,
    /// The source.
    pub source: Source,
}

impl Footnote {
    /// The first line of the entry: number, publisher, title, author, date.
    pub fn heading(&self) -> String {
        let s = &self.source;
        let mut parts: Vec<String> = Vec::new();
        if let Some(p) = s.publisher.as_deref().filter(|p| !p.trim().is_empty()) {
            parts.push(p.trim().to_owned());
        }
        if let Some(t) = s.title.as_deref().filter(|t| !t.trim().is_empty()) {
            parts.push(format!("\u{201c}{}\u{201d}", t.trim()));
        }
        if let Some(a) = s.author.as_deref().filter(|a| !a.trim().is_empty()) {
            parts.push(a.trim().to_owned());
        }
        if let Some(d) = s.published.as_deref().filter(|d| !d.trim().is_empty()) {
            parts.push(d.trim().to_owned());
        }
        if parts.is_empty() {
            parts.push(
                s.id.clone()
                    .unwrap_or_else(|| "Source without a publisher or title".to_owned()),
            );
        }
        format!("{}. {}", self.number, parts.join(" · "))
    }

    /// The address as written: the URL, else the archived copy.
    fn address(&self) -> Option<&str> {
        self.source
            .url
            .as_deref()
            .or(self.source.archived.as_deref())
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }

    /// The address the entry links to: only a web address (`http`, `https`) is a link.
    pub fn url(&self) -> Option<&str> {
        self.address().filter(|u| crate::dataset::is_web_url(u))
    }

    /// The second line: the address and when it was read.
    pub fn address_line(&self) -> String {
        let accessed = self
            .source
            .accessed
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .map(|a| format!("accessed {}", a.trim()));
        match (self.address(), accessed) {
            (Some(u), Some(a)) => format!("{u} ({a})"),
            (Some(u), None) => u.to_owned(),
            (None, Some(a)) => format!("no address given ({a})"),
            (None, None) => "no address given".to_owned(),
        }
    }
}

/// The figure's footnotes and which numbers each drawn feature carries.
#[derive(Clone, Debug, Default)]
pub struct Footnotes {
    /// The numbered sources, in order.
    pub notes: Vec<Footnote>,
    by_feature: HashMap<usize, Vec<usize>>,
}

/// What makes two sources the same one: the id, else the address, else what is written.
fn key(source: &Source) -> String {
    if let Some(id) = &source.id {
        return format!("id:{id}");
    }
    if let Some(url) = &source.url {
        return format!("url:{}", url.trim());
    }
    format!(
        "text:{}|{}|{}|{}",
        source.publisher.as_deref().unwrap_or(""),
        source.title.as_deref().unwrap_or(""),
        source.author.as_deref().unwrap_or(""),
        source.published.as_deref().unwrap_or("")
    )
}

impl Footnotes {
    /// Numbers the sources of `features` (feature indices, drawn on the figure), taken in
    /// ascending order.
    pub fn number(dataset: &Dataset, features: &[usize]) -> Self {
        let mut sorted = features.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut notes = Vec::new();
        let mut by_feature = HashMap::new();
        for i in sorted {
            let Some(feature) = dataset.feature(i) else {
                continue;
            };
            let mut mine: Vec<usize> = dataset
                .sources_of(&feature)
                .into_iter()
                .map(|source| {
                    let next = notes.len() + 1;
                    let n = *numbers.entry(key(&source)).or_insert(next);
                    if n == next {
                        notes.push(Footnote { number: n, source });
                    }
                    n
                })
                .collect();
            mine.sort_unstable();
            mine.dedup();
            if !mine.is_empty() {
                by_feature.insert(i, mine);
            }
        }
        Self { notes, by_feature }
    }

    /// The numbers feature `index` carries, ascending.
    pub fn of(&self, index: usize) -> &[usize] {
        self.by_feature.get(&index).map_or(&[], Vec::as_slice)
    }

    /// What follows the feature's label: ` [2,5]`, with runs of three or more as ranges
    /// (` [1–3,7]`); `None` when it cites nothing.
    pub fn label_suffix(&self, index: usize) -> Option<String> {
        let numbers = self.of(index);
        if numbers.is_empty() {
            return None;
        }
        let mut parts: Vec<String> = Vec::new();
        let mut k = 0;
        while k < numbers.len() {
            let mut end = k;
            while end + 1 < numbers.len() && numbers[end + 1] == numbers[end] + 1 {
                end += 1;
            }
            if end >= k + 2 {
                parts.push(format!("{}\u{2013}{}", numbers[k], numbers[end]));
            } else {
                parts.extend(numbers[k..=end].iter().map(ToString::to_string));
            }
            k = end + 1;
        }
        Some(format!(" [{}]", parts.join(",")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: &str) -> Source {
        Source {
            id: Some(id.to_owned()),
            publisher: Some(format!("Publisher {id}")),
            url: Some(format!("https://example.org/{id}")),
            ..Source::default()
        }
    }

    #[test]
    fn suffixes_run_numbers_together() {
        let mut notes = Footnotes::default();
        notes.by_feature.insert(0, vec![2, 5]);
        notes.by_feature.insert(1, vec![1, 2, 3, 7]);
        notes.by_feature.insert(2, vec![4, 5]);
        assert_eq!(notes.label_suffix(0).as_deref(), Some(" [2,5]"));
        assert_eq!(notes.label_suffix(1).as_deref(), Some(" [1\u{2013}3,7]"));
        assert_eq!(notes.label_suffix(2).as_deref(), Some(" [4,5]"));
        assert_eq!(notes.label_suffix(3), None);
    }

    #[test]
    fn entries_read_as_references() {
        let note = Footnote {
            number: 3,
            source: Source {
                title: Some("Russian bombers strike from Iran".to_owned()),
                published: Some("2016-08-16".to_owned()),
                accessed: Some("2026-11-25".to_owned()),
                ..source("a")
            },
        };
        assert_eq!(
            note.heading(),
            "3. Publisher a · \u{201c}Russian bombers strike from Iran\u{201d} · 2016-08-16"
        );
        assert_eq!(
            note.address_line(),
            "https://example.org/a (accessed 2026-11-25)"
        );
        let bare = Footnote {
            number: 1,
            source: Source::default(),
        };
        assert_eq!(bare.heading(), "1. Source without a publisher or title");
        assert_eq!(bare.url(), None);
        // An address that is not a web page is written, not linked.
        let script = Footnote {
            number: 2,
            source: Source {
                url: Some("javascript:alert(1)".to_owned()),
                ..Source::default()
            },
        };
        assert_eq!(script.url(), None);
        assert_eq!(script.address_line(), "javascript:alert(1)");
    }

    #[test]
    fn the_same_source_is_one_source() {
        assert_eq!(key(&source("x")), key(&source("x")));
        assert_ne!(key(&source("x")), key(&source("y")));
        let by_url = |u: &str| Source {
            url: Some(u.to_owned()),
            ..Source::default()
        };
        assert_eq!(key(&by_url("https://a/ ")), key(&by_url("https://a/")));
    }
}
