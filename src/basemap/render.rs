//! Rasterizing one basemap tile: land, lakes, rivers, coastlines and borders, antialiased,
//! from the generalization that suits the tile's zoom. Knows the world's data and the
//! basemap's palette; nothing of egui, the dataset or the map's layers.

use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::palette::BasemapPalette;
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

/// Unit Web Mercator → tile pixels.
#[derive(Clone, Copy)]
struct ToPixels {
    scale: f32,
    offset: [f32; 2],
    /// The tile's box in unit Mercator, grown by a margin for strokes.
    bbox: [f32; 4],
}

impl ToPixels {
    #[allow(clippy::cast_precision_loss)]
    fn new(tile: TileCoord, size_px: u32) -> Self {
        let tiles = (1u64 << tile.zoom) as f64;
        let scale = tiles * f64::from(size_px);
        let (x0, y0) = (f64::from(tile.x) / tiles, f64::from(tile.y) / tiles);
        let margin = 4.0 / scale;
        #[allow(clippy::cast_possible_truncation)]
        Self {
            scale: scale as f32,
            offset: [(x0 * scale) as f32, (y0 * scale) as f32],
            bbox: [
                (x0 - margin) as f32,
                (y0 - margin) as f32,
                (x0 + 1.0 / tiles + margin) as f32,
                (y0 + 1.0 / tiles + margin) as f32,
            ],
        }
    }

    /// The part in tile pixels, dropping points closer than a third of a pixel.
    fn pixels(&self, part: &Part) -> Vec<(f32, f32)> {
        let mut out: Vec<(f32, f32)> = Vec::with_capacity(part.points.len());
        let n = part.points.len();
        for (i, p) in part.points.iter().enumerate() {
            let q = (
                p[0] * self.scale - self.offset[0],
                p[1] * self.scale - self.offset[1],
            );
            let keep = match out.last() {
                None => true,
                Some(&(lx, ly)) => i + 1 == n || (q.0 - lx).abs() + (q.1 - ly).abs() > 0.33,
            };
            if keep {
                out.push(q);
            }
        }
        out
    }

    /// Adds a ring, clipped to the tile (so the path stays small whatever the zoom).
    fn add_ring(&self, path: &mut PathBuilder, part: &Part, size_px: f32) {
        let ring = clip_ring(self.pixels(part), -4.0, size_px + 4.0);
        let mut points = ring.into_iter();
        if let Some((x, y)) = points.next() {
            path.move_to(x, y);
            for (x, y) in points {
                path.line_to(x, y);
            }
            path.close();
        }
    }

    /// Adds a line, keeping only the runs of segments that come near the tile.
    fn add_line(&self, path: &mut PathBuilder, part: &Part, size_px: f32) {
        let (lo, hi) = (-4.0, size_px + 4.0);
        let outside = |a: (f32, f32), b: (f32, f32)| {
            (a.0 < lo && b.0 < lo)
                || (a.0 > hi && b.0 > hi)
                || (a.1 < lo && b.1 < lo)
                || (a.1 > hi && b.1 > hi)
        };
        let points = self.pixels(part);
        let mut drawing = false;
        for w in points.windows(2) {
            if outside(w[0], w[1]) {
                drawing = false;
                continue;
            }
            if !drawing {
                path.move_to(w[0].0, w[0].1);
                drawing = true;
            }
            path.line_to(w[1].0, w[1].1);
        }
    }
}

/// Sutherland–Hodgman: clips a closed ring to the square `lo..hi` on both axes.
fn clip_ring(ring: Vec<(f32, f32)>, lo: f32, hi: f32) -> Vec<(f32, f32)> {
    // Each edge: is a point inside, and where does a segment cross the edge.
    type Inside = fn((f32, f32), f32) -> bool;
    let edges: [(Inside, usize, f32); 4] = [
        (|p, v| p.0 >= v, 0, lo),
        (|p, v| p.0 <= v, 0, hi),
        (|p, v| p.1 >= v, 1, lo),
        (|p, v| p.1 <= v, 1, hi),
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
                    (prev.0, p.0)
                } else {
                    (prev.1, p.1)
                };
                let t = (value - a) / (b - a);
                let cross = (prev.0 + t * (p.0 - prev.0), prev.1 + t * (p.1 - prev.1));
                current.push(if axis == 0 {
                    (value, cross.1)
                } else {
                    (cross.0, value)
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

fn paint(rgb: [u8; 3]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(rgb[0], rgb[1], rgb[2], 255);
    paint.anti_alias = true;
    paint
}

/// Fills each polygon on its own (even-odd within it, for holes), so that overlapping
/// polygons never cancel out.
fn fill_polygons(pixmap: &mut Pixmap, polygons: &[Polygon], t: &ToPixels, rgb: [u8; 3]) {
    #[allow(clippy::cast_precision_loss)]
    let size = pixmap.width() as f32;
    let paint = paint(rgb);
    // Natural Earth does not always list the exterior ring first: test every ring.
    for polygon in polygons
        .iter()
        .filter(|p| p.rings.iter().any(|r| r.meets(t.bbox)))
    {
        let mut path = PathBuilder::new();
        for ring in polygon.rings.iter().filter(|r| r.meets(t.bbox)) {
            t.add_ring(&mut path, ring, size);
        }
        if let Some(path) = path.finish() {
            pixmap.fill_path(
                &path,
                &paint,
                FillRule::EvenOdd,
                Transform::identity(),
                None,
            );
        }
    }
}

fn stroke_lines(pixmap: &mut Pixmap, parts: &[Part], t: &ToPixels, rgb: [u8; 3], width: f32) {
    let mut path = PathBuilder::new();
    #[allow(clippy::cast_precision_loss)]
    let size = pixmap.width() as f32;
    for part in parts.iter().filter(|p| p.meets(t.bbox)) {
        t.add_line(&mut path, part, size);
    }
    if let Some(path) = path.finish() {
        let stroke = Stroke {
            width,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(rgb), &stroke, Transform::identity(), None);
    }
}

/// Renders a tile `size_px` pixels square (256, or 512 for HiDPI screens).
///
/// Returns `None` only if `size_px` is zero.
pub fn render_tile(
    data: &World,
    palette: &BasemapPalette,
    tile: TileCoord,
    size_px: u32,
) -> Option<Pixmap> {
    let mut pixmap = Pixmap::new(size_px, size_px)?;
    let [r, g, b] = palette.water;
    pixmap.fill(Color::from_rgba8(r, g, b, 255));
    let t = ToPixels::new(tile, size_px);
    let scale = data.scale(Generalization::for_zoom(tile.zoom));
    // Line widths grow a little with zoom and with the pixel density.
    #[allow(clippy::cast_precision_loss)]
    let density = size_px as f32 / 256.0;
    let z = f32::from(tile.zoom);
    fill_polygons(&mut pixmap, &scale.land, &t, palette.land);
    fill_polygons(&mut pixmap, &scale.lakes, &t, palette.water);
    if tile.zoom >= 4 {
        stroke_lines(
            &mut pixmap,
            &scale.rivers,
            &t,
            palette.river,
            (0.4 + 0.12 * z).min(1.6) * density,
        );
    }
    stroke_lines(
        &mut pixmap,
        &scale.coastlines,
        &t,
        palette.coast,
        (0.5 + 0.08 * z).min(1.2) * density,
    );
    stroke_lines(
        &mut pixmap,
        &scale.borders,
        &t,
        palette.border,
        (0.6 + 0.1 * z).min(1.6) * density,
    );
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
            (-10.0, -10.0),
            (300.0, -10.0),
            (300.0, 300.0),
            (-10.0, 300.0),
        ];
        let clipped = clip_ring(ring, 0.0, 256.0);
        assert_eq!(clipped.len(), 4);
        assert!(
            clipped
                .iter()
                .all(|&(x, y)| (0.0..=256.0).contains(&x) && (0.0..=256.0).contains(&y))
        );
        // A ring wholly outside disappears.
        assert!(clip_ring(vec![(400.0, 0.0), (500.0, 0.0), (500.0, 50.0)], 0.0, 256.0).is_empty());
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
