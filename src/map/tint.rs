//! Countries tinted (those a selected route crosses): one scene item per polygon, the same
//! in the window and in figures. Natural Earth does not always list a polygon's exterior
//! first, so the rings go out largest first: the window's painter triangulates with the
//! first ring as the exterior, and figures fill even-odd, where order does not matter.

use egui::Pos2;

use crate::geometry::screen::ScreenTransform;
use crate::scene::{Scene, Shape, Stroke, Tag};
use crate::theme::Palette;
use crate::world::{Part, World};

/// How strongly a tint covers the map: the selection colour at this opacity.
const TINT_OPACITY: f32 = 0.14;

/// Pushes the countries named in `names` (1:50m) into `scene`, tinted with the selection
/// colour.
pub fn tint_scene(scene: &mut Scene, view: &ScreenTransform, names: &[String], palette: &Palette) {
    if names.is_empty() {
        return;
    }
    let world = World::shared();
    let fill = palette.selection.gamma_multiply(TINT_OPACITY);
    for country in world
        .medium
        .countries
        .iter()
        .filter(|c| names.contains(&c.name))
    {
        for polygon in &country.polygons {
            let parts = exterior_first(&polygon.rings)
                .into_iter()
                .map(|ring| ring.points.iter().map(|p| on_screen(view, *p)).collect())
                .collect();
            scene.push(
                Tag::Tint,
                Shape::Path {
                    parts,
                    closed: true,
                    fill,
                    stroke: Stroke::NONE,
                },
            );
        }
    }
}

/// A polygon's rings that can enclose anything, the largest (the exterior) first.
fn exterior_first(rings: &[Part]) -> Vec<&Part> {
    let mut rings: Vec<&Part> = rings.iter().filter(|r| r.points.len() >= 4).collect();
    let area = |r: &Part| (r.bbox[2] - r.bbox[0]) * (r.bbox[3] - r.bbox[1]);
    rings.sort_by(|a, b| area(b).total_cmp(&area(a)));
    rings
}

fn on_screen(view: &ScreenTransform, p: [f32; 2]) -> Pos2 {
    view.to_screen([f64::from(p[0]), f64::from(p[1])])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> ScreenTransform {
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(1400.0, 900.0));
        ScreenTransform::new(rect, crate::geometry::mercator::project(47.0, 33.0), 5.0)
    }

    #[test]
    fn named_countries_only_exterior_first() {
        let palette = Palette::for_dark_mode(false);
        let mut scene = Scene::new(egui::Vec2::ZERO);
        tint_scene(&mut scene, &view(), &[], &palette);
        assert!(scene.items.is_empty());
        tint_scene(
            &mut scene,
            &view(),
            &["Syria".to_owned(), "Atlantis".to_owned()],
            &palette,
        );
        assert!(!scene.items.is_empty(), "Syria is tinted");
        for item in &scene.items {
            assert_eq!(item.tag, Tag::Tint);
            let Shape::Path { parts, fill, .. } = &item.shape else {
                panic!("a tint is a path");
            };
            assert_eq!(*fill, palette.selection.gamma_multiply(TINT_OPACITY));
            let extent = |ring: &Vec<Pos2>| egui::Rect::from_points(ring).area();
            assert!(parts.iter().all(|r| extent(r) <= extent(&parts[0])));
        }
        // The window's painter fills it with triangles.
        let painter = egui::Painter::new(
            egui::Context::default(),
            egui::LayerId::background(),
            egui::Rect::EVERYTHING,
        );
        let shapes = crate::scene::painter::shapes(&scene, &painter);
        assert!(
            shapes
                .iter()
                .any(|s| matches!(s, egui::Shape::Mesh(m) if !m.indices.is_empty()))
        );
    }
}
