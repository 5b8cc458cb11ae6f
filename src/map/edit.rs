//! Editing on the map: the tools (select and move, add a point, draw a route), a marker or
//! a selected route's waypoint dragged to a new place, a click that places a point. The map reports what was done ([`super::MapResponse`]);
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
    /// Draw a route: click the feature it starts at, click waypoints, click the feature it
    /// ends at.
    Route,
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

/// A click with the route tool: the point feature clicked (its position), or an empty
/// spot (a waypoint).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RouteClick {
    /// The point feature clicked, if one was.
    pub feature: Option<usize>,
    /// Longitude and latitude: the feature's, or the spot's.
    pub lon_lat: (f64, f64),
}

/// The route tool's click, from the frame's click (`None`: no click) and the pointer.
pub(super) fn route_click(
    tool: Option<Tool>,
    click: Option<Option<Hit>>,
    at: Option<(f64, f64)>,
    dataset: &Dataset,
) -> Option<RouteClick> {
    if tool != Some(Tool::Route) {
        return None;
    }
    let point = |i: usize| dataset.get(i).filter(|f| f.is_point())?.point();
    match click? {
        Some(Hit::Feature(i)) if let Some(p) = point(i) => Some(RouteClick {
            feature: Some(i),
            lon_lat: (p.x(), p.y()),
        }),
        _ => at.map(|lon_lat| RouteClick {
            feature: None,
            lon_lat,
        }),
    }
}

/// Draws the route being drawn: its vertices joined along great circles, and on to the
/// pointer.
pub(super) fn draw_draft(
    painter: &egui::Painter,
    view: &ScreenTransform,
    draft: &[(f64, f64)],
    pointer: Option<(f64, f64)>,
    color: egui::Color32,
) {
    if draft.is_empty() {
        return;
    }
    let vertices: Vec<geo_types::Point<f64>> = draft
        .iter()
        .chain(pointer.as_ref())
        .map(|&(x, y)| geo_types::Point::new(x, y))
        .collect();
    let on_screen = |p: &geo_types::Point<f64>| view.to_screen(mercator::project(p.x(), p.y()));
    let stroke = egui::Stroke::new(2.5, color);
    for piece in crate::geometry::geodesic::geodesic_track(&vertices) {
        let line: Vec<Pos2> = piece.iter().map(on_screen).collect();
        painter.extend(egui::Shape::dashed_line(&line, stroke, 8.0, 5.0));
    }
    for v in &vertices[..draft.len()] {
        painter.circle(on_screen(v), 4.0, egui::Color32::WHITE, stroke);
    }
}

/// A marker, or a route's waypoint, being dragged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Drag {
    /// The feature.
    pub index: usize,
    /// The waypoint of the route (its vertex), when one is dragged.
    pub vertex: Option<usize>,
    /// Where the press was.
    pub from: Pos2,
}

/// A marker dragged less than this (points) was clicked, not moved.
const DRAG_THRESHOLD: f32 = 3.0;

/// A press this near a waypoint's handle (points) takes it.
const HANDLE_REACH_PX: f32 = 7.0;

/// The waypoints of route `index` that can be dragged: the vertices of its line between
/// its ends (the ends follow the features they name), as (vertex, longitude, latitude).
pub(super) fn waypoints(dataset: &Dataset, index: Option<usize>) -> Vec<(usize, f64, f64)> {
    let Some(feature) = index.and_then(|i| dataset.get(i)) else {
        return Vec::new();
    };
    if feature.route.is_none() {
        return Vec::new();
    }
    let Some(geometry) = feature.geometry() else {
        return Vec::new();
    };
    let geo_types::Geometry::LineString(line) = &*geometry else {
        return Vec::new();
    };
    let n = line.0.len();
    line.0
        .iter()
        .enumerate()
        .filter(|&(k, _)| k > 0 && k + 1 < n)
        .map(|(k, c)| (k, c.x, c.y))
        .collect()
}

/// Draws the handles of the selected route's waypoints.
pub(super) fn draw_handles(
    painter: &egui::Painter,
    view: &ScreenTransform,
    handles: &[(usize, f64, f64)],
    color: egui::Color32,
) {
    for &(_, lon, lat) in handles {
        let at = view.to_screen(mercator::project(lon, lat));
        painter.circle(at, 4.5, egui::Color32::WHITE, egui::Stroke::new(2.0, color));
    }
}

/// The drag a press starts, on the last frame's view: a press on a point feature with the
/// select tool.
pub(super) fn drag_started(
    ui: &Ui,
    tool: Option<Tool>,
    last: Option<&ScreenTransform>,
    zoom: f64,
    layers: &MapLayers,
    dataset: &Dataset,
    selected: Option<usize>,
) -> Option<Drag> {
    if tool != Some(Tool::Select) {
        return None;
    }
    let (pressed, at) = ui.input(|i| (i.pointer.primary_pressed(), i.pointer.press_origin()));
    let (view, at) = (last?, at?);
    if !pressed || !view.rect.contains(at) {
        return None;
    }
    // A waypoint of the selected route first: its handle lies on the line.
    let nearest = waypoints(dataset, selected)
        .into_iter()
        .map(|(k, lon, lat)| {
            let d = view.to_screen(mercator::project(lon, lat)).distance(at);
            (d, k)
        })
        .filter(|&(d, _)| d <= HANDLE_REACH_PX)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let (Some(index), Some((_, k))) = (selected, nearest) {
        return Some(Drag {
            index,
            vertex: Some(k),
            from: at,
        });
    }
    let plan = layers.plan(view, zoom);
    let radius = |i: usize| super::pick_radius(dataset, i);
    match layers.hit(view, &plan, at, radius) {
        Some(Hit::Feature(index)) if dataset.get(index).is_some_and(|f| f.is_point()) => {
            Some(Drag {
                index,
                vertex: None,
                from: at,
            })
        }
        _ => None,
    }
}

/// What the editing tools did this frame: a point placed, a marker moved (index, lon, lat),
/// a waypoint moved (route, vertex, lon, lat).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Gesture {
    pub placed: Option<(f64, f64)>,
    pub moved: Option<(usize, f64, f64)>,
    pub moved_waypoint: Option<(usize, usize, f64, f64)>,
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
    if tool == Some(Tool::Route) {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        return out;
    }
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
        if moved_far && let (Some(p), Some(_)) = (pointer, held.vertex) {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
            let color = crate::theme::kind_color(FeatureKind::Route);
            ui.painter().with_clip_rect(view.rect).circle(
                p,
                5.5,
                egui::Color32::WHITE,
                egui::Stroke::new(2.0, color),
            );
        } else if moved_far && let (Some(p), Some(f)) = (pointer, dataset.get(held.index)) {
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
        let lat = lat.clamp(-85.0, 85.0);
        match held.vertex {
            Some(k) => out.moved_waypoint = Some((held.index, k, lon, lat)),
            None => out.moved = Some((held.index, lon, lat)),
        }
        out.click = false;
    }
    out
}
