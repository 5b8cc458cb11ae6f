//! The dataset's sources as a whole: every source record once (the registry's, then those
//! features define, the first definition of an id winning), and what rests on each: the
//! claims that cite it and the features they belong to. This answers the fact-checker's
//! question "what rests on this source?", asked when a source is discredited.
//!
//! Built on first use by reading every feature in full (on every core), not at load.
//! Knows the model only.

use std::collections::HashMap;

use super::{Dataset, Source};

/// One source and what rests on it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceUse {
    /// The source record (its first definition).
    pub source: Source,
    /// The claims citing it: (feature index, claim index), in file order.
    pub claims: Vec<(usize, usize)>,
    /// The features that define or cite it, in file order.
    pub features: Vec<usize>,
}

/// Every source of `dataset` and what rests on each, in order of first definition.
pub(super) fn source_uses(dataset: &Dataset) -> Vec<SourceUse> {
    let mut uses: Vec<SourceUse> = dataset
        .registry
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
    let per_feature = crate::parallel::map_ranges(dataset.len(), 4096, |range| {
        range
            .filter_map(|i| dataset.feature(i))
            .map(|f| {
                let cited: Vec<(usize, String)> = f
                    .claims
                    .iter()
                    .enumerate()
                    .flat_map(|(c, claim)| claim.source_ids().map(move |id| (c, id.to_owned())))
                    .collect();
                (f.index, f.sources, cited)
            })
            .collect()
    });
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
    uses
}

/// Adds `index` to a list of feature indices (sorted and deduplicated at the end).
fn add_feature(features: &mut Vec<usize>, index: usize) {
    if features.last() != Some(&index) {
        features.push(index);
    }
}
