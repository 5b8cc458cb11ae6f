//! The timeline along the bottom: a histogram of the features over time whose bins follow
//! the axis's zoom (features spanning several bins spread lighter over them), a range with
//! two handles and a draggable middle, playback (sliding or cumulative), and the switches
//! that decide what the range shows (possible or definite, undated or not). It returns the
//! filter the map and the list should follow; the app applies it.

use std::sync::Arc;

use egui::{Align2, FontId, Pos2, Rect, Sense, Stroke, Ui, vec2};

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

    #[allow(
        clippy::too_many_lines,
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation
    )]
    fn plot_ui(
        &mut self,
        ui: &mut Ui,
        dataset: &Dataset,
        focus: Option<usize>,
        palette: &Palette,
        unit: BinUnit,
    ) {
        let (rect, background) = ui.allocate_exact_size(
            vec2(ui.available_width(), PLOT_HEIGHT_PX + 34.0),
            Sense::drag(),
        );
        let plot = Rect::from_min_max(rect.min, Pos2::new(rect.max.x, rect.min.y + PLOT_HEIGHT_PX));
        let (v0, v1) = self.view;
        let x_of = |t: f64| plot.left() + ((t - v0) / (v1 - v0)) as f32 * plot.width();
        let t_of = |x: f32| v0 + f64::from((x - plot.left()) / plot.width()) * (v1 - v0);
        let visuals = ui.visuals().clone();
        let accent = palette.selection;
        let painter = ui.painter_at(rect);
        painter.rect_filled(plot, 2.0, visuals.extreme_bg_color);

        // The range, shaded.
        let (r0, r1) = (x_of(self.range.0 as f64), x_of(self.range.1 as f64));
        let shade =
            Rect::from_x_y_ranges(r0.max(plot.left())..=r1.min(plot.right()), plot.y_range());
        if shade.width() > 0.0 {
            painter.rect_filled(shade, 0.0, accent.gamma_multiply(0.12));
        }

        // The bins: definite counts solid, spread shares lighter above.
        let range = self.range;
        let unbounded = self.index.unbounded();
        let hist = self.histogram(unit);
        // Scaled to the tallest bin in view.
        #[allow(clippy::cast_precision_loss)]
        let max = hist
            .bins
            .iter()
            .zip(hist.edges.windows(2))
            .filter(|(_, e)| (e[1] as f64) > v0 && (e[0] as f64) < v1)
            .map(|(&(w, s), _)| w as f32 + s)
            .fold(0.0, f32::max);
        let scale = if max > 0.0 {
            (plot.height() - 6.0) / max
        } else {
            0.0
        };
        for (k, &(whole, spread)) in hist.bins.iter().enumerate() {
            let (a, b) = (hist.edges[k], hist.edges[k + 1]);
            let (x0, x1) = (x_of(a as f64), x_of(b as f64));
            if x1 < plot.left() || x0 > plot.right() {
                continue;
            }
            let in_range = a < range.1 && b > range.0;
            let color = if in_range {
                accent
            } else {
                visuals.weak_text_color()
            };
            let x1 = (x1 - 1.0).max(x0 + 1.0);
            let h_whole = whole as f32 * scale;
            let h_spread = spread * scale;
            if h_whole > 0.0 {
                painter.rect_filled(
                    Rect::from_x_y_ranges(x0..=x1, (plot.bottom() - h_whole)..=plot.bottom()),
                    0.0,
                    color.gamma_multiply(0.85),
                );
            }
            if h_spread > 0.05 {
                let top = plot.bottom() - h_whole;
                painter.rect_filled(
                    Rect::from_x_y_ranges(x0..=x1, (top - h_spread)..=top),
                    0.0,
                    color.gamma_multiply(0.35),
                );
            }
        }

        // Axis labels at least 70 points apart: every k-th edge of the bins' unit (k from a
        // round series: every 7th day), else the edges of a coarser unit.
        let px_per = |u: BinUnit| (u.typical_s() as f64 / (v1 - v0)) * f64::from(plot.width());
        let every = every_kth(hist.unit).iter().copied().find(|&k| {
            #[allow(clippy::cast_precision_loss)]
            let wide = px_per(hist.unit) * k as f64;
            wide >= 70.0
        });
        let (label_unit, k) = match every {
            Some(k) => (hist.unit, k),
            None => (
                BinUnit::ALL
                    .into_iter()
                    .filter(|u| *u > hist.unit)
                    .find(|u| px_per(*u) >= 70.0)
                    .unwrap_or(BinUnit::Decade),
                1,
            ),
        };
        let font = FontId::proportional(11.0);
        let mut t = label_unit.floor(v0 as i64);
        let mut edges = 0;
        while (t as f64) < v1 && edges < 2_000 {
            edges += 1;
            let x = x_of(t as f64);
            if x >= plot.left() && is_kth(t, label_unit, k) {
                painter.line_segment(
                    [
                        Pos2::new(x, plot.bottom()),
                        Pos2::new(x, plot.bottom() + 4.0),
                    ],
                    Stroke::new(1.0, visuals.weak_text_color()),
                );
                painter.text(
                    Pos2::new(x + 2.0, plot.bottom() + 3.0),
                    Align2::LEFT_TOP,
                    axis_label(t, label_unit),
                    font.clone(),
                    visuals.weak_text_color(),
                );
            }
            t = label_unit.next(t);
        }
        painter.text(
            Pos2::new(plot.left() + 4.0, plot.top() + 3.0),
            Align2::LEFT_TOP,
            match unbounded {
                0 => format!("bins: {}", hist.unit.label()),
                n => format!(
                    "bins: {} · {n} open-ended span{} not counted",
                    hist.unit.label(),
                    if n == 1 { "" } else { "s" }
                ),
            },
            font.clone(),
            visuals.weak_text_color(),
        );

        // The focused feature's span, with its claims' dates as ticks.
        let band_y = plot.bottom() + 22.0;
        if let Some(i) = focus {
            if self.focus.as_ref().is_none_or(|f| f.0 != i) {
                let claims = dataset
                    .feature(i)
                    .map(|f| {
                        f.claims
                            .iter()
                            .filter_map(|c| DateExpr::parse(c.date.as_deref()?).ok())
                            .map(|d| d.when())
                            .collect()
                    })
                    .unwrap_or_default();
                self.focus = Some((i, dataset.when(i), claims));
            }
            if let Some((_, span, claims)) = &self.focus {
                if let Some(w) = span {
                    let a = if w.start == i64::MIN {
                        plot.left()
                    } else {
                        x_of(w.start as f64)
                    };
                    let b = if w.end == i64::MAX {
                        plot.right()
                    } else {
                        x_of(w.end as f64)
                    };
                    let (a, b) = (a.max(plot.left()), b.min(plot.right()).max(a + 2.0));
                    painter.rect_filled(
                        Rect::from_x_y_ranges(a..=b, (band_y - 3.0)..=(band_y + 3.0)),
                        2.0,
                        palette.hover,
                    );
                }
                for c in claims {
                    // At the middle of the claim's date, or at its one finite end.
                    let at = match (c.start, c.end) {
                        (i64::MIN, i64::MAX) => continue,
                        (i64::MIN, end) => end as f64,
                        (start, i64::MAX) => start as f64,
                        (start, end) => start as f64 / 2.0 + end as f64 / 2.0,
                    };
                    let x = x_of(at);
                    if (plot.left()..=plot.right()).contains(&x) {
                        painter.line_segment(
                            [Pos2::new(x, band_y - 7.0), Pos2::new(x, band_y + 7.0)],
                            Stroke::new(2.0, visuals.strong_text_color()),
                        );
                    }
                }
                let name = dataset.get(i).map_or("", |f| f.name);
                let what = if span.is_some() {
                    name.to_owned()
                } else {
                    format!("{name}: undated")
                };
                painter.text(
                    Pos2::new(plot.left() + 4.0, band_y),
                    Align2::LEFT_CENTER,
                    what,
                    font,
                    visuals.text_color(),
                );
            }
        } else {
            self.focus = None;
        }

        // Handles and the middle: dragged, they move the range; elsewhere, a drag pans.
        let snap = |t: f64| {
            let t = t as i64;
            let a = unit.floor(t);
            let b = unit.next(a);
            if t - a < b - t { a } else { b }
        };
        let grip = |x: f32| Rect::from_x_y_ranges((x - 5.0)..=(x + 5.0), plot.y_range());
        let middle = Rect::from_x_y_ranges((r0 + 5.0)..=(r1 - 5.0).max(r0 + 5.0), plot.y_range());
        let id = ui.make_persistent_id("timeline-range");
        let drag_middle = ui.interact(middle, id.with("middle"), Sense::drag());
        let start = ui.interact(grip(r0), id.with("start"), Sense::drag());
        let end = ui.interact(grip(r1), id.with("end"), Sense::drag());
        for (response, label) in [
            (&start, "Range start"),
            (&end, "Range end"),
            (&drag_middle, "Range"),
        ] {
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, label));
        }
        if start.hovered() || end.hovered() || start.dragged() || end.dragged() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
        } else if drag_middle.hovered() || drag_middle.dragged() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grab);
        }
        for (x, response) in [(r0, &start), (r1, &end)] {
            let strong = response.hovered() || response.dragged();
            let stroke = Stroke::new(if strong { 3.0 } else { 2.0 }, accent);
            painter.line_segment(
                [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
                stroke,
            );
            painter.rect_filled(
                Rect::from_center_size(Pos2::new(x, plot.center().y), vec2(7.0, 18.0)),
                2.0,
                accent,
            );
        }
        if let Some(p) = start.interact_pointer_pos().filter(|_| start.dragged()) {
            let t = snap(t_of(p.x)).min(self.range.1 - 1);
            self.range.0 = t;
            self.text = None;
        }
        if let Some(p) = end.interact_pointer_pos().filter(|_| end.dragged()) {
            let t = snap(t_of(p.x)).max(self.range.0 + 1);
            self.range.1 = t;
            self.text = None;
        }
        if drag_middle.dragged() {
            let dt = f64::from(drag_middle.drag_delta().x / plot.width()) * (v1 - v0);
            let moved = (dt as i64).clamp(-(1 << 50), 1 << 50);
            self.range = (self.range.0 + moved, self.range.1 + moved);
            self.text = None;
        }
        if drag_middle.drag_stopped() {
            let length = self.range.1 - self.range.0;
            let from = snap(self.range.0 as f64);
            self.range = (from, from + length);
        }
        if background.dragged() {
            let dt = f64::from(background.drag_delta().x / plot.width()) * (v1 - v0);
            self.view = (v0 - dt, v1 - dt);
        }
        if let Some(p) = background.hover_pos().or(drag_middle.hover_pos()) {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y + i.smooth_scroll_delta.x);
            let zoom = ui.input(egui::InputState::zoom_delta);
            let factor = (-f64::from(scroll) * 0.003).exp() / f64::from(zoom);
            if (factor - 1.0).abs() > 1e-6 {
                let at = t_of(p.x);
                let span = ((v1 - v0) * factor).clamp(MIN_VIEW_S, MAX_VIEW_S);
                let left = (at - v0) / (v1 - v0);
                self.view = (at - span * left, at + span * (1.0 - left));
            }
        }
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
