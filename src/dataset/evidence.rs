//! Evidence checks: what a fact-checker asks of a dataset's sources, checked the way the
//! loader checks geometry. A feature that rests on no source, a claim with no author or no
//! source, a source with neither address nor publisher, one id defined twice with different
//! content, a registry source nothing cites, a source published after the report or inference
//! that cites it (a party's statement is reported after it is made, so it is not held to
//! that). Each finding is a warning of kind [`DiagnosticKind::Evidence`], naming the feature,
//! the claim and the property (and the line where the feature starts).
//!
//! Run by `sortie check` over every feature read in full (on every core), not at each load.
//! Knows the model only.

use std::collections::HashMap;

use super::build::{member_path, path_of};
use super::geojson::Step::{self, Index, Key};
use super::{ClaimStatus, Dataset, DateExpr, Diagnostic, DiagnosticKind, Feature, Source};

/// Where a source record is defined: its JSON path and, for a feature's, where the feature
/// starts.
#[derive(Clone, Debug)]
struct Place {
    path: String,
    feature: Option<(usize, String)>,
    location: Option<super::TextLocation>,
}

impl Place {
    fn describe(&self) -> String {
        match self.location {
            Some(l) => format!("{} (line {})", self.path, l.line),
            None => self.path.clone(),
        }
    }
}

/// A source record as the duplicate check keeps it: its id, a hash of its whole content,
/// and where it is defined (source `j` of feature `feature`, or of the registry).
struct Defined {
    id: String,
    content: u64,
    feature: Option<u32>,
    j: u32,
}

impl Defined {
    fn of(source: &Source, feature: Option<usize>, j: usize) -> Option<Self> {
        use std::hash::{Hash as _, Hasher as _};
        let id = source.id.clone()?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        format!("{source:?}").hash(&mut hasher);
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Some(Self {
            id,
            content: hasher.finish(),
            feature: feature.map(small),
            j: small(j),
        })
    }

    /// Where it is defined, read again from the dataset (only for a warning).
    fn place(&self, dataset: &Dataset) -> Place {
        let j = self.j;
        match self.feature.map(|i| i as usize) {
            None => registry_place(dataset, j as usize),
            Some(i) => {
                let f = dataset.feature(i);
                let steps = [Key("properties"), Key("sources"), Index(j as usize)];
                Place {
                    path: member_path(
                        &path_of(i, dataset.collection),
                        &format!("properties.sources[{j}]"),
                    ),
                    feature: Some((i, f.as_ref().map_or_else(String::new, |f| f.id.clone()))),
                    location: dataset
                        .location_in(Some(i), &steps)
                        .or(f.and_then(|f| f.location)),
                }
            }
        }
    }
}

/// Every evidence warning of `dataset`, in file order (the registry's after the features').
pub fn evidence_warnings(dataset: &Dataset) -> Vec<Diagnostic> {
    let collection = dataset.collection;
    // The first record of an id is the one claims resolve to, as `source_by_id` does.
    let mut registry_ids: HashMap<&str, usize> = HashMap::new();
    for (i, s) in dataset.registry.iter().enumerate() {
        if let Some(id) = s.id.as_deref() {
            registry_ids.entry(id).or_insert(i);
        }
    }
    // One result per core's range, not per feature: a million small vectors would cost more
    // than the findings themselves.
    let per_range = crate::parallel::map_ranges(dataset.len(), 4096, |range| {
        let mut warnings = Vec::new();
        let mut defined = Vec::new();
        let mut cited = Vec::new();
        for f in range.filter_map(|i| dataset.feature(i)) {
            warnings.extend(feature_warnings(dataset, &f, collection));
            let source_at = file_indices(&f.other_properties, "sources", f.sources.len());
            defined.extend(
                source_at
                    .iter()
                    .zip(&f.sources)
                    .filter_map(|(&j, s)| Defined::of(s, Some(f.index), j)),
            );
            cited.extend(
                f.claims
                    .iter()
                    .flat_map(|c| c.source_ids())
                    .filter(|id| f.source(id).is_none())
                    .filter_map(|id| registry_ids.get(id).copied()),
            );
        }
        vec![(warnings, defined, cited)]
    });
    let mut out = Vec::new();
    let registry_place = |i: usize| registry_place(dataset, i);
    let mut defined: Vec<Defined> = dataset
        .registry
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Defined::of(s, None, i))
        .collect();
    let mut cited = vec![false; dataset.registry.len()];
    for (warnings, sources, ids) in per_range {
        out.extend(warnings);
        defined.extend(sources);
        for i in ids {
            if let Some(c) = cited.get_mut(i) {
                *c = true;
            }
        }
    }
    for (i, source) in dataset.registry.iter().enumerate() {
        if source.url.is_none() && source.publisher.is_none() {
            out.push(no_address(registry_place(i)));
        }
        // A repeated id is cited through its first record.
        if let Some(id) = &source.id
            && !cited
                .get(registry_ids.get(id.as_str()).copied().unwrap_or(i))
                .copied()
                .unwrap_or(true)
        {
            out.push(evidence(
                format!("the registry's source {id:?} is cited by no claim"),
                registry_place(i),
            ));
        }
    }
    out.extend(redefinitions(dataset, defined));
    out
}

/// Where registry source `i` is: `sources[i]` at the top level.
fn registry_place(dataset: &Dataset, i: usize) -> Place {
    let found = dataset.registry_location(i);
    let k = found.map_or(i, |(k, _)| k);
    Place {
        path: format!("sources[{k}]"),
        feature: None,
        location: found.map(|(_, l)| l),
    }
}

/// Where each of `count` items read from the file's list `list` (`claims`, `sources`) is in
/// that list: the items that could not be read were kept as found under `list[i]` among
/// `kept`, and are not in the model's list.
pub(super) fn file_indices(
    kept: &[(String, serde_json::Value)],
    list: &str,
    count: usize,
) -> Vec<usize> {
    let dropped: Vec<usize> = kept
        .iter()
        .filter_map(|(key, _)| {
            key.strip_prefix(list)?
                .strip_prefix('[')?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect();
    (0..).filter(|i| !dropped.contains(i)).take(count).collect()
}

fn no_address(place: Place) -> Diagnostic {
    evidence(
        "a source needs a url or a publisher, so that a reader can find it".to_owned(),
        place,
    )
}

/// The warnings about one feature and its claims.
fn feature_warnings(dataset: &Dataset, f: &Feature, collection: bool) -> Vec<Diagnostic> {
    // The place of `property`, located at the value `steps` lead to (else the feature).
    let here = |property: String, steps: &[Step<'_>]| Place {
        path: member_path(&path_of(f.index, collection), &property),
        feature: Some((f.index, f.id.clone())),
        location: dataset.location_in(Some(f.index), steps).or(f.location),
    };
    let mut out = Vec::new();
    let source_at = file_indices(&f.other_properties, "sources", f.sources.len());
    for (j, source) in source_at.iter().copied().zip(&f.sources) {
        if source.url.is_none() && source.publisher.is_none() {
            out.push(no_address(here(
                format!("properties.sources[{j}]"),
                &[Key("properties"), Key("sources"), Index(j)],
            )));
        }
    }
    let cites_any = f.claims.iter().any(|c| !c.citations.is_empty());
    if f.sources.is_empty() && !cites_any {
        out.push(evidence(
            "the feature rests on no source: no source of its own and no claim citing one"
                .to_owned(),
            here("properties".to_owned(), &[Key("properties")]),
        ));
    }
    let claim_at = file_indices(&f.other_properties, "claims", f.claims.len());
    for (c, claim) in claim_at.iter().copied().zip(&f.claims) {
        let at_claim = [Key("properties"), Key("claims"), Index(c)];
        if claim.by.is_none() {
            out.push(evidence(
                "the claim does not say who makes it (\"by\")".to_owned(),
                here(format!("properties.claims[{c}]"), &at_claim),
            ));
        }
        if claim.citations.is_empty() {
            out.push(evidence(
                "the claim cites no source".to_owned(),
                here(format!("properties.claims[{c}].sources"), &at_claim),
            ));
        }
        // A party's statement (claimed, confirmed, disputed, denied) is reported after it is
        // made, so its sources may well be later; a report or the editors' inference cannot
        // come before the sources it rests on.
        let statement = matches!(
            claim.status,
            Some(
                ClaimStatus::Claimed
                    | ClaimStatus::Confirmed
                    | ClaimStatus::Disputed
                    | ClaimStatus::Denied
            )
        );
        let Some(said) = claim
            .date
            .as_deref()
            .filter(|_| !statement)
            .and_then(|d| DateExpr::parse(d).ok())
        else {
            continue;
        };
        let citation_at = file_indices(&claim.other, "sources", claim.citations.len());
        for (k, citation) in citation_at.iter().copied().zip(&claim.citations) {
            let source = f
                .source(&citation.id)
                .cloned()
                .or_else(|| dataset.source_by_id(&citation.id));
            let published = source
                .and_then(|s| s.published)
                .and_then(|p| DateExpr::parse(&p).ok());
            if let Some(published) = published
                && starts_after(&published, &said)
            {
                out.push(evidence(
                    format!(
                        "source {:?} was published ({published}) after the claim citing it was made ({said})",
                        citation.id
                    ),
                    {
                        let steps = [
                            Key("properties"),
                            Key("claims"),
                            Index(c),
                            Key("sources"),
                            Index(k),
                        ];
                        let mut place = here(format!("properties.claims[{c}].sources[{k}]"), &steps);
                        if dataset.location_in(Some(f.index), &steps).is_none() {
                            place.location = dataset.location_in(Some(f.index), &at_claim).or(place.location);
                        }
                        place
                    },
                ));
            }
        }
    }
    out
}

/// Whether every day `a` may be falls after every day `b` may be.
/// Whether `a` certainly begins after `b` has ended.
fn starts_after(a: &DateExpr, b: &DateExpr) -> bool {
    a.when().start >= b.when().end
}

/// One warning for each place that defines an id again with content other than the first
/// definition's, naming both places.
fn redefinitions(dataset: &Dataset, defined: Vec<Defined>) -> Vec<Diagnostic> {
    let mut first: HashMap<String, Defined> = HashMap::new();
    let mut out = Vec::new();
    for entry in defined {
        match first.get(&entry.id) {
            None => {
                first.insert(entry.id.clone(), entry);
            }
            Some(earlier) if earlier.content != entry.content => {
                out.push(evidence(
                    format!(
                        "source {:?} is defined again with different content (first at {})",
                        entry.id,
                        earlier.place(dataset).describe()
                    ),
                    entry.place(dataset),
                ));
            }
            Some(_) => {}
        }
    }
    out
}

fn evidence(message: String, place: Place) -> Diagnostic {
    let (feature_index, feature_id) = place.feature.unzip();
    let mut d = Diagnostic::new(message).property(place.path);
    d.feature_index = feature_index;
    d.feature_id = feature_id;
    d.kind = Some(DiagnosticKind::Evidence);
    if let Some(location) = place.location {
        d = d.at(location);
    }
    d
}
