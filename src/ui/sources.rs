//! The Sources tab and the source view: every source of the dataset with who published it,
//! when, and how many claims and features rest on it, searchable by publisher and title; and,
//! for the source picked, the claims resting on it ("what rests on this source?").

use egui::{RichText, Ui};

use crate::action::Action;
use crate::dataset::{Dataset, Source, SourceUse, host_of};
use crate::theme;

/// The Sources tab's state: its search box.
#[derive(Debug, Default)]
pub struct SourceList {
    /// The search box's text (matched against publisher, title and id, ignoring case).
    pub query: String,
    /// The sources matching the query: (query, how many sources, their indices).
    shown: Option<(String, usize, Vec<usize>)>,
}

impl SourceList {
    /// The tab: the search box and one row per matching source, or how far the reading of
    /// the sources has come (`reading`, 0 to 1). Clicking a row selects the source (and so
    /// highlights every feature citing it).
    pub fn sources_ui(
        &mut self,
        ui: &mut Ui,
        dataset: &Dataset,
        selected: Option<usize>,
        reading: Option<f32>,
        editing: bool,
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(4.0);
        if editing
            && ui
                .button("Add source")
                .on_hover_text("A new source in the file's registry, accessed today")
                .clicked()
        {
            actions.push(Action::AddSource(None));
        }
        ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .hint_text("Search sources")
                .desired_width(f32::INFINITY),
        );
        let Some(uses) = dataset.source_uses_ready() else {
            // Read a slice a frame by the app; shown here as it goes.
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(format!(
                    "Reading the sources of {} features… {:.0}%",
                    dataset.feature_count(),
                    reading.unwrap_or(0.0) * 100.0
                ));
            });
            return;
        };
        let query = self.query.to_lowercase();
        // The matching sources, found again only when the query changes.
        if self
            .shown
            .as_ref()
            .is_none_or(|(q, n, _)| *q != query || *n != uses.len())
        {
            let matching = uses
                .iter()
                .enumerate()
                .filter(|(_, u)| query.is_empty() || matches(&u.source, &query))
                .map(|(i, _)| i)
                .collect();
            self.shown = Some((query.clone(), uses.len(), matching));
        }
        let shown: &[usize] = self.shown.as_ref().map_or(&[], |(_, _, s)| s.as_slice());
        if !query.is_empty() {
            ui.weak(format!("{} of {} sources", shown.len(), uses.len()));
        }
        ui.separator();
        if uses.is_empty() {
            ui.weak("This dataset names no sources.");
            return;
        }
        // Two lines a source, laid out only for the rows in view (a file may have millions).
        let line = ui.text_style_height(&egui::TextStyle::Body);
        let row_height = line * 2.0 + ui.spacing().item_spacing.y * 2.0 + 4.0;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, row_height, shown.len(), |ui, rows| {
                for &i in shown.get(rows).unwrap_or(&[]) {
                    let Some(u) = uses.get(i) else {
                        continue;
                    };
                    let title = source_title(&u.source);
                    let response = ui
                        .add(
                            egui::Button::selectable(Some(i) == selected, title.as_str())
                                .truncate(),
                        )
                        .on_hover_text(format!(
                            "{title}\n{}",
                            u.source.id.as_deref().unwrap_or("")
                        ));
                    if response.clicked() {
                        let next = if Some(i) == selected { None } else { Some(i) };
                        actions.push(Action::SelectSource(next));
                    }
                    ui.weak(format!(
                        "{}{} claim{} · {} feature{}",
                        u.source
                            .published
                            .as_deref()
                            .map_or_else(String::new, |p| format!("{} · ", shown_date(p))),
                        u.claims.len(),
                        plural(u.claims.len()),
                        u.features.len(),
                        plural(u.features.len()),
                    ));
                    ui.add_space(4.0);
                }
            });
    }
}

/// The fields of a record, in the order the form shows them: (label, hint).
const FIELDS: [(&str, &str); 8] = [
    ("Id", "what claims cite it by"),
    ("Publisher", "newspaper, agency, ministry"),
    ("Title", "of the piece"),
    ("Author", "byline"),
    ("Published", "2016-08-16"),
    ("Address", "https://…"),
    ("Archived copy", "https://web.archive.org/…"),
    ("Accessed", "when the address was read"),
];

/// The text being typed in the fields of the selected source, while editing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceForm {
    /// The record the fields were read from: when the source's differs (a step, an undo),
    /// the form is read again.
    base: Source,
    fields: [String; 8],
    /// The letters typed to find the source to merge this one into.
    merge_query: String,
    /// The user's name as typed (recorded on captures); `None` until typed in.
    name: Option<String>,
}

/// What the source form shows beside the record.
pub struct SourceFormState<'a> {
    /// While a capture of this source is being kept: how far, 0 to 1.
    pub capturing: Option<f32>,
    /// The name recorded on captures (the settings').
    pub editor_name: &'a str,
}

impl SourceForm {
    /// The form for `source`.
    pub fn of(source: &Source) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            base: source.clone(),
            fields: [
                text(&source.id),
                text(&source.publisher),
                text(&source.title),
                text(&source.author),
                text(&source.published),
                text(&source.url),
                text(&source.archived),
                text(&source.accessed),
            ],
            merge_query: String::new(),
            name: None,
        }
    }

    /// Whether the form shows `source` as it is.
    pub fn is_for(&self, source: &Source) -> bool {
        self.base == *source
    }

    /// The record with the fields as typed (a blank field is no value).
    fn edited(&self) -> Source {
        let given = |k: usize| Some(self.fields[k].trim().to_owned()).filter(|t| !t.is_empty());
        Source {
            id: given(0).or_else(|| self.base.id.clone()),
            publisher: given(1),
            title: given(2),
            author: given(3),
            published: given(4),
            url: given(5),
            archived: given(6),
            accessed: given(7),
            ..self.base.clone()
        }
    }
}

/// The selected source's record, editable (a field's change is one step once it loses
/// focus), with buttons that delete it and merge it into another.
pub fn source_form_ui(
    ui: &mut Ui,
    form: &mut SourceForm,
    dataset: &Dataset,
    u: &SourceUse,
    state: &SourceFormState<'_>,
    actions: &mut Vec<Action>,
) {
    let Some(id) = u.source.id.clone() else {
        ui.weak("This source has no id, so no claim can cite it; give it one in the file.");
        return;
    };
    ui.add_space(6.0);
    ui.strong("Edit source");
    let mut done = false;
    egui::Grid::new("source fields")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for (k, (label, hint)) in FIELDS.iter().enumerate() {
                let name = ui.label(*label);
                let response = ui
                    .add(
                        egui::TextEdit::singleline(&mut form.fields[k])
                            .desired_width(220.0)
                            .hint_text(*hint),
                    )
                    .labelled_by(name.id);
                ui.end_row();
                if k == 5 && response.lost_focus() && form.fields[1].trim().is_empty() {
                    // The publisher guessed from the address, for the user to confirm.
                    if let Some(host) = host_of(form.fields[5].trim()) {
                        form.fields[1] = host.to_owned();
                    }
                }
                if matches!(k, 4 | 7) {
                    let _ = super::properties::reading_ui(ui, &form.fields[k]);
                }
                done |= response.lost_focus();
            }
        });
    let edited = form.edited();
    if done && edited != form.base {
        actions.push(Action::EditSource {
            id: id.clone(),
            source: Box::new(edited),
        });
    }
    ui.horizontal(|ui| {
        if ui
            .button("Delete source")
            .on_hover_text("Refused while claims cite it: they are named")
            .clicked()
        {
            actions.push(Action::DeleteSource(id.clone()));
        }
        ui.add(
            egui::TextEdit::singleline(&mut form.merge_query)
                .desired_width(160.0)
                .hint_text("Merge into: find a source"),
        );
    });
    captures_ui(ui, form, &id, &u.source, state, actions);
    if !form.merge_query.trim().is_empty() {
        let others: Vec<Source> = dataset
            .source_uses_ready()
            .unwrap_or_default()
            .iter()
            .map(|o| o.source.clone())
            .filter(|s| s.id.is_some() && s.id.as_deref() != Some(id.as_str()))
            .collect();
        let found = super::claims::matching(&others, &form.merge_query);
        if found.is_empty() {
            ui.weak("No other source matches.");
        }
        for other in found.into_iter().take(8) {
            let Some(keep) = other.id.clone() else {
                continue;
            };
            if ui
                .button(format!("Merge into {}", super::claims::describe(other)))
                .on_hover_text(format!(
                    "The same report: every citation of {id} cites {keep}, which gains the fields and captures it lacks; {id} is gone (undo brings it back)"
                ))
                .clicked()
            {
                actions.push(Action::MergeSources {
                    keep,
                    merged: id.clone(),
                });
                form.merge_query.clear();
            }
        }
    }
    ui.separator();
}

/// The source's captures (each opened with the system's viewer), the button that keeps a
/// new one (or its progress), and the name recorded on them.
fn captures_ui(
    ui: &mut Ui,
    form: &mut SourceForm,
    id: &str,
    source: &Source,
    state: &SourceFormState<'_>,
    actions: &mut Vec<Action>,
) {
    ui.add_space(4.0);
    ui.strong(format!("Captures ({})", source.captures.len()));
    for capture in &source.captures {
        ui.horizontal_wrapped(|ui| {
            let file = capture.file.as_deref().unwrap_or("(no file)");
            if ui
                .small_button("Open")
                .on_hover_text(format!("Open {file} with the system's viewer"))
                .clicked()
            {
                actions.push(Action::OpenCapture(file.to_owned()));
            }
            let mut about: Vec<String> = Vec::new();
            about.extend(capture.media_type.clone());
            about.extend(capture.bytes.map(|b| format!("{b} bytes")));
            about.extend(capture.captured_at.clone());
            about.extend(capture.captured_by.as_ref().map(|b| format!("by {b}")));
            let sha = capture.sha256.as_deref().unwrap_or("no SHA-256");
            ui.label(RichText::new(about.join(" · ")).weak())
                .on_hover_text(format!("{file}\nSHA-256 {sha}"));
            ui.label(
                RichText::new(format!("SHA-256 {}…", sha.get(..12).unwrap_or(sha)))
                    .monospace()
                    .weak(),
            );
        });
    }
    ui.horizontal(|ui| match state.capturing {
        Some(fraction) => {
            ui.add(egui::ProgressBar::new(fraction).desired_width(160.0).show_percentage());
            if ui.button("Cancel").clicked() {
                actions.push(Action::CancelCapture);
            }
        }
        None => {
            if ui
                .button("Attach capture…")
                .on_hover_text("Keep a copy of the source (PDF, screenshot, web page, web archive): hashed, copied into captures/ beside the dataset, never changed. Or drop the file here.")
                .clicked()
            {
                actions.push(Action::ShowAttachDialog(id.to_owned()));
            }
        }
    });
    ui.horizontal(|ui| {
        let name = ui.label("Captured by");
        let text = form
            .name
            .get_or_insert_with(|| state.editor_name.to_owned());
        let response = ui
            .add(
                egui::TextEdit::singleline(text)
                    .desired_width(160.0)
                    .hint_text("your name, recorded on captures"),
            )
            .labelled_by(name.id);
        if response.lost_focus() && text.trim() != state.editor_name {
            actions.push(Action::SetEditorName(text.trim().to_owned()));
        }
    });
}

/// How many of the claims resting on a source the panel lists (each is read from the file
/// every frame it is shown).
const CLAIMS_SHOWN: usize = 100;

/// The details panel for a selected source: the record, then every claim resting on it
/// with its feature (a link that selects it) and the words it quotes.
pub fn source_details_ui(ui: &mut Ui, dataset: &Dataset, u: &SourceUse, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.weak("Source");
            ui.heading(source_title(&u.source));
            ui.add_space(4.0);
            super::details::source_ui(ui, None, &u.source);
            ui.add_space(10.0);
            ui.strong(format!(
                "What rests on it: {} claim{} on {} feature{}",
                u.claims.len(),
                plural(u.claims.len()),
                u.features.len(),
                plural(u.features.len())
            ));
            ui.separator();
            let id = u.source.id.as_deref().unwrap_or("");
            let mut last_feature = None;
            for &(index, c) in u.claims.iter().take(CLAIMS_SHOWN) {
                let Some(feature) = dataset.feature(index) else {
                    continue;
                };
                if last_feature != Some(index) {
                    ui.add_space(6.0);
                    if ui
                        .link(RichText::new(&feature.name).strong())
                        .on_hover_text(format!("Select {}", feature.id))
                        .clicked()
                    {
                        actions.push(Action::SelectAndCenter(index));
                    }
                    last_feature = Some(index);
                }
                let Some(claim) = feature.claims.get(c) else {
                    continue;
                };
                ui.horizontal_wrapped(|ui| {
                    let status = claim.status.map_or("unrated", |s| s.label());
                    super::details::badge_ui(ui, status, theme::status_color(claim.status));
                    ui.label(&claim.text);
                });
                if let Some(by) = &claim.by {
                    ui.weak(format!("— {by}"));
                }
                for citation in claim.citations.iter().filter(|c| c.id == id) {
                    if let Some(quote) = &citation.quote {
                        ui.label(RichText::new(format!("“{quote}”")).italics());
                    }
                }
            }
            if u.claims.is_empty() {
                ui.weak("No claim cites this source.");
            } else if u.claims.len() > CLAIMS_SHOWN {
                ui.add_space(6.0);
                ui.weak(format!(
                    "… and {} more claims (highlighted on the map)",
                    u.claims.len() - CLAIMS_SHOWN
                ));
            }
        });
}

/// How a source is named in a list: its publisher and title, else its id.
fn source_title(source: &Source) -> String {
    match (&source.publisher, &source.title) {
        (Some(p), Some(t)) => format!("{p}: {t}"),
        (Some(p), None) => p.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => source
            .id
            .clone()
            .unwrap_or_else(|| "(unnamed source)".to_owned()),
    }
}

/// Whether a source's publisher, title or id contains `query` (lower case).
fn matches(source: &Source, query: &str) -> bool {
    [&source.publisher, &source.title, &source.id]
        .into_iter()
        .flatten()
        .any(|s| s.to_lowercase().contains(query))
}

fn shown_date(written: &str) -> String {
    crate::dataset::DateExpr::shown(written)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
