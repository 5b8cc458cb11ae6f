//! The menu bar.

use egui::Ui;

use crate::action::{Action, Editing, Settings};
use crate::map::{Basemap, Tool};

/// What undo and redo would do, for the Edit menu and the toolbar.
#[derive(Clone, Copy, Debug, Default)]
pub struct UndoLabels<'a> {
    /// The step undo takes back.
    pub undo: Option<&'a str>,
    /// The step redo does again.
    pub redo: Option<&'a str>,
}

/// File, Edit and View menus.
pub fn menu_bar_ui(
    ui: &mut Ui,
    settings: &Settings,
    editing: &Editing,
    undo: &UndoLabels<'_>,
    actions: &mut Vec<Action>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, actions));
        ui.menu_button("Edit", |ui| edit_menu_ui(ui, editing, undo, actions));
        ui.menu_button("View", |ui| view_menu_ui(ui, settings, actions));
    });
}

/// A menu entry with its shortcut; pushes `action` and closes the menu when clicked.
fn entry(
    ui: &mut Ui,
    enabled: bool,
    text: &str,
    keys: &str,
    action: Action,
    out: &mut Vec<Action>,
) {
    if ui
        .add_enabled(enabled, egui::Button::new(text).shortcut_text(keys))
        .clicked()
    {
        out.push(action);
        ui.close();
    }
}

/// Edit mode, undo and redo (naming the step), the tools and Delete.
fn edit_menu_ui(ui: &mut Ui, editing: &Editing, undo: &UndoLabels<'_>, actions: &mut Vec<Action>) {
    let mut on = editing.on;
    if ui
        .checkbox(&mut on, "Edit mode (E)")
        .on_hover_text("Add, move and delete features on the map; the window opens read-only")
        .clicked()
    {
        actions.push(Action::ToggleEditing);
        ui.close();
    }
    ui.separator();
    for (step, verb, keys, action) in [
        (undo.undo, "Undo", "Ctrl+Z", Action::Undo),
        (undo.redo, "Redo", "Ctrl+Shift+Z", Action::Redo),
    ] {
        let text = step.map_or_else(|| verb.to_owned(), |l| format!("{verb} {l}"));
        entry(ui, step.is_some(), &text, keys, action, actions);
    }
    ui.separator();
    entry(
        ui,
        true,
        "Select and move",
        "1",
        Action::SetTool(Tool::Select),
        actions,
    );
    let point = Action::SetTool(Tool::Point(editing.point_kind));
    entry(ui, true, "Add a point", "2", point, actions);
    entry(
        ui,
        editing.on,
        "Delete selected",
        "Del",
        Action::DeleteSelected,
        actions,
    );
}

/// Open, save, export and quit.
fn file_menu_ui(ui: &mut Ui, actions: &mut Vec<Action>) {
    if ui
        .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
        .clicked()
    {
        actions.push(Action::ShowOpenDialog);
        ui.close();
    }
    entry(ui, true, "Save", "Ctrl+S", Action::Save, actions);
    entry(
        ui,
        true,
        "Save as…",
        "Ctrl+Shift+S",
        Action::ShowSaveAsDialog,
        actions,
    );
    ui.separator();
    if ui
                .add(egui::Button::new("Export data…").shortcut_text("Ctrl+Shift+E"))
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
}

/// Fit and zoom, the timeline, the basemap and the theme.
fn view_menu_ui(ui: &mut Ui, settings: &Settings, actions: &mut Vec<Action>) {
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
    if ui
        .checkbox(&mut timeline, "Timeline")
        .on_hover_text(
            "Show the timeline along the bottom, and filter the map and the list by its range",
        )
        .clicked()
    {
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
}
