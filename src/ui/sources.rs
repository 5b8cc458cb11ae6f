//! The Sources tab and the source view: every source of the dataset with who published it,
//! when, and how many claims and features rest on it, searchable by publisher and title; and,
//! for the source picked, the claims resting on it ("what rests on this source?").

use egui::{RichText, Ui};

use crate::action::Action;
use crate::dataset::{Dataset, Source, SourceUse};
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
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(4.0);
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
