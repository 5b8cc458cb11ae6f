//! Offline basemap speed: one 256 px tile rendered on one core, at zooms 3, 6 and 9 over
//! the Middle East (target: median at most 5 ms per tile), and the one-time decoding of the
//! embedded data.

use criterion::{Criterion, criterion_group, criterion_main};
use sortie::basemap::palette::BasemapPalette;
use sortie::basemap::render::{TileCoord, render_tile};
use sortie::geometry::mercator;
use sortie::world::World;

/// The tiles that cover 34°E–56°E, 24°N–42°N (Syria to the Gulf) at a zoom, at most 24,
/// spread evenly.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn middle_east_tiles(zoom: u8) -> Vec<TileCoord> {
    let n = f64::from(1u32 << zoom);
    let [x0, y0] = mercator::project(34.0, 42.0);
    let [x1, y1] = mercator::project(56.0, 24.0);
    let (tx0, ty0, tx1, ty1) = (
        (x0 * n) as u32,
        (y0 * n) as u32,
        (x1 * n) as u32,
        (y1 * n) as u32,
    );
    let all: Vec<TileCoord> = (ty0..=ty1)
        .flat_map(|y| (tx0..=tx1).map(move |x| TileCoord { zoom, x, y }))
        .collect();
    let step = all.len().div_ceil(24).max(1);
    all.into_iter().step_by(step).collect()
}

fn render(c: &mut Criterion) {
    let data = World::shared();
    let palette = BasemapPalette::for_dark_mode(false);
    let mut group = c.benchmark_group("basemap/render_tile_256");
    for zoom in [3u8, 6, 9] {
        let tiles = middle_east_tiles(zoom);
        let mut next = 0usize;
        group.bench_function(format!("z{zoom}"), |b| {
            b.iter(|| {
                let tile = tiles[next % tiles.len()];
                next += 1;
                render_tile(&data, &palette, tile, 256)
            });
        });
    }
    group.finish();
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("basemap");
    group.sample_size(10);
    group.bench_function("decode_embedded", |b| b.iter(World::decode_embedded));
    group.finish();
}

criterion_group!(benches, render, decode);
criterion_main!(benches);
