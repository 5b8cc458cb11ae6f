//! A feature's claims, edited in the details panel while editing: each claim's text, status
//! (each explained on hover), who makes it and when (read as you type), moved up or down or
//! deleted; its citations, each with the words it quotes and where, removed or added by
//! typing a few letters of a source's publisher, title, id or address, or with a new
//! source made on the spot. Each change is one step of the edit history, pushed as
//! [`Action::ReplaceFeature`]; a text field's change when it loses focus.

use egui::{RichText, Ui};

use crate::action::Action;
use crate::dataset::{Citation, Claim, ClaimStatus, Dataset, Feature, Source, host_of};

/// The statuses a claim may have, in the order the menu lists them, each with what it means.
pub const STATUSES: [(ClaimStatus, &str); 6] = [
    (
        ClaimStatus::Reported,
        "A source reports it as what happened, without attributing it to a party",
    ),
    (
        ClaimStatus::Claimed,
        "A party to the events (a ministry, an armed group) says so; not independently verified",
    ),
    (
        ClaimStatus::Confirmed,
        "Confirmed by an independent or accountable source",
    ),
    (
        ClaimStatus::Disputed,
        "Contested by another party or source",
    ),
    (ClaimStatus::Denied, "Denied by the party it concerns"),
    (
        ClaimStatus::Inferred,
        "The dataset editors' own reasoning from the cited sources, not any source's words",
    ),
];

/// How many matching sources the citation search lists.
const MATCHES_SHOWN: usize = 8;

/// The text being typed in one claim's fields.
#[derive(Clone, Debug, Default, PartialEq)]
struct ClaimFields {
    text: String,
    by: String,
    date: String,
    /// Each citation's quote and locator.
    citations: Vec<(String, String)>,
    /// The letters typed to find a source to cite.
    query: String,
}

/// A source being made on the spot, for the claim it will be cited by.
#[derive(Clone, Debug, Default, PartialEq)]
struct NewSource {
    /// The claim (its place in the feature's list) that cites it once made.
    claim: usize,
    publisher: String,
    title: String,
    url: String,
    published: String,
}

/// The text being typed in the claims of one feature.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaimsForm {
    /// The feature the form is for.
    pub index: usize,
    /// The claims the fields were read from: when the feature's differ (a step, an undo),
    /// the form is read again.
    base: Vec<Claim>,
    fields: Vec<ClaimFields>,
    /// The text of a claim being added.
    new_claim: String,
    /// A source being made on the spot.
    new_source: Option<NewSource>,
}

impl ClaimsForm {
    /// The form for `feature`'s claims.
    pub fn of(feature: &Feature) -> Self {
        Self {
            index: feature.index,
            base: feature.claims.clone(),
            fields: feature.claims.iter().map(fields_of).collect(),
            new_claim: String::new(),
            new_source: None,
        }
    }

    /// Whether the form shows `feature`'s claims as they are.
    pub fn is_for(&self, feature: &Feature) -> bool {
        self.index == feature.index && self.base == feature.claims
    }
}

fn fields_of(claim: &Claim) -> ClaimFields {
    ClaimFields {
        text: claim.text.clone(),
        by: claim.by.clone().unwrap_or_default(),
        date: claim.date.clone().unwrap_or_default(),
        citations: claim
            .citations
            .iter()
            .map(|c| {
                (
                    c.quote.clone().unwrap_or_default(),
                    c.locator.clone().unwrap_or_default(),
                )
            })
            .collect(),
        query: String::new(),
    }
}

/// Text as an optional value: `None` when blank.
fn given(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The claims of `feature`, editable; a change pushes [`Action::ReplaceFeature`].
pub fn claims_ui(
    ui: &mut Ui,
    form: &mut ClaimsForm,
    dataset: &Dataset,
    feature: &Feature,
    actions: &mut Vec<Action>,
) {
    let candidates = candidates(dataset, feature);
    let mut changed: Option<(String, Feature)> = None;
    let name = feature.name.as_str();
    let count = feature.claims.len();
    for (k, claim) in feature.claims.iter().enumerate() {
        let Some(fields) = form.fields.get_mut(k) else {
            break;
        };
        ui.push_id(("claim", k), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                claim_header_ui(ui, k, count, feature, &mut changed);
                claim_fields_ui(ui, fields, k, claim, feature, &mut changed);
                citations_ui(ui, fields, k, claim, feature, &candidates, &mut changed);
                cite_ui(
                    ui,
                    fields,
                    k,
                    feature,
                    &candidates,
                    &mut form.new_source,
                    &mut changed,
                );
                if form.new_source.as_ref().is_some_and(|n| n.claim == k) {
                    new_source_ui(ui, dataset, feature, &mut form.new_source, &mut changed);
                }
            });
        });
        ui.add_space(4.0);
    }
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut form.new_claim)
                .desired_width(200.0)
                .hint_text("A new claim: what is claimed"),
        );
        let text = given(&form.new_claim);
        if ui
            .add_enabled(text.is_some(), egui::Button::new("Add claim"))
            .on_disabled_hover_text("Type what is claimed first")
            .clicked()
            && let Some(text) = text
        {
            let mut new = feature.clone();
            new.claims.push(Claim {
                text,
                ..Claim::default()
            });
            form.new_claim.clear();
            changed = Some((format!("add a claim to {name}"), new));
        }
    });
    super::properties::push_change(changed, feature, actions);
}

/// "Claim n", and the buttons that move it up or down or delete it.
fn claim_header_ui(
    ui: &mut Ui,
    k: usize,
    count: usize,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    let name = &feature.name;
    ui.horizontal(|ui| {
        ui.strong(format!("Claim {}", k + 1));
        if ui
            .add_enabled(k > 0, egui::Button::new("Up").small())
            .on_hover_text("Move the claim up")
            .clicked()
        {
            let mut new = feature.clone();
            new.claims.swap(k - 1, k);
            *changed = Some((format!("move a claim of {name}"), new));
        }
        if ui
            .add_enabled(k + 1 < count, egui::Button::new("Down").small())
            .on_hover_text("Move the claim down")
            .clicked()
        {
            let mut new = feature.clone();
            new.claims.swap(k, k + 1);
            *changed = Some((format!("move a claim of {name}"), new));
        }
        if ui
            .small_button("Delete claim")
            .on_hover_text("Delete this claim and its citations (the sources stay)")
            .clicked()
        {
            let mut new = feature.clone();
            new.claims.remove(k);
            *changed = Some((format!("delete a claim of {name}"), new));
        }
    });
}

/// The claim's text, status, author and date.
fn claim_fields_ui(
    ui: &mut Ui,
    fields: &mut ClaimFields,
    k: usize,
    claim: &Claim,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    let label = format!("edit a claim of {}", feature.name);
    let with = |edit: &dyn Fn(&mut Claim)| {
        let mut new = feature.clone();
        if let Some(c) = new.claims.get_mut(k) {
            edit(c);
        }
        new
    };
    let text = ui.add(
        egui::TextEdit::multiline(&mut fields.text)
            .desired_width(f32::INFINITY)
            .desired_rows(2)
            .hint_text("What is claimed"),
    );
    if text.lost_focus()
        && let Some(t) = given(&fields.text)
        && t != claim.text
    {
        *changed = Some((label.clone(), with(&|c| c.text.clone_from(&t))));
    }
    egui::Grid::new("claim fields")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            ui.label("Status");
            let mut status = claim.status;
            egui::ComboBox::from_id_salt("claim status")
                .selected_text(status.map_or("not said", ClaimStatus::label))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut status, None, "not said")
                        .on_hover_text("The claim's status is not given");
                    for (s, meaning) in STATUSES {
                        ui.selectable_value(&mut status, Some(s), s.label())
                            .on_hover_text(meaning);
                    }
                })
                .response
                .on_hover_text(
                    STATUSES
                        .iter()
                        .find(|(s, _)| Some(*s) == claim.status)
                        .map_or("How far the claim is established", |(_, m)| m),
                );
            ui.end_row();
            if status != claim.status {
                let status_label = format!(
                    "mark a claim of {} {}",
                    feature.name,
                    status.map_or("unrated", ClaimStatus::label)
                );
                *changed = Some((status_label, with(&|c| c.status = status)));
            }
            ui.label("By");
            let by = ui.add(
                egui::TextEdit::singleline(&mut fields.by)
                    .desired_width(200.0)
                    .hint_text("who makes the claim"),
            );
            ui.end_row();
            let by_given = given(&fields.by);
            if by.lost_focus() && by_given != claim.by {
                *changed = Some((label.clone(), with(&|c| c.by.clone_from(&by_given))));
            }
            ui.label("Date");
            let date = ui.add(
                egui::TextEdit::singleline(&mut fields.date)
                    .desired_width(200.0)
                    .hint_text("when it was said"),
            );
            ui.end_row();
            let read = super::properties::reading_ui(ui, &fields.date);
            if date.lost_focus()
                && let Some(Ok(read)) = read
            {
                let written = read.map(|_| fields.date.trim().to_owned());
                if written != claim.date {
                    *changed = Some((label.clone(), with(&|c| c.date.clone_from(&written))));
                }
            }
        });
}

/// The claim's citations: the source cited, its quote and locator, and a button that
/// removes it.
fn citations_ui(
    ui: &mut Ui,
    fields: &mut ClaimFields,
    k: usize,
    claim: &Claim,
    feature: &Feature,
    candidates: &[Source],
    changed: &mut Option<(String, Feature)>,
) {
    let name = &feature.name;
    for (j, citation) in claim.citations.iter().enumerate() {
        let Some((quote, locator)) = fields.citations.get_mut(j) else {
            break;
        };
        let source = candidates
            .iter()
            .find(|s| s.id.as_deref() == Some(citation.id.as_str()));
        let shown = source.map_or_else(|| format!("{} (no such source)", citation.id), describe);
        ui.push_id(("citation", j), |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("Cites {shown}")).weak())
                    .on_hover_text(&citation.id);
                if ui
                    .small_button("✕")
                    .on_hover_text("Remove this citation")
                    .clicked()
                {
                    let mut new = feature.clone();
                    if let Some(c) = new.claims.get_mut(k)
                        && j < c.citations.len()
                    {
                        c.citations.remove(j);
                    }
                    *changed = Some((format!("remove a citation from a claim of {name}"), new));
                }
            });
            let quote_field = ui.add(
                egui::TextEdit::multiline(quote)
                    .desired_width(f32::INFINITY)
                    .desired_rows(1)
                    .hint_text("the words quoted from the source"),
            );
            let locator_field = ui.add(
                egui::TextEdit::singleline(locator)
                    .desired_width(220.0)
                    .hint_text("where: para. 4, p. 12, 02:13"),
            );
            let (q, l) = (given(quote), given(locator));
            if (quote_field.lost_focus() || locator_field.lost_focus())
                && (q != citation.quote || l != citation.locator)
            {
                let mut new = feature.clone();
                if let Some(c) = new.claims.get_mut(k).and_then(|c| c.citations.get_mut(j)) {
                    c.quote = q;
                    c.locator = l;
                }
                let label = format!("quote {} in a claim of {name}", citation.id);
                *changed = Some((label, new));
            }
        });
    }
}

/// The search that cites a source: the letters typed, the sources they match (click one to
/// cite it), and a button that makes a new source instead.
fn cite_ui(
    ui: &mut Ui,
    fields: &mut ClaimFields,
    k: usize,
    feature: &Feature,
    candidates: &[Source],
    new_source: &mut Option<NewSource>,
    changed: &mut Option<(String, Feature)>,
) {
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut fields.query)
                .desired_width(170.0)
                .hint_text("Cite: publisher, title, id, url"),
        );
        if ui
            .small_button("New source…")
            .on_hover_text("Make a new source and cite it")
            .clicked()
        {
            *new_source = Some(NewSource {
                claim: k,
                publisher: fields.query.trim().to_owned(),
                ..NewSource::default()
            });
            fields.query.clear();
        }
    });
    if fields.query.trim().is_empty() {
        return;
    }
    // The sources the claim cites already are not offered again.
    let cited: Vec<&str> = feature
        .claims
        .get(k)
        .map(|c| c.source_ids().collect())
        .unwrap_or_default();
    let mut found = matching(candidates, &fields.query);
    found.retain(|s| s.id.as_deref().is_none_or(|id| !cited.contains(&id)));
    if found.is_empty() {
        ui.weak("No source matches: \"New source…\" makes one.");
    }
    for source in found.into_iter().take(MATCHES_SHOWN) {
        let Some(id) = source.id.clone() else {
            continue;
        };
        if ui
            .button(describe(source))
            .on_hover_text(format!("Cite {id}"))
            .clicked()
        {
            let mut new = feature.clone();
            if let Some(c) = new.claims.get_mut(k) {
                c.citations.push(Citation {
                    id: id.clone(),
                    ..Citation::default()
                });
            }
            fields.query.clear();
            *changed = Some((format!("cite {id} in a claim of {}", feature.name), new));
        }
    }
}

/// The fields of a new source; "Add and cite" adds it to the feature's own sources (accessed
/// today) and cites it in the claim.
fn new_source_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    feature: &Feature,
    slot: &mut Option<NewSource>,
    changed: &mut Option<(String, Feature)>,
) {
    let Some(form) = slot.as_mut() else {
        return;
    };
    ui.label(RichText::new("New source").strong());
    let mut guessed = None;
    egui::Grid::new("new source")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for (label, text, hint) in [
                ("Address", &mut form.url, "https://…"),
                (
                    "Publisher",
                    &mut form.publisher,
                    "newspaper, agency, ministry",
                ),
                ("Title", &mut form.title, "of the piece"),
                ("Published", &mut form.published, "2016-08-16"),
            ] {
                let name = ui.label(label);
                let response = ui
                    .add(
                        egui::TextEdit::singleline(text)
                            .desired_width(200.0)
                            .hint_text(hint),
                    )
                    .labelled_by(name.id);
                ui.end_row();
                if label == "Address" && response.lost_focus() {
                    guessed = host_of(text.trim()).map(str::to_owned);
                }
            }
        });
    if let Some(host) = guessed
        && form.publisher.trim().is_empty()
    {
        form.publisher = host;
    }
    let ready = given(&form.url).is_some() || given(&form.publisher).is_some();
    let mut done = false;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new("Add and cite"))
            .on_disabled_hover_text("A source needs an address or a publisher")
            .clicked()
        {
            let year = form.published.trim().get(..4).unwrap_or_default();
            let stem = format!(
                "{} {year}",
                given(&form.publisher).unwrap_or_else(|| "source".to_owned())
            );
            let id = dataset.fresh_source_id(&stem, &feature.sources);
            let source = Source {
                id: Some(id.clone()),
                publisher: given(&form.publisher),
                title: given(&form.title),
                published: given(&form.published),
                url: given(&form.url),
                accessed: Some(crate::dataset::capture::utc_today()),
                ..Source::default()
            };
            let mut new = feature.clone();
            new.sources.push(source);
            if let Some(c) = new.claims.get_mut(form.claim) {
                c.citations.push(Citation {
                    id: id.clone(),
                    ..Citation::default()
                });
            }
            *changed = Some((format!("add source {id} to {}", feature.name), new));
            done = true;
        }
        if ui.button("Cancel").clicked() {
            done = true;
        }
    });
    if done {
        *slot = None;
    }
}

/// A source in a line: publisher, title, date, id.
pub(super) fn describe(source: &Source) -> String {
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(source.publisher.as_deref());
    parts.extend(source.title.as_deref());
    parts.extend(source.published.as_deref());
    if parts.is_empty() {
        parts.extend(source.url.as_deref());
    }
    let id = source.id.as_deref().unwrap_or("no id");
    if parts.is_empty() {
        id.to_owned()
    } else {
        format!("{} [{id}]", parts.join(", "))
    }
}

/// The sources a claim of `feature` may cite: its own, then every other it cites, then the
/// registry's, each id once.
fn candidates(dataset: &Dataset, feature: &Feature) -> Vec<Source> {
    let mut out = dataset.sources_of(feature);
    for source in &dataset.registry {
        if source.id.is_some() && !out.iter().any(|s| s.id == source.id) {
            out.push(source.clone());
        }
    }
    out.retain(|s| s.id.is_some());
    out
}

/// The sources whose publisher, title, author, id or address hold every word of `query`
/// (case ignored), in the order given.
pub(super) fn matching<'a>(sources: &'a [Source], query: &str) -> Vec<&'a Source> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    sources
        .iter()
        .filter(|s| {
            let text = [&s.publisher, &s.title, &s.author, &s.id, &s.url]
                .into_iter()
                .flatten()
                .map(|t| t.to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_found_by_any_of_their_words() {
        let source = |id: &str, publisher: &str, url: &str| Source {
            id: Some(id.into()),
            publisher: Some(publisher.into()),
            url: Some(url.into()),
            ..Source::default()
        };
        let sources = [
            source("tass-895515", "TASS", "https://tass.com/defense/895515"),
            source("reuters-1", "Reuters", "https://www.reuters.com/article/x"),
        ];
        let ids = |q: &str| -> Vec<String> {
            matching(&sources, q)
                .iter()
                .filter_map(|s| s.id.clone())
                .collect()
        };
        assert_eq!(ids("tass"), ["tass-895515"]);
        assert_eq!(ids("REUT article"), ["reuters-1"]);
        assert_eq!(ids("895515"), ["tass-895515"]);
        assert!(ids("tass reuters").is_empty());
    }

    #[test]
    fn a_publisher_is_guessed_from_the_host() {
        assert_eq!(
            host_of("https://www.reuters.com/article/x"),
            Some("reuters.com")
        );
        assert_eq!(host_of("HTTP://user@tass.ru:8080/a?b"), Some("tass.ru"));
        assert_eq!(host_of("https://"), None);
        assert_eq!(host_of("ftp://example.org/a"), None);
    }
}
