//! The timeline as a user drives it: dragging the range's handles, playing, switching
//! between possible and definite; the map and the list follow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{app_with, harness};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sortie::app::SortieApp;
use sortie::dataset::{parse_str, time::day_start};

/// One target a day through August 2016, one dated only to the month, one undated base.
fn august() -> String {
    let mut features: Vec<String> = (1..=31)
        .map(|d| {
            format!(
                r#"{{"type":"Feature","id":"day-{d}","properties":{{"kind":"target","date":"2016-08-{d:02}"}},"geometry":{{"type":"Point","coordinates":[{},35]}}}}"#,
                30.0 + f64::from(d) * 0.5
            )
        })
        .collect();
    features.push(r#"{"type":"Feature","id":"month","properties":{"kind":"target","date":"2016-08"},"geometry":{"type":"Point","coordinates":[40,30]}}"#.to_owned());
    features.push(r#"{"type":"Feature","id":"undated","properties":{"kind":"base"},"geometry":{"type":"Point","coordinates":[45,30]}}"#.to_owned());
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",\n")
    )
}

fn app_on(text: &str) -> SortieApp {
    app_with(parse_str(text, None).unwrap())
}

/// Features drawn on the map and listed, as the window has them now.
fn drawn_and_listed(h: &mut Harness<'_, SortieApp>) -> (usize, usize) {
    h.state_mut().wait_for_range();
    let app = h.state_mut();
    let drawn = (0..app.loaded.dataset.len())
        .filter(|&i| app.loaded.layers.is_shown(i) && app.loaded.layers.is_drawn(i))
        .count();
    (drawn, app.loaded.list.visible_items().len())
}

fn day(d: u8) -> i64 {
    day_start(2016, 8, d).unwrap()
}

#[test]
fn dragging_a_handle_changes_what_is_drawn_and_listed() {
    let mut h = harness(app_on(&august()));
    h.run();
    assert_eq!(
        drawn_and_listed(&mut h),
        (33, 33),
        "the whole extent at first"
    );
    assert_eq!(h.state().in_range_count(), Some(33));

    let start = h.get_by_label("Range start").rect().center();
    let end = h.get_by_label("Range end").rect().center();
    h.drag_at(start);
    h.run();
    h.hover_at(start + egui::vec2((end.x - start.x) / 2.0, 0.0));
    h.run();
    h.drop_at(start + egui::vec2((end.x - start.x) / 2.0, 0.0));
    h.run();
    let (from, to) = h.state().loaded.timeline.as_ref().unwrap().range;
    assert!(
        from > day(10) && from < day(22),
        "the start moved to mid-August"
    );
    assert_eq!(to, day_start(2016, 9, 1).unwrap(), "the end stayed");
    let kept = usize::try_from((to - from) / 86_400).unwrap();
    // The days from the new start, the month (possibly in range), the undated base.
    assert_eq!(drawn_and_listed(&mut h), (kept + 2, kept + 2));
    let partly: Vec<bool> = {
        let app = h.state();
        let month = app.loaded.dataset.index_of("month").unwrap();
        vec![app.loaded.layers.is_partly_in_range(month)]
    };
    assert_eq!(partly, [true], "the month-dated target is drawn faded");

    // Hiding the undated takes the base away.
    h.get_by_label("Undated (1)").click();
    h.run();
    assert_eq!(drawn_and_listed(&mut h), (kept + 1, kept + 1));
}

#[test]
fn possible_and_definite_give_different_counts() {
    let mut h = harness(app_on(&august()));
    h.state_mut().loaded.timeline.as_mut().unwrap().range = (day(10), day(13));
    h.run();
    assert_eq!(
        drawn_and_listed(&mut h).0,
        3 + 1 + 1,
        "three days, the month, undated"
    );
    h.run();
    assert!(
        h.query_by_label("5 of 33 features in range").is_some(),
        "the status bar counts them"
    );
    h.get_by_label("Definite").click();
    h.run();
    assert_eq!(drawn_and_listed(&mut h).0, 3 + 1, "the month no longer");
    h.run();
    assert!(h.query_by_label("4 of 33 features in range").is_some());
    h.get_by_label("Possible").click();
    h.run();
    assert_eq!(drawn_and_listed(&mut h).0, 5);
}

#[test]
fn play_moves_the_range_along() {
    let mut h = harness(app_on(&august()));
    {
        let timeline = h.state_mut().loaded.timeline.as_mut().unwrap();
        timeline.range = (day(1), day(4));
        timeline.speed = 8.0;
    }
    h.run();
    h.get_by_label("Play").click();
    h.run_steps(60);
    let timeline = h.state().loaded.timeline.as_ref().unwrap();
    assert!(timeline.playing, "still playing");
    let (from, to) = timeline.range;
    assert!(from > day(1), "the window moved on");
    assert_eq!(to - from, 3 * 86_400, "a sliding window keeps its length");
    h.get_by_label("Pause").click();
    h.run();
    assert!(!h.state().loaded.timeline.as_ref().unwrap().playing);

    // Cumulative: the start stays.
    h.state_mut().loaded.timeline.as_mut().unwrap().range = (day(1), day(4));
    h.get_by_label("Cumulative").click();
    h.run();
    h.get_by_label("Step forward").click();
    h.run();
    assert_eq!(
        h.state().loaded.timeline.as_ref().unwrap().range,
        (day(1), day(5))
    );
}

#[test]
fn the_range_can_be_typed() {
    let mut h = harness(app_on(&august()));
    h.run();
    for (name, date) in [("From", "2016-08-05"), ("to", "2016-08-06")] {
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, name)
            .focus();
        h.run();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, name)
            .type_text(date);
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
    }
    assert_eq!(
        h.state().loaded.timeline.as_ref().unwrap().range,
        (day(5), day(7))
    );
    // Two days, the month, the undated base.
    assert_eq!(drawn_and_listed(&mut h).0, 2 + 1 + 1);
}

#[test]
fn a_dataset_without_dates_has_no_timeline() {
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
    let mut h = harness(app_on(text));
    h.run();
    assert!(h.state().loaded.timeline.is_none());
    assert!(h.query_by_label("Play").is_none());
    assert_eq!(h.state().in_range_count(), None);
}

#[test]
fn hiding_the_timeline_shows_every_feature_again() {
    let mut h = harness(app_on(&august()));
    h.state_mut().loaded.timeline.as_mut().unwrap().range = (day(10), day(13));
    h.run();
    assert_eq!(drawn_and_listed(&mut h), (5, 5));
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Timeline").click();
    h.run();
    assert!(
        !h.state().settings.show_timeline,
        "remembered in the settings"
    );
    assert!(h.query_by_label("Play").is_none(), "the panel is gone");
    assert_eq!(drawn_and_listed(&mut h), (33, 33));
    assert_eq!(h.state().in_range_count(), None);
}

#[test]
fn a_window_shorter_than_a_bin_keeps_its_length_when_stepped() {
    let mut h = harness(app_on(&august()));
    let half_day = 43_200;
    h.state_mut().loaded.timeline.as_mut().unwrap().range =
        (day(16) + half_day / 2, day(16) + half_day);
    h.run();
    h.get_by_label("Step forward").click();
    h.run();
    let (from, to) = h.state().loaded.timeline.as_ref().unwrap().range;
    assert_eq!(from, day(17), "the start moves to the next bin's edge");
    assert_eq!(to - from, half_day / 2, "the window keeps its length");
    h.get_by_label("Step back").click();
    h.run();
    let (from, to) = h.state().loaded.timeline.as_ref().unwrap().range;
    assert_eq!((from, to - from), (day(16), half_day / 2));
}

#[test]
fn an_open_date_does_not_make_a_range() {
    let mut h = harness(app_on(&august()));
    h.run();
    let before = h.state().loaded.timeline.as_ref().unwrap().range;
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "From")
        .focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "From")
        .type_text("../2016-08-10");
    h.run();
    assert!(h.query_by_label_contains("not a range").is_some());
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().loaded.timeline.as_ref().unwrap().range, before);
}
