//! Editing on the map: the tools (select and move, add a point), a marker dragged to a new
//! place, a click that places a point. The map reports what was done ([`super::MapResponse`]);
//! the app makes it an edit.

use egui::{Pos2, Response, Ui};

use super::layers::{Hit, MapLayers};
use crate::dataset::{Dataset, FeatureKind};
use crate::geometry::mercator;
use crate::geometry::screen::ScreenTransform;

/// What a click or a drag on the map does while editing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Select a feature; drag a marker to move it.
    #[default]
    Select,
    /// Add a point feature of this kind where the map is clicked.
    Point(FeatureKind),
}

impl Tool {
    /// The kinds the point tool adds, in its menu's order.
    pub const POINT_KINDS: [FeatureKind; 5] = [
        FeatureKind::Base,
        FeatureKind::Target,
        FeatureKind::Place,
        FeatureKind::Event,
        FeatureKind::Other,
    ];
}

/// A marker being dragged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Drag {
    /// The feature.
    pub index: usize,
    /// Where the press was.
    pub from: Pos2,
}

/// A marker dragged less than this (points) was clicked, not moved.
const DRAG_THRESHOLD: f32 = 3.0;

/// The drag a press starts, on the last frame's view: a press on a point feature with the
/// select tool.
pub(super) fn drag_started(
    ui: &Ui,
    tool: Option<Tool>,
    last: Option<&ScreenTransform>,
    zoom: f64,
    layers: &MapLayers,
    dataset: &Dataset,
) -> Option<Drag> {
    if tool != Some(Tool::Select) {
        return None;
    }
    let (pressed, at) = ui.input(|i| (i.pointer.primary_pressed(), i.pointer.press_origin()));
    let (view, at) = (last?, at?);
    if !pressed || !view.rect.contains(at) {
        return None;
    }
    let plan = layers.plan(view, zoom);
    let radius = |i: usize| super::pick_radius(dataset, i);
    match layers.hit(view, &plan, at, radius) {
        Some(Hit::Feature(index)) if dataset.get(index).is_some_and(|f| f.is_point()) => {
            Some(Drag { index, from: at })
        }
        _ => None,
    }
}

/// What the editing tools did this frame: a point placed, a marker moved (index, lon, lat).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Gesture {
    pub placed: Option<(f64, f64)>,
    pub moved: Option<(usize, f64, f64)>,
    /// The press and release were a click (select as usual).
    pub click: bool,
}

/// Follows the drag in hand and the point tool's clicks; draws the marker being dragged at
/// the pointer.
pub(super) fn gesture(
    ui: &Ui,
    response: &Response,
    view: &ScreenTransform,
    tool: Option<Tool>,
    drag: &mut Option<Drag>,
    dataset: &Dataset,
) -> Gesture {
    let mut out = Gesture {
        click: response.clicked() && !response.changed(),
        ..Gesture::default()
    };
    let lon_lat = |p: Pos2| mercator::unproject(view.to_unit(p));
    if let Some(Tool::Point(_)) = tool {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        if out.click {
            out.placed = response.interact_pointer_pos().map(lon_lat);
            out.click = false;
        }
        return out;
    }
    let Some(held) = *drag else {
        return out;
    };
    let (down, pointer) = ui.input(|i| (i.pointer.primary_down(), i.pointer.latest_pos()));
    let moved_far = pointer.is_some_and(|p| p.distance(held.from) >= DRAG_THRESHOLD);
    if down {
        if moved_far && let (Some(p), Some(f)) = (pointer, dataset.get(held.index)) {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
            let r = super::draw::marker_radius_px(&f);
            let color = crate::theme::kind_color(f.kind);
            ui.painter().with_clip_rect(view.rect).circle(
                p,
                r + 1.0,
                color.gamma_multiply(0.6),
                egui::Stroke::new(2.0, color),
            );
        }
        return out;
    }
    *drag = None;
    if moved_far && let Some(p) = pointer {
        let (lon, lat) = lon_lat(p);
        out.moved = Some((held.index, lon, lat.clamp(-85.0, 85.0)));
        out.click = false;
    }
    out
}
