//! Drawing features into a [`Scene`]: polygons, routes with arrowheads, markers by kind, and
//! labels that do not pile up. Everything is read from [`MapLayers`] (projected at load) and
//! scaled to the frame's [`ScreenTransform`]; only features the R-tree finds in view are
//! touched. The window paints the scene; a published figure writes the same scene.

use egui::{Align2, Color32, Pos2, Rect, Vec2, pos2, vec2};

use super::aggregate::{DensityCell, cell_bounds};
use super::layers::{FramePlan, MapLayers, cluster_radius_px};
use crate::dataset::{Dataset, FeatureKind, FeatureRef, PrecisionLevel, SPEC_FILL, SPEC_STROKE};
use crate::geometry::mercator::EARTH_CIRCUMFERENCE_M;
use crate::geometry::screen::ScreenTransform;
use crate::scene::{Scene, Stroke, Tag};
use crate::theme::{self, Palette};

/// Most labels drawn in one frame.
const MAX_LABELS: usize = 400;
/// Font size of feature labels, in points.
pub const LABEL_SIZE: f32 = 12.5;

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

/// Extra text after a feature's label (a figure's footnote numbers: ` [3,4]`).
pub type LabelSuffix<'a> = &'a dyn Fn(usize) -> Option<String>;

/// What a caller adds to the placing of labels; the window adds nothing.
#[derive(Clone, Copy, Default)]
pub struct LabelRules<'a> {
    /// Extra text after a feature's label.
    pub suffix: Option<LabelSuffix<'a>>,
    /// Rectangles labels keep clear of (a figure's legend, scale bar and north arrow); the
    /// selected feature's label is shown all the same.
    pub avoid: &'a [Rect],
}

/// Draws what `plan` says is in view (features, clusters, line density) and the labels into
/// `scene`; returns the screen rectangles of the markers, clusters and labels drawn, for
/// other labels to avoid.
#[allow(clippy::too_many_arguments)]
pub fn features_scene(
    scene: &mut Scene,
    view: &ScreenTransform,
    dataset: &Dataset,
    layers: &MapLayers,
    plan: &FramePlan,
    emphasis: Emphasis<'_>,
    palette: &Palette,
    rules: LabelRules<'_>,
) -> Vec<Rect> {
    let suffix = rules.suffix;
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
        density_scene(scene, view, *level, cells, *max);
    }
    // Features only possibly in the timeline's range are drawn faded.
    let opacity_for = |i: usize| {
        if layers.is_partly_in_range(i) {
            FADED_OPACITY
        } else {
            1.0
        }
    };
    for (feature, shape) in &items {
        for rings in shape.polygons {
            scene.set_opacity(opacity_for(feature.index));
            polygon_scene(scene, view, feature, rings, emphasis, palette);
        }
    }
    let mut on_screen = Vec::new();
    for (feature, shape) in &items {
        for line in shape.lines {
            scene.set_opacity(opacity_for(feature.index));
            shape.line_on_screen(line, view, &mut on_screen);
            line_scene(scene, dataset, feature, &on_screen, emphasis, palette);
        }
    }
    scene.set_opacity(1.0);
    let mut obstacles = Vec::new();
    if let Some((_, cells)) = &plan.clusters {
        for cell in cells.iter().filter(|c| c.count > 1) {
            let center = view.to_screen([f64::from(cell.center[0]), f64::from(cell.center[1])]);
            obstacles.push(cluster_scene(scene, center, cell.count, palette));
        }
    }
    let mut labels = Vec::new();
    for (feature, shape) in &items {
        for &p in shape.points {
            let center = view.to_screen(p);
            if !view.rect.expand(20.0).contains(center) {
                continue;
            }
            scene.set_opacity(opacity_for(feature.index));
            marker_scene(scene, view, feature, center, emphasis, palette);
            scene.set_opacity(1.0);
            let radius = marker_radius_px(feature);
            obstacles.push(Rect::from_center_size(center, Vec2::splat(radius * 2.0)));
            labels.push(LabelCandidate {
                index: feature.index,
                anchor: center,
                clearance_px: radius + 3.0,
                text: label_text(feature.name, feature.index, suffix),
                priority: priority(feature, emphasis),
                prefer_above: false,
            });
        }
        if let Some(route) = feature.route {
            let emphasised =
                emphasis.is_selected(feature.index) || Some(feature.index) == emphasis.hovered;
            if emphasised && let Some(line) = shape.lines.first() {
                shape.line_on_screen(line, view, &mut on_screen);
                if let Some((mid, _)) = point_along(&on_screen, 0.5) {
                    let length = route
                        .metrics
                        .as_ref()
                        .map_or_else(String::new, |m| format!(" · {:.0} km", m.length_km()));
                    labels.push(LabelCandidate {
                        index: feature.index,
                        anchor: mid,
                        clearance_px: 8.0,
                        text: label_text(
                            &format!("{}{length}", feature.name),
                            feature.index,
                            suffix,
                        ),
                        priority: priority(feature, emphasis),
                        prefer_above: true,
                    });
                }
            }
        }
    }
    let placed = place_labels(scene, labels, &obstacles, rules.avoid, view.rect, palette);
    obstacles.extend(placed);
    obstacles
}

fn label_text(name: &str, index: usize, suffix: Option<LabelSuffix<'_>>) -> String {
    match suffix.and_then(|f| f(index)) {
        Some(extra) => format!("{name}{extra}"),
        None => name.to_owned(),
    }
}

/// A disc with the number of points it stands for; returns its rectangle.
fn cluster_scene(scene: &mut Scene, center: Pos2, count: u32, palette: &Palette) -> Rect {
    let r = cluster_radius_px(count);
    scene.circle(
        Tag::Cluster,
        center,
        r,
        palette.cluster_fill,
        Stroke::new(1.5, palette.marker_outline),
    );
    scene.text(
        Tag::Cluster,
        center,
        Align2::CENTER_CENTER,
        short_count(count),
        11.0,
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

/// Line density as cells, shaded by count on a log scale (the level's largest count is the
/// darkest).
fn density_scene(
    scene: &mut Scene,
    view: &ScreenTransform,
    level: u8,
    cells: &[DensityCell],
    max: u32,
) {
    let base = theme::kind_color(FeatureKind::Route);
    let scale = f64::from(max.max(2)).ln_1p();
    for cell in cells {
        let (min, max) = cell_bounds(cell.key, level);
        let rect = Rect::from_min_max(view.to_screen(min), view.to_screen(max));
        #[allow(clippy::cast_possible_truncation)]
        let t = (f64::from(cell.count).ln_1p() / scale) as f32;
        scene.rect(
            Tag::Density,
            rect,
            0.0,
            base.gamma_multiply(0.12 + 0.68 * t.clamp(0.0, 1.0)),
            Stroke::NONE,
        );
    }
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

fn polygon_scene(
    scene: &mut Scene,
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
    let parts: Vec<Vec<Pos2>> = rings
        .iter()
        .map(|ring| ring.iter().map(|&u| view.to_screen(u)).collect())
        .collect();
    scene.push(
        Tag::Polygon(feature.index),
        crate::scene::Shape::Path {
            parts,
            closed: true,
            fill,
            stroke,
        },
    );
}

fn line_scene(
    scene: &mut Scene,
    dataset: &Dataset,
    feature: &FeatureRef<'_>,
    line: &[Pos2],
    emphasis: Emphasis<'_>,
    palette: &Palette,
) {
    let mut points: Vec<Pos2> = Vec::with_capacity(line.len());
    for &p in line {
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
    let tag = Tag::Line(feature.index);
    if emphasis.is_selected(feature.index) {
        scene.line(
            tag,
            points.clone(),
            Stroke::new(width + 5.0, palette.selection),
        );
    } else if Some(feature.index) == emphasis.hovered {
        scene.line(tag, points.clone(), Stroke::new(width + 4.0, palette.hover));
    }
    let schematic = feature.route.is_some_and(|r| r.schematic);
    let stroke = Stroke {
        dash: schematic.then_some(SCHEMATIC_DASH),
        ..Stroke::new(width, color)
    };
    scene.line(tag, points.clone(), stroke);
    let Some(route) = feature.route else { return };
    // Direction: a chevron halfway and an arrowhead just short of the target's marker.
    let arrow_len = 7.0 + width * 2.0;
    if let Some((mid, dir)) = point_along(&points, 0.5) {
        let tip = mid + dir * arrow_len * 0.5;
        scene.polygon(
            tag,
            crate::scene::arrowhead(tip, dir, arrow_len),
            color,
            Stroke::NONE,
        );
    }
    let target_gap = route
        .to_index
        .and_then(|i| dataset.get(i))
        .map_or(0.0, |t| marker_radius_px(&t) + 2.0);
    if let Some((end, dir)) = point_back_from_end(&points, target_gap) {
        scene.polygon(
            tag,
            crate::scene::arrowhead(end, dir, arrow_len),
            color,
            Stroke::NONE,
        );
    }
}

/// Dash and gap of a schematic route's line, in points.
pub const SCHEMATIC_DASH: [f32; 2] = [9.0, 5.0];

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

fn marker_scene(
    scene: &mut Scene,
    view: &ScreenTransform,
    feature: &FeatureRef<'_>,
    c: Pos2,
    emphasis: Emphasis<'_>,
    palette: &Palette,
) {
    let tag = Tag::Marker(feature.index);
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
            uncertainty_scene(scene, tag, c, radius_px, palette);
        }
    }
    if emphasis.is_selected(feature.index) {
        scene.circle(
            tag,
            c,
            r + 6.0,
            palette.selection.gamma_multiply(0.35),
            Stroke::new(2.5, palette.selection),
        );
    } else if Some(feature.index) == emphasis.hovered {
        scene.circle(
            tag,
            c,
            r + 5.0,
            Color32::TRANSPARENT,
            Stroke::new(2.0, palette.hover),
        );
    }
    let symbol = feature
        .style
        .marker_symbol
        .as_deref()
        .filter(|s| s.chars().count() == 1);
    symbol_scene(
        scene,
        tag,
        feature.kind,
        c,
        r,
        marker_color(feature),
        symbol,
        palette,
    );
}

/// An uncertainty circle of `radius_px` around `c`.
pub fn uncertainty_scene(scene: &mut Scene, tag: Tag, c: Pos2, radius_px: f32, palette: &Palette) {
    scene.circle(
        tag,
        c,
        radius_px,
        palette.uncertainty.gamma_multiply(0.35),
        Stroke::new(1.0, palette.uncertainty),
    );
}

/// The symbol of a kind (and a one-character simplestyle symbol on a generic marker),
/// centred on `c` with radius `r`; the legend draws the same symbols.
#[allow(clippy::too_many_arguments)]
pub fn symbol_scene(
    scene: &mut Scene,
    tag: Tag,
    kind: FeatureKind,
    c: Pos2,
    r: f32,
    fill: Color32,
    symbol: Option<&str>,
    palette: &Palette,
) {
    let outline = Stroke::new(1.5, palette.marker_outline);
    match kind {
        FeatureKind::Base => {
            // An upward triangle: an airfield.
            let pts = vec![
                c + vec2(0.0, -r * 1.35),
                c + vec2(r * 1.2, r * 0.85),
                c + vec2(-r * 1.2, r * 0.85),
            ];
            scene.polygon(tag, pts, fill, outline);
        }
        FeatureKind::Target => {
            // A filled disc with a ring inside: a target.
            scene.circle(tag, c, r, fill, outline);
            scene.circle(
                tag,
                c,
                r * 0.45,
                Color32::TRANSPARENT,
                Stroke::new(1.5, palette.marker_outline),
            );
        }
        FeatureKind::Event => {
            // A diamond: an event that is not a strike on a place.
            let pts = vec![
                c + vec2(0.0, -r * 1.15),
                c + vec2(r * 1.15, 0.0),
                c + vec2(0.0, r * 1.15),
                c + vec2(-r * 1.15, 0.0),
            ];
            scene.polygon(tag, pts, fill, outline);
        }
        FeatureKind::Place => {
            let half = r * 0.8;
            scene.rect(
                tag,
                Rect::from_center_size(c, Vec2::splat(half * 2.0)),
                1.0,
                fill,
                outline,
            );
        }
        FeatureKind::Route | FeatureKind::Other => {
            scene.circle(tag, c, r, fill, outline);
            if let Some(symbol) = symbol {
                scene.text(
                    tag,
                    c,
                    Align2::CENTER_CENTER,
                    symbol,
                    r * 1.3,
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
    scene: &mut Scene,
    mut labels: Vec<LabelCandidate>,
    markers: &[Rect],
    avoid: &[Rect],
    clip: Rect,
    palette: &Palette,
) -> Vec<Rect> {
    labels.sort_by_key(|l| (l.priority, l.index));
    let font = crate::scene::font::Font::shared();
    let mut placed: Vec<Rect> = Vec::new();
    for label in labels.into_iter().take(MAX_LABELS) {
        let size = font.measure(&label.text, LABEL_SIZE);
        let a = label.anchor;
        let g = label.clearance_px;
        let right = Rect::from_min_size(pos2(a.x + g, a.y - size.y / 2.0), size);
        let left = Rect::from_min_size(pos2(a.x - g - size.x, a.y - size.y / 2.0), size);
        let above = Rect::from_min_size(pos2(a.x - size.x / 2.0, a.y - g - size.y), size);
        let below = Rect::from_min_size(pos2(a.x - size.x / 2.0, a.y + g), size);
        // Then the corners: a label starting beside the marker, above or below it.
        let d = g * std::f32::consts::FRAC_1_SQRT_2;
        let above_right = Rect::from_min_size(pos2(a.x + d, a.y - d - size.y), size);
        let below_right = Rect::from_min_size(pos2(a.x + d, a.y + d), size);
        let above_left = Rect::from_min_size(pos2(a.x - d - size.x, a.y - d - size.y), size);
        let below_left = Rect::from_min_size(pos2(a.x - d - size.x, a.y + d), size);
        let options = if label.prefer_above {
            [
                above,
                below,
                right,
                left,
                above_right,
                below_right,
                above_left,
                below_left,
            ]
        } else {
            [
                right,
                left,
                above,
                below,
                above_right,
                below_right,
                above_left,
                below_left,
            ]
        };
        let free = |r: &Rect| {
            let r = r.expand(2.0);
            clip.contains_rect(r)
                && !placed.iter().any(|p| p.intersects(r))
                // Other features' markers; a label's own marker is at its anchor.
                && !markers.iter().any(|m| m.intersects(r) && m.center() != a)
                && !avoid.iter().any(|m| m.intersects(r))
        };
        let spot = options.into_iter().find(free);
        let must_show = label.priority <= 1;
        let Some(rect) = spot.or_else(|| must_show.then_some(options[0])) else {
            continue;
        };
        let tag = Tag::Label(label.index);
        let halo = rect.expand2(vec2(3.0, 1.0));
        scene.rect(tag, halo, 3.0, palette.label_halo, Stroke::NONE);
        scene.text(
            tag,
            rect.min,
            Align2::LEFT_TOP,
            label.text,
            LABEL_SIZE,
            palette.label_text,
        );
        placed.push(halo);
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
}
