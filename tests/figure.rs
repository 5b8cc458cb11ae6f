//! Publishing the map: `sortie render` to PNG, SVG and PDF with no display, what each file
//! holds (legend, scale bar, attribution, footnote links), footnote numbering, refusals,
//! and the window and the figure drawing the same things for the same view.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sortie::basemap::raster::RasterSource;
use sortie::figure::{Extent, Figure, FigureBasemap, FigureFormat, FigureOptions, Parts};
use sortie::map::MapLayers;

fn bundled_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/datasets/hamedan-2016-08.geojson")
}

/// Runs `sortie render` with no display server; returns (status, stdout).
fn render(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sortie"))
        .arg("render")
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// The bundled figure built in this process, as the command line builds it.
fn bundled_figure(format: FigureFormat, size: egui::Vec2) -> Figure {
    let dataset = sortie::app::bundled_dataset().expect("loads");
    let layers = MapLayers::new(&dataset);
    let options = FigureOptions {
        size,
        ..FigureOptions::default()
    };
    Figure::build(&dataset, &layers, &options, format).expect("builds")
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[1..4], b"PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Compares a PNG with a committed reference (`UPDATE_SNAPSHOTS=1` rewrites it): at most
/// 0.1% of pixels may differ by more than 8 in a channel.
fn compare_with_reference(png: &Path, name: &str) {
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/snapshots/{name}.png"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !reference.exists() {
        std::fs::copy(png, &reference).expect("writes the reference");
        return;
    }
    let a = tiny_skia::Pixmap::load_png(png).expect("decodes");
    let b = tiny_skia::Pixmap::load_png(&reference).expect("decodes the reference");
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let differing = a
        .data()
        .chunks_exact(4)
        .zip(b.data().chunks_exact(4))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 8))
        .count();
    let allowed = (a.width() * a.height()) as usize / 1000;
    assert!(
        differing <= allowed,
        "{differing} pixels differ from {} (at most {allowed}); UPDATE_SNAPSHOTS=1 rewrites it",
        reference.display()
    );
}

#[test]
fn a_png_of_the_bundled_dataset_with_no_display() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundled.png");
    let (status, said) = render(&[
        bundled_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--size",
        "1200x800",
    ]);
    assert_eq!(status, 0, "{said}");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(png_size(&bytes), (1200, 800));
    compare_with_reference(&out, "figure_bundled");

    // Twice the pixels at --scale 2, the same drawing.
    let out2 = dir.path().join("bundled@2x.png");
    let (status, said) = render(&[
        bundled_path().to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--size",
        "1200x800",
        "--scale",
        "2",
    ]);
    assert_eq!(status, 0, "{said}");
    assert_eq!(png_size(&std::fs::read(&out2).unwrap()), (2400, 1600));
}

#[test]
fn an_svg_parses_renders_and_links_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundled.svg");
    let (status, said) = render(&[
        bundled_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{said}");
    let svg = std::fs::read_to_string(&out).unwrap();
    for words in [
        "Russian strikes in Syria from Hamedan, Iran, August 2016",
        "Legend",
        "Air base",
        "Reported target",
        "Schematic route (flown path not known)",
        "Approximate position (circle: uncertainty)",
        " km</text>",
        "Scale true at",
        "Basemap: Natural Earth · GeoNames",
        "Made with Sortie",
        "Deir ez-Zor [",
    ] {
        assert!(svg.contains(words), "the SVG lacks {words:?}");
    }
    let figure = bundled_figure(FigureFormat::Svg, egui::vec2(1600.0, 1000.0));
    assert!(figure.listed > 0);
    for note in &figure.footnotes.notes[..figure.listed] {
        let url = note.url().expect("the bundled sources have addresses");
        let escaped = url.replace('&', "&amp;");
        assert!(
            svg.contains(&format!("<a href=\"{escaped}\"")),
            "source {} is not a link: {url}",
            note.number
        );
    }

    // It renders: usvg parses it, resvg draws land and markers.
    let mut options = resvg::usvg::Options::default();
    options
        .fontdb_mut()
        .load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
    let tree = resvg::usvg::Tree::from_str(&svg, &options).expect("usvg parses the SVG");
    assert_eq!(tree.size().width(), 1600.0);
    let mut pixmap = tiny_skia::Pixmap::new(1600, 1000).unwrap();
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    let colours: std::collections::HashSet<[u8; 4]> = pixmap
        .pixels()
        .iter()
        .step_by(97)
        .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
        .collect();
    assert!(
        colours.len() > 20,
        "{} colours: not much drawn",
        colours.len()
    );
}

#[test]
fn a_pdf_has_text_and_clickable_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundled.pdf");
    let (status, said) = render(&[
        bundled_path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{said}");
    let pdf = lopdf::Document::load(&out).expect("the PDF opens");
    let pages = pdf.get_pages();
    assert!(!pages.is_empty());
    let text = pdf.extract_text(&[1]).expect("text on page 1");
    for words in [
        "Russian strikes in Syria from Hamedan",
        "Legend",
        "Air base",
        "Natural Earth",
        "Made with Sortie",
    ] {
        assert!(text.contains(words), "page 1 lacks {words:?}: {text}");
    }
    // Every source's address is a link annotation, on whichever page lists it.
    let mut uris = std::collections::HashSet::new();
    for (_, page) in pages {
        for annotation in pdf.get_page_annotations(page).unwrap_or_default() {
            if let Ok(action) = annotation.get(b"A").and_then(|a| a.as_dict())
                && let Ok(uri) = action.get(b"URI").and_then(|u| u.as_str())
            {
                uris.insert(String::from_utf8_lossy(uri).into_owned());
            }
        }
    }
    let figure = bundled_figure(FigureFormat::Pdf, sortie::figure::A4_LANDSCAPE);
    assert_eq!(
        figure.listed,
        figure.footnotes.notes.len(),
        "a PDF lists all"
    );
    assert!(figure.listed > 10);
    for note in &figure.footnotes.notes {
        let url = note.url().unwrap();
        assert!(uris.contains(url), "no link to {url}: {uris:?}");
    }
}

/// Two features with sources: the first cites s1–s4, the second s2 and s5.
const CITING: &str = r#"{"type":"FeatureCollection","sources":[
 {"id":"s1","publisher":"One","url":"https://one.example/"},
 {"id":"s2","publisher":"Two","url":"https://two.example/"},
 {"id":"s3","publisher":"Three","url":"https://three.example/"},
 {"id":"s4","publisher":"Four","url":"https://four.example/"},
 {"id":"s5","publisher":"Five","url":"https://five.example/"}],
 "features":[
 {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[40,35]},
  "properties":{"kind":"target","name":"Alpha","claims":[
   {"text":"x","by":"y","sources":["s1","s2"]},{"text":"z","by":"y","sources":["s3","s4","s2"]}]}},
 {"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[48,34]},
  "properties":{"kind":"base","name":"Bravo","claims":[
   {"text":"x","by":"y","sources":["s5","s2"]}]}}]}"#;

#[test]
fn footnotes_number_sources_once_in_order_of_first_citation() {
    let dataset =
        sortie::dataset::parse_str(CITING, Some(Path::new("citing.geojson"))).expect("loads");
    let layers = MapLayers::new(&dataset);
    let figure = Figure::build(
        &dataset,
        &layers,
        &FigureOptions::default(),
        FigureFormat::Png,
    )
    .unwrap();
    let notes = &figure.footnotes;
    let publishers: Vec<&str> = notes
        .notes
        .iter()
        .map(|n| n.source.publisher.as_deref().unwrap())
        .collect();
    assert_eq!(publishers, ["One", "Two", "Three", "Four", "Five"]);
    assert_eq!(notes.of(1), [2, 5], "Bravo cites Two and Five");
    assert_eq!(
        notes.of(0),
        [1, 2, 3, 4],
        "Two is cited twice by Alpha, numbered once"
    );
    let labels = figure.pages[0].texts(|t| matches!(t, sortie::scene::Tag::Label(_)));
    assert!(labels.contains(&"Bravo [2,5]"), "{labels:?}");
    assert!(labels.contains(&"Alpha [1\u{2013}4]"), "{labels:?}");
    // And without footnotes, plain names.
    let plain = Figure::build(
        &dataset,
        &layers,
        &FigureOptions {
            parts: Parts {
                footnotes: false,
                ..Parts::default()
            },
            ..FigureOptions::default()
        },
        FigureFormat::Png,
    )
    .unwrap();
    let labels = plain.pages[0].texts(|t| matches!(t, sortie::scene::Tag::Label(_)));
    assert!(labels.contains(&"Bravo"), "{labels:?}");
    assert!(plain.footnotes.notes.is_empty());
}

#[test]
fn bad_requests_are_refused_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = bundled_path();
    let file = file.to_str().unwrap();
    let out = dir.path().join("x.png");
    let out_s = out.to_str().unwrap();
    for (args, says) in [
        (
            vec![file, "--out", out_s, "--bbox", "60,25,30,45"],
            "west (60)",
        ),
        (
            vec![file, "--out", out_s, "--bbox", "1,2,3"],
            "four numbers",
        ),
        (
            vec![file, "--out", dir.path().join("x.tiff").to_str().unwrap()],
            "name it .png, .svg or .pdf",
        ),
        (vec![file, "--out", out_s, "--size", "huge"], "WIDTHxHEIGHT"),
        (vec![file, "--out", out_s, "--scale", "0"], "--scale"),
        (
            vec![
                file,
                "--out",
                out_s,
                "--size",
                "20000x20000",
                "--scale",
                "4",
            ],
            "too large",
        ),
        (vec![file, "--out", out_s, "--select", "nope"], "no feature"),
        (
            vec![
                file,
                "--out",
                dir.path().join("no/such/dir/x.png").to_str().unwrap(),
            ],
            "x.png",
        ),
        (
            vec![
                file,
                "--out",
                dir.path().to_str().unwrap(),
                "--format",
                "png",
            ],
            "error",
        ),
    ] {
        let (status, said) = render(&args);
        assert_eq!(status, 2, "{args:?}: {said}");
        assert!(said.contains(says), "{args:?}: {said}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn the_window_and_the_figure_draw_the_same_things() {
    for (dark, select) in [(false, None), (true, Some("route-nojeh-aleppo"))] {
        let mut app = common::app();
        app.settings.dark_mode = dark;
        if let Some(id) = select {
            app.selection = Some(common::index_of(&app, id));
        }
        let mut h = common::harness(app);
        h.run();
        let window = h.state().map.last_stats;
        let view = h.state().map.last_transform.expect("a frame was drawn");
        assert!(window.markers > 5 && window.labels > 3, "{window:?}");
        let (min, max) = view.visible_unit_rect();
        let dataset = &h.state().loaded.dataset;
        let layers = &h.state().loaded.layers;
        // A page whose map has the window's map's size, showing what the window shows.
        let mut options = FigureOptions {
            extent: Extent::Bounds(min, max),
            basemap: FigureBasemap::None,
            dark,
            selected: h.state().selection,
            // The same rules for labels as the window's: nothing on the map to keep clear of.
            parts: Parts {
                footnotes: false,
                legend: false,
                scale_bar: false,
                north_arrow: false,
                ..Parts::default()
            },
            ..FigureOptions::default()
        };
        let first = Figure::build(dataset, layers, &options, FigureFormat::Png).unwrap();
        options.size += view.rect.size() - first.view.rect.size();
        let figure = Figure::build(dataset, layers, &options, FigureFormat::Png).unwrap();
        assert!((figure.view.scale - view.scale).abs() / view.scale < 1e-4);
        assert_eq!(figure.map, window, "dark {dark}, selected {select:?}");
        // And the PNG has the page's size.
        let png = figure.png(1.0).unwrap();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let expected = (options.size.x.round() as u32, options.size.y.round() as u32);
        assert_eq!(png_size(&png), expected);
    }
}

#[test]
fn a_large_dataset_is_drawn_as_on_screen_not_point_by_point() {
    let spec = sortie::synth::SynthSpec {
        points: 20_000,
        routes: 2_000,
        seed: 3,
    };
    let mut bytes = Vec::new();
    sortie::synth::write_dataset(spec, &mut bytes).unwrap();
    let dataset = sortie::dataset::parse_bytes(&bytes, Some(Path::new("synth.geojson"))).unwrap();
    let layers = MapLayers::new(&dataset);
    let figure = Figure::build(
        &dataset,
        &layers,
        &FigureOptions::default(),
        FigureFormat::Svg,
    )
    .unwrap();
    assert!(figure.map.clusters > 0, "{:?}", figure.map);
    let svg = figure.svg();
    let circles = svg.matches("<circle").count();
    assert!(
        circles < 2_000,
        "{circles} circles for {} points",
        spec.points
    );
    // Route density is drawn as cells, not 2,000 lines.
    assert!(figure.map.lines < 1_500, "{:?}", figure.map);
}

/// The share of `pixmap`'s pixels in `rect` (pixels) that have the archive's colour.
fn tile_share(pixmap: &tiny_skia::Pixmap, rect: egui::Rect) -> f64 {
    let (mut hits, mut all) = (0u64, 0u64);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    for y in (rect.top() as u32..rect.bottom() as u32).step_by(3) {
        for x in (rect.left() as u32..rect.right() as u32).step_by(3) {
            let p = pixmap.pixel(x, y).unwrap();
            all += 1;
            let [r, g, b] = common::TILE_RGB;
            if p.red().abs_diff(r) < 6 && p.green().abs_diff(g) < 6 && p.blue().abs_diff(b) < 6 {
                hits += 1;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let share = hits as f64 / all.max(1) as f64;
    share
}

/// `sortie render` of the bundled dataset on the basemap `archive`, to `out`.
fn render_on(archive: &Path, out: &Path) -> (i32, String) {
    render(&[
        bundled_path().to_str().unwrap(),
        "--basemap",
        archive.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_pmtiles_basemap_is_drawn_into_every_format_and_credited() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("solid.pmtiles");
    common::solid_archive(&archive, 6, |_, _, _| true);

    // In this process: every tile of the view drawn, under the features.
    let dataset = sortie::app::bundled_dataset().expect("loads");
    let layers = MapLayers::new(&dataset);
    let options = FigureOptions {
        size: egui::vec2(1200.0, 800.0),
        basemap: FigureBasemap::Raster(RasterSource::PmTiles(archive.clone())),
        ..FigureOptions::default()
    };
    let mut figure = Figure::build(&dataset, &layers, &options, FigureFormat::Png).unwrap();
    let offline = figure.map;
    let mosaic = figure
        .fetch_basemap(2.0)
        .unwrap()
        .expect("a raster basemap");
    assert_eq!(mosaic.drawn, mosaic.tiles, "{:?}", mosaic.problem);
    assert!(mosaic.tiles >= 2, "{} tiles", mosaic.tiles);
    // The level whose pixels are nearest the image's (two per point), within the
    // archive's 0 to 6.
    let ideal = (figure.view.scale * 2.0 / 256.0).log2();
    assert!(
        (f64::from(mosaic.zoom) - ideal.min(6.0)).abs() <= 0.5,
        "zoom {} for {ideal:.2}",
        mosaic.zoom
    );
    assert_eq!(mosaic.credit, "© Test Tiles");
    assert_eq!(figure.map, offline, "the features are drawn as before");
    let credit = figure.pages[0].texts(|t| t == sortie::scene::Tag::Attribution);
    assert_eq!(credit, ["Basemap: © Test Tiles  ·  Made with Sortie"]);
    let png = figure.png(2.0).unwrap();
    let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
    let map_px = egui::Rect::from_min_max(
        (figure.view.rect.min.to_vec2() * 2.0).to_pos2(),
        (figure.view.rect.max.to_vec2() * 2.0).to_pos2(),
    );
    let share = tile_share(&pixmap, map_px);
    assert!(share > 0.6, "only {share:.2} of the map shows the tiles");
    // Outside the map, the paper.
    assert_eq!(pixmap.pixel(2, 2).unwrap().red(), 255);

    // From the command line: the SVG holds the tiles as one inline PNG and the credit;
    // resvg draws them; the PDF holds an image and the credit as text.
    let svg_out = dir.path().join("tiles.svg");
    let (status, said) = render_on(&archive, &svg_out);
    assert_eq!(status, 0, "{said}");
    assert!(!said.contains("warning"), "{said}");
    let svg = std::fs::read_to_string(&svg_out).unwrap();
    assert_eq!(svg.matches("<image ").count(), 1);
    assert!(svg.contains(r#"href="data:image/png;base64,iVBORw0KGgo"#));
    assert!(svg.contains("Basemap: © Test Tiles"), "no credit");
    assert!(
        !svg.contains("Natural Earth"),
        "Natural Earth credited for tiles"
    );
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
    let mut drawn = tiny_skia::Pixmap::new(1600, 1000).unwrap();
    resvg::render(&tree, tiny_skia::Transform::identity(), &mut drawn.as_mut());
    let share = tile_share(
        &drawn,
        egui::Rect::from_min_max(egui::pos2(100.0, 150.0), egui::pos2(1500.0, 600.0)),
    );
    assert!(
        share > 0.5,
        "resvg drew the tiles on only {share:.2} of the map"
    );

    let pdf_out = dir.path().join("tiles.pdf");
    let (status, said) = render_on(&archive, &pdf_out);
    assert_eq!(status, 0, "{said}");
    let pdf = lopdf::Document::load(&pdf_out).expect("the PDF opens");
    let images = pdf
        .objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|v| v.as_name())
                    .is_ok_and(|n| n == b"Image")
            })
        })
        .count();
    assert!(images >= 1, "no image in the PDF");
    let text = pdf.extract_text(&[1]).unwrap();
    assert!(text.contains("Test Tiles"), "{text}");
}

#[test]
fn missing_tiles_leave_the_offline_basemap_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("half.pmtiles");
    // Only every other column at zoom 5: the rest of the view shows Natural Earth.
    common::solid_archive(&archive, 5, |z, x, _| z < 5 || x % 2 == 0);
    let (status, said) = render_on(&archive, &dir.path().join("half.png"));
    assert_eq!(status, 0, "{said}");
    assert!(
        said.contains("warning: basemap:") && said.contains("the rest from the offline basemap"),
        "{said}"
    );
    let dataset = sortie::app::bundled_dataset().expect("loads");
    let layers = MapLayers::new(&dataset);
    let options = FigureOptions {
        basemap: FigureBasemap::Raster(RasterSource::PmTiles(archive.clone())),
        ..FigureOptions::default()
    };
    let mut figure = Figure::build(&dataset, &layers, &options, FigureFormat::Png).unwrap();
    let mosaic = figure.fetch_basemap(1.0).unwrap().unwrap();
    assert!(
        mosaic.drawn > 0 && mosaic.drawn < mosaic.tiles,
        "{mosaic:?}"
    );
    let credit = figure.pages[0].texts(|t| t == sortie::scene::Tag::Attribution);
    assert_eq!(
        credit,
        ["Basemap: © Test Tiles · Natural Earth where tiles are missing  ·  Made with Sortie"]
    );
    let pixmap = tiny_skia::Pixmap::decode_png(&figure.png(1.0).unwrap()).unwrap();
    let share = tile_share(&pixmap, figure.view.rect);
    assert!(
        (0.2..0.8).contains(&share),
        "tiles on {share:.2} of the map"
    );

    // An archive that is not there, or holds vector tiles: an error, no file.
    let vector = dir.path().join("vector.pmtiles");
    let file = std::fs::File::create(&vector).unwrap();
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Mvt)
        .create(file)
        .unwrap();
    writer
        .add_tile(pmtiles::TileCoord::new(0, 0, 0).unwrap(), b"not a tile")
        .unwrap();
    writer.finalize().unwrap();
    for (basemap, says) in [
        (
            dir.path().join("absent.pmtiles"),
            "not a readable PMTiles archive",
        ),
        (vector, "raster archives"),
    ] {
        let out = dir.path().join("refused.png");
        let (status, said) = render_on(&basemap, &out);
        assert_eq!(status, 2, "{said}");
        assert!(said.contains("--basemap") && said.contains(says), "{said}");
        assert!(!out.exists(), "a file was left behind");
    }
}

#[test]
fn raster_tiles_land_where_the_offline_basemap_draws_the_same_places() {
    // An archive of the offline basemap's own tiles (zoom 6, the Middle East): drawn as
    // a raster basemap, the figure must match the figure drawn on the offline basemap,
    // but for the place names the raster leaves out.
    use sortie::basemap::render::{TileCoord, render_tile};
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("offline-z6.pmtiles");
    let world = sortie::world::World::shared();
    let palette = sortie::basemap::palette::BasemapPalette::for_dark_mode(false);
    let file = std::fs::File::create(&archive).unwrap();
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Png)
        .tile_compression(pmtiles::Compression::None)
        .min_zoom(6)
        .max_zoom(6)
        .create(file)
        .unwrap();
    let mut coords = Vec::new();
    for x in 34..=47 {
        for y in 20..=31 {
            coords.push(pmtiles::TileCoord::new(6, x, y).unwrap());
        }
    }
    coords.sort_by_key(|c| pmtiles::TileId::from(*c).value());
    for c in coords {
        let tile = TileCoord {
            zoom: 6,
            x: c.x(),
            y: c.y(),
        };
        let png = render_tile(&world, &palette, tile, 256)
            .unwrap()
            .encode_png()
            .unwrap();
        writer.add_tile(c, &png).unwrap();
    }
    writer.finalize().unwrap();

    let dataset = sortie::app::bundled_dataset().expect("loads");
    let layers = MapLayers::new(&dataset);
    let draw = |basemap: FigureBasemap| {
        let options = FigureOptions {
            size: egui::vec2(1200.0, 800.0),
            basemap,
            parts: Parts {
                footnotes: false,
                legend: false,
                ..Parts::default()
            },
            ..FigureOptions::default()
        };
        let mut figure = Figure::build(&dataset, &layers, &options, FigureFormat::Png).unwrap();
        let mosaic = figure.fetch_basemap(2.0).unwrap();
        let png = figure.png(2.0).unwrap();
        (
            figure.view.rect,
            mosaic,
            tiny_skia::Pixmap::decode_png(&png).unwrap(),
        )
    };
    let (rect, _, offline) = draw(FigureBasemap::Offline);
    let (raster_rect, mosaic, raster) = draw(FigureBasemap::Raster(RasterSource::PmTiles(archive)));
    assert_eq!(rect, raster_rect);
    let mosaic = mosaic.unwrap();
    assert_eq!(mosaic.zoom, 6);
    assert_eq!(mosaic.drawn, mosaic.tiles, "{:?}", mosaic.problem);
    let (mut far, mut all) = (0u64, 0u64);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    for y in (rect.top() as u32 * 2 + 4..rect.bottom() as u32 * 2 - 4).step_by(2) {
        for x in (rect.left() as u32 * 2 + 4..rect.right() as u32 * 2 - 4).step_by(2) {
            let (p, q) = (offline.pixel(x, y).unwrap(), raster.pixel(x, y).unwrap());
            all += 1;
            let d = p.red().abs_diff(q.red()).max(p.green().abs_diff(q.green()));
            if d.max(p.blue().abs_diff(q.blue())) > 40 {
                far += 1;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let share = far as f64 / all as f64;
    eprintln!("{far} of {all} pixels differ ({:.2}%)", share * 100.0);
    assert!(
        share < 0.02,
        "{:.2}% of the map's pixels differ",
        share * 100.0
    );
}
