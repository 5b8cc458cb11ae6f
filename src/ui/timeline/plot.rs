//! The timeline's plot: the histogram's bins, the axis and its labels, the focused
//! feature's span with its claims' dates, and the range's handles, which drag, pan and zoom.

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use egui::{Align2, FontId, Painter, Pos2, Rect, Response, Sense, Stroke, Ui, Visuals, vec2};

use super::{MAX_VIEW_S, MIN_VIEW_S, PLOT_HEIGHT_PX, Timeline, axis_label, every_kth, is_kth};
use crate::dataset::{BinUnit, Dataset, DateExpr};
use crate::theme::Palette;

/// Where the plot lies on screen and the time it shows.
#[derive(Clone, Copy)]
struct Plot {
    rect: Rect,
    /// The instants at its left and right edges, in seconds.
    view: (f64, f64),
}

impl Plot {
    fn x_of(&self, t: f64) -> f32 {
        let (v0, v1) = self.view;
        self.rect.left() + ((t - v0) / (v1 - v0)) as f32 * self.rect.width()
    }

    fn t_of(&self, x: f32) -> f64 {
        let (v0, v1) = self.view;
        v0 + f64::from((x - self.rect.left()) / self.rect.width()) * (v1 - v0)
    }

    /// Seconds per screen point, times `dx`.
    fn seconds(&self, dx: f32) -> f64 {
        f64::from(dx / self.rect.width()) * (self.view.1 - self.view.0)
    }
}

impl Timeline {
    /// Draws the plot under the controls and applies what is dragged or scrolled on it.
    pub(super) fn plot_ui(
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
        let plot = Plot {
            rect: Rect::from_min_max(rect.min, Pos2::new(rect.max.x, rect.min.y + PLOT_HEIGHT_PX)),
            view: self.view,
        };
        let visuals = ui.visuals().clone();
        let painter = ui.painter_at(rect);
        painter.rect_filled(plot.rect, 2.0, visuals.extreme_bg_color);

        // The range, shaded.
        let (r0, r1) = (
            plot.x_of(self.range.0 as f64),
            plot.x_of(self.range.1 as f64),
        );
        let shade = Rect::from_x_y_ranges(
            r0.max(plot.rect.left())..=r1.min(plot.rect.right()),
            plot.rect.y_range(),
        );
        if shade.width() > 0.0 {
            painter.rect_filled(shade, 0.0, palette.selection.gamma_multiply(0.12));
        }
        let bin_unit = self.paint_bins(&painter, &plot, &visuals, palette, unit);
        self.paint_axis(&painter, &plot, &visuals, bin_unit);
        self.paint_focus(&painter, &plot, &visuals, palette, dataset, focus);
        self.range_ui(ui, &painter, &plot, &background, palette, unit);
    }

    /// The bins: definite counts solid, spread shares lighter above, those in the range in
    /// the accent colour. Returns the bins' unit.
    fn paint_bins(
        &mut self,
        painter: &Painter,
        plot: &Plot,
        visuals: &Visuals,
        palette: &Palette,
        unit: BinUnit,
    ) -> BinUnit {
        let range = self.range;
        let (v0, v1) = plot.view;
        let rect = plot.rect;
        let hist = self.histogram(unit);
        // Scaled to the tallest bin in view.
        let max = hist
            .bins
            .iter()
            .zip(hist.edges.windows(2))
            .filter(|(_, e)| (e[1] as f64) > v0 && (e[0] as f64) < v1)
            .map(|(&(w, s), _)| w as f32 + s)
            .fold(0.0, f32::max);
        let scale = if max > 0.0 {
            (rect.height() - 6.0) / max
        } else {
            0.0
        };
        for (k, &(whole, spread)) in hist.bins.iter().enumerate() {
            let (a, b) = (hist.edges[k], hist.edges[k + 1]);
            let (x0, x1) = (plot.x_of(a as f64), plot.x_of(b as f64));
            if x1 < rect.left() || x0 > rect.right() {
                continue;
            }
            let color = if a < range.1 && b > range.0 {
                palette.selection
            } else {
                visuals.weak_text_color()
            };
            let x1 = (x1 - 1.0).max(x0 + 1.0);
            let h_whole = whole as f32 * scale;
            let h_spread = spread * scale;
            if h_whole > 0.0 {
                painter.rect_filled(
                    Rect::from_x_y_ranges(x0..=x1, (rect.bottom() - h_whole)..=rect.bottom()),
                    0.0,
                    color.gamma_multiply(0.85),
                );
            }
            if h_spread > 0.05 {
                let top = rect.bottom() - h_whole;
                painter.rect_filled(
                    Rect::from_x_y_ranges(x0..=x1, (top - h_spread)..=top),
                    0.0,
                    color.gamma_multiply(0.35),
                );
            }
        }
        hist.unit
    }

    /// Axis labels at least 70 points apart: every k-th edge of the bins' unit (k from a
    /// round series: every 7th day), else the edges of a coarser unit; and the bins' unit
    /// in the corner.
    fn paint_axis(&self, painter: &Painter, plot: &Plot, visuals: &Visuals, bin_unit: BinUnit) {
        let (v0, v1) = plot.view;
        let rect = plot.rect;
        let px_per = |u: BinUnit| (u.typical_s() as f64 / (v1 - v0)) * f64::from(rect.width());
        let every = every_kth(bin_unit)
            .iter()
            .copied()
            .find(|&k| px_per(bin_unit) * k as f64 >= 70.0);
        let (label_unit, k) = match every {
            Some(k) => (bin_unit, k),
            None => (
                BinUnit::ALL
                    .into_iter()
                    .filter(|u| *u > bin_unit)
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
            let x = plot.x_of(t as f64);
            if x >= rect.left() && is_kth(t, label_unit, k) {
                painter.line_segment(
                    [
                        Pos2::new(x, rect.bottom()),
                        Pos2::new(x, rect.bottom() + 4.0),
                    ],
                    Stroke::new(1.0, visuals.weak_text_color()),
                );
                painter.text(
                    Pos2::new(x + 2.0, rect.bottom() + 3.0),
                    Align2::LEFT_TOP,
                    axis_label(t, label_unit),
                    font.clone(),
                    visuals.weak_text_color(),
                );
            }
            t = label_unit.next(t);
        }
        painter.text(
            Pos2::new(rect.left() + 4.0, rect.top() + 3.0),
            Align2::LEFT_TOP,
            match self.index.unbounded() {
                0 => format!("bins: {}", bin_unit.label()),
                n => format!(
                    "bins: {} · {n} open-ended span{} not counted",
                    bin_unit.label(),
                    if n == 1 { "" } else { "s" }
                ),
            },
            font,
            visuals.weak_text_color(),
        );
    }

    /// The focused feature's span under the plot, with its claims' dates as ticks.
    fn paint_focus(
        &mut self,
        painter: &Painter,
        plot: &Plot,
        visuals: &Visuals,
        palette: &Palette,
        dataset: &Dataset,
        focus: Option<usize>,
    ) {
        let Some(i) = focus else {
            self.focus = None;
            return;
        };
        let rect = plot.rect;
        let band_y = rect.bottom() + 22.0;
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
        let Some((_, span, claims)) = &self.focus else {
            return;
        };
        if let Some(w) = span {
            let a = if w.start == i64::MIN {
                rect.left()
            } else {
                plot.x_of(w.start as f64)
            };
            let b = if w.end == i64::MAX {
                rect.right()
            } else {
                plot.x_of(w.end as f64)
            };
            let (a, b) = (a.max(rect.left()), b.min(rect.right()).max(a + 2.0));
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
            let x = plot.x_of(at);
            if (rect.left()..=rect.right()).contains(&x) {
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
            Pos2::new(rect.left() + 4.0, band_y),
            Align2::LEFT_CENTER,
            what,
            FontId::proportional(11.0),
            visuals.text_color(),
        );
    }

    /// The range's handles and middle: dragged, they move the range (snapped to `unit`);
    /// elsewhere a drag pans the view and scrolling or pinching zooms it.
    fn range_ui(
        &mut self,
        ui: &Ui,
        painter: &Painter,
        plot: &Plot,
        background: &Response,
        palette: &Palette,
        unit: BinUnit,
    ) {
        let rect = plot.rect;
        let accent = palette.selection;
        let (r0, r1) = (
            plot.x_of(self.range.0 as f64),
            plot.x_of(self.range.1 as f64),
        );
        let snap = |t: f64| {
            let t = t as i64;
            let a = unit.floor(t);
            let b = unit.next(a);
            if t - a < b - t { a } else { b }
        };
        let grip = |x: f32| Rect::from_x_y_ranges((x - 5.0)..=(x + 5.0), rect.y_range());
        let middle = Rect::from_x_y_ranges((r0 + 5.0)..=(r1 - 5.0).max(r0 + 5.0), rect.y_range());
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
                [Pos2::new(x, rect.top()), Pos2::new(x, rect.bottom())],
                stroke,
            );
            painter.rect_filled(
                Rect::from_center_size(Pos2::new(x, rect.center().y), vec2(7.0, 18.0)),
                2.0,
                accent,
            );
        }
        if let Some(p) = start.interact_pointer_pos().filter(|_| start.dragged()) {
            let t = snap(plot.t_of(p.x)).min(self.range.1 - 1);
            self.range.0 = t;
            self.text = None;
        }
        if let Some(p) = end.interact_pointer_pos().filter(|_| end.dragged()) {
            let t = snap(plot.t_of(p.x)).max(self.range.0 + 1);
            self.range.1 = t;
            self.text = None;
        }
        if drag_middle.dragged() {
            let dt = plot.seconds(drag_middle.drag_delta().x);
            let moved = (dt as i64).clamp(-(1 << 50), 1 << 50);
            self.range = (self.range.0 + moved, self.range.1 + moved);
            self.text = None;
        }
        if drag_middle.drag_stopped() {
            let length = self.range.1 - self.range.0;
            let from = snap(self.range.0 as f64);
            self.range = (from, from + length);
        }
        let (v0, v1) = plot.view;
        if background.dragged() {
            let dt = plot.seconds(background.drag_delta().x);
            self.view = (v0 - dt, v1 - dt);
        }
        if let Some(p) = background.hover_pos().or(drag_middle.hover_pos()) {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y + i.smooth_scroll_delta.x);
            let zoom = ui.input(egui::InputState::zoom_delta);
            let factor = (-f64::from(scroll) * 0.003).exp() / f64::from(zoom);
            if (factor - 1.0).abs() > 1e-6 {
                let at = plot.t_of(p.x);
                let span = ((v1 - v0) * factor).clamp(MIN_VIEW_S, MAX_VIEW_S);
                let left = (at - v0) / (v1 - v0);
                self.view = (at - span * left, at + span * (1.0 - left));
            }
        }
    }
}
