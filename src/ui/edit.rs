//! The editing toolbar (shown while editing: the tools, the point tool's kind, undo and
//! redo naming their step, delete) and the questions asked before an edit or a save goes
//! ahead (unsaved edits; a feature that routes start or end at).

use egui::Ui;

use super::menu::UndoLabels;
use crate::action::{Action, Editing, Pending, Question};
use crate::dataset::Dataset;
use crate::map::Tool;

/// What the editing toolbar shows.
pub struct ToolbarState<'a> {
    /// The tools.
    pub editing: &'a Editing,
    /// What undo and redo would do.
    pub undo: &'a UndoLabels<'a>,
    /// The selected feature.
    pub selection: Option<usize>,
    /// While a route is drawn, how many vertices it has.
    pub drawing: Option<usize>,
}

/// The toolbar under the menu while editing.
pub fn toolbar_ui(ui: &mut Ui, state: &ToolbarState<'_>, actions: &mut Vec<Action>) {
    let ToolbarState {
        editing,
        undo,
        selection,
        drawing,
    } = *state;
    ui.horizontal(|ui| {
        ui.strong("Editing");
        ui.separator();
        let tool = editing.tool;
        if ui
            .selectable_label(tool == Tool::Select, "Select / move (1)")
            .on_hover_text("Click a feature to select it; drag a marker to move it")
            .clicked()
        {
            actions.push(Action::SetTool(Tool::Select));
        }
        let point = matches!(tool, Tool::Point(_));
        if ui
            .selectable_label(point, "Point (2)")
            .on_hover_text("Click the map to add a feature of the kind chosen beside")
            .clicked()
        {
            actions.push(Action::SetTool(Tool::Point(editing.point_kind)));
        }
        let mut kind = editing.point_kind;
        egui::ComboBox::from_id_salt("point kind")
            .selected_text(kind.as_str())
            .show_ui(ui, |ui| {
                for k in Tool::POINT_KINDS {
                    ui.selectable_value(&mut kind, k, k.as_str());
                }
            })
            .response
            .on_hover_text("The kind of feature the point tool adds");
        if kind != editing.point_kind {
            actions.push(Action::SetTool(Tool::Point(kind)));
        }
        if ui
            .selectable_label(tool == Tool::Route, "Route (3)")
            .on_hover_text("Click the feature the route starts at, click waypoints, click the feature it ends at")
            .clicked()
        {
            actions.push(Action::SetTool(Tool::Route));
        }
        ui.separator();
        for (step, verb, keys, action) in [
            (undo.undo, "Undo", "Ctrl+Z", Action::Undo),
            (undo.redo, "Redo", "Ctrl+Shift+Z", Action::Redo),
        ] {
            let hover = step.map_or_else(String::new, |l| format!("{verb} {l} ({keys})"));
            if ui
                .add_enabled(step.is_some(), egui::Button::new(verb))
                .on_hover_text(hover)
                .on_disabled_hover_text(format!("Nothing to {}", verb.to_lowercase()))
                .clicked()
            {
                actions.push(action);
            }
        }
        if ui
            .add_enabled(selection.is_some(), egui::Button::new("Delete"))
            .on_hover_text("Delete the selected feature (Del)")
            .clicked()
        {
            actions.push(Action::DeleteSelected);
        }
        ui.separator();
        if ui
            .button("Done")
            .on_hover_text("Stop editing (E)")
            .clicked()
        {
            actions.push(Action::ToggleEditing);
        }
        if tool == Tool::Route {
            ui.separator();
            ui.weak(match drawing {
                None => "Click the feature the route starts at",
                Some(_) => {
                    "Click waypoints, then the feature it ends at (Enter: end here, Esc: cancel)"
                }
            });
        }
    });
}

/// The question waiting for an answer, in a modal window (the rest of the window waits).
pub fn question_ui(
    ctx: &egui::Context,
    question: &Question,
    dataset: &Dataset,
    actions: &mut Vec<Action>,
) {
    let title = match question {
        Question::Unsaved(_) => "Unsaved edits",
        Question::DeleteWithRoutes { .. } => "Delete a route's end?",
        Question::Restore { .. } => "Unsaved edits found",
    };
    let asked = actions.len();
    let modal = egui::Modal::new(egui::Id::unique("sortie-question")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.heading(title);
        match question {
            Question::Unsaved(pending) => unsaved_ui(ui, pending, dataset, actions),
            Question::DeleteWithRoutes { index, routes } => {
                delete_with_routes_ui(ui, *index, routes, dataset, actions);
            }
            Question::Restore { steps } => restore_ui(ui, *steps, dataset, actions),
        }
    });
    // Esc or a click outside cancels.
    if modal.should_close() && actions.len() == asked {
        actions.push(Action::Dismiss);
    }
}

fn restore_ui(ui: &mut Ui, steps: usize, dataset: &Dataset, actions: &mut Vec<Action>) {
    ui.label(format!(
        "Sortie stopped before {steps} edit step{} of {} were saved. Restore them?",
        if steps == 1 { "" } else { "s" },
        dataset.title
    ));
    ui.horizontal(|ui| {
        if ui.button("Restore").clicked() {
            actions.push(Action::RestoreJournal);
        }
        if ui
            .button("Discard them")
            .on_hover_text("The file stays as saved; the edits are forgotten")
            .clicked()
        {
            actions.push(Action::DiscardJournal);
        }
    });
}

fn unsaved_ui(ui: &mut Ui, pending: &Pending, dataset: &Dataset, actions: &mut Vec<Action>) {
    let then = match pending {
        Pending::Open(_) | Pending::ShowOpenDialog => "opening another file",
        Pending::Quit => "closing",
    };
    ui.label(format!(
        "Save the edits to {} before {then}? Unsaved edits are lost otherwise.",
        dataset.title
    ));
    ui.horizontal(|ui| {
        if ui.button("Save").clicked() {
            actions.push(Action::SaveThen(pending.clone()));
        }
        if ui.button("Don't save").clicked() {
            actions.push(Action::DiscardThen(pending.clone()));
        }
        if ui.button("Cancel").clicked() {
            actions.push(Action::Dismiss);
        }
    });
}

fn delete_with_routes_ui(
    ui: &mut Ui,
    index: usize,
    routes: &[usize],
    dataset: &Dataset,
    actions: &mut Vec<Action>,
) {
    let name = dataset.get(index).map_or("", |f| f.name);
    ui.label(format!(
        "{} route{} start or end at {name}:",
        routes.len(),
        if routes.len() == 1 { "" } else { "s" }
    ));
    for &r in routes {
        if let Some(route) = dataset.get(r) {
            ui.label(format!("• {}", route.name));
        }
    }
    ui.horizontal(|ui| {
        let mut with: Vec<usize> = vec![index];
        with.extend_from_slice(routes);
        if ui.button(format!("Delete {name} and the routes")).clicked() {
            actions.push(Action::DeleteFeatures(with));
        }
        if ui
            .button(format!("Delete {name} only"))
            .on_hover_text("The routes stay, their end unlinked (a warning names it)")
            .clicked()
        {
            actions.push(Action::DeleteFeatures(vec![index]));
        }
        if ui.button("Cancel").clicked() {
            actions.push(Action::Dismiss);
        }
    });
}
