//! The offline basemap as a user meets it: the committed data, tile sources, and the Middle
//! East on screen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};
use sortie::app::{Settings, SortieApp, bundled_dataset};
use sortie::map::Basemap;
use walkers::{Tile, TileId, Tiles as _};

#[test]
fn the_committed_basemap_matches_its_checksums() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/basemap");
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let mut checked = 0;
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").expect("sha256sum format");
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let actual: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(actual, hash, "{name} differs from what regenerate.py wrote");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

/// Rebuilds the basemap from the npm packages and compares. It needs the npm registry, so
/// it runs only when asked (`SORTIE_CHECK_REGENERATION=1 cargo test`); the checksum test
/// above guards the committed files in every run.
#[test]
fn the_regeneration_script_reproduces_the_committed_files() {
    if std::env::var_os("SORTIE_CHECK_REGENERATION").is_none() {
        eprintln!(
            "skipped: set SORTIE_CHECK_REGENERATION=1 to rebuild the basemap from npm and compare"
        );
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/basemap/regenerate.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg("--check")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "identical");
}

#[test]
fn a_pmtiles_archive_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("red.pmtiles");
    let mut pixmap = tiny_skia::Pixmap::new(256, 256).unwrap();
    pixmap.fill(tiny_skia::Color::from_rgba8(200, 30, 30, 255));
    let png = pixmap.encode_png().unwrap();
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Png)
        .tile_compression(pmtiles::Compression::None)
        .max_zoom(0)
        .create(file)
        .unwrap();
    writer
        .add_tile(pmtiles::TileCoord::new(0, 0, 0).unwrap(), &png)
        .unwrap();
    writer.finalize().unwrap();

    let ctx = egui::Context::default();
    let mut tiles = walkers::PmTiles::new(&path, ctx);
    let id = TileId {
        zoom: 0,
        x: 0,
        y: 0,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let piece = loop {
        if let Some(piece) = tiles.at(id) {
            break piece;
        }
        assert!(Instant::now() < deadline, "the PMTiles tile never arrived");
        std::thread::sleep(Duration::from_millis(10));
    };
    // Tests build walkers with its `vector` feature (walkers_extras, a bench dependency,
    // asks for it), so a tile could be either kind: ours must be raster.
    #[allow(irrefutable_let_patterns)]
    let Tile::Raster(texture) = piece.tile else {
        panic!("a raster archive gave a vector tile");
    };
    assert_eq!(texture.size(), [256, 256]);
}

/// The app on the offline basemap, centred on the Middle East at zoom 5, once every tile
/// and label is ready.
fn middle_east(dark: bool) -> egui_kittest::Harness<'static, SortieApp> {
    let mut app = SortieApp::new(
        bundled_dataset().unwrap(),
        Settings {
            dark_mode: dark,
            basemap: Basemap::Offline,
            show_timeline: false,
            ..Settings::default()
        },
    );
    app.map.skip_fit();
    app.map.memory.center_at(walkers::lon_lat(44.0, 33.5));
    app.map.memory.set_zoom(5.0).unwrap();
    let mut h = common::rendering_harness(app, [1200.0, 800.0]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut settled = 0;
    while settled < 5 {
        assert!(
            Instant::now() < deadline,
            "the basemap never finished rendering"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
        let ready =
            h.state().map.basemap_pending() == 0 && sortie::basemap::shared_labels().is_some();
        settled = if ready { settled + 1 } else { 0 };
    }
    h.run();
    h
}

#[test]
fn snapshot_of_the_middle_east_at_zoom_5_light() {
    let mut h = middle_east(false);
    h.snapshot("basemap_middle_east_z5_light");
}

#[test]
fn snapshot_of_the_middle_east_at_zoom_5_dark() {
    let mut h = middle_east(true);
    h.snapshot("basemap_middle_east_z5_dark");
}
