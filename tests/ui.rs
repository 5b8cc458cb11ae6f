//! The window, driven as a user would: clicks on the list and the map, keys, and snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Dropped, app, harness, index_of, rendering_harness};
use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sortie::app::SortieApp;

fn click_at(harness: &mut Harness<'_, SortieApp>, pos: Pos2) {
    harness.event(Event::PointerMoved(pos));
    harness.run();
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        harness.run();
    }
}

/// Steps (a spinner keeps repainting, so `run` would not settle) until the load is done.
fn wait_for_load(h: &mut Harness<'_, SortieApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h.state().is_loading() {
        assert!(
            std::time::Instant::now() < deadline,
            "the file never finished loading"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
}

#[test]
fn selecting_from_the_list_shows_the_sources() {
    let mut h = harness(app());
    h.run();
    assert!(
        h.query_by_label_contains("Radio Free Europe").is_none(),
        "nothing selected yet"
    );
    h.get_by_label("Shahid Nojeh Air Base (Hamadan)").click();
    h.run();
    assert_eq!(h.state().selection, Some(index_of(h.state(), "nojeh")));
    assert!(
        h.query_all_by_label_contains("Radio Free Europe/Radio Liberty")
            .next()
            .is_some()
    );
    assert!(
        h.query_by_label_contains("tass.com/defense/895515")
            .is_some(),
        "the source's link is shown"
    );
    assert!(
        h.query_all_by_label_contains("departed Thursday")
            .next()
            .is_some(),
        "the article's quote is shown"
    );
    assert_eq!(
        h.query_all_by_label(" claimed ").count(),
        4,
        "a status badge per claimed claim"
    );
    assert_eq!(h.query_all_by_label(" disputed ").count(), 0);
    assert_eq!(
        h.query_all_by_label(" editors' inference ").count(),
        1,
        "the weekday note is the editors' own"
    );
}

#[test]
fn clicking_aleppo_on_the_map_shows_its_details() {
    let mut h = harness(app());
    h.run();
    let aleppo = index_of(h.state(), "aleppo");
    let pos = h
        .state()
        .map
        .screen_position(&h.state().loaded.layers, aleppo)
        .expect("Aleppo is drawn");
    assert!(
        h.state().map.last_transform.unwrap().rect.contains(pos),
        "Aleppo is in view after fitting"
    );
    click_at(&mut h, pos);
    assert_eq!(h.state().selection, Some(aleppo));
    assert!(
        h.query_all_by_label_contains("did not see concentrations of Islamic State fighters")
            .next()
            .is_some()
    );
}

#[test]
fn clicking_an_empty_spot_clears_the_selection() {
    let mut h = harness(app());
    h.run();
    h.get_by_label("Mosul").click();
    h.run();
    assert!(h.state().selection.is_some());
    let rect = h.state().map.last_transform.unwrap().rect;
    // The bottom-left corner of the map is open desert with nothing drawn.
    click_at(&mut h, rect.left_bottom() + egui::vec2(30.0, -60.0));
    assert_eq!(h.state().selection, None);
}

#[test]
fn escape_clears_the_selection() {
    let mut h = harness(app());
    h.run();
    h.get_by_label("Deir ez-Zor").click();
    h.run();
    assert!(h.state().selection.is_some());
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().selection, None);
    assert!(
        h.query_by_label_contains("Click a feature").is_some(),
        "the panel shows its hint again"
    );
}

#[test]
fn arrow_keys_walk_the_list_in_order() {
    let mut h = harness(app());
    h.run();
    h.key_press(Key::ArrowDown);
    h.run();
    assert_eq!(
        h.state().selection,
        Some(index_of(h.state(), "nojeh")),
        "first base first"
    );
    h.key_press(Key::ArrowDown);
    h.run();
    assert_eq!(h.state().selection, Some(index_of(h.state(), "khmeimim")));
    h.key_press(Key::ArrowUp);
    h.run();
    assert_eq!(h.state().selection, Some(index_of(h.state(), "nojeh")));
}

#[test]
fn the_search_box_filters_the_list() {
    let mut h = harness(app());
    h.run();
    // The search box: the text field in the left panel (the timeline has two more).
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.rect().left() < 300.0)
        .expect("the search box")
        .focus();
    h.run();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.rect().left() < 300.0)
        .expect("the search box")
        .type_text("deir");
    h.run();
    assert!(h.query_by_label("Mosul").is_none());
    assert!(h.query_by_label("Deir ez-Zor").is_some());
    assert!(h.query_by_label("Hamedan → Deir ez-Zor").is_some());
    assert!(h.query_by_label_contains("3 matches").is_some());
}

#[test]
fn a_routes_ends_are_links() {
    let mut h = harness(app());
    h.run();
    h.get_by_label("Hamedan → Aleppo").click();
    h.run();
    assert!(
        h.query_by_label_contains("1044.7 km").is_some(),
        "length in km"
    );
    assert!(
        h.query_by_label_contains("nmi").is_some(),
        "length in nautical miles"
    );
    // "Aleppo" is both a list entry and the route's end: click the link in the panel.
    let links = h.get_all_by_label("Aleppo").collect::<Vec<_>>();
    assert_eq!(links.len(), 2);
    links[1].click();
    h.run();
    assert_eq!(h.state().selection, Some(index_of(h.state(), "aleppo")));
}

#[test]
fn a_selected_route_lists_the_airspace_it_crosses() {
    let mut h = harness(app());
    common::settle(&mut h);
    h.get_by_label("Hamedan → Deir ez-Zor").click();
    h.run();
    assert!(h.query_by_label("Airspace crossed").is_some());
    for country in ["Iran", "Iraq", "Syria"] {
        assert!(h.query_by_label(country).is_some(), "{country} is listed");
    }
    assert!(h.query_by_label("444.2").is_some(), "Iraq's km");
}

#[test]
fn zoom_keys_and_fit() {
    let mut h = harness(app());
    h.run();
    let fitted = h.state().map.memory.zoom();
    h.key_press(Key::Plus);
    h.run();
    assert!((h.state().map.memory.zoom() - fitted - 1.0).abs() < 1e-9);
    h.key_press(Key::Minus);
    h.key_press(Key::Minus);
    h.run();
    assert!((h.state().map.memory.zoom() - fitted + 1.0).abs() < 1e-9);
    h.key_press(Key::F);
    h.run();
    assert!((h.state().map.memory.zoom() - fitted).abs() < 1e-9);
}

#[test]
fn a_file_that_fails_keeps_the_dataset_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.geojson");
    std::fs::write(&path, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let mut h = harness(app());
    h.run();
    h.state_mut().open(path);
    wait_for_load(&mut h);
    assert_eq!(h.state().loaded.dataset.title, "hamedan-2016-08.geojson");
    assert!(h.query_by_label_contains("Could not open").is_some());
    assert!(h.query_by_label_contains("broken.geojson:1:").is_some());
    h.get_by_label("Dismiss").click();
    h.run();
    assert!(h.query_by_label_contains("Could not open").is_none());
}

#[test]
fn files_nested_past_every_limit_never_take_the_window_down() {
    // The loader runs on a thread with a smaller stack than the main one: a geometry nested
    // 20,000 deep is kept without its geometry, a bare Feature that deep is refused.
    let depth = 20_000;
    let collection = format!(
        "{}{{\"type\":\"Point\",\"coordinates\":[36.2,37.1]}}{}",
        r#"{"type":"GeometryCollection","geometries":["#.repeat(depth),
        "]}".repeat(depth)
    );
    let feature = format!(
        r#"{{"type":"Feature","id":"deep","properties":{{"name":"Deep"}},"geometry":{collection}}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("deep.geojson");
    std::fs::write(
        &kept,
        format!(r#"{{"type":"FeatureCollection","features":[{feature}]}}"#),
    )
    .unwrap();
    let refused = dir.path().join("bare.geojson");
    std::fs::write(&refused, &feature).unwrap();

    let mut h = harness(app());
    h.run();
    h.state_mut().open(refused);
    wait_for_load(&mut h);
    assert_eq!(h.state().loaded.dataset.title, "hamedan-2016-08.geojson");
    assert!(
        h.query_by_label_contains("nested deeper than 128")
            .is_some()
    );

    h.state_mut().open(kept);
    wait_for_load(&mut h);
    assert_eq!(h.state().loaded.dataset.title, "deep.geojson");
    assert_eq!(h.state().loaded.dataset.len(), 1);
    assert!(h.query_by_label("Deep").is_some());
    assert!(
        h.state()
            .loaded
            .dataset
            .warnings
            .iter()
            .any(|w| w.message.contains("nested deeper than 32 levels")),
        "{:?}",
        h.state().loaded.dataset.warnings
    );
}

#[test]
fn a_good_file_replaces_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","properties":{"name":"Alpha","kind":"place"},"geometry":{"type":"Point","coordinates":[10,50]}},
        {"type":"Feature","id":"b","properties":{"name":"Beta"},"geometry":null}]}"#,
    )
    .unwrap();
    let mut h = harness(app());
    h.run();
    h.state_mut().open(path);
    wait_for_load(&mut h);
    assert_eq!(h.state().loaded.dataset.title, "two.geojson");
    assert!(h.query_by_label("Alpha").is_some());
    assert!(
        h.query_by_label("Beta").is_some(),
        "a feature without geometry is listed"
    );
}

#[test]
fn a_load_cancelled_halfway_leaves_the_previous_dataset() {
    // A file big enough that loading takes a while.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.geojson");
    let spec = sortie::synth::SynthSpec {
        points: 200_000,
        routes: 0,
        seed: 3,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    sortie::synth::write_dataset(spec, &mut file).unwrap();
    drop(file);
    let mut h = harness(app());
    h.state_mut().open(path);
    // Wait until parsing is under way, then cancel with the status bar's button.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h.state().load_fraction().unwrap_or(1.0) <= 0.0 {
        assert!(
            std::time::Instant::now() < deadline,
            "loading never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    h.step();
    h.get_by_label("Cancel").click();
    h.step();
    h.step();
    assert!(!h.state().is_loading());
    for _ in 0..20 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(h.state().loaded.dataset.title, "hamedan-2016-08.geojson");
    assert_eq!(h.state().loaded.dataset.len(), 18);
    assert!(h.state().message.is_none(), "a cancel is not an error");
}

#[test]
fn snapshot_of_the_map_with_the_bundled_dataset() {
    let mut h = rendering_harness(app(), common::SIZE);
    h.run();
    h.snapshot("window_bundled_dataset");
}

#[test]
fn snapshot_of_the_details_panel() {
    let mut state = app();
    state.selection = Some(index_of(&state, "nojeh"));
    let mut h = rendering_harness(state, common::SIZE);
    h.run();
    h.snapshot("window_nojeh_selected");
}

#[test]
fn snapshot_of_a_selected_route_in_dark_mode() {
    let mut state = app();
    state.settings.dark_mode = true;
    state.selection = Some(index_of(&state, "route-nojeh-deir-ez-zor"));
    let mut h = rendering_harness(state, common::SIZE);
    h.run();
    h.snapshot("window_route_selected_dark");
}

#[test]
fn a_source_in_the_sources_tab_highlights_the_features_citing_it() {
    let mut h = harness(app());
    h.run();
    h.get_by_label("Sources").click();
    h.run();
    let (i, label, expected) = {
        let d = &h.state().loaded.dataset;
        let uses = d.source_uses();
        let i = uses
            .iter()
            .position(|u| u.source.id.as_deref() == Some("tass-895515"))
            .expect("TASS is a source of the bundled dataset");
        let s = &uses[i].source;
        let label = match (&s.publisher, &s.title) {
            (Some(p), Some(t)) => format!("{p}: {t}"),
            (Some(p), None) => p.clone(),
            _ => panic!("the TASS source has a publisher"),
        };
        // Counted from the features themselves: those citing it or defining it.
        let expected: Vec<usize> = d
            .full_features()
            .filter(|f| {
                f.claims
                    .iter()
                    .any(|c| c.source_ids().any(|id| id == "tass-895515"))
                    || f.source("tass-895515").is_some()
            })
            .map(|f| f.index)
            .collect();
        (i, label, expected)
    };
    assert!(!expected.is_empty());
    h.get_by_label(&label).click();
    h.run();
    assert_eq!(h.state().source_selection, Some(i));
    assert_eq!(h.state().highlighted, expected);
    assert_eq!(h.state().selection, None);
    assert!(h.query_by_label_contains("What rests on it").is_some());
    // A feature named under the source selects it, and the highlight goes.
    let first = h
        .state()
        .loaded
        .dataset
        .get(expected[0])
        .unwrap()
        .name
        .to_owned();
    h.get_all_by_label(&first).last().unwrap().click();
    h.run();
    assert_eq!(h.state().selection, Some(expected[0]));
    assert!(h.state().highlighted.is_empty());
}

#[test]
fn a_citation_links_to_its_sources_view() {
    let mut h = harness(app());
    h.run();
    h.get_by_label("Shahid Nojeh Air Base (Hamadan)").click();
    h.run();
    let first = {
        let d = &h.state().loaded.dataset;
        let nojeh = d.feature_by_id("nojeh").unwrap();
        d.sources_of(&nojeh)[0].id.clone().unwrap()
    };
    h.get_all_by_label("[1]").next().unwrap().click();
    h.run();
    let state = h.state();
    assert_eq!(state.left_tab, sortie::app::LeftTab::Sources);
    let shown = state.source_selection.expect("a source is selected");
    assert_eq!(
        state.loaded.dataset.source_uses()[shown]
            .source
            .id
            .as_deref(),
        Some(first.as_str())
    );
    assert!(state.highlighted.contains(&index_of(state, "nojeh")));
    assert!(h.query_by_label_contains("What rests on it").is_some());
}

#[test]
fn dropping_an_acled_csv_on_the_window_loads_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/acled_current.csv");
    let mut h = harness(app());
    h.run();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    h.step();
    wait_for_load(&mut h);
    let dataset = &h.state().loaded.dataset;
    assert_eq!(dataset.title, "acled_current.csv");
    assert_eq!(dataset.len(), 4);
    assert!(h.query_by_label("Deir ez-Zor: Air/drone strike").is_some());
    assert!(h.query_by_label("Idlib: Peaceful protest").is_some());
    // The row that could not be read is reported, with its line.
    assert!(
        h.state()
            .loaded
            .dataset
            .warnings
            .iter()
            .any(|w| w.line == Some(6)),
        "{:?}",
        h.state().loaded.dataset.warnings
    );
}

/// Steps the app until its map export says it is done (a minute at most).
fn wait_for_map_export(h: &mut Harness<'_, SortieApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !h
        .state()
        .message
        .as_deref()
        .is_some_and(|m| m.starts_with("Exported the map"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            h.state().message
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn the_map_is_exported_as_a_figure_from_the_window() {
    let mut h = harness(app());
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Export map…").click();
    h.run();
    assert!(h.state().export_map.open, "the Export map window opens");
    h.get_by_label("SVG").click();
    h.run();
    h.get_by_label("North arrow").click();
    h.run();
    assert_eq!(
        h.state().export_map.format,
        sortie::figure::FigureFormat::Svg
    );
    assert!(!h.state().export_map.parts.north_arrow);

    // The Save dialog is the system's; what it answers goes here.
    h.state_mut().selection = Some(index_of(h.state(), "deir-ez-zor"));
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("figure.svg");
    h.state_mut().export_map(path.clone());
    wait_for_map_export(&mut h);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("Legend"));
    assert!(svg.contains("Selected"), "the selection is in the legend");
    assert!(!svg.contains(">N</text>"), "no north arrow was asked for");
    assert!(
        !h.state().export_map.open,
        "the window closes once the export starts"
    );
}

#[test]
fn the_window_exports_its_raster_basemap_into_the_figure() {
    // The map shows a PMTiles archive's tiles: the figure draws them too, off the UI
    // thread, and credits them.
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("solid.pmtiles");
    common::solid_archive(&archive, 6, |_, _, _| true);
    let mut h = harness(app());
    h.state_mut().settings.basemap = sortie::map::Basemap::PmTiles(archive);
    // walkers reads the archive's tiles for the window in the background and repaints as
    // they arrive: step rather than wait for the frames to settle.
    h.run_steps(8);
    let path = dir.path().join("figure.png");
    h.state_mut().export_map.format = sortie::figure::FigureFormat::Png;
    h.state_mut().export_map(path.clone());
    wait_for_map_export(&mut h);
    let message = h.state().message.clone().unwrap();
    assert!(message.contains("basemap tiles drawn."), "{message}");
    let pixmap = tiny_skia::Pixmap::load_png(&path).unwrap();
    let [r, g, b] = common::TILE_RGB;
    let tiles = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() == r && p.green() == g && p.blue() == b)
        .count();
    assert!(
        tiles > pixmap.pixels().len() / 3,
        "{tiles} of {} pixels show the tiles",
        pixmap.pixels().len()
    );
}
