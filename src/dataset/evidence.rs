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

use super::custody::{CaptureUse, CustodyAt, QuoteUse, custody_findings, source_name};
use super::path::Step::{self, Index, Key};
use super::path::{file_indices, member_path, path_of};
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

/// Where a source record is defined: source `j` (its index in the file's list) of feature
/// `feature`, or of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DefinedAt {
    feature: Option<u32>,
    j: u32,
}

/// A source record as the duplicate check keeps it: hashes of its id and of its whole
/// content, and where it is defined (32 bytes, whatever the record holds).
struct Defined {
    id: u64,
    content: u64,
    at: DefinedAt,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher as _;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl Defined {
    fn of(source: &Source, feature: Option<usize>, j: usize) -> Option<Self> {
        let id = source.id.as_deref()?;
        Some(Self {
            id: hash_of(&id),
            content: hash_of(&format!("{source:?}")),
            at: DefinedAt {
                feature: feature.map(small),
                j: small(j),
            },
        })
    }
}

impl DefinedAt {
    /// The id of the record, read again from the dataset.
    fn id(self, dataset: &Dataset) -> Option<String> {
        match self.feature {
            None => dataset.registry.get(self.j as usize)?.id.clone(),
            Some(i) => {
                let f = dataset.feature(i as usize)?;
                let at = file_indices(&f.other_properties, "sources", f.sources.len());
                let k = at.iter().position(|&j| j == self.j as usize)?;
                f.sources.get(k)?.id.clone()
            }
        }
    }

    /// Where it is defined, read again from the dataset (only for a warning).
    fn place(self, dataset: &Dataset) -> Place {
        let j = self.j as usize;
        match self.feature.map(|i| i as usize) {
            None => registry_place(dataset, j),
            Some(i) => feature_place(
                dataset,
                i,
                format!("properties.sources[{j}]"),
                &[Key("properties"), Key("sources"), Index(j)],
            ),
        }
    }
}

/// The place of `property` of feature `i`, located at the value `steps` lead to (else at
/// the feature).
fn feature_place(dataset: &Dataset, i: usize, property: String, steps: &[Step<'_>]) -> Place {
    Place {
        path: member_path(&path_of(i, dataset.origin.collection()), &property),
        feature: Some((
            i,
            dataset.get(i).map_or_else(String::new, |f| f.id.to_owned()),
        )),
        location: Some(
            dataset
                .location_in(Some(i), steps)
                .unwrap_or_else(|| dataset.feature_location(i)),
        ),
    }
}

/// One evidence finding as the check keeps it until it is written: what and where, in a
/// few words (16 bytes), worded into a [`Diagnostic`] only when asked for. The rare
/// findings that need what was read to be worded are kept worded.
enum Found {
    /// Source `j` of the feature has neither url nor publisher.
    NoAddress { feature: u32, j: u32 },
    /// The feature has no source and no claim that cites one.
    NoSource { feature: u32 },
    /// Claim `claim` does not say who makes it.
    NoAuthor { feature: u32, claim: u32 },
    /// Claim `claim` cites no source.
    NoCitation { feature: u32, claim: u32 },
    /// An id defined again (the first place) with other content than first (the second).
    Redefined(Box<(DefinedAt, DefinedAt)>),
    /// Worded when found.
    Worded(Box<Diagnostic>),
}

impl Found {
    fn word(&self, dataset: &Dataset) -> Diagnostic {
        let claim_steps = |c: u32| [Key("properties"), Key("claims"), Index(c as usize)];
        match *self {
            Self::NoAddress { feature, j } => no_address(
                DefinedAt {
                    feature: Some(feature),
                    j,
                }
                .place(dataset),
            ),
            Self::NoSource { feature } => evidence(
                NO_SOURCE.to_owned(),
                feature_place(
                    dataset,
                    feature as usize,
                    "properties".to_owned(),
                    &[Key("properties")],
                ),
            ),
            Self::NoAuthor { feature, claim } => evidence(
                NO_AUTHOR.to_owned(),
                feature_place(
                    dataset,
                    feature as usize,
                    format!("properties.claims[{claim}]"),
                    &claim_steps(claim),
                ),
            ),
            Self::NoCitation { feature, claim } => evidence(
                NO_CITATION.to_owned(),
                feature_place(
                    dataset,
                    feature as usize,
                    format!("properties.claims[{claim}].sources"),
                    &claim_steps(claim),
                ),
            ),
            Self::Redefined(ref pair) => {
                let (first, again) = **pair;
                let id = again.id(dataset).unwrap_or_default();
                evidence(
                    format!(
                        "source {id:?} is defined again with different content (first at {})",
                        first.place(dataset).describe()
                    ),
                    again.place(dataset),
                )
            }
            Self::Worded(ref d) => (**d).clone(),
        }
    }
}

const NO_SOURCE: &str =
    "the feature rests on no source: no source of its own and no claim citing one";
const NO_AUTHOR: &str = "the claim does not say who makes it (\"by\")";
const NO_CITATION: &str = "the claim cites no source";

/// The evidence findings of a dataset, in file order (the registry's after the features'),
/// kept compact until they are written: a million findings take tens of megabytes, where
/// their worded messages would take a gigabyte.
pub struct EvidenceFindings {
    found: Vec<Found>,
}

/// How many findings are worded at a time, on every core, by
/// [`EvidenceFindings::diagnostics`].
const WORDED_AT_ONCE: usize = 16_384;

impl EvidenceFindings {
    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The findings as warnings, in order, worded a block at a time (on every core), so that
    /// a caller that writes each one out never holds them all.
    pub fn diagnostics<'a>(
        &'a self,
        dataset: &'a Dataset,
    ) -> impl Iterator<Item = Diagnostic> + 'a {
        self.found.chunks(WORDED_AT_ONCE).flat_map(move |block| {
            crate::parallel::map_ranges(block.len(), 1024, |range| {
                block[range].iter().map(|f| f.word(dataset)).collect()
            })
        })
    }
}

/// The evidence warnings of one feature, as it now is.
pub(super) fn feature_evidence(dataset: &Dataset, feature: &Feature) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    feature_findings(dataset, feature, &mut found);
    found.iter().map(|f| f.word(dataset)).collect()
}

/// Every evidence warning of `dataset`, in file order (the registry's after the features').
pub fn evidence_warnings(dataset: &Dataset) -> Vec<Diagnostic> {
    let findings = evidence_findings(dataset);
    findings.diagnostics(dataset).collect()
}

/// The evidence findings of `dataset`: every feature read again in full, on every core.
pub fn evidence_findings(dataset: &Dataset) -> EvidenceFindings {
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
        let mut found = Vec::new();
        let mut defined = Vec::new();
        let mut cited = Vec::new();
        let mut custody = (Vec::new(), Vec::new());
        for f in range.filter_map(|i| dataset.feature(i)) {
            feature_findings(dataset, &f, &mut found);
            custody_uses(dataset, &f, &mut custody.0, &mut custody.1);
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
        vec![(found, defined, cited, custody)]
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
    let (mut captures, mut quotes) = (Vec::new(), Vec::new());
    for (found, sources, ids, custody) in per_range {
        out.extend(found);
        captures.extend(custody.0);
        quotes.extend(custody.1);
        defined.extend(sources);
        for i in ids {
            if let Some(c) = cited.get_mut(i) {
                *c = true;
            }
        }
    }
    for (i, source) in dataset.registry.iter().enumerate() {
        if source.url.is_none() && source.publisher.is_none() {
            out.push(Found::Worded(Box::new(no_address(registry_place(i)))));
        }
        // A repeated id is cited through its first record.
        if let Some(id) = &source.id
            && !cited
                .get(registry_ids.get(id.as_str()).copied().unwrap_or(i))
                .copied()
                .unwrap_or(true)
        {
            out.push(Found::Worded(Box::new(evidence(
                format!("the registry's source {id:?} is cited by no claim"),
                registry_place(i),
            ))));
        }
    }
    out.extend(redefinitions(dataset, &defined));
    for (i, source) in dataset.registry.iter().enumerate() {
        captures.extend(source.captures.iter().enumerate().map(|(k, c)| CaptureUse {
            at: CustodyAt::Capture {
                feature: None,
                j: i,
                k,
            },
            source: source_name(source),
            capture: c.clone(),
        }));
    }
    if !captures.is_empty() || !quotes.is_empty() {
        let dir = dataset_dir(dataset);
        for (at, message) in custody_findings(&dir, &captures, &quotes) {
            out.push(Found::Worded(Box::new(evidence(
                message,
                custody_place(dataset, at),
            ))));
        }
    }
    EvidenceFindings { found: out }
}

/// The folder a dataset's relative paths (its captures) are read from: its file's, else
/// the working folder.
pub fn dataset_dir(dataset: &Dataset) -> std::path::PathBuf {
    dataset
        .path
        .as_deref()
        .and_then(std::path::Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| std::path::PathBuf::from("."), std::path::Path::to_owned)
}

/// The capture records of `f`'s own sources, and its quoted citations whose source has
/// captures, pushed for the custody checks.
fn custody_uses(
    dataset: &Dataset,
    f: &Feature,
    captures: &mut Vec<CaptureUse>,
    quotes: &mut Vec<QuoteUse>,
) {
    let source_at = file_indices(&f.other_properties, "sources", f.sources.len());
    for (j, source) in source_at.iter().copied().zip(&f.sources) {
        captures.extend(source.captures.iter().enumerate().map(|(k, c)| CaptureUse {
            at: CustodyAt::Capture {
                feature: Some(f.index),
                j,
                k,
            },
            source: source_name(source),
            capture: c.clone(),
        }));
    }
    let claim_at = file_indices(&f.other_properties, "claims", f.claims.len());
    for (c, claim) in claim_at.iter().copied().zip(&f.claims) {
        let citation_at = file_indices(&claim.other, "sources", claim.citations.len());
        for (k, citation) in citation_at.iter().copied().zip(&claim.citations) {
            let Some(quote) = citation.quote.as_deref().filter(|q| !q.trim().is_empty()) else {
                continue;
            };
            let source = match f.source(&citation.id) {
                Some(s) if !s.captures.is_empty() => s.clone(),
                Some(_) => continue,
                None => match dataset.source_by_id(&citation.id) {
                    Some(s) if !s.captures.is_empty() => s,
                    _ => continue,
                },
            };
            quotes.push(QuoteUse {
                at: CustodyAt::Quote {
                    feature: f.index,
                    claim: c,
                    citation: k,
                },
                source: source_name(&source),
                quote: quote.to_owned(),
                captures: source.captures,
            });
        }
    }
}

/// Where a custody finding is.
fn custody_place(dataset: &Dataset, at: CustodyAt) -> Place {
    match at {
        CustodyAt::Capture {
            feature: None,
            j,
            k,
        } => {
            // `j` is the registry's own index here; the place names the file's.
            let mut place = registry_place(dataset, j);
            place.path = format!("{}.captures[{k}]", place.path);
            place
        }
        CustodyAt::Capture {
            feature: Some(i),
            j,
            k,
        } => feature_place(
            dataset,
            i,
            format!("properties.sources[{j}].captures[{k}]"),
            &[
                Key("properties"),
                Key("sources"),
                Index(j),
                Key("captures"),
                Index(k),
            ],
        ),
        CustodyAt::Quote {
            feature,
            claim,
            citation,
        } => feature_place(
            dataset,
            feature,
            format!("properties.claims[{claim}].sources[{citation}].quote"),
            &[
                Key("properties"),
                Key("claims"),
                Index(claim),
                Key("sources"),
                Index(citation),
                Key("quote"),
            ],
        ),
    }
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

fn no_address(place: Place) -> Diagnostic {
    evidence(
        "a source needs a url or a publisher, so that a reader can find it".to_owned(),
        place,
    )
}

/// The findings about one feature and its claims, pushed onto `out`.
fn feature_findings(dataset: &Dataset, f: &Feature, out: &mut Vec<Found>) {
    let feature = small(f.index);
    let source_at = file_indices(&f.other_properties, "sources", f.sources.len());
    for (j, source) in source_at.iter().copied().zip(&f.sources) {
        if source.url.is_none() && source.publisher.is_none() {
            out.push(Found::NoAddress {
                feature,
                j: small(j),
            });
        }
    }
    let cites_any = f.claims.iter().any(|c| !c.citations.is_empty());
    if f.sources.is_empty() && !cites_any {
        out.push(Found::NoSource { feature });
    }
    let claim_at = file_indices(&f.other_properties, "claims", f.claims.len());
    for (c, claim) in claim_at.iter().copied().zip(&f.claims) {
        if claim.by.is_none() {
            out.push(Found::NoAuthor {
                feature,
                claim: small(c),
            });
        }
        if claim.citations.is_empty() {
            out.push(Found::NoCitation {
                feature,
                claim: small(c),
            });
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
                let steps = [
                    Key("properties"),
                    Key("claims"),
                    Index(c),
                    Key("sources"),
                    Index(k),
                ];
                let mut place = feature_place(
                    dataset,
                    f.index,
                    format!("properties.claims[{c}].sources[{k}]"),
                    &steps,
                );
                if dataset.location_in(Some(f.index), &steps).is_none() {
                    place.location = dataset
                        .location_in(Some(f.index), &steps[..3])
                        .or(place.location);
                }
                out.push(Found::Worded(Box::new(evidence(
                    format!(
                        "source {:?} was published ({published}) after the claim citing it was made ({said})",
                        citation.id
                    ),
                    place,
                ))));
            }
        }
    }
}

/// Whether every day `a` may be falls after every day `b` may be.
/// Whether `a` certainly begins after `b` has ended.
fn starts_after(a: &DateExpr, b: &DateExpr) -> bool {
    a.when().start >= b.when().end
}

/// One finding for each place that defines an id again with content other than the first
/// definition's, naming both places, in the order of `defined`. The records are grouped by
/// a hash of their id; the ids of a finding are compared as read again, so that two ids of
/// the same hash are never taken for one.
fn redefinitions(dataset: &Dataset, defined: &[Defined]) -> Vec<Found> {
    let mut order: Vec<u32> = (0..small(defined.len())).collect();
    order.sort_unstable_by_key(|&k| (defined[k as usize].id, k));
    let mut found: Vec<(u32, DefinedAt, DefinedAt)> = Vec::new();
    for group in order.chunk_by(|&a, &b| defined[a as usize].id == defined[b as usize].id) {
        let Some((&first, rest)) = group.split_first() else {
            continue;
        };
        let first = &defined[first as usize];
        let mut first_id = None;
        // Other ids of the same hash (none in practice), each with its first definition.
        let mut others: HashMap<Option<String>, &Defined> = HashMap::new();
        for &k in rest {
            let again = &defined[k as usize];
            if again.content == first.content {
                continue;
            }
            let id = again.at.id(dataset);
            if *first_id.get_or_insert_with(|| first.at.id(dataset)) == id {
                found.push((k, first.at, again.at));
                continue;
            }
            match others.entry(id) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(again);
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    if o.get().content != again.content {
                        found.push((k, o.get().at, again.at));
                    }
                }
            }
        }
    }
    found.sort_unstable_by_key(|&(k, _, _)| k);
    found
        .into_iter()
        .map(|(_, first, again)| Found::Redefined(Box::new((first, again))))
        .collect()
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
