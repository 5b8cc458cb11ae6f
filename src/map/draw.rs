//! Painting features: polygons, routes with arrowheads, markers by kind, and labels that do
//! not pile up. Everything is read from [`MapLayers`] (projected at load) and scaled to the
//! frame's [`ScreenTransform`]; only features the R-tree finds in view are touched.

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use super::aggregate::{DensityCell, cell_bounds};
use super::layers::{FramePlan, MapLayers, cluster_radius_px};
use crate::dataset::{Dataset, FeatureKind, FeatureRef, PrecisionLevel, SPEC_FILL, SPEC_STROKE};
use crate::geometry::screen::ScreenTransform;
use crate::theme::{self, Palette};

/// Equatorial circumference of the WGS84 ellipsoid, in metres.
const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;
/// Most labels drawn in one frame.
const MAX_LABELS: usize = 400;

/// The opacity of features only possibly in the timeline's range.
pub const FADED_OPACITY: f32 = 0.38;

/// What to emphasise.
#[derive(Clone, Copy, Debug, Default)]
pub struct Emphasis<'a> {
    /// The selected feature.
    pub selected: Option<usize>,
    /// The feature under the pointer (on the map or in the list).
    pub hovered: Option<usize>,
    /// Features drawn as selected too, sorted: those citing the source selected in the
    /// Sources tab.
    pub highlighted: &'a [usize],
}

impl Emphasis<'_> {
    /// Whether feature `i` is drawn as selected.
    pub fn is_selected(&self, i: usize) -> bool {
        Some(i) == self.selected || self.highlighted.binary_search(&i).is_ok()
    }
}

/// The marker radius of a feature, in points.
pub fn marker_radius_px(feature: &FeatureRef<'_>) -> f32 {
    let r = theme::marker_radius_px(feature.style.marker_size);
    match feature.kind {
        FeatureKind::Place => r * 0.8,
        _ => r,
    }
}

/// Half the drawn line width of a feature, in points.
pub fn line_half_width_px(feature: &FeatureRef<'_>) -> f32 {
    line_width_px(feature) / 2.0
}

#[allow(clippy::cast_possible_truncation)]
fn line_width_px(feature: &FeatureRef<'_>) -> f32 {
    if feature.kind == FeatureKind::Route && (feature.style.stroke_width - 2.0).abs() < f64::EPSILON
    {
        theme::ROUTE_WIDTH_PX
    } else {
        feature.style.stroke_width as f32
    }
}

#[allow(clippy::cast_possible_truncation)]
fn with_opacity(color: Color32, opacity: f64) -> Color32 {
    color.gamma_multiply(opacity.clamp(0.0, 1.0) as f32)
}

fn marker_color(feature: &FeatureRef<'_>) -> Color32 {
    feature
        .style
        .marker_color
        .map_or_else(|| theme::kind_color(feature.kind), theme::rgb)
}

fn stroke_color(feature: &FeatureRef<'_>) -> Color32 {
    let base = match (feature.style.stroke, feature.kind) {
        (Some(c), _) => theme::rgb(c),
        (None, FeatureKind::Other) => theme::rgb(SPEC_STROKE),
        (None, kind) => theme::kind_color(kind),
    };
    with_opacity(base, feature.style.stroke_opacity)
}

/// Paints what `plan` says is in view (features, clusters, line density) and the labels;
/// returns the screen rectangles of the markers, clusters and labels drawn, for other
/// labels to avoid.
pub fn paint_features(
    painter: &Painter,
    view: &ScreenTransform,
    dataset: &Dataset,
    layers: &MapLayers,
    plan: &FramePlan,
    emphasis: Emphasis<'_>,
    palette: &Palette,
) -> Vec<Rect> {
    let mut visible = plan.features();
    // Emphasised features last, so they sit on top.
    visible.retain(|&i| !emphasis.is_selected(i) && Some(i) != emphasis.hovered);
    // Then the highlighted, the hovered and the selected, each on top of the ones before.
    visible.extend(
        emphasis
            .highlighted
            .iter()
            .copied()
            .filter(|&i| Some(i) != emphasis.selected && Some(i) != emphasis.hovered)
            .chain(emphasis.hovered)
            .chain(emphasis.selected.filter(|&i| Some(i) != emphasis.hovered))
            // Not even the selected feature is drawn outside the timeline's range.
            .filter(|&i| layers.is_drawn(i) && layers.is_shown(i)),
    );

    let items: Vec<(FeatureRef<'_>, super::layers::ShapeRef<'_>)> = visible
        .iter()
        .filter_map(|&i| Some((dataset.get(i)?, layers.shape(i)?)))
        .collect();

    if let Some((level, cells, max)) = &plan.density {
        paint_density(painter, view, *level, cells, *max);
    }
    // Features only possibly in the timeline's range are drawn faded.
    let mut faded = painter.clone();
    faded.multiply_opacity(FADED_OPACITY);
    let painter_for = |i: usize| {
        if layers.is_partly_in_range(i) {
            &faded
        } else {
            painter
        }
    };
    for (feature, shape) in &items {
        for rings in shape.polygons {
            let painter = painter_for(feature.index);
            paint_polygon(painter, view, feature, rings, emphasis, palette);
        }
    }
    for (feature, shape) in &items {
        for line in shape.lines {
            let painter = painter_for(feature.index);
            paint_line(painter, view, dataset, feature, line, emphasis, palette);
        }
    }
    let mut obstacles = Vec::new();
    if let Some((_, cells)) = &plan.clusters {
        for cell in cells.iter().filter(|c| c.count > 1) {
            let center = view.to_screen([f64::from(cell.center[0]), f64::from(cell.center[1])]);
            obstacles.push(paint_cluster(painter, center, cell.count, palette));
        }
    }
    let mut labels = Vec::new();
    for (feature, shape) in &items {
        for &p in shape.points {
            let center = view.to_screen(p);
            if !view.rect.expand(20.0).contains(center) {
                continue;
            }
            paint_marker(
                painter_for(feature.index),
                view,
                feature,
                center,
                emphasis,
                palette,
            );
            let radius = marker_radius_px(feature);
            obstacles.push(Rect::from_center_size(center, Vec2::splat(radius * 2.0)));
            labels.push(LabelCandidate {
                index: feature.index,
                anchor: center,
                clearance_px: radius + 3.0,
                text: feature.name.to_owned(),
                priority: priority(feature, emphasis),
                prefer_above: false,
            });
        }
        if let Some(route) = feature.route {
            let emphasised =
                emphasis.is_selected(feature.index) || Some(feature.index) == emphasis.hovered;
            if emphasised && let Some(line) = shape.lines.first() {
                let screen: Vec<Pos2> = line.iter().map(|&u| view.to_screen(u)).collect();
                if let Some((mid, _)) = point_along(&screen, 0.5) {
                    let length = route
                        .metrics
                        .as_ref()
                        .map_or_else(String::new, |m| format!(" · {:.0} km", m.length_km()));
                    labels.push(LabelCandidate {
                        index: feature.index,
                        anchor: mid,
                        clearance_px: 8.0,
                        text: format!("{}{length}", feature.name),
                        priority: priority(feature, emphasis),
                        prefer_above: true,
                    });
                }
            }
        }
    }
    let placed = place_labels(painter, labels, &obstacles, view.rect, palette);
    obstacles.extend(placed);
    obstacles
}

/// A disc with the number of points it stands for; returns its rectangle.
fn paint_cluster(painter: &Painter, center: Pos2, count: u32, palette: &Palette) -> Rect {
    let r = cluster_radius_px(count);
    painter.circle(
        center,
        r,
        palette.cluster_fill,
        Stroke::new(1.5, palette.marker_outline),
    );
    painter.text(
        center,
        Align2::CENTER_CENTER,
        short_count(count),
        FontId::proportional(11.0),
        palette.cluster_text,
    );
    Rect::from_center_size(center, Vec2::splat(r * 2.0))
}

/// A count in at most four characters: 950, 9.5k, 95k, 1.2M.
pub fn short_count(count: u32) -> String {
    let n = f64::from(count);
    if count < 1_000 {
        count.to_string()
    } else if count < 10_000 {
        format!("{:.1}k", (n / 100.0).floor() / 10.0)
    } else if count < 1_000_000 {
        format!("{:.0}k", (n / 1_000.0).floor())
    } else {
        format!("{:.1}M", (n / 100_000.0).floor() / 10.0)
    }
}

/// Line density as one mesh of cells, shaded by count on a log scale (the level's largest
/// count is the darkest).
fn paint_density(
    painter: &Painter,
    view: &ScreenTransform,
    level: u8,
    cells: &[DensityCell],
    max: u32,
) {
    let mut mesh = egui::Mesh::default();
    let base = theme::kind_color(FeatureKind::Route);
    let scale = f64::from(max.max(2)).ln_1p();
    for cell in cells {
        let (min, max) = cell_bounds(cell.key, level);
        let rect = Rect::from_min_max(view.to_screen(min), view.to_screen(max));
        #[allow(clippy::cast_possible_truncation)]
        let t = (f64::from(cell.count).ln_1p() / scale) as f32;
        mesh.add_colored_rect(rect, base.gamma_multiply(0.12 + 0.68 * t.clamp(0.0, 1.0)));
    }
    painter.add(Shape::mesh(mesh));
}

fn priority(feature: &FeatureRef<'_>, emphasis: Emphasis<'_>) -> u8 {
    if emphasis.is_selected(feature.index) {
        0
    } else if Some(feature.index) == emphasis.hovered {
        1
    } else {
        match feature.kind {
            FeatureKind::Base => 2,
            FeatureKind::Target => 3,
            FeatureKind::Event => 4,
            FeatureKind::Place => 5,
            FeatureKind::Other => 6,
            FeatureKind::Route => 7,
        }
    }
}

fn paint_polygon(
    painter: &Painter,
    view: &ScreenTransform,
    feature: &FeatureRef<'_>,
    rings: &[Vec<[f64; 2]>],
    emphasis: Emphasis<'_>,
    palette: &Palette,
) {
    let fill = with_opacity(
        feature.style.fill.map_or(theme::rgb(SPEC_FILL), theme::rgb),
        feature.style.fill_opacity,
    );
    let mut stroke = Stroke::new(line_width_px(feature), stroke_color(feature));
    if emphasis.is_selected(feature.index) {
        stroke = Stroke::new(stroke.width + 2.0, palette.selection);
    } else if Some(feature.index) == emphasis.hovered {
        stroke = Stroke::new(stroke.width + 1.0, palette.hover);
    }
    for (r, ring) in rings.iter().enumerate() {
        let points: Vec<Pos2> = ring.iter().map(|&u| view.to_screen(u)).collect();
        // epaint fills convex paths only; other polygons are drawn as outlines.
        if r == 0 && rings.len() == 1 && is_convex(&points) {
            painter.add(Shape::convex_polygon(points, fill, stroke));
        } else {
            painter.add(Shape::closed_line(points, stroke));
        }
    }
}

fn is_convex(points: &[Pos2]) -> bool {
    let n = points.len();
    if n < 3 {
        return false;
    }
    let mut sign = 0.0f32;
    for i in 0..n {
        let a = points[i];
        let b = points[(i + 1) % n];
        let c = points[(i + 2) % n];
        let cross = (b - a).x * (c - b).y - (b - a).y * (c - b).x;
        if cross.abs() > f32::EPSILON {
            if sign != 0.0 && cross.signum() != sign {
                return false;
            }
            sign = cross.signum();
        }
    }
    true
}

fn paint_line(
    painter: &Painter,
    view: &ScreenTransform,
    dataset: &Dataset,
    feature: &FeatureRef<'_>,
    line: &[[f64; 2]],
    emphasis: Emphasis<'_>,
    palette: &Palette,
) {
    let mut points: Vec<Pos2> = Vec::with_capacity(line.len());
    for &u in line {
        let p = view.to_screen(u);
        if points
            .last()
            .is_none_or(|last: &Pos2| last.distance(p) >= 0.75)
        {
            points.push(p);
        }
    }
    if points.len() < 2 {
        return;
    }
    let width = line_width_px(feature);
    let color = stroke_color(feature);
    if emphasis.is_selected(feature.index) {
        painter.add(Shape::line(
            points.clone(),
            Stroke::new(width + 5.0, palette.selection),
        ));
    } else if Some(feature.index) == emphasis.hovered {
        painter.add(Shape::line(
            points.clone(),
            Stroke::new(width + 4.0, palette.hover),
        ));
    }
    let stroke = Stroke::new(width, color);
    let schematic = feature.route.is_some_and(|r| r.schematic);
    if schematic {
        painter.extend(Shape::dashed_line(&points, stroke, 9.0, 5.0));
    } else {
        painter.add(Shape::line(points.clone(), stroke));
    }
    let Some(route) = feature.route else { return };
    // Direction: a chevron halfway and an arrowhead just short of the target's marker.
    let arrow_len = 7.0 + width * 2.0;
    if let Some((mid, dir)) = point_along(&points, 0.5) {
        painter.add(arrowhead(
            mid + dir * arrow_len * 0.5,
            dir,
            arrow_len,
            color,
        ));
    }
    let target_gap = route
        .to_index
        .and_then(|i| dataset.get(i))
        .map_or(0.0, |t| marker_radius_px(&t) + 2.0);
    if let Some((end, dir)) = point_back_from_end(&points, target_gap) {
        painter.add(arrowhead(end, dir, arrow_len, color));
    }
}

fn arrowhead(tip: Pos2, dir: Vec2, length: f32, color: Color32) -> Shape {
    let back = tip - dir * length;
    let side = vec2(-dir.y, dir.x) * length * 0.45;
    Shape::convex_polygon(vec![tip, back + side, back - side], color, Stroke::NONE)
}

/// The point at `fraction` of a polyline's length, with the direction of travel there.
pub fn point_along(points: &[Pos2], fraction: f32) -> Option<(Pos2, Vec2)> {
    let total: f32 = points.windows(2).map(|w| w[0].distance(w[1])).sum();
    if total <= f32::EPSILON {
        return None;
    }
    let mut remaining = total * fraction.clamp(0.0, 1.0);
    for w in points.windows(2) {
        let len = w[0].distance(w[1]);
        if len > 0.0 && remaining <= len {
            let dir = (w[1] - w[0]) / len;
            return Some((w[0] + dir * remaining, dir));
        }
        remaining -= len;
    }
    None
}

/// The point `distance` back from a polyline's end, with the direction of travel there.
fn point_back_from_end(points: &[Pos2], distance: f32) -> Option<(Pos2, Vec2)> {
    let mut remaining = distance;
    for w in points.windows(2).rev() {
        let len = w[0].distance(w[1]);
        if len > 0.0 && remaining <= len {
            let dir = (w[1] - w[0]) / len;
            return Some((w[1] - dir * remaining, dir));
        }
        remaining -= len;
    }
    None
}

fn paint_marker(
    painter: &Painter,
    view: &ScreenTransform,
    feature: &FeatureRef<'_>,
    c: Pos2,
    emphasis: Emphasis<'_>,
    palette: &Palette,
) {
    let r = marker_radius_px(feature);
    if let Some(precision) = feature.location_precision
        && precision.level != PrecisionLevel::Exact
        && let Some(radius_km) = precision.radius_km
    {
        let lat = crate::geometry::mercator::unproject(view.to_unit(c)).1;
        let px_per_m = view.scale / (EARTH_CIRCUMFERENCE_M * lat.to_radians().cos().max(0.01));
        #[allow(clippy::cast_possible_truncation)]
        let radius_px = (radius_km * 1000.0 * px_per_m) as f32;
        if radius_px > r + 3.0 && radius_px < 4000.0 {
            painter.circle(
                c,
                radius_px,
                palette.uncertainty.gamma_multiply(0.35),
                Stroke::new(1.0, palette.uncertainty),
            );
        }
    }
    if emphasis.is_selected(feature.index) {
        painter.circle_filled(c, r + 6.0, palette.selection.gamma_multiply(0.35));
        painter.circle_stroke(c, r + 6.0, Stroke::new(2.5, palette.selection));
    } else if Some(feature.index) == emphasis.hovered {
        painter.circle_stroke(c, r + 5.0, Stroke::new(2.0, palette.hover));
    }
    let fill = marker_color(feature);
    let outline = Stroke::new(1.5, palette.marker_outline);
    match feature.kind {
        FeatureKind::Base => {
            // An upward triangle: an airfield.
            let pts = vec![
                c + vec2(0.0, -r * 1.35),
                c + vec2(r * 1.2, r * 0.85),
                c + vec2(-r * 1.2, r * 0.85),
            ];
            painter.add(Shape::convex_polygon(pts, fill, outline));
        }
        FeatureKind::Target => {
            // A filled disc with a ring inside: a target.
            painter.circle(c, r, fill, outline);
            painter.circle_stroke(c, r * 0.45, Stroke::new(1.5, palette.marker_outline));
        }
        FeatureKind::Event => {
            // A diamond: an event that is not a strike on a place.
            let pts = vec![
                c + vec2(0.0, -r * 1.15),
                c + vec2(r * 1.15, 0.0),
                c + vec2(0.0, r * 1.15),
                c + vec2(-r * 1.15, 0.0),
            ];
            painter.add(Shape::convex_polygon(pts, fill, outline));
        }
        FeatureKind::Place => {
            let half = r * 0.8;
            painter.rect(
                Rect::from_center_size(c, Vec2::splat(half * 2.0)),
                1.0,
                fill,
                outline,
                egui::StrokeKind::Middle,
            );
        }
        FeatureKind::Route | FeatureKind::Other => {
            painter.circle(c, r, fill, outline);
            if let Some(symbol) = &feature.style.marker_symbol
                && symbol.chars().count() == 1
            {
                painter.text(
                    c,
                    Align2::CENTER_CENTER,
                    symbol,
                    FontId::proportional(r * 1.3),
                    palette.marker_outline,
                );
            }
        }
    }
}

struct LabelCandidate {
    index: usize,
    anchor: Pos2,
    clearance_px: f32,
    text: String,
    priority: u8,
    /// Try above the anchor first (route labels, which would otherwise sit on the line).
    prefer_above: bool,
}

/// Places labels greedily by priority, trying right, left, above and below each anchor, and
/// skipping any that would overlap a label already placed or another feature's marker.
fn place_labels(
    painter: &Painter,
    mut labels: Vec<LabelCandidate>,
    markers: &[Rect],
    clip: Rect,
    palette: &Palette,
) -> Vec<Rect> {
    labels.sort_by_key(|l| (l.priority, l.index));
    let font = FontId::proportional(12.5);
    let mut placed: Vec<Rect> = Vec::new();
    for label in labels.into_iter().take(MAX_LABELS) {
        let galley = painter.layout_no_wrap(label.text, font.clone(), palette.label_text);
        let size = galley.size();
        let a = label.anchor;
        let g = label.clearance_px;
        let right = Rect::from_min_size(pos2(a.x + g, a.y - size.y / 2.0), size);
        let left = Rect::from_min_size(pos2(a.x - g - size.x, a.y - size.y / 2.0), size);
        let above = Rect::from_min_size(pos2(a.x - size.x / 2.0, a.y - g - size.y), size);
        let below = Rect::from_min_size(pos2(a.x - size.x / 2.0, a.y + g), size);
        let options = if label.prefer_above {
            [above, below, right, left]
        } else {
            [right, left, above, below]
        };
        let free = |r: &Rect| {
            let r = r.expand(2.0);
            clip.contains_rect(r)
                && !placed.iter().any(|p| p.intersects(r))
                // Other features' markers; a label's own marker is at its anchor.
                && !markers.iter().any(|m| m.intersects(r) && m.center() != a)
        };
        let spot = options.into_iter().find(free);
        let must_show = label.priority <= 1;
        let Some(rect) = spot.or_else(|| must_show.then_some(options[0])) else {
            continue;
        };
        painter.rect_filled(rect.expand2(vec2(3.0, 1.0)), 3.0, palette.label_halo);
        painter.galley(rect.min, galley, palette.label_text);
        placed.push(rect.expand2(vec2(3.0, 1.0)));
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_along_a_polyline() {
        let pts = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 10.0)];
        let (p, d) = point_along(&pts, 0.5).expect("non-empty");
        assert_eq!(p, pos2(10.0, 0.0));
        assert_eq!(d, vec2(1.0, 0.0));
        let (p, d) = point_back_from_end(&pts, 4.0).expect("long enough");
        assert_eq!(p, pos2(10.0, 6.0));
        assert_eq!(d, vec2(0.0, 1.0));
    }

    #[test]
    fn counts_are_short() {
        assert_eq!(short_count(7), "7");
        assert_eq!(short_count(950), "950");
        assert_eq!(short_count(9_549), "9.5k");
        assert_eq!(short_count(95_000), "95k");
        assert_eq!(short_count(1_234_567), "1.2M");
    }

    #[test]
    fn convexity() {
        let square = [
            pos2(0.0, 0.0),
            pos2(1.0, 0.0),
            pos2(1.0, 1.0),
            pos2(0.0, 1.0),
        ];
        assert!(is_convex(&square));
        let dart = [
            pos2(0.0, 0.0),
            pos2(2.0, 1.0),
            pos2(0.0, 2.0),
            pos2(0.5, 1.0),
        ];
        assert!(!is_convex(&dart));
    }
}
