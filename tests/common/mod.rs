//! Shared test helpers: the app on the bundled dataset, and the one harness constructor
//! every UI test uses.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use egui_kittest::{Harness, SnapshotOptions};
use sortie::app::{Settings, SortieApp, bundled_dataset};
use sortie::map::Basemap;

/// Window size for UI tests, in points.
pub const SIZE: [f32; 2] = [1400.0, 900.0];

/// The app on the bundled dataset with no tiles (tests never touch the network).
pub fn app() -> SortieApp {
    app_with(bundled_dataset().expect("the bundled dataset loads"))
}

/// The app on `dataset` with no tiles, the timeline shown.
pub fn app_with(dataset: sortie::dataset::Dataset) -> SortieApp {
    SortieApp::new(
        dataset,
        Settings {
            dark_mode: false,
            basemap: Basemap::None,
            show_timeline: true,
            editor_name: "Test Editor".to_owned(),
        },
    )
    .with_data_dir(test_data_dir())
}

/// Where tests keep recovery journals: `SORTIE_DATA_DIR` (a crash test's child), else a
/// folder of this test process's own, never the user's.
pub fn test_data_dir() -> std::path::PathBuf {
    std::env::var_os("SORTIE_DATA_DIR").map_or_else(
        || std::env::temp_dir().join(format!("sortie-test-data-{}", std::process::id())),
        std::path::PathBuf::from,
    )
}

/// A harness that runs the app's frames without rendering pixels.
///
/// egui's bundled fonts lack a few symbols the data uses (such as "→"); the app finds them
/// in the system's fonts, but tests use only the bundled ones so that snapshots do not
/// depend on a machine's fonts, and draw a box for a missing glyph.
pub fn harness(app: SortieApp) -> Harness<'static, SortieApp> {
    let mut h = Harness::builder()
        .with_size(SIZE)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut SortieApp| app.show(ui), app);
    settle(&mut h);
    h
}

/// A harness that renders with wgpu on its OpenGL backend (Mesa llvmpipe on CI), so that
/// snapshot references match from machine to machine.
pub fn rendering_harness(app: SortieApp, size: [f32; 2]) -> Harness<'static, SortieApp> {
    let egui_wgpu::WgpuSetup::CreateNew(mut setup) = egui_kittest::wgpu::default_wgpu_setup()
    else {
        unreachable!("kittest's default setup creates a new instance")
    };
    setup.instance_descriptor.backends = egui_wgpu::wgpu::Backends::GL;
    let mut h = Harness::builder()
        .with_size(size)
        .allow_missing_glyphs()
        .wgpu_setup(egui_wgpu::WgpuSetup::CreateNew(setup))
        .with_options(snapshot_options())
        .build_ui_state(|ui, app: &mut SortieApp| app.show(ui), app);
    settle(&mut h);
    h
}

/// Steps until background work that changes the picture (route airspace) is done.
pub fn settle(h: &mut Harness<'_, SortieApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    h.step();
    while h.state().is_computing_airspace() {
        assert!(
            std::time::Instant::now() < deadline,
            "the airspace was never computed"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
}

/// Snapshot tolerance, in one place.
pub fn snapshot_options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(1.0).max_failed_pixels(40)
}

/// Index of the feature with `id` in the app's dataset.
pub fn index_of(app: &SortieApp, id: &str) -> usize {
    app.loaded
        .dataset
        .index_of(id)
        .unwrap_or_else(|| panic!("no feature {id:?}"))
}

/// The colour of the test archive's tiles: a magenta no basemap or feature uses.
pub const TILE_RGB: [u8; 3] = [210, 20, 200];

/// Writes a raster PMTiles archive with one-colour tiles at zooms 0 to `max_zoom`, only
/// those where `keep(zoom, x, y)` holds, crediting "© Test Tiles".
pub fn solid_archive(path: &std::path::Path, max_zoom: u8, keep: impl Fn(u8, u32, u32) -> bool) {
    let mut pixmap = tiny_skia::Pixmap::new(256, 256).unwrap();
    let [r, g, b] = TILE_RGB;
    pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
    let png = pixmap.encode_png().unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Png)
        .tile_compression(pmtiles::Compression::None)
        .max_zoom(max_zoom)
        .metadata(r#"{"attribution":"<a href=\"https://tiles.example/\">&copy; Test Tiles</a>"}"#)
        .create(file)
        .unwrap();
    // Tiles in the archive's order (Hilbert, zoom by zoom).
    let mut coords = Vec::new();
    for z in 0..=max_zoom {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                if keep(z, x, y) {
                    coords.push(pmtiles::TileCoord::new(z, x, y).unwrap());
                }
            }
        }
    }
    coords.sort_by_key(|c| pmtiles::TileId::from(*c).value());
    for c in coords {
        writer.add_tile(c, &png).unwrap();
    }
    writer.finalize().unwrap();
}

/// A file dropped from the desktop, as the window's integration hands it to egui.
#[derive(Debug)]
pub struct Dropped(pub std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
