//! Steps over the dataset's sources, as [`Edit`]s for [`Dataset::apply`]: a registry source
//! added or changed, a source deleted (refused while a claim cites it, naming the claims),
//! and two records of the same report merged into one (every citation moved to the one
//! kept, the fields it lacks filled from the other, their captures joined). Knows the
//! model; nothing of the screen.

use super::edit::{Edit, EditError};
use super::{Capture, Citation, Dataset, Feature, Source};

impl Dataset {
    /// The claims that cite source `id`, as (feature index, claim index in its list).
    pub fn citing(&self, id: &str) -> Vec<(usize, usize)> {
        self.source_uses()
            .iter()
            .filter(|u| u.source.id.as_deref() == Some(id))
            .flat_map(|u| u.claims.iter().copied())
            .collect()
    }

    /// The step that puts `source` in the registry: in place of registry source `at`, or
    /// after the others.
    ///
    /// # Errors
    /// [`EditError::NoSuchSource`] for an `at` past the registry's end.
    pub fn registry_edit(&self, at: Option<usize>, source: Source) -> Result<Edit, EditError> {
        let mut registry = self.registry.clone();
        match at {
            None => registry.push(source),
            Some(i) => {
                let slot = registry
                    .get_mut(i)
                    .ok_or_else(|| EditError::NoSuchSource(format!("#{i}")))?;
                *slot = source;
            }
        }
        Ok(Edit::Registry(registry))
    }

    /// The edits that put `source` in place of source `id` wherever it is defined (the
    /// registry, features' own sources); when its id is another, every citation of `id`
    /// follows it.
    ///
    /// # Errors
    /// [`EditError::NoSuchSource`] when no source has `id`;
    /// [`EditError::DuplicateSourceId`] when the new id is another source's.
    pub fn source_edits(&self, id: &str, source: &Source) -> Result<Vec<Edit>, EditError> {
        let new_id = source.id.as_deref().unwrap_or(id);
        if new_id != id
            && (self.source_by_id(new_id).is_some() || self.used_source(new_id).is_some())
        {
            return Err(EditError::DuplicateSourceId(new_id.to_owned()));
        }
        let mut touched: Vec<usize> = self
            .source_uses()
            .iter()
            .filter(|u| u.source.id.as_deref() == Some(id))
            .flat_map(|u| u.features.iter().copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let in_registry = self.registry.iter().any(|s| s.id.as_deref() == Some(id));
        if touched.is_empty() && !in_registry {
            return Err(EditError::NoSuchSource(id.to_owned()));
        }
        let mut source = source.clone();
        source.id = Some(new_id.to_owned());
        let put = |list: &mut Vec<Source>| {
            for s in list.iter_mut().filter(|s| s.id.as_deref() == Some(id)) {
                *s = source.clone();
            }
        };
        let mut edits = Vec::new();
        for i in touched {
            let Some(mut f) = self.feature(i) else {
                continue;
            };
            let before = f.clone();
            put(&mut f.sources);
            for citation in f.claims.iter_mut().flat_map(|c| &mut c.citations) {
                if citation.id == id {
                    citation.id = new_id.to_owned();
                }
            }
            if f != before {
                edits.push(Edit::Replace(i, f));
            }
        }
        let mut registry = self.registry.clone();
        put(&mut registry);
        if registry != self.registry {
            edits.push(Edit::Registry(registry));
        }
        Ok(edits)
    }

    /// The edits that delete source `id` from the registry and from every feature that
    /// defines it.
    ///
    /// # Errors
    /// [`EditError::SourceCited`] naming the claims while any cites it;
    /// [`EditError::NoSuchSource`] when no source has the id.
    pub fn delete_source_edits(&self, id: &str) -> Result<Vec<Edit>, EditError> {
        let citing = self.citing(id);
        if !citing.is_empty() {
            return Err(EditError::SourceCited {
                id: id.to_owned(),
                claims: citing
                    .iter()
                    .map(|&(i, c)| {
                        let name = self.get(i).map_or("", |f| f.name);
                        format!("{name}, claim {}", c + 1)
                    })
                    .collect(),
            });
        }
        let definers = self.defining(id);
        let in_registry = self.registry.iter().any(|s| s.id.as_deref() == Some(id));
        if definers.is_empty() && !in_registry {
            return Err(EditError::NoSuchSource(id.to_owned()));
        }
        let mut edits: Vec<Edit> = definers
            .into_iter()
            .map(|mut f| {
                f.sources.retain(|s| s.id.as_deref() != Some(id));
                Edit::Replace(f.index, f)
            })
            .collect();
        if in_registry {
            let mut registry = self.registry.clone();
            registry.retain(|s| s.id.as_deref() != Some(id));
            edits.push(Edit::Registry(registry));
        }
        Ok(edits)
    }

    /// The edits that merge source `merged` into source `keep` (two records of one
    /// report): every citation of `merged` cites `keep` (a claim citing both the same way
    /// keeps one citation); `keep`'s record, wherever it is defined, gains the fields it
    /// lacks and the captures it does not have from `merged`'s; `merged`'s records are
    /// gone, a feature's own record of it becoming the merged record.
    ///
    /// # Errors
    /// [`EditError::NoSuchSource`] when either id has no source, or both are one.
    pub fn merge_source_edits(&self, keep: &str, merged: &str) -> Result<Vec<Edit>, EditError> {
        if keep == merged {
            return Err(EditError::NoSuchSource(merged.to_owned()));
        }
        let kept = self
            .source_by_id(keep)
            .or_else(|| self.used_source(keep))
            .ok_or_else(|| EditError::NoSuchSource(keep.to_owned()))?;
        let gone = self
            .source_by_id(merged)
            .or_else(|| self.used_source(merged))
            .ok_or_else(|| EditError::NoSuchSource(merged.to_owned()))?;
        let combined = combined(&kept, &gone);
        let mut touched: Vec<usize> = self
            .source_uses()
            .iter()
            .filter(|u| matches!(u.source.id.as_deref(), Some(id) if id == keep || id == merged))
            .flat_map(|u| u.features.iter().copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let mut edits = Vec::new();
        for i in touched {
            let Some(mut f) = self.feature(i) else {
                continue;
            };
            let before = f.clone();
            merge_in_feature(&mut f, keep, merged, &combined);
            if f != before {
                edits.push(Edit::Replace(i, f));
            }
        }
        let mut registry = self.registry.clone();
        put_combined(&mut registry, keep, merged, &combined);
        if registry != self.registry {
            edits.push(Edit::Registry(registry));
        }
        Ok(edits)
    }

    /// The features that define source `id` among their own sources, read in full.
    fn defining(&self, id: &str) -> Vec<Feature> {
        self.source_uses()
            .iter()
            .filter(|u| u.source.id.as_deref() == Some(id))
            .flat_map(|u| u.features.iter().copied())
            .filter_map(|i| self.feature(i))
            .filter(|f| f.sources.iter().any(|s| s.id.as_deref() == Some(id)))
            .collect()
    }

    /// The record of source `id` as the source index has it (a feature's own).
    fn used_source(&self, id: &str) -> Option<Source> {
        self.source_uses()
            .iter()
            .find(|u| u.source.id.as_deref() == Some(id))
            .map(|u| u.source.clone())
    }
}

/// `keep`'s record with the fields it lacks taken from `merged`, and the captures and other
/// members it does not have.
fn combined(keep: &Source, merged: &Source) -> Source {
    let mut out = keep.clone();
    for (slot, from) in [
        (&mut out.publisher, &merged.publisher),
        (&mut out.title, &merged.title),
        (&mut out.author, &merged.author),
        (&mut out.published, &merged.published),
        (&mut out.url, &merged.url),
        (&mut out.quote, &merged.quote),
        (&mut out.accessed, &merged.accessed),
        (&mut out.archived, &merged.archived),
    ] {
        if slot.is_none() {
            slot.clone_from(from);
        }
    }
    let same = |a: &Capture, b: &Capture| a.sha256 == b.sha256 && a.file == b.file;
    for capture in &merged.captures {
        if !out.captures.iter().any(|c| same(c, capture)) {
            out.captures.push(capture.clone());
        }
    }
    for (key, value) in &merged.other {
        if !out.other.iter().any(|(k, _)| k == key) {
            out.other.push((key.clone(), value.clone()));
        }
    }
    out
}

/// In a list of source records: `keep`'s becomes `combined`; `merged`'s is dropped, or,
/// when the list has no `keep`, its first takes `combined`'s place.
fn put_combined(list: &mut Vec<Source>, keep: &str, merged: &str, combined: &Source) {
    let mut placed = list.iter().any(|s| s.id.as_deref() == Some(keep));
    list.retain_mut(|s| match s.id.as_deref() {
        Some(id) if id == keep => {
            *s = combined.clone();
            true
        }
        Some(id) if id == merged => {
            !std::mem::replace(&mut placed, true) && {
                *s = combined.clone();
                true
            }
        }
        _ => true,
    });
}

/// Merges `merged` into `keep` in one feature: its own records and its claims' citations.
fn merge_in_feature(f: &mut Feature, keep: &str, merged: &str, combined: &Source) {
    put_combined(&mut f.sources, keep, merged, combined);
    for claim in &mut f.claims {
        for citation in &mut claim.citations {
            if citation.id == merged {
                citation.id = keep.to_owned();
            }
        }
        let mut seen: Vec<Citation> = Vec::with_capacity(claim.citations.len());
        claim.citations.retain(|c| {
            if seen.contains(c) {
                return false;
            }
            seen.push(c.clone());
            true
        });
    }
}
