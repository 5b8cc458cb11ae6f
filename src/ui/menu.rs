//! The menu bar.

use egui::Ui;

use crate::action::{Action, Settings};
use crate::map::Basemap;

/// File and View menus.
pub fn menu_bar_ui(ui: &mut Ui, settings: &Settings, actions: &mut Vec<Action>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui
                .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
                .clicked()
            {
                actions.push(Action::ShowOpenDialog);
                ui.close();
            }
            if ui
                .add(egui::Button::new("Export data…").shortcut_text("Ctrl+Shift+S"))
                .on_hover_text("Write what is loaded as GeoJSON (every property and source), or as KML or KMZ for Google Earth")
                .clicked()
            {
                actions.push(Action::ShowExportDialog);
                ui.close();
            }
            if ui
                .add(egui::Button::new("Export map…").shortcut_text("Ctrl+E"))
                .on_hover_text("Publish the map as PNG, SVG or PDF, with a legend, a scale bar and numbered source footnotes")
                .clicked()
            {
                actions.push(Action::OpenExportMap);
                ui.close();
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        ui.menu_button("View", |ui| {
            if ui
                .add(egui::Button::new("Fit all features").shortcut_text("F"))
                .clicked()
            {
                actions.push(Action::FitAll);
                ui.close();
            }
            if ui
                .add(egui::Button::new("Zoom in").shortcut_text("+"))
                .clicked()
            {
                actions.push(Action::Zoom(1.0));
            }
            if ui
                .add(egui::Button::new("Zoom out").shortcut_text("-"))
                .clicked()
            {
                actions.push(Action::Zoom(-1.0));
            }
            let mut timeline = settings.show_timeline;
            if ui.checkbox(&mut timeline, "Timeline").on_hover_text("Show the timeline along the bottom, and filter the map and the list by its range").clicked() {
                actions.push(Action::SetTimeline(timeline));
            }
            ui.separator();
            ui.label("Basemap");
            for basemap in [Basemap::Offline, Basemap::OpenStreetMap, Basemap::None] {
                if ui
                    .radio(settings.basemap == basemap, basemap.label())
                    .clicked()
                {
                    actions.push(Action::SetBasemap(basemap));
                }
            }
            let pmtiles = matches!(settings.basemap, Basemap::PmTiles(_));
            let label = if pmtiles {
                settings.basemap.label()
            } else {
                "PMTiles file…".to_owned()
            };
            if ui.radio(pmtiles, label).clicked() {
                actions.push(Action::ShowPmTilesDialog);
                ui.close();
            }
            ui.separator();
            ui.label("Theme");
            if ui.radio(!settings.dark_mode, "Light").clicked() {
                actions.push(Action::SetDarkMode(false));
            }
            if ui.radio(settings.dark_mode, "Dark").clicked() {
                actions.push(Action::SetDarkMode(true));
            }
        });
    });
}
