//! The basemap as a scene: land, lakes, rivers, coastlines and borders, from the
//! generalization that suits the zoom, for any view. A tile is that scene rasterized; a
//! published figure writes the same scene as vectors. Knows the world's data and the
//! basemap's palette; nothing of the dataset or the map's layers.

use egui::{Color32, Pos2, pos2};
use tiny_skia::Pixmap;

use super::palette::BasemapPalette;
use crate::geometry::screen::ScreenTransform;
use crate::scene::{Scene, Shape, Stroke, Tag};
use crate::world::{Generalization, Part, Polygon, World};

/// A tile to draw: zoom, column, row (the slippy-map scheme, y down).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileCoord {
    /// Zoom level.
    pub zoom: u8,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
}

/// Unit Web Mercator → the scene's points, with the box of unit Mercator in which a part
/// can show (the view grown by a margin for strokes).
#[derive(Clone, Copy)]
struct ToPoints {
    view: ScreenTransform,
    /// The view's box in unit Mercator, grown by the margin.
    bbox: [f32; 4],
    /// The clip box in points: the view grown by the margin.
    clip: [f32; 4],
}

/// Margin around the view within which shapes are kept, in points.
const MARGIN_PX: f32 = 4.0;

impl ToPoints {
    #[allow(clippy::cast_possible_truncation)]
    fn new(view: &ScreenTransform) -> Self {
        let r = view.rect.expand(MARGIN_PX);
        let min = view.to_unit(r.min);
        let max = view.to_unit(r.max);
        Self {
            view: *view,
            bbox: [min[0] as f32, min[1] as f32, max[0] as f32, max[1] as f32],
            clip: [r.left(), r.top(), r.right(), r.bottom()],
        }
    }

    /// The part in points, dropping points closer than a third of a point.
    fn points(&self, part: &Part) -> Vec<Pos2> {
        let mut out: Vec<Pos2> = Vec::with_capacity(part.points.len());
        let n = part.points.len();
        for (i, p) in part.points.iter().enumerate() {
            let q = self.view.to_screen([f64::from(p[0]), f64::from(p[1])]);
            let keep = match out.last() {
                None => true,
                Some(l) => i + 1 == n || (q.x - l.x).abs() + (q.y - l.y).abs() > 0.33,
            };
            if keep {
                out.push(q);
            }
        }
        out
    }

    /// A ring clipped to the view (so the path stays small whatever the zoom).
    fn ring(&self, part: &Part) -> Vec<Pos2> {
        clip_ring(self.points(part), self.clip)
    }

    /// The runs of a line's segments that come near the view.
    fn runs(&self, part: &Part, out: &mut Vec<Vec<Pos2>>) {
        let [x0, y0, x1, y1] = self.clip;
        let outside = |a: Pos2, b: Pos2| {
            (a.x < x0 && b.x < x0)
                || (a.x > x1 && b.x > x1)
                || (a.y < y0 && b.y < y0)
                || (a.y > y1 && b.y > y1)
        };
        let points = self.points(part);
        let mut run: Vec<Pos2> = Vec::new();
        for w in points.windows(2) {
            if outside(w[0], w[1]) {
                if run.len() >= 2 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
                continue;
            }
            if run.is_empty() {
                run.push(w[0]);
            }
            run.push(w[1]);
        }
        if run.len() >= 2 {
            out.push(run);
        }
    }
}

/// Sutherland–Hodgman: clips a closed ring to the box `[x0, y0, x1, y1]`.
fn clip_ring(ring: Vec<Pos2>, [x0, y0, x1, y1]: [f32; 4]) -> Vec<Pos2> {
    // Each edge: is a point inside, and where does a segment cross the edge.
    type Inside = fn(Pos2, f32) -> bool;
    let edges: [(Inside, usize, f32); 4] = [
        (|p, v| p.x >= v, 0, x0),
        (|p, v| p.x <= v, 0, x1),
        (|p, v| p.y >= v, 1, y0),
        (|p, v| p.y <= v, 1, y1),
    ];
    let mut current = ring;
    for (inside, axis, value) in edges {
        if current.is_empty() {
            break;
        }
        let input = std::mem::take(&mut current);
        let mut prev = input[input.len() - 1];
        for &p in &input {
            let (pin, prev_in) = (inside(p, value), inside(prev, value));
            if pin != prev_in {
                let (a, b) = if axis == 0 {
                    (prev.x, p.x)
                } else {
                    (prev.y, p.y)
                };
                let t = (value - a) / (b - a);
                let cross = prev + (p - prev) * t;
                current.push(if axis == 0 {
                    pos2(value, cross.y)
                } else {
                    pos2(cross.x, value)
                });
            }
            if pin {
                current.push(p);
            }
            prev = p;
        }
    }
    current
}

fn color([r, g, b]: [u8; 3]) -> Color32 {
    Color32::from_rgb(r, g, b)
}

/// Fills each polygon as its own item (even-odd within it, for holes), so that overlapping
/// polygons never cancel out.
fn fill_polygons(scene: &mut Scene, polygons: &[Polygon], t: &ToPoints, rgb: [u8; 3]) {
    // Natural Earth does not always list the exterior ring first: test every ring.
    for polygon in polygons
        .iter()
        .filter(|p| p.rings.iter().any(|r| r.meets(t.bbox)))
    {
        let parts: Vec<Vec<Pos2>> = polygon
            .rings
            .iter()
            .filter(|r| r.meets(t.bbox))
            .map(|r| t.ring(r))
            .filter(|r| r.len() >= 3)
            .collect();
        if !parts.is_empty() {
            scene.push(
                Tag::Basemap,
                Shape::Path {
                    parts,
                    closed: true,
                    fill: color(rgb),
                    stroke: Stroke::NONE,
                },
            );
        }
    }
}

fn stroke_lines(scene: &mut Scene, parts: &[Part], t: &ToPoints, rgb: [u8; 3], width: f32) {
    let mut runs = Vec::new();
    for part in parts.iter().filter(|p| p.meets(t.bbox)) {
        t.runs(part, &mut runs);
    }
    if !runs.is_empty() {
        scene.push(
            Tag::Basemap,
            Shape::Path {
                parts: runs,
                closed: false,
                fill: Color32::TRANSPARENT,
                stroke: Stroke {
                    round: false,
                    ..Stroke::new(width, color(rgb))
                },
            },
        );
    }
}

/// The basemap of `view` as a scene: water, land, lakes, rivers (from zoom 4), coastlines
/// and borders, from the generalization that suits `zoom`. Line widths grow a little with
/// zoom, and with `density` (pixels per point of a tile).
pub fn world_scene(
    data: &World,
    palette: &BasemapPalette,
    view: &ScreenTransform,
    zoom: u8,
    density: f32,
) -> Scene {
    let mut scene = Scene::new(view.rect.size());
    scene.rect(
        Tag::Basemap,
        view.rect,
        0.0,
        color(palette.water),
        Stroke::NONE,
    );
    let t = ToPoints::new(view);
    let scale = data.scale(Generalization::for_zoom(zoom));
    let z = f32::from(zoom);
    fill_polygons(&mut scene, &scale.land, &t, palette.land);
    fill_polygons(&mut scene, &scale.lakes, &t, palette.water);
    if zoom >= 4 {
        stroke_lines(
            &mut scene,
            &scale.rivers,
            &t,
            palette.river,
            (0.4 + 0.12 * z).min(1.6) * density,
        );
    }
    stroke_lines(
        &mut scene,
        &scale.coastlines,
        &t,
        palette.coast,
        (0.5 + 0.08 * z).min(1.2) * density,
    );
    stroke_lines(
        &mut scene,
        &scale.borders,
        &t,
        palette.border,
        (0.6 + 0.1 * z).min(1.6) * density,
    );
    scene
}

/// The transform that puts a tile `size_px` pixels square at the origin.
#[allow(clippy::cast_precision_loss)]
fn tile_view(tile: TileCoord, size_px: u32) -> ScreenTransform {
    let tiles = (1u64 << tile.zoom) as f64;
    let scale = tiles * f64::from(size_px);
    #[allow(clippy::cast_possible_truncation)]
    let side = size_px as f32;
    ScreenTransform {
        scale,
        offset: [
            -f64::from(tile.x) * f64::from(size_px),
            -f64::from(tile.y) * f64::from(size_px),
        ],
        rect: egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(side, side)),
    }
}

/// Renders a tile `size_px` pixels square (256, or 512 for HiDPI screens): the tile's
/// [`world_scene`], rasterized.
///
/// Returns `None` only if `size_px` is zero.
pub fn render_tile(
    data: &World,
    palette: &BasemapPalette,
    tile: TileCoord,
    size_px: u32,
) -> Option<Pixmap> {
    let mut pixmap = Pixmap::new(size_px, size_px)?;
    #[allow(clippy::cast_precision_loss)]
    let density = size_px as f32 / 256.0;
    let scene = world_scene(data, palette, &tile_view(tile, size_px), tile.zoom, density);
    crate::scene::raster::draw(&scene, &mut pixmap, tiny_skia::Transform::identity());
    Some(pixmap)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tile holding a longitude/latitude at a zoom.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn tile_at(lon: f64, lat: f64, zoom: u8) -> TileCoord {
        let [x, y] = crate::geometry::mercator::project(lon, lat);
        let n = f64::from(1u32 << zoom);
        TileCoord {
            zoom,
            x: (x * n) as u32,
            y: (y * n) as u32,
        }
    }

    fn pixel(p: &Pixmap, x: u32, y: u32) -> [u8; 3] {
        let c = p.pixel(x, y).expect("inside");
        [c.red(), c.green(), c.blue()]
    }

    #[test]
    fn a_tile_renders_identically_twice() {
        let data = World::shared();
        let palette = BasemapPalette::for_dark_mode(false);
        let tile = tile_at(44.0, 34.0, 6);
        let a = render_tile(&data, &palette, tile, 256).expect("size");
        let b = render_tile(&data, &palette, tile, 256).expect("size");
        assert_eq!(a.data(), b.data());
    }

    /// The rendered colour at a longitude/latitude.
    fn colour_at(lon: f64, lat: f64, zoom: u8, palette: &BasemapPalette) -> [u8; 3] {
        let p = render_tile(&World::shared(), palette, tile_at(lon, lat, zoom), 256).expect("size");
        let [x, y] = crate::geometry::mercator::project(lon, lat);
        let n = f64::from(1u32 << zoom) * 256.0;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        pixel(&p, (x * n) as u32 % 256, (y * n) as u32 % 256)
    }

    #[test]
    fn land_is_land_and_sea_is_sea() {
        let palette = BasemapPalette::for_dark_mode(false);
        for zoom in [2, 5, 9] {
            assert_eq!(
                colour_at(54.0, 33.0, zoom, &palette),
                palette.land,
                "central Iran at zoom {zoom}"
            );
            assert_eq!(
                colour_at(18.0, 34.5, zoom, &palette),
                palette.water,
                "the Mediterranean at zoom {zoom}"
            );
            assert_eq!(
                colour_at(51.0, 27.0, zoom, &palette),
                palette.water,
                "the Gulf at zoom {zoom}"
            );
        }
        // Syria at 1:50m, where the continent is not the polygon's first ring.
        assert_eq!(colour_at(40.0, 33.0, 4, &palette), palette.land);
        // Northern Iraq close in, where a route's figure is made at street level.
        for zoom in [9, 10, 12, 14] {
            assert_eq!(
                colour_at(43.4, 35.4, zoom, &palette),
                palette.land,
                "northern Iraq at zoom {zoom}"
            );
        }
        // Lake Van, at a zoom where 1:10m lakes are drawn.
        assert_eq!(colour_at(42.9, 38.6, 8, &palette), palette.water);
    }

    #[test]
    #[ignore = "writes PNGs to /tmp for a person to look at"]
    fn write_sample_tiles() {
        let data = World::shared();
        for (dark, name) in [(false, "light"), (true, "dark")] {
            for zoom in [3, 5, 7] {
                let p = render_tile(
                    &data,
                    &BasemapPalette::for_dark_mode(dark),
                    tile_at(44.0, 35.0, zoom),
                    256,
                );
                p.expect("size")
                    .save_png(format!("/tmp/tile-{name}-{zoom}.png"))
                    .expect("write");
            }
        }
    }

    #[test]
    fn clipping_keeps_the_part_inside() {
        // A square larger than the clip box becomes the box.
        let ring = vec![
            pos2(-10.0, -10.0),
            pos2(300.0, -10.0),
            pos2(300.0, 300.0),
            pos2(-10.0, 300.0),
        ];
        let clipped = clip_ring(ring, [0.0, 0.0, 256.0, 256.0]);
        assert_eq!(clipped.len(), 4);
        assert!(
            clipped
                .iter()
                .all(|p| (0.0..=256.0).contains(&p.x) && (0.0..=256.0).contains(&p.y))
        );
        // A ring wholly outside disappears.
        let outside = vec![pos2(400.0, 0.0), pos2(500.0, 0.0), pos2(500.0, 50.0)];
        assert!(clip_ring(outside, [0.0, 0.0, 256.0, 256.0]).is_empty());
    }

    #[test]
    fn hidpi_tiles_are_twice_the_size() {
        let data = World::shared();
        let p = render_tile(
            &data,
            &BasemapPalette::for_dark_mode(true),
            tile_at(44.0, 34.0, 5),
            512,
        );
        assert_eq!(p.map(|p| (p.width(), p.height())), Some((512, 512)));
    }
}
