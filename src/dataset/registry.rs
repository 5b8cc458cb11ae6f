//! The dataset's sources as a whole: every source record once (the registry's, then those
//! features define, the first definition of an id winning), and what rests on each: the
//! claims that cite it and the features they belong to. This answers the fact-checker's
//! question "what rests on this source?", asked when a source is discredited.
//!
//! Built on first use by reading every feature in full (on every core), not at load; a
//! window reads it on another thread from a [`FeatureTexts`] view.
//! Knows the model only.

use std::collections::HashMap;

use super::{Dataset, Feature, Source, SourceUse};

/// What the source index is read from: a dataset, or a view of its features' text that
/// another thread can own ([`FeatureTexts`]).
pub(super) trait Features: Sync {
    /// How many features there are.
    fn count(&self) -> usize;
    /// Feature `index`, read in full.
    fn read(&self, index: usize) -> Option<Feature>;
    /// The file's source registry.
    fn registry(&self) -> &[Source];
}

impl Features for Dataset {
    fn count(&self) -> usize {
        self.len()
    }
    fn read(&self, index: usize) -> Option<Feature> {
        self.feature(index)
    }
    fn registry(&self) -> &[Source] {
        &self.registry
    }
}

/// A dataset's features as text and spans, with its registry: what a thread needs to read
/// every feature in full while the window keeps the dataset. Copies the small per-feature
/// records (about 50 bytes a feature), shares the text.
#[derive(Clone, Debug)]
pub struct FeatureTexts {
    pub(super) text: std::sync::Arc<String>,
    pub(super) text_start: usize,
    pub(super) cores: Vec<super::store::Core>,
    pub(super) collection: bool,
    pub(super) registry: Vec<Source>,
    /// For a table: how to read a row again, and the text's line starts (a row's line
    /// names it when it has no id, and its links' sources).
    pub(super) rows: Option<(
        std::sync::Arc<super::formats::row::Rows>,
        std::sync::Arc<Vec<usize>>,
    )>,
}

impl Features for FeatureTexts {
    fn count(&self) -> usize {
        self.cores.len()
    }
    fn read(&self, index: usize) -> Option<Feature> {
        let body = self.text.get(self.text_start..)?;
        let core = self.cores.get(index)?;
        if let Some((rows, lines)) = &self.rows {
            let start = usize::try_from(core.start).ok()?;
            let own = body.get(start..start.checked_add(core.len as usize)?)?;
            let line = u32::try_from(lines.partition_point(|&s| s <= start)).ok()?;
            return super::geojson::read_feature_json(&rows.feature_json(own, line)?, index);
        }
        super::geojson::read_full(body, core, index, self.collection)
    }
    fn registry(&self) -> &[Source] {
        &self.registry
    }
}

impl FeatureTexts {
    /// Every source and what rests on each, as [`Dataset::source_uses`] gives them, read on
    /// every core; `read` counts the features read so far. `None` when `cancelled` is set.
    pub fn source_uses(
        &self,
        read: &std::sync::atomic::AtomicUsize,
        cancelled: &std::sync::atomic::AtomicBool,
    ) -> Option<Vec<SourceUse>> {
        source_uses_of(self, Some((read, cancelled)))
    }
}

impl Dataset {
    /// Every source of the dataset once (the registry's, then those features define) and
    /// what rests on each; read from every feature on first use.
    pub fn source_uses(&self) -> &[SourceUse] {
        self.source_uses
            .get_or_init(|| source_uses_of(self, None).unwrap_or_default())
    }

    /// [`Self::source_uses`] if built already.
    pub fn source_uses_ready(&self) -> Option<&[SourceUse]> {
        self.source_uses.get().map(Vec::as_slice)
    }

    /// The features' text and spans and the registry, for a thread to read the features
    /// in full ([`FeatureTexts::source_uses`]) while the dataset stays here.
    pub fn feature_texts(&self) -> FeatureTexts {
        FeatureTexts {
            text: std::sync::Arc::clone(&self.text),
            text_start: self.text_start,
            cores: self.part.cores.clone(),
            collection: self.origin.collection(),
            registry: self.registry.clone(),
            rows: self.origin.rows().map(|rows| {
                (
                    std::sync::Arc::clone(rows),
                    std::sync::Arc::clone(self.line_starts()),
                )
            }),
        }
    }

    /// Keeps the source uses read on another thread (if none are kept yet).
    pub fn set_source_uses(&self, uses: Vec<SourceUse>) {
        let _ = self.source_uses.set(uses);
    }
}

/// The features read so far, and whether to stop.
type Progress<'a> = (
    &'a std::sync::atomic::AtomicUsize,
    &'a std::sync::atomic::AtomicBool,
);

/// Every source of `features` and what rests on each; `None` when cancelled.
fn source_uses_of<F: Features>(
    features: &F,
    progress: Option<Progress<'_>>,
) -> Option<Vec<SourceUse>> {
    use std::sync::atomic::Ordering;
    let mut uses: Vec<SourceUse> = features
        .registry()
        .iter()
        .map(|s| SourceUse {
            source: s.clone(),
            claims: Vec::new(),
            features: Vec::new(),
        })
        .collect();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, u) in uses.iter().enumerate() {
        if let Some(id) = &u.source.id {
            by_id.entry(id.clone()).or_insert(i);
        }
    }
    // Each feature's own sources and the ids its claims cite, read on every core.
    let per_feature = crate::parallel::map_ranges(features.count(), 4096, |range| {
        let mut out = Vec::with_capacity(range.len());
        for (k, i) in range.enumerate() {
            if k % 1024 == 1023
                && let Some((read, cancelled)) = progress
            {
                read.fetch_add(1024, Ordering::Relaxed);
                if cancelled.load(Ordering::Relaxed) {
                    return Vec::new();
                }
            }
            let Some(f) = features.read(i) else {
                continue;
            };
            let cited: Vec<(usize, String)> = f
                .claims
                .iter()
                .enumerate()
                .flat_map(|(c, claim)| claim.source_ids().map(move |id| (c, id.to_owned())))
                .collect();
            out.push((f.index, f.sources, cited));
        }
        out
    });
    if progress.is_some_and(|(_, cancelled)| cancelled.load(Ordering::Relaxed)) {
        return None;
    }
    // Every definition first, so that a claim may cite a source a later feature defines.
    let mut citations = Vec::with_capacity(per_feature.len());
    for (index, sources, cited) in per_feature {
        citations.push((index, cited));
        for source in sources {
            let at = match source.id.as_ref().and_then(|id| by_id.get(id)) {
                Some(&at) => at,
                None => {
                    if let Some(id) = &source.id {
                        by_id.insert(id.clone(), uses.len());
                    }
                    uses.push(SourceUse {
                        source,
                        claims: Vec::new(),
                        features: Vec::new(),
                    });
                    uses.len() - 1
                }
            };
            if let Some(u) = uses.get_mut(at) {
                add_feature(&mut u.features, index);
            }
        }
    }
    for (index, cited) in citations {
        for (claim, id) in cited {
            if let Some(u) = by_id.get(&id).and_then(|&at| uses.get_mut(at)) {
                u.claims.push((index, claim));
                add_feature(&mut u.features, index);
            }
        }
    }
    for u in &mut uses {
        u.features.sort_unstable();
        u.features.dedup();
    }
    Some(uses)
}

/// Adds `index` to a list of feature indices (sorted and deduplicated at the end).
fn add_feature(features: &mut Vec<usize>, index: usize) {
    if features.last() != Some(&index) {
        features.push(index);
    }
}
