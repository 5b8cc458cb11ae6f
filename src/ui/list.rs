//! The feature list: grouped by kind, filtered by a search box, virtualised so that only
//! the rows in view are laid out.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::Ui;

use crate::action::Action;
use crate::dataset::{Dataset, FeatureKind, InRange, SearchIndex};
use crate::theme;

/// One row of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    Header(FeatureKind, usize),
    Item(usize),
}

/// Lists longer than this are searched on a background thread; shorter ones at once.
pub const BACKGROUND_SEARCH_FROM: usize = 50_000;

/// What the rows are built for: the query, the folded groups and the time range (a count
/// of ranges set).
type RowsKey = (String, BTreeSet<FeatureKind>, u64);

/// The rows for a query, and how many features matched.
struct Built {
    key: RowsKey,
    rows: Vec<Row>,
    matches: usize,
}

/// A search running on a background thread.
struct SearchJob {
    key: RowsKey,
    cancelled: Arc<AtomicBool>,
    result: Receiver<Built>,
}

/// The list's state: the query, its matches, and which groups are folded.
pub struct FeatureList {
    /// The search box's text.
    pub query: String,
    index: Arc<SearchIndex>,
    built: Built,
    job: Option<SearchJob>,
    folded: BTreeSet<FeatureKind>,
    scroll_to: Option<usize>,
    /// The timeline's range: only its features are listed.
    range: Option<Arc<InRange>>,
    /// Counts the ranges set, to tell rows of one range from another's.
    range_generation: u64,
}

impl FeatureList {
    /// A list over `dataset`'s features (the search index is built here: for a big dataset,
    /// off the UI thread, see [`Self::with_index`]).
    pub fn new(dataset: &Dataset) -> Self {
        Self::with_index(Arc::new(SearchIndex::new(dataset)))
    }

    /// A list over the features of a search index built beforehand.
    pub fn with_index(index: Arc<SearchIndex>) -> Self {
        let key: RowsKey = (String::new(), BTreeSet::new(), 0);
        let built = build_rows(&index, key, None, &AtomicBool::new(false)).unwrap_or(Built {
            key: (String::new(), BTreeSet::new(), 0),
            rows: Vec::new(),
            matches: 0,
        });
        Self {
            query: String::new(),
            index,
            built,
            job: None,
            folded: BTreeSet::new(),
            scroll_to: None,
            range: None,
            range_generation: 0,
        }
    }

    /// The search index it lists.
    pub fn index(&self) -> Arc<SearchIndex> {
        Arc::clone(&self.index)
    }

    /// The same list (query, folded groups, range) over a new index of the dataset, once
    /// features were edited.
    pub fn replace_index(&mut self, index: Arc<SearchIndex>) {
        self.index = index;
        // Rows of the old index are of another generation: built again.
        self.range_generation += 1;
        self.rebuild(None);
    }

    /// The same list over the index with features `indices` of `dataset` taken in as they
    /// now are (an edit): the index is copied only while a search still reads it.
    pub fn update_index(&mut self, dataset: &Dataset, indices: &[usize]) {
        Arc::make_mut(&mut self.index).update(dataset, indices);
        self.range_generation += 1;
        self.rebuild(None);
    }

    /// Lists only the features of a time range (or, with `None`, every feature).
    pub fn set_range(&mut self, range: Option<Arc<InRange>>) {
        self.range = range;
        self.range_generation += 1;
        self.rebuild(None);
    }

    /// Whether a search is still running in the background.
    pub fn is_searching(&self) -> bool {
        self.job.is_some()
    }

    /// Brings the rows up to date with the query and the folding: at once for a short list,
    /// else by starting (or collecting) a background search. Until it is done the previous
    /// rows stay on screen.
    fn rebuild(&mut self, ctx: Option<&egui::Context>) {
        let key: RowsKey = (
            self.query.trim().to_owned(),
            self.folded.clone(),
            self.range_generation,
        );
        if let Some(job) = &self.job {
            match job.result.try_recv() {
                Ok(built) => {
                    self.built = built;
                    self.job = None;
                }
                Err(TryRecvError::Empty) if job.key == key => return,
                Err(_) => {
                    job.cancelled.store(true, Ordering::Relaxed);
                    self.job = None;
                }
            }
        }
        if self.built.key == key {
            return;
        }
        if self.index.len() < BACKGROUND_SEARCH_FROM {
            if let Some(built) = build_rows(
                &self.index,
                key,
                self.range.as_deref(),
                &AtomicBool::new(false),
            ) {
                self.built = built;
            }
            return;
        }
        let (tx, rx) = channel();
        let cancelled = Arc::new(AtomicBool::new(false));
        let (index, job_cancelled, job_key, ctx, range) = (
            self.index.clone(),
            cancelled.clone(),
            key.clone(),
            ctx.cloned(),
            self.range.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("sortie-search".to_owned())
            .spawn(move || {
                if let Some(built) = build_rows(&index, job_key, range.as_deref(), &job_cancelled) {
                    tx.send(built).ok();
                    if let Some(ctx) = ctx {
                        ctx.request_repaint();
                    }
                }
            });
        if spawned.is_ok() {
            self.job = Some(SearchJob {
                key,
                cancelled,
                result: rx,
            });
        }
    }

    /// Waits for a background search to finish (tests and benchmarks).
    pub fn wait_for_search(&mut self) {
        while let Some(job) = &self.job {
            if let Ok(built) = job.result.recv() {
                self.built = built;
            }
            self.job = None;
            self.rebuild(None);
        }
    }

    /// How many features match the query (in the rows on screen).
    pub fn match_count(&self) -> usize {
        self.built.matches
    }

    /// Feature indices in list order (what Up/Down walks through).
    pub fn visible_items(&mut self) -> Vec<usize> {
        self.rebuild(None);
        self.built
            .rows
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
        self.rebuild(Some(ui.ctx()));
        let matches = self.built.matches;
        if self.is_searching() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(format!("Searching {} features…", self.index.len()));
            });
        } else if !self.built.key.0.is_empty() {
            ui.weak(format!(
                "{matches} match{}",
                if matches == 1 { "" } else { "es" }
            ));
        }
        ui.separator();

        let row_height = ui.spacing().interact_size.y + 2.0;
        let mut scroll = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if let Some(target) = self.scroll_to.take()
            && let Some(row) = self.built.rows.iter().position(|r| *r == Row::Item(target))
        {
            let viewport = ui.available_height();
            #[allow(clippy::cast_precision_loss)]
            let y = row as f32 * (row_height + ui.spacing().item_spacing.y);
            scroll = scroll.vertical_scroll_offset((y - viewport / 2.0).max(0.0));
        }
        let mut hovered = None;
        let mut toggle = None;
        let rows = &self.built.rows;
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
                        let Some(f) = dataset.get(i) else {
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
                                ui.add(egui::Button::selectable(selected, f.name).truncate())
                            })
                            .inner;
                        if response.clicked() {
                            actions.push(Action::SelectAndCenter(i));
                        }
                        if response.hovered() {
                            hovered = Some(i);
                        }
                        if !f.has_geometry() {
                            response.on_hover_text("No geometry: listed, not drawn");
                        }
                    }
                }
            }
        });
        if let Some(kind) = toggle
            && !self.folded.remove(&kind)
        {
            self.folded.insert(kind);
        }
        hovered
    }
}

/// The rows for a query: a header per kind with its count, then its matches unless the
/// kind is folded. `None` when cancelled.
fn build_rows(
    index: &SearchIndex,
    key: RowsKey,
    range: Option<&InRange>,
    cancelled: &AtomicBool,
) -> Option<Built> {
    let mut found = index.matches(&key.0, cancelled)?;
    if let Some(range) = range {
        found.retain(|&i| range.shown.get(i));
    }
    let mut groups: Vec<(FeatureKind, Vec<usize>)> =
        FeatureKind::ALL.iter().map(|&k| (k, Vec::new())).collect();
    for i in found.iter().copied() {
        let kind = index.kind(i);
        if let Some((_, members)) = groups.iter_mut().find(|(k, _)| *k == kind) {
            members.push(i);
        }
    }
    let mut rows = Vec::new();
    for (kind, members) in groups {
        if members.is_empty() {
            continue;
        }
        rows.push(Row::Header(kind, members.len()));
        if !key.1.contains(&kind) {
            rows.extend(members.into_iter().map(Row::Item));
        }
    }
    Some(Built {
        key,
        rows,
        matches: found.len(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_searched_in_the_background_and_the_last_query_wins() {
        let spec = crate::synth::SynthSpec {
            points: BACKGROUND_SEARCH_FROM + 1_000,
            routes: 0,
            seed: 5,
        };
        let dataset =
            crate::dataset::parse_str(&crate::synth::dataset_text(spec), None).expect("loads");
        let mut list = FeatureList::new(&dataset);
        assert_eq!(list.match_count(), spec.points);
        list.query = "place".to_owned();
        list.rebuild(None);
        assert!(
            list.is_searching(),
            "a search of {} features runs off the UI thread",
            spec.points
        );
        // A new query before the first is done: the first is dropped.
        list.query = "target 1234".to_owned();
        list.wait_for_search();
        assert!(!list.is_searching());
        let expected: Vec<usize> = dataset
            .iter()
            .filter(|f| f.name.contains("target 1234"))
            .map(|f| f.index)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(list.visible_items(), expected);
        assert_eq!(list.match_count(), expected.len());
    }
}
