//! The feature list: grouped by kind, filtered by a search box, virtualised so that only
//! the rows in view are laid out.

use std::collections::BTreeSet;

use egui::Ui;

use crate::app::Action;
use crate::dataset::{Dataset, FeatureKind};
use crate::theme;

/// One row of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    Header(FeatureKind, usize),
    Item(usize),
}

/// The list's state: the query, its matches, and which groups are folded.
pub struct FeatureList {
    /// The search box's text.
    pub query: String,
    /// Lower-cased `name id description` per feature, built once at load.
    haystacks: Vec<String>,
    kinds: Vec<FeatureKind>,
    /// The query the rows were built for.
    built_for: Option<String>,
    rows: Vec<Row>,
    folded: BTreeSet<FeatureKind>,
    scroll_to: Option<usize>,
}

impl FeatureList {
    /// A list over `dataset`'s features.
    pub fn new(dataset: &Dataset) -> Self {
        let haystacks = dataset
            .features
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f.name,
                    f.id,
                    f.description.as_deref().unwrap_or("")
                )
                .to_lowercase()
            })
            .collect();
        Self {
            query: String::new(),
            haystacks,
            kinds: dataset.features.iter().map(|f| f.kind).collect(),
            built_for: None,
            rows: Vec::new(),
            folded: BTreeSet::new(),
            scroll_to: None,
        }
    }

    /// Rebuilds the rows when the query or the folding changed.
    fn rebuild(&mut self) {
        if self.built_for.as_deref() == Some(self.query.as_str()) {
            return;
        }
        let needle = self.query.trim().to_lowercase();
        let mut groups: Vec<(FeatureKind, Vec<usize>)> =
            FeatureKind::ALL.iter().map(|&k| (k, Vec::new())).collect();
        for (i, hay) in self.haystacks.iter().enumerate() {
            if needle.is_empty() || hay.contains(&needle) {
                let kind = self.kinds.get(i).copied().unwrap_or(FeatureKind::Other);
                if let Some((_, members)) = groups.iter_mut().find(|(k, _)| *k == kind) {
                    members.push(i);
                }
            }
        }
        self.rows.clear();
        for (kind, members) in groups {
            if members.is_empty() {
                continue;
            }
            self.rows.push(Row::Header(kind, members.len()));
            if !self.folded.contains(&kind) {
                self.rows.extend(members.into_iter().map(Row::Item));
            }
        }
        self.built_for = Some(self.query.clone());
    }

    /// Feature indices in list order (what Up/Down walks through).
    pub fn visible_items(&mut self) -> Vec<usize> {
        self.rebuild();
        self.rows
            .iter()
            .filter_map(|r| match r {
                Row::Item(i) => Some(*i),
                Row::Header(..) => None,
            })
            .collect()
    }

    /// The item `step` rows from `current` (or the first/last when nothing is selected).
    pub fn step(&mut self, current: Option<usize>, step: isize) -> Option<usize> {
        let items = self.visible_items();
        let position = current.and_then(|c| items.iter().position(|&i| i == c));
        let next = match position {
            Some(p) => p
                .saturating_add_signed(step)
                .min(items.len().saturating_sub(1)),
            None if step >= 0 => 0,
            None => items.len().checked_sub(1)?,
        };
        items.get(next).copied()
    }

    /// Scrolls the list to show `index` on the next frame.
    pub fn scroll_to(&mut self, index: usize) {
        self.scroll_to = Some(index);
    }

    /// Draws the search box and the list; returns the feature hovered in it.
    pub fn list_ui(
        &mut self,
        ui: &mut Ui,
        dataset: &Dataset,
        selection: Option<usize>,
        actions: &mut Vec<Action>,
    ) -> Option<usize> {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("Search features")
                    .desired_width(f32::INFINITY),
            );
        });
        self.rebuild();
        let matches = self
            .rows
            .iter()
            .filter(|r| matches!(r, Row::Item(_)))
            .count();
        if !self.query.trim().is_empty() {
            ui.weak(format!(
                "{matches} match{}",
                if matches == 1 { "" } else { "es" }
            ));
        }
        ui.separator();

        let row_height = ui.spacing().interact_size.y + 2.0;
        let mut scroll = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if let Some(target) = self.scroll_to.take()
            && let Some(row) = self.rows.iter().position(|r| *r == Row::Item(target))
        {
            let viewport = ui.available_height();
            #[allow(clippy::cast_precision_loss)]
            let y = row as f32 * (row_height + ui.spacing().item_spacing.y);
            scroll = scroll.vertical_scroll_offset((y - viewport / 2.0).max(0.0));
        }
        let mut hovered = None;
        let mut toggle = None;
        let rows = &self.rows;
        scroll.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in rows.get(range).unwrap_or(&[]) {
                match *row {
                    Row::Header(kind, count) => {
                        let folded = self.folded.contains(&kind);
                        let text =
                            egui::RichText::new(format!("{} ({count})", kind.plural_label()))
                                .strong();
                        let response = ui
                            .horizontal(|ui| {
                                let (icon, _) = ui.allocate_exact_size(
                                    egui::vec2(12.0, row_height),
                                    egui::Sense::hover(),
                                );
                                fold_icon(ui, icon, folded);
                                ui.add(egui::Button::new(text).frame(false))
                            })
                            .inner;
                        if response.clicked() {
                            toggle = Some(kind);
                        }
                    }
                    Row::Item(i) => {
                        let Some(f) = dataset.features.get(i) else {
                            continue;
                        };
                        let selected = selection == Some(i);
                        let response = ui
                            .horizontal(|ui| {
                                let (dot, _) = ui.allocate_exact_size(
                                    egui::vec2(12.0, row_height),
                                    egui::Sense::hover(),
                                );
                                ui.painter().circle_filled(
                                    dot.center(),
                                    4.0,
                                    theme::kind_color(f.kind),
                                );
                                ui.add(egui::Button::selectable(selected, &f.name).truncate())
                            })
                            .inner;
                        if response.clicked() {
                            actions.push(Action::SelectAndCenter(i));
                        }
                        if response.hovered() {
                            hovered = Some(i);
                        }
                        if f.geometry.is_none() {
                            response.on_hover_text("No geometry: listed, not drawn");
                        }
                    }
                }
            }
        });
        if let Some(kind) = toggle {
            if !self.folded.remove(&kind) {
                self.folded.insert(kind);
            }
            self.built_for = None;
        }
        hovered
    }
}

/// A small triangle: pointing right when folded, down when open.
fn fold_icon(ui: &Ui, rect: egui::Rect, folded: bool) {
    let c = rect.center();
    let r = 4.0;
    let points = if folded {
        vec![
            c + egui::vec2(-r * 0.6, -r),
            c + egui::vec2(r * 0.9, 0.0),
            c + egui::vec2(-r * 0.6, r),
        ]
    } else {
        vec![
            c + egui::vec2(-r, -r * 0.6),
            c + egui::vec2(r, -r * 0.6),
            c + egui::vec2(0.0, r * 0.9),
        ]
    };
    let color = ui.visuals().text_color();
    ui.painter().add(egui::Shape::convex_polygon(
        points,
        color,
        egui::Stroke::NONE,
    ));
}
