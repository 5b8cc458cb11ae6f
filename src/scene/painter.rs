//! A scene onto the window through egui's painter. Plain rectangles in a row (density
//! cells) go out as one mesh; filled rings that are not convex are triangulated, since
//! epaint fills convex paths only.

use egui::{Color32, FontId, Mesh, Painter, Pos2, Shape as EguiShape};

use super::{Scene, Shape, Stroke};

/// Paints every item of `scene`.
pub fn paint(scene: &Scene, painter: &Painter) {
    painter.extend(shapes(scene, painter));
}

/// egui's shapes for every item of `scene` (text laid out with `painter`'s fonts).
pub fn shapes(scene: &Scene, painter: &Painter) -> Vec<EguiShape> {
    let mut out = Vec::with_capacity(scene.items.len());
    let mut mesh = Mesh::default();
    for item in &scene.items {
        if let Shape::Rect {
            rect,
            corner,
            fill,
            stroke,
        } = &item.shape
            && *corner <= 0.0
            && !stroke.is_visible()
        {
            mesh.add_colored_rect(*rect, *fill);
            continue;
        }
        if !mesh.is_empty() {
            out.push(EguiShape::mesh(std::mem::take(&mut mesh)));
        }
        match &item.shape {
            Shape::Path {
                parts,
                closed,
                fill,
                stroke,
            } => path(&mut out, parts, *closed, *fill, stroke),
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => out.push(EguiShape::Circle(egui::epaint::CircleShape {
                center: *center,
                radius: *radius,
                fill: *fill,
                stroke: egui_stroke(stroke),
            })),
            Shape::Rect {
                rect,
                corner,
                fill,
                stroke,
            } => out.push(EguiShape::Rect(egui::epaint::RectShape::new(
                *rect,
                *corner,
                *fill,
                egui_stroke(stroke),
                egui::StrokeKind::Middle,
            ))),
            Shape::Text(text) => {
                let galley = painter.layout_no_wrap(
                    text.text.clone(),
                    FontId::proportional(text.size),
                    text.color,
                );
                out.push(EguiShape::galley(text.pos, galley, text.color));
            }
            // The window clips with the painter's own rectangle, and its raster basemaps
            // are walkers' tiles, drawn before the scene: images come only from figures.
            Shape::Clip(_) | Shape::Image { .. } => {}
        }
    }
    if !mesh.is_empty() {
        out.push(EguiShape::mesh(mesh));
    }
    out
}

fn egui_stroke(stroke: &Stroke) -> egui::Stroke {
    if stroke.is_visible() {
        egui::Stroke::new(stroke.width, stroke.color)
    } else {
        egui::Stroke::NONE
    }
}

fn path(
    out: &mut Vec<EguiShape>,
    parts: &[Vec<Pos2>],
    closed: bool,
    fill: Color32,
    stroke: &Stroke,
) {
    let line = egui_stroke(stroke);
    if closed {
        if fill.a() > 0 {
            if parts.len() == 1 && is_convex(&parts[0]) {
                out.push(EguiShape::convex_polygon(
                    parts[0].clone(),
                    fill,
                    egui::Stroke::NONE,
                ));
            } else {
                out.push(EguiShape::mesh(triangulate(parts, fill)));
            }
        }
        if line.width > 0.0 {
            for part in parts {
                out.push(EguiShape::closed_line(part.clone(), line));
            }
        }
        return;
    }
    for part in parts {
        match stroke.dash {
            Some([on, off]) => out.extend(EguiShape::dashed_line(part, line, on, off)),
            // Two points go out as a segment, which egui aligns to the pixel grid.
            None if part.len() == 2 => out.push(EguiShape::line_segment([part[0], part[1]], line)),
            None => out.push(EguiShape::line(part.clone(), line)),
        }
    }
}

/// A filled ring with holes (the first part is the exterior) as triangles.
fn triangulate(parts: &[Vec<Pos2>], fill: Color32) -> Mesh {
    use geo::TriangulateEarcut as _;
    let ring = |part: &Vec<Pos2>| -> geo_types::LineString<f64> {
        part.iter()
            .map(|p| (f64::from(p.x), f64::from(p.y)))
            .collect()
    };
    let mut mesh = Mesh::default();
    let Some((exterior, holes)) = parts.split_first() else {
        return mesh;
    };
    let polygon = geo_types::Polygon::new(ring(exterior), holes.iter().map(ring).collect());
    let raw = polygon.earcut_triangles_raw();
    #[allow(clippy::cast_possible_truncation)]
    for v in &raw.vertices {
        mesh.colored_vertex(egui::pos2(v[0] as f32, v[1] as f32), fill);
    }
    mesh.indices = raw
        .triangle_indices
        .iter()
        .map(|&i| u32::try_from(i).unwrap_or(0))
        .collect();
    mesh
}

/// Whether a ring turns one way only.
pub fn is_convex(points: &[Pos2]) -> bool {
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

#[cfg(test)]
mod tests {
    use egui::pos2;

    use super::*;

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
        let mesh = triangulate(&[dart.to_vec()], Color32::RED);
        assert_eq!(mesh.indices.len(), 6, "a dart is two triangles");
    }
}
