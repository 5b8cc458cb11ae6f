//! Editing in the window, driven as a user would: keys for the tools, clicks and drags on
//! the map, Delete, undo and redo, the questions asked first, and Save.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Dropped, app, harness, index_of};
use egui::{Event, Key, Modifiers, PointerButton, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use sortie::app::{Question, SortieApp};
use sortie::dataset::{FeatureKind, feature_geojson};
use sortie::map::Tool;

/// Runs frames until windows have found their size (a question's window takes a few).
fn frames(h: &mut Harness<'_, SortieApp>) {
    h.run_steps(8);
}

fn press(h: &mut Harness<'_, SortieApp>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    // One frame while held: a long press is no click.
    if pressed {
        h.step();
    } else {
        frames(h);
    }
}

fn click_at(h: &mut Harness<'_, SortieApp>, pos: Pos2) {
    h.event(Event::PointerMoved(pos));
    frames(h);
    press(h, pos, true);
    press(h, pos, false);
}

/// Presses at `from`, moves in steps to `to`, releases there.
fn drag(h: &mut Harness<'_, SortieApp>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    frames(h);
    press(h, from, true);
    for k in 1..=5 {
        h.event(Event::PointerMoved(from + (to - from) * (k as f32 / 5.0)));
        frames(h);
    }
    press(h, to, false);
}

/// Steps until the file being opened is on screen.
fn wait_for_load(h: &mut Harness<'_, SortieApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h.state().is_loading() {
        assert!(std::time::Instant::now() < deadline, "never loaded");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    frames(h);
}

/// The app on a copy of the bundled dataset in a temporary folder (so Save may write it).
fn on_a_copy() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Harness<'static, SortieApp>,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strikes.geojson");
    std::fs::write(&path, sortie::app::BUNDLED_DATASET).unwrap();
    let mut h = harness(app());
    h.state_mut().open(path.clone());
    wait_for_load(&mut h);
    (dir, path, h)
}

/// Where point feature `index` is.
fn point_of(h: &Harness<'_, SortieApp>, index: usize) -> geo_types::Point<f64> {
    h.state()
        .loaded
        .dataset
        .get(index)
        .unwrap()
        .point()
        .unwrap()
}

/// An open spot of the map (the desert in its lower left corner).
fn empty_spot(h: &Harness<'_, SortieApp>) -> Pos2 {
    h.state().map.last_transform.unwrap().rect.left_bottom() + vec2(60.0, -80.0)
}

#[test]
fn the_window_opens_read_only_and_e_turns_editing_on() {
    let mut h = harness(app());
    frames(&mut h);
    assert!(!h.state().editing.on);
    let before = h.state().loaded.dataset.feature_count();
    // Clicking the map while not editing adds nothing.
    let spot = empty_spot(&h);
    click_at(&mut h, spot);
    assert_eq!(h.state().loaded.dataset.feature_count(), before);
    h.key_press(Key::E);
    frames(&mut h);
    assert!(h.state().editing.on);
    assert!(
        h.query_by_label("Select / move (1)").is_some(),
        "the tools show"
    );
    h.key_press(Key::E);
    frames(&mut h);
    assert!(!h.state().editing.on);
}

#[test]
fn add_move_delete_undo_redo_and_save() {
    let (_dir, path, mut h) = on_a_copy();
    let before = h.state().loaded.dataset.feature_count();
    h.key_press(Key::E);
    h.key_press(Key::Num2);
    frames(&mut h);
    assert_eq!(h.state().editing.tool, Tool::Point(FeatureKind::Target));
    let spot = empty_spot(&h);
    click_at(&mut h, spot);
    let added = h.state().selection.expect("the added feature is selected");
    let dataset = &h.state().loaded.dataset;
    assert_eq!(dataset.feature_count(), before + 1);
    let feature = dataset.feature(added).unwrap();
    assert_eq!(
        (feature.kind, feature.name.as_str()),
        (FeatureKind::Target, "New target")
    );
    assert!(
        h.query_all_by_label("New target").count() >= 2,
        "the list and the details show it"
    );
    assert!(
        h.state().loaded.dataset.is_modified(),
        "the title marks unsaved edits"
    );
    // It rests on no source yet: the status bar says so at once.
    assert!(
        h.query_by_label("⚠ 1 warning").is_some(),
        "the status bar counts the new feature's warning"
    );

    // Drag it with the select tool.
    h.key_press(Key::Num1);
    frames(&mut h);
    let at = h
        .state()
        .map
        .screen_position(&h.state().loaded.layers, added)
        .unwrap();
    assert!(at.distance(spot) < 1.0, "{at:?} {spot:?}");
    let old = point_of(&h, added);
    drag(&mut h, at, at + vec2(80.0, -40.0));
    let new = point_of(&h, added);
    assert!(new.x() > old.x() && new.y() > old.y(), "{old:?} → {new:?}");
    assert_eq!(
        h.state().loaded.dataset.undo_label(),
        Some("move New target")
    );
    let moved_to = h
        .state()
        .map
        .screen_position(&h.state().loaded.layers, added)
        .unwrap();
    assert!(moved_to.distance(at + vec2(80.0, -40.0)) < 1.0);

    // Delete it; undo both ways.
    h.state_mut().selection = Some(added);
    h.key_press(Key::Delete);
    frames(&mut h);
    assert!(h.state().loaded.dataset.get(added).is_none());
    assert_eq!(h.state().selection, None);
    assert_eq!(h.state().loaded.dataset.feature_count(), before);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    assert!(
        h.state().loaded.dataset.get(added).is_some(),
        "undo brings it back"
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    frames(&mut h);
    assert!(
        h.state().loaded.dataset.get(added).is_none(),
        "redo deletes it again"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    frames(&mut h);
    assert!(
        h.state().loaded.dataset.get(added).is_none(),
        "nothing left to redo"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    assert!(h.state().loaded.dataset.get(added).is_some());

    // Save writes the file opened; reopened, the same features.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    frames(&mut h);
    assert!(!h.state().loaded.dataset.is_modified());
    let reopened = sortie::dataset::load_path(&path).unwrap();
    let written = |d: &sortie::dataset::Dataset| -> Vec<String> {
        d.full_features().map(|f| feature_geojson(&f)).collect()
    };
    assert_eq!(written(&reopened), written(&h.state().loaded.dataset));
    assert_eq!(reopened.feature_count(), before + 1);
    // Every edit undone, the file's bytes again.
    while h.state().loaded.dataset.undo_label().is_some() {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        frames(&mut h);
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    frames(&mut h);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        sortie::app::BUNDLED_DATASET
    );
}

#[test]
fn deleting_a_base_that_routes_start_from_asks_first() {
    let mut h = harness(app());
    frames(&mut h);
    let base = index_of(h.state(), "nojeh");
    let before = h.state().loaded.dataset.feature_count();
    h.key_press(Key::E);
    h.state_mut().selection = Some(base);
    h.key_press(Key::Delete);
    frames(&mut h);
    let Some(Question::DeleteWithRoutes { routes, .. }) = h.state().question.clone() else {
        panic!("no question asked: {:?}", h.state().question);
    };
    assert_eq!(routes.len(), 3);
    assert!(
        h.query_by_label("• Hamedan → Aleppo").is_some(),
        "the routes are named"
    );
    assert_eq!(
        h.state().loaded.dataset.feature_count(),
        before,
        "nothing deleted yet"
    );
    h.get_by_label_contains("and the routes").click();
    frames(&mut h);
    assert_eq!(h.state().loaded.dataset.feature_count(), before - 4);
    assert!(h.state().question.is_none());
    assert_eq!(
        h.state().loaded.dataset.undo_label(),
        Some("delete Shahid Nojeh Air Base (Hamadan) and 3 routes")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    assert_eq!(h.state().loaded.dataset.feature_count(), before);
}

#[test]
fn opening_another_file_with_unsaved_edits_asks() {
    let (dir, _path, mut h) = on_a_copy();
    let other = dir.path().join("other.geojson");
    std::fs::write(
        &other,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"name":"Alpha"},"geometry":{"type":"Point","coordinates":[10,50]}}]}"#,
    )
    .unwrap();
    h.key_press(Key::E);
    h.key_press(Key::Num2);
    frames(&mut h);
    let spot = empty_spot(&h);
    click_at(&mut h, spot);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(other.clone())));
    frames(&mut h);
    assert!(matches!(h.state().question, Some(Question::Unsaved(_))));
    assert!(!h.state().is_loading());
    h.get_by_label("Cancel").click();
    frames(&mut h);
    assert!(h.state().question.is_none());
    assert!(h.state().loaded.dataset.is_modified(), "the edits stay");
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(other)));
    frames(&mut h);
    h.get_by_label("Don't save").click();
    frames(&mut h);
    wait_for_load(&mut h);
    assert_eq!(h.state().loaded.dataset.title, "other.geojson");
}

#[test]
fn an_imported_file_is_never_saved_over() {
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/acled_current.csv");
    let mut h = harness(app());
    h.state_mut().open(csv);
    wait_for_load(&mut h);
    assert_eq!(h.state().file, None, "Save asks for a GeoJSON file");
    let (_dir, path, h) = on_a_copy();
    assert_eq!(h.state().file.as_deref(), Some(path.as_path()));
    let h2 = harness(app());
    assert_eq!(
        h2.state().file,
        None,
        "the bundled dataset is saved as a new file"
    );
}

#[test]
fn a_route_is_drawn_from_a_base_through_a_waypoint_to_a_target() {
    let mut h = harness(app());
    h.run();
    let (base, target) = (index_of(h.state(), "nojeh"), index_of(h.state(), "aleppo"));
    let routes = h.state().loaded.dataset.route_count();
    let at = |h: &Harness<'_, SortieApp>, i: usize| {
        h.state()
            .map
            .screen_position(&h.state().loaded.layers, i)
            .unwrap()
    };
    h.key_press(Key::E);
    h.key_press(Key::Num3);
    frames(&mut h);
    assert_eq!(h.state().editing.tool, Tool::Route);
    // Esc drops a route begun.
    let start = at(&h, base);
    click_at(&mut h, start);
    assert!(h.state().route_draft.is_some());
    h.key_press(Key::Escape);
    frames(&mut h);
    assert!(h.state().route_draft.is_none());

    click_at(&mut h, start);
    let waypoint = start + vec2(-60.0, 70.0);
    click_at(&mut h, waypoint);
    assert_eq!(
        h.state().route_draft.as_ref().map(|(_, v)| v.len()),
        Some(2)
    );
    let end = at(&h, target);
    click_at(&mut h, end);
    assert!(
        h.state().route_draft.is_none(),
        "a click on a feature ends it"
    );
    let dataset = &h.state().loaded.dataset;
    assert_eq!(dataset.route_count(), routes + 1);
    let added = h.state().selection.expect("the route is selected");
    let route = dataset.route(added).unwrap();
    assert_eq!(route.from_index, Some(base));
    assert_eq!(route.to_index, Some(target));
    assert!(route.schematic);
    let km = route.metrics.as_ref().unwrap().length_km();
    assert!(km > 1_000.0 && km < 2_500.0, "{km} km");
    let Some(geo_types::Geometry::LineString(line)) = dataset.feature(added).unwrap().geometry
    else {
        panic!("a route is a line");
    };
    assert_eq!(line.0.len(), 3, "start, waypoint, end: {line:?}");
    assert_eq!(
        dataset.undo_label(),
        Some("add route Shahid Nojeh Air Base (Hamadan) → Aleppo")
    );

    // Its waypoint is dragged with the select tool while the route is selected: one step,
    // the route measured again.
    h.key_press(Key::Num1);
    frames(&mut h);
    let view = h.state().map.last_transform.unwrap();
    let handle = view.to_screen(sortie::geometry::mercator::project(
        line.0[1].x,
        line.0[1].y,
    ));
    drag(&mut h, handle, handle + vec2(40.0, 0.0));
    let dataset = &h.state().loaded.dataset;
    assert_eq!(
        dataset.undo_label(),
        Some("move a waypoint of Shahid Nojeh Air Base (Hamadan) → Aleppo")
    );
    let Some(geo_types::Geometry::LineString(dragged)) = dataset.feature(added).unwrap().geometry
    else {
        panic!("a route is a line");
    };
    assert_eq!(dragged.0.len(), 3);
    assert!(dragged.0[1].x > line.0[1].x + 0.1, "{dragged:?}");
    assert_eq!(
        (dragged.0[0], dragged.0[2]),
        (line.0[0], line.0[2]),
        "the ends stay"
    );
    let measured = dataset
        .route(added)
        .unwrap()
        .metrics
        .as_ref()
        .unwrap()
        .length_km();
    assert!((measured - km).abs() > 1.0, "{km} km, then {measured} km");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    let Some(geo_types::Geometry::LineString(undone)) =
        h.state().loaded.dataset.feature(added).unwrap().geometry
    else {
        panic!("a route is a line");
    };
    assert_eq!(undone, line);

    // Moving the target moves the routes' ends with it, in one step.
    h.key_press(Key::Num1);
    frames(&mut h);
    let end = at(&h, target);
    drag(&mut h, end, end + vec2(0.0, 50.0));
    let dataset = &h.state().loaded.dataset;
    let moved = dataset.get(target).unwrap().point().unwrap();
    let ends_there = dataset
        .iter()
        .filter(|f| f.route.is_some_and(|r| r.to_index == Some(target)))
        .map(|f| f.index)
        .collect::<Vec<_>>();
    assert!(ends_there.len() >= 2);
    for r in ends_there {
        let geometry = dataset.feature(r).unwrap().geometry;
        let Some(geo_types::Geometry::LineString(line)) = geometry else {
            panic!("{geometry:?}");
        };
        assert_eq!(
            line.0.last().map(|c| (c.x, c.y)),
            Some((moved.x(), moved.y()))
        );
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    assert_ne!(point_of(&h, target), moved);
}

/// Replaces the text of the field showing `value` with `text`, then presses Enter.
fn retype(h: &mut Harness<'_, SortieApp>, value: &str, text: &str) {
    h.get_all_by_value(value)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .expect("a text field shows the value")
        .focus();
    frames(h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(Event::Text(text.to_owned()));
    frames(h);
    h.key_press(Key::Enter);
    frames(h);
}

#[test]
fn properties_are_edited_in_the_details_panel() {
    let mut h = harness(app());
    h.run();
    let aleppo = index_of(h.state(), "aleppo");
    h.key_press(Key::E);
    h.state_mut().selection = Some(aleppo);
    frames(&mut h);
    assert!(h.query_by_label("Properties").is_some());

    retype(&mut h, "Aleppo", "Halab");
    let dataset = &h.state().loaded.dataset;
    assert_eq!(dataset.get(aleppo).unwrap().name, "Halab");
    assert_eq!(dataset.undo_label(), Some("rename Aleppo to Halab"));
    assert!(
        h.query_all_by_label("Halab").count() >= 2,
        "the list and the heading follow"
    );

    // A date that does not read says why and changes nothing; one that reads is kept.
    let written = dataset
        .feature(aleppo)
        .unwrap()
        .date
        .map(|d| d.written().to_owned())
        .unwrap();
    retype(&mut h, &written, "2016-02-30");
    assert!(
        h.query_all_by_label_contains("2016-02-30")
            .any(|n| n.accesskit_node().role() != egui::accesskit::Role::TextInput),
        "the reading names the text that does not read"
    );
    assert_eq!(
        h.state().loaded.dataset.undo_label(),
        Some("rename Aleppo to Halab")
    );
    retype(&mut h, "2016-02-30", "2016-08-16/2016-08-18");
    let date = h
        .state()
        .loaded
        .dataset
        .feature(aleppo)
        .unwrap()
        .date
        .unwrap();
    assert_eq!(date.written(), "2016-08-16/2016-08-18");
    assert!(
        h.query_all_by_label_contains("16–18 August 2016").count() >= 2,
        "the reading and the facts"
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    let back = h.state().loaded.dataset.feature(aleppo).unwrap();
    assert_eq!(
        (back.name.as_str(), back.date.unwrap().written()),
        ("Aleppo", written.as_str())
    );
}

/// The child half of the crash test: opens the file it is given, edits it (a point added
/// and moved, a feature renamed, that step undone), writes what it shows, and waits to be
/// killed. Does nothing when run on its own.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os("SORTIE_CRASH_FILE").map(std::path::PathBuf::from) else {
        return;
    };
    let mut h = harness(app());
    h.state_mut().open(path.clone());
    wait_for_load(&mut h);
    h.key_press(Key::E);
    h.key_press(Key::Num2);
    frames(&mut h);
    let spot = empty_spot(&h);
    click_at(&mut h, spot);
    h.key_press(Key::Num1);
    frames(&mut h);
    drag(&mut h, spot, spot + vec2(50.0, -30.0));
    let deir = index_of(h.state(), "deir-ez-zor");
    h.state_mut().selection = Some(deir);
    frames(&mut h);
    retype(&mut h, "Deir ez-Zor", "Dayr az-Zawr");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    let shown = h.state().loaded.dataset.geojson_text().into_owned();
    std::fs::write(path.with_extension("shown"), shown).unwrap();
    std::fs::write(path.with_extension("ready"), "").unwrap();
    std::thread::sleep(std::time::Duration::from_secs(120));
}

#[test]
fn a_crash_leaves_edits_that_restore_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strikes.geojson");
    std::fs::write(&path, sortie::app::BUNDLED_DATASET).unwrap();
    let data = dir.path().join("data");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env("SORTIE_CRASH_FILE", &path)
        .env("SORTIE_DATA_DIR", &data)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !path.with_extension("ready").exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the child never got ready"
        );
        assert!(child.try_wait().unwrap().is_none(), "the child ended early");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // SIGKILL: nothing runs after it.
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        sortie::app::BUNDLED_DATASET,
        "the file was not saved"
    );

    let mut h = harness(
        common::app_with(sortie::app::bundled_dataset().unwrap()).with_data_dir(data.clone()),
    );
    h.state_mut().open(path.clone());
    wait_for_load(&mut h);
    frames(&mut h);
    assert!(
        matches!(h.state().question, Some(Question::Restore { steps: 4 })),
        "{:?}",
        h.state().question
    );
    h.get_by_label("Restore").click();
    frames(&mut h);
    let shown = std::fs::read_to_string(path.with_extension("shown")).unwrap();
    assert_eq!(h.state().loaded.dataset.geojson_text(), shown);
    assert!(h.state().loaded.dataset.is_modified());
    assert_eq!(
        h.state().loaded.dataset.redo_label(),
        Some("rename Deir ez-Zor to Dayr az-Zawr")
    );

    // Saved, the journal is gone: opened again, nothing is offered.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    frames(&mut h);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap().trim_end(),
        shown.trim_end()
    );
    h.state_mut().open(path);
    wait_for_load(&mut h);
    assert!(h.state().question.is_none());
}

/// The text field whose placeholder is `hint` (the last one, when claims repeat it).
fn field_with_hint<'h>(h: &'h Harness<'_, SortieApp>, hint: &'h str) -> egui_kittest::Node<'h> {
    h.get_all_by(|n| {
        matches!(
            n.role(),
            egui::accesskit::Role::TextInput | egui::accesskit::Role::MultilineTextInput
        ) && n.placeholder() == Some(hint)
    })
    .last()
    .unwrap_or_else(|| panic!("a field hinting {hint:?}"))
}

/// Clicks the (last) widget labelled `label`, scrolled into view first.
fn press_labelled(h: &mut Harness<'_, SortieApp>, label: &str) {
    h.get_all_by_label(label).last().unwrap().scroll_to_me();
    frames(h);
    h.get_all_by_label(label).last().unwrap().click();
    frames(h);
}

/// Types `text` into the (empty) field whose placeholder is `hint`, then leaves it with
/// `leave` (Enter for one line, Escape for several).
fn type_into(h: &mut Harness<'_, SortieApp>, hint: &str, text: &str, leave: Key) {
    field_with_hint(h, hint).scroll_to_me();
    frames(h);
    field_with_hint(h, hint).focus();
    frames(h);
    h.event(Event::Text(text.to_owned()));
    frames(h);
    h.key_press(leave);
    frames(h);
}

#[test]
fn a_claim_is_added_citing_a_new_source_with_a_quote_and_saved() {
    let (_dir, path, mut h) = on_a_copy();
    let target = index_of(h.state(), "deir-ez-zor");
    let before = h.state().loaded.dataset.feature(target).unwrap();
    h.key_press(Key::E);
    h.state_mut().selection = Some(target);
    frames(&mut h);
    let count = before.claims.len();
    assert!(
        h.query_by_label(&format!("Claims and citations ({count})"))
            .is_some()
    );

    // A claim, typed and added.
    let text = "Test claim: struck from Hamedan";
    type_into(&mut h, "A new claim: what is claimed", text, Key::Enter);
    press_labelled(&mut h, "Add claim");
    frames(&mut h);
    let dataset = &h.state().loaded.dataset;
    assert_eq!(dataset.undo_label(), Some("add a claim to Deir ez-Zor"));
    let claims = dataset.feature(target).unwrap().claims;
    assert_eq!(claims.len(), count + 1);
    assert_eq!(claims[count].text, text);

    // Its status, from the menu that explains each.
    let menu = |h: &Harness<'_, SortieApp>| {
        h.get_all_by_role(egui::accesskit::Role::ComboBox)
            .last()
            .unwrap()
            .scroll_to_me();
    };
    menu(&h);
    frames(&mut h);
    h.get_all_by_role(egui::accesskit::Role::ComboBox)
        .last()
        .unwrap()
        .click();
    frames(&mut h);
    press_labelled(&mut h, "claimed");
    assert_eq!(
        h.state().loaded.dataset.feature(target).unwrap().claims[count].status,
        sortie::dataset::ClaimStatus::parse("claimed")
    );

    // A new source made on the spot: the publisher guessed from the address.
    press_labelled(&mut h, "New source…");
    type_into(
        &mut h,
        "https://…",
        "https://www.example.org/report-16-aug",
        Key::Enter,
    );
    let guessed = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Publisher");
    assert_eq!(
        guessed.accesskit_node().value().as_deref(),
        Some("example.org")
    );
    press_labelled(&mut h, "Add and cite");
    let f = h.state().loaded.dataset.feature(target).unwrap();
    let source = f.sources.last().unwrap().clone();
    let id = source.id.clone().unwrap();
    assert_eq!(source.publisher.as_deref(), Some("example.org"));
    assert_eq!(
        source.accessed.as_deref().map(str::len),
        Some(10),
        "accessed today"
    );
    assert_eq!(f.claims[count].citations.len(), 1);
    assert_eq!(f.claims[count].citations[0].id, id);

    // The words it quotes.
    let quote = "bombers took off from Hamedan";
    type_into(
        &mut h,
        "the words quoted from the source",
        quote,
        Key::Escape,
    );
    let f = h.state().loaded.dataset.feature(target).unwrap();
    assert_eq!(f.claims[count].citations[0].quote.as_deref(), Some(quote));
    assert_eq!(
        h.state().loaded.dataset.undo_label(),
        Some(format!("quote {id} in a claim of Deir ez-Zor").as_str())
    );

    // Saved, it reads back; undone, the feature is as it was.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    frames(&mut h);
    let saved = sortie::dataset::load_path(&path).unwrap();
    let back = saved
        .feature(saved.index_of("deir-ez-zor").unwrap())
        .unwrap();
    assert_eq!(back.claims, f.claims);
    assert_eq!(back.sources, f.sources);
    for _ in 0..4 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        frames(&mut h);
    }
    let undone = h.state().loaded.dataset.feature(target).unwrap();
    assert_eq!(undone.claims, before.claims);
    assert_eq!(undone.sources, before.sources);
}

#[test]
fn sources_are_added_merged_and_refused_deletion_in_the_window() {
    let (_dir, _path, mut h) = on_a_copy();
    h.key_press(Key::E);
    frames(&mut h);
    let registry = h.state().loaded.dataset.registry.clone();
    // Two registry sources that claims cite.
    let cited: Vec<String> = registry
        .iter()
        .filter_map(|s| s.id.clone())
        .filter(|id| !h.state().loaded.dataset.citing(id).is_empty())
        .take(2)
        .collect();
    let [keep, merged] = [cited[0].clone(), cited[1].clone()];
    let keep_publisher = registry
        .iter()
        .find(|s| s.id.as_deref() == Some(keep.as_str()))
        .and_then(|s| s.publisher.clone())
        .unwrap();

    // Deleting a cited source is refused, naming the claims.
    h.state_mut()
        .act(sortie::app::Action::ShowSource(merged.clone()));
    frames(&mut h);
    press_labelled(&mut h, "Delete source");
    let message = h.state().message.clone().unwrap_or_default();
    assert!(message.contains("is cited by"), "{message}");
    assert!(message.contains(", claim "), "{message}");
    assert_eq!(h.state().loaded.dataset.registry, registry);

    // Merged into another found by its publisher; undone.
    type_into(
        &mut h,
        "Merge into: find a source",
        &keep_publisher,
        Key::Enter,
    );
    h.get_all_by_label_contains("Merge into ")
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.contains(&format!("[{keep}]")))
        })
        .unwrap()
        .click();
    frames(&mut h);
    let dataset = &h.state().loaded.dataset;
    assert_eq!(
        dataset.undo_label(),
        Some(format!("merge {merged} into {keep}").as_str())
    );
    assert!(dataset.citing(&merged).is_empty());
    assert!(dataset.source_by_id(&merged).is_none());
    assert_eq!(dataset.registry.len(), registry.len() - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    frames(&mut h);
    assert_eq!(h.state().loaded.dataset.registry, registry);
    assert!(!h.state().loaded.dataset.citing(&merged).is_empty());

    // A new source, then its publisher typed.
    press_labelled(&mut h, "Add source");
    let added = h.state().loaded.dataset.registry.last().unwrap().clone();
    assert_eq!(h.state().loaded.dataset.registry.len(), registry.len() + 1);
    assert!(added.accessed.is_some());
    type_into(
        &mut h,
        "newspaper, agency, ministry",
        "Test Agency",
        Key::Enter,
    );
    let edited = h.state().loaded.dataset.registry.last().unwrap().clone();
    assert_eq!(edited.publisher.as_deref(), Some("Test Agency"));
    assert_eq!(edited.id, added.id);

    // A web address pasted onto the window starts a source, its publisher guessed.
    h.event(Event::Paste(" https://www.example.org/news/strike ".into()));
    frames(&mut h);
    let pasted = h.state().loaded.dataset.registry.last().unwrap().clone();
    assert_eq!(
        pasted.url.as_deref(),
        Some("https://www.example.org/news/strike")
    );
    assert_eq!(pasted.publisher.as_deref(), Some("example.org"));
    assert_eq!(pasted.id.as_deref(), Some("example-org"));
    assert_eq!(
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Publisher")
            .accesskit_node()
            .value()
            .as_deref(),
        Some("example.org"),
        "shown to confirm"
    );
}

/// Steps frames until `done` holds (a background job finished), for at most 30 s.
fn frames_until(h: &mut Harness<'_, SortieApp>, done: impl Fn(&SortieApp) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !done(h.state()) {
        assert!(std::time::Instant::now() < deadline, "never done");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    frames(h);
}

#[test]
fn a_claim_cites_a_new_source_whose_capture_is_kept_and_checked() {
    let (dir, path, mut h) = on_a_copy();
    let target = index_of(h.state(), "deir-ez-zor");
    h.key_press(Key::E);
    h.state_mut().selection = Some(target);
    frames(&mut h);
    type_into(
        &mut h,
        "A new claim: what is claimed",
        "Struck on 16 August",
        Key::Enter,
    );
    press_labelled(&mut h, "Add claim");
    press_labelled(&mut h, "New source…");
    type_into(
        &mut h,
        "https://…",
        "https://example.org/report",
        Key::Enter,
    );
    press_labelled(&mut h, "Add and cite");
    let quote = "Su-34 bombers struck the depots";
    type_into(
        &mut h,
        "the words quoted from the source",
        quote,
        Key::Escape,
    );
    let last_source = |app: &SortieApp| {
        app.loaded
            .dataset
            .feature(target)
            .unwrap()
            .sources
            .last()
            .cloned()
            .unwrap()
    };
    let id = last_source(h.state()).id.clone().unwrap();

    // The page saved by the investigator, kept as the source's capture.
    let page = dir.path().join("saved page.html");
    std::fs::write(
        &page,
        "<html><body><p>Su-34 bombers <b>struck</b> the\n depots.</p></body></html>",
    )
    .unwrap();
    h.state_mut()
        .act(sortie::app::Action::ShowSource(id.clone()));
    frames(&mut h);
    assert!(h.query_by_label("Attach capture…").is_some());
    // Dropped on the window while the source is shown: kept as its capture, not opened.
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(page.clone())));
    frames_until(&mut h, |app| !last_source(app).captures.is_empty());
    let source = last_source(h.state());
    let capture = source.captures[0].clone();
    assert_eq!(capture.captured_by.as_deref(), Some("Test Editor"));
    assert_eq!(capture.media_type.as_deref(), Some("text/html"));
    let kept = dir.path().join(capture.file.as_deref().unwrap());
    assert_eq!(std::fs::read(&kept).unwrap(), std::fs::read(&page).unwrap());
    assert_eq!(
        h.state().loaded.dataset.undo_label(),
        Some(format!("edit source {id}").as_str())
    );

    // The feature's details mark the quote as found in the capture.
    h.state_mut().source_selection = None;
    h.state_mut().act(sortie::app::Action::Select(Some(target)));
    frames(&mut h);
    assert!(h.query_by_label("verified in the capture").is_some());

    // Saved, the strict check passes: the capture holds its hash and the quote is in it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    frames(&mut h);
    let custody = |path: &std::path::Path| -> Vec<String> {
        let dataset = sortie::dataset::load_path(path).unwrap();
        sortie::dataset::evidence_warnings(&dataset)
            .into_iter()
            .map(|w| w.message)
            .filter(|m| m.contains("capture") || m.contains("quote"))
            .collect()
    };
    assert_eq!(custody(&path), Vec::<String>::new());
    // One byte of the kept copy changed: the check names it.
    let mut bytes = std::fs::read(&kept).unwrap();
    bytes[10] ^= 1;
    let mut permissions = std::fs::metadata(&kept).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&kept, permissions).unwrap();
    std::fs::write(&kept, &bytes).unwrap();
    let found = custody(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("has changed"), "{found:?}");
}
