//! The timeline along the bottom: a histogram of the features over time whose bins follow
//! the axis's zoom (features spanning several bins spread lighter over them), a range with
//! two handles and a draggable middle, playback (sliding or cumulative), and the switches
//! that decide what the range shows (possible or definite, undated or not). It returns the
//! filter the map and the list should follow; the app applies it.

mod plot;

use std::sync::Arc;

use egui::{Sense, Ui, vec2};

use crate::dataset::time::iso;
use crate::dataset::{
    BinUnit, DAY_S, Dataset, DateExpr, InRange, RangeMode, TimeFilter, TimeIndex, When,
};
use crate::theme::Palette;

/// How the range moves while playing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WindowMode {
    /// A window of fixed length moves along.
    #[default]
    Sliding,
    /// The start stays; the end moves.
    Cumulative,
}

/// Playback speeds offered, in bins per second.
const SPEEDS: [f32; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];

/// The widest axis, in seconds (about a thousand years), and the narrowest (six hours).
const MAX_VIEW_S: f64 = 3.2e10;
const MIN_VIEW_S: f64 = 21_600.0;

/// The histogram's height, in points.
const PLOT_HEIGHT_PX: f32 = 84.0;

/// Bins are at least this wide, in points.
const MIN_BIN_PX: f32 = 4.0;

/// The histogram over an axis view and a view's width on each side of it, so that panning
/// reuses it until the view leaves what it covers.
struct Histogram {
    unit: BinUnit,
    /// The stretch of time it covers.
    covered: (i64, i64),
    edges: Vec<i64>,
    bins: Vec<(u32, f32)>,
}

/// The timeline's state.
pub struct Timeline {
    index: Arc<TimeIndex>,
    /// The axis shown, seconds since 1970 (as floats, for smooth zooming).
    view: (f64, f64),
    /// The selected range, `from..to`.
    pub range: (i64, i64),
    /// Possible or definite.
    pub mode: RangeMode,
    /// Whether undated features are shown.
    pub show_undated: bool,
    /// Playing.
    pub playing: bool,
    /// Bins per second while playing.
    pub speed: f32,
    /// Start again at the end.
    pub looping: bool,
    /// Sliding or cumulative.
    pub window: WindowMode,
    /// The range as text, while it is edited.
    text: Option<(String, String)>,
    histogram: Option<Histogram>,
    /// Bins owed to playback since the last step.
    clock: f64,
    /// The feature whose span is drawn, its span and its claims' dates.
    focus: Option<(usize, Option<When>, Vec<When>)>,
}

impl Timeline {
    /// A timeline over `index`, its range and axis fitted to the dated features; `None`
    /// when no feature is dated.
    pub fn new(index: Arc<TimeIndex>) -> Option<Self> {
        let (start, end) = index.extent()?;
        let mut timeline = Self {
            index,
            view: (0.0, 1.0),
            range: (start, end),
            mode: RangeMode::Possible,
            show_undated: true,
            playing: false,
            speed: 2.0,
            looping: true,
            window: WindowMode::Sliding,
            text: None,
            histogram: None,
            clock: 0.0,
            focus: None,
        };
        timeline.fit();
        Some(timeline)
    }

    /// The same timeline (range, view, playing) over a new index of the dataset, once
    /// features were edited.
    pub fn replace_index(&mut self, index: Arc<TimeIndex>) {
        self.index = index;
        self.histogram = None;
    }

    /// The index it reads.
    pub fn index(&self) -> &Arc<TimeIndex> {
        &self.index
    }

    /// What the map and the list should show.
    pub fn filter(&self) -> TimeFilter {
        TimeFilter {
            from: self.range.0,
            to: self.range.1,
            mode: self.mode,
            show_undated: self.show_undated,
        }
    }

    /// Fits the axis and the range to the dated features.
    pub fn fit(&mut self) {
        if let Some((start, end)) = self.index.extent() {
            let unit = BinUnit::for_span(start, end, 60);
            let from = unit.floor(start);
            let to = unit.next(unit.floor(end - 1));
            self.range = (from, to);
            #[allow(clippy::cast_precision_loss)]
            let (a, b) = (from as f64, to as f64);
            let pad = (b - a) * 0.04;
            // No wider than the widest zoom: a dataset spanning millennia shows its start.
            let span = (b - a + 2.0 * pad).min(MAX_VIEW_S);
            self.view = (a - pad, a - pad + span);
        }
    }

    /// The unit of the bins on the axis now (at `width_px`).
    fn unit(&self, width_px: f32) -> BinUnit {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let max_bins = (width_px / MIN_BIN_PX).max(1.0) as usize;
        let (a, b) = self.view_i64();
        BinUnit::for_span(a, b, max_bins)
    }

    #[allow(clippy::cast_possible_truncation)]
    fn view_i64(&self) -> (i64, i64) {
        (self.view.0 as i64, self.view.1 as i64)
    }

    /// Moves the range one bin of `unit` forward (or back): the whole window when sliding,
    /// its end when cumulative. Returns whether it moved.
    pub fn step(&mut self, unit: BinUnit, forward: bool) -> bool {
        let (from, to) = self.range;
        // The next bin edge after `t` (or the one before it).
        let next = |t: i64| {
            if forward {
                unit.next(unit.floor(t))
            } else {
                let floor = unit.floor(t);
                if floor < t {
                    floor
                } else {
                    unit.floor(t.saturating_sub(1))
                }
            }
        };
        let moved = match self.window {
            // The start moves to the next edge, and the end by as much: the window keeps its
            // length, however short.
            WindowMode::Sliding => {
                let start = next(from);
                (start, to.saturating_add(start - from))
            }
            WindowMode::Cumulative => {
                let to = next(to);
                if to <= from {
                    return false;
                }
                (from, to)
            }
        };
        self.range = moved;
        self.text = None;
        true
    }

    /// One frame of playback: moves the range by the bins owed since the last frame, and
    /// at the end of the data starts again (looping) or stops.
    fn play(&mut self, ui: &Ui, unit: BinUnit) {
        if !self.playing {
            self.clock = 0.0;
            return;
        }
        let dt = f64::from(ui.input(|i| i.stable_dt).min(0.1));
        self.clock += dt * f64::from(self.speed);
        let Some((start, end)) = self.index.extent() else {
            return;
        };
        while self.clock >= 1.0 {
            self.clock -= 1.0;
            let at_end = match self.window {
                WindowMode::Sliding => self.range.0 >= end,
                WindowMode::Cumulative => self.range.1 >= end,
            };
            if at_end {
                if !self.looping {
                    self.playing = false;
                    break;
                }
                let length = self.range.1 - self.range.0;
                self.range = match self.window {
                    // The window starts again at the beginning of the data.
                    WindowMode::Sliding => {
                        let from = unit.floor(start);
                        (from, from + length)
                    }
                    // The start the user chose stays; the end starts again one bin after it.
                    WindowMode::Cumulative => {
                        let from = self.range.0;
                        (from, unit.next(unit.floor(from)))
                    }
                };
            } else {
                self.step(unit, true);
            }
        }
        // Keep the moving end in view: follow it when it leaves on the right; when the range
        // starts again at the left, go back to its start. Never both, so the view is still.
        #[allow(clippy::cast_precision_loss)]
        let (from, to) = (self.range.0 as f64, self.range.1 as f64);
        let width = self.view.1 - self.view.0;
        let shift = if to > self.view.1 {
            to - self.view.1 + width * 0.05
        } else if to < self.view.0 {
            from - self.view.0 - width * 0.05
        } else {
            0.0
        };
        if shift != 0.0 {
            self.view = (self.view.0 + shift, self.view.1 + shift);
        }
        ui.ctx().request_repaint();
    }

    /// Draws the timeline: the controls, then the histogram with the range, and the span
    /// of `focus` (the hovered or selected feature) under it.
    pub fn timeline_ui(
        &mut self,
        ui: &mut Ui,
        dataset: &Dataset,
        focus: Option<usize>,
        in_range: Option<&InRange>,
        palette: &Palette,
    ) {
        let width = ui.available_width();
        let unit = self.unit(width);
        self.play(ui, unit);
        self.controls_ui(ui, unit, in_range);
        self.plot_ui(ui, dataset, focus, palette, unit);
    }

    fn controls_ui(&mut self, ui: &mut Ui, unit: BinUnit, in_range: Option<&InRange>) {
        ui.horizontal_wrapped(|ui| {
            let play = if self.playing { "Pause" } else { "Play" };
            if ui
                .button(play)
                .on_hover_text("Move the range along, one bin at a time")
                .clicked()
            {
                self.playing = !self.playing;
            }
            if ui
                .button("Step back")
                .on_hover_text(format!(
                    "Move the range back by one of the {}",
                    unit.label()
                ))
                .clicked()
            {
                self.step(unit, false);
            }
            if ui
                .button("Step forward")
                .on_hover_text(format!("Move the range on by one of the {}", unit.label()))
                .clicked()
            {
                self.step(unit, true);
            }
            egui::ComboBox::from_id_salt("timeline-speed")
                .width(70.0)
                .selected_text(format!("{}×", self.speed))
                .show_ui(ui, |ui| {
                    for speed in SPEEDS {
                        ui.selectable_value(
                            &mut self.speed,
                            speed,
                            format!("{speed}× ({speed} bins/s)"),
                        );
                    }
                })
                .response
                .on_hover_text("Playback speed, in bins per second");
            ui.checkbox(&mut self.looping, "Loop");
            ui.separator();
            choice_ui(
                ui,
                &mut self.window,
                [
                    (
                        WindowMode::Sliding,
                        "Sliding",
                        "A window of fixed length moves along",
                    ),
                    (
                        WindowMode::Cumulative,
                        "Cumulative",
                        "The start stays; the end moves",
                    ),
                ],
            );
            ui.separator();
            choice_ui(
                ui,
                &mut self.mode,
                [
                    (
                        RangeMode::Possible,
                        "Possible",
                        "Show features whose dates overlap the range: they may have happened in it",
                    ),
                    (
                        RangeMode::Definite,
                        "Definite",
                        "Show only features whose whole span lies inside the range",
                    ),
                ],
            );
            let undated = self.index.undated();
            ui.checkbox(&mut self.show_undated, format!("Undated ({undated})"))
                .on_hover_text(
                    "Show the features that have no date (undated routes follow their ends)",
                );
            ui.separator();
            self.range_text_ui(ui);
            if ui
                .button("Fit")
                .on_hover_text("Fit the axis and the range to the dated features")
                .clicked()
            {
                self.fit();
                self.text = None;
            }
            if self.mode == RangeMode::Possible
                && let Some(r) = in_range
                && r.partly_count > 0
            {
                ui.separator();
                let (rect, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                ui.painter().circle_filled(
                    rect.center(),
                    4.5,
                    ui.visuals()
                        .text_color()
                        .gamma_multiply(crate::map::draw::FADED_OPACITY),
                );
                ui.weak("faded: may fall in the range").on_hover_text(
                    "Its dates reach outside the range: it may or may not have happened in it",
                );
            }
        });
    }

    /// The range as two editable dates (its first and its last day).
    fn range_text_ui(&mut self, ui: &mut Ui) {
        let timed = self.range.0.rem_euclid(DAY_S) != 0 || self.range.1.rem_euclid(DAY_S) != 0;
        let shown = || {
            let back = if timed { 1 } else { DAY_S };
            (iso(self.range.0, timed), iso(self.range.1 - back, timed))
        };
        let (mut from, mut to) = self.text.clone().unwrap_or_else(shown);
        let from_label = ui.label("From");
        let a = ui
            .add(
                egui::TextEdit::singleline(&mut from)
                    .desired_width(if timed { 150.0 } else { 84.0 })
                    .id_salt("timeline-from"),
            )
            .labelled_by(from_label.id);
        let to_label = ui.label("to");
        let b = ui
            .add(
                egui::TextEdit::singleline(&mut to)
                    .desired_width(if timed { 150.0 } else { 84.0 })
                    .id_salt("timeline-to"),
            )
            .labelled_by(to_label.id);
        let parsed = (DateExpr::parse(&from), DateExpr::parse(&to));
        // A range has two finite ends: an open date (`../2016-08-01`) does not make one.
        let valid = match &parsed {
            (Ok(a), Ok(b)) => {
                let (start, end) = (a.when().start, b.when().end);
                start != i64::MIN && end != i64::MAX && start < end
            }
            _ => false,
        };
        if a.has_focus() || b.has_focus() {
            self.text = Some((from, to));
            if !valid {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "not a range (e.g. 2016-08-01 to 2016-08-31)",
                );
            }
        } else if a.lost_focus() || b.lost_focus() {
            if let (Ok(a), Ok(b)) = parsed
                && valid
            {
                self.range = (a.when().start, b.when().end);
                self.playing = false;
            }
            self.text = None;
        }
    }

    /// The histogram for the view in bins of `unit`: the one kept, while the view stays
    /// in what it covers; else counted again over the view and a view's width each side.
    fn histogram(&mut self, unit: BinUnit) -> &Histogram {
        let (a, b) = self.view_i64();
        let fresh = self
            .histogram
            .as_ref()
            .is_none_or(|h| h.unit != unit || a < h.covered.0 || b > h.covered.1);
        if fresh {
            let width = b.saturating_sub(a);
            let covered = (a.saturating_sub(width), b.saturating_add(width));
            let edges = unit.edges(covered.0, covered.1);
            let bins = self.index.histogram(&edges);
            self.histogram = Some(Histogram {
                unit,
                covered,
                edges,
                bins,
            });
        }
        self.histogram.get_or_insert_with(|| Histogram {
            unit,
            covered: (a, b),
            edges: Vec::new(),
            bins: Vec::new(),
        })
    }
}

/// One of a few values, as selectable labels with their hints.
fn choice_ui<T: Copy + PartialEq, const N: usize>(
    ui: &mut Ui,
    value: &mut T,
    choices: [(T, &str, &str); N],
) {
    for (choice, label, hint) in choices {
        if ui
            .selectable_label(*value == choice, label)
            .on_hover_text(hint)
            .clicked()
        {
            *value = choice;
        }
    }
}

/// How many of a unit one axis label may stand for, smallest first.
fn every_kth(unit: BinUnit) -> &'static [i64] {
    match unit {
        BinUnit::Hour => &[1, 3, 6, 12],
        BinUnit::Day => &[1, 2, 7, 14],
        BinUnit::Month => &[1, 3, 6],
        BinUnit::Year | BinUnit::Decade => &[1, 2, 5, 10],
    }
}

/// Whether the unit starting at `t` is one to label when labelling every `k`-th: days 1,
/// 8, 15… of a month, months 1, 4, 7, 10, years divisible by `k`.
fn is_kth(t: i64, unit: BinUnit, k: i64) -> bool {
    if k <= 1 {
        return true;
    }
    let (y, m, d) = crate::dataset::time::civil(t);
    match unit {
        BinUnit::Hour => t.rem_euclid(DAY_S) / 3_600 % k == 0,
        BinUnit::Day => (i64::from(d) - 1) % k == 0 && d <= 29,
        BinUnit::Month => (i64::from(m) - 1) % k == 0,
        BinUnit::Year => y.rem_euclid(k) == 0,
        BinUnit::Decade => (y / 10).rem_euclid(k) == 0,
    }
}

/// An axis label for the start of a unit: "06:00", "16 Aug", "Aug 2016", "2016", "2010s".
fn axis_label(t: i64, unit: BinUnit) -> String {
    let (y, m, d) = crate::dataset::time::civil(t);
    const SHORT: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = SHORT
        .get(usize::from(m).saturating_sub(1))
        .copied()
        .unwrap_or("?");
    match unit {
        BinUnit::Hour => {
            let s = t.rem_euclid(DAY_S);
            if s == 0 {
                format!("{d} {month}")
            } else {
                format!("{:02}:00", s / 3600)
            }
        }
        BinUnit::Day => format!("{d} {month}"),
        BinUnit::Month if m == 1 => format!("{month} {y}"),
        BinUnit::Month => month.to_owned(),
        BinUnit::Year => y.to_string(),
        BinUnit::Decade => format!("{y}s"),
    }
}
