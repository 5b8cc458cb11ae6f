//! Publishing the map: `sortie render` to PNG, SVG and PDF with no display, what each file
//! holds (legend, scale bar, attribution, footnote links), footnote numbering, refusals,
//! and the window and the figure drawing the same things for the same view.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sortie::figure::{Extent, Figure, FigureFormat, FigureOptions, Parts};
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
        let dataset = &h.state().dataset;
        let layers = &h.state().layers;
        // A page whose map has the window's map's size, showing what the window shows.
        let mut options = FigureOptions {
            extent: Extent::Bounds(min, max),
            basemap: false,
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
