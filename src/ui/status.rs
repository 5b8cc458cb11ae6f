//! The status bar, the error message banner, and the warnings window.

use egui::{Color32, RichText, Ui};

use crate::action::Action;
use crate::dataset::Dataset;
use crate::geometry::units::{format_lat, format_lon};

/// What the status bar shows besides the dataset.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusInfo {
    /// Longitude and latitude under the pointer.
    pub pointer_lon_lat: Option<(f64, f64)>,
    /// The map's zoom.
    pub zoom: f64,
    /// A file is loading: the fraction done.
    pub loading: Option<f32>,
    /// Something wrong with the basemap (e.g. OpenStreetMap unreachable).
    pub basemap_problem: Option<String>,
    /// The timeline filters the map: how many features are in its range.
    pub in_range: Option<usize>,
}

/// Feature count, warnings, basemap problems, the position under the pointer, the zoom.
pub fn status_bar_ui(ui: &mut Ui, dataset: &Dataset, info: &StatusInfo, actions: &mut Vec<Action>) {
    let StatusInfo {
        pointer_lon_lat,
        zoom,
        loading,
        basemap_problem,
        in_range,
    } = info;
    ui.horizontal(|ui| {
        let routes = dataset.route_count();
        let features = dataset.feature_count();
        let s = |n: usize| if n == 1 { "" } else { "s" };
        match in_range {
            Some(shown) => ui
                .label(format!("{shown} of {features} features in range"))
                .on_hover_text(format!("{routes} route{} in the dataset", s(routes))),
            None => ui.label(format!(
                "{features} feature{} · {routes} route{}",
                s(features),
                s(routes)
            )),
        };
        ui.separator();
        let warnings = dataset.warning_count();
        let text = format!(
            "⚠ {warnings} warning{}",
            if warnings == 1 { "" } else { "s" }
        );
        if warnings == 0 {
            ui.weak("no warnings");
        } else if ui.button(text).on_hover_text("List the warnings").clicked() {
            actions.push(Action::ToggleWarnings);
        }
        if let Some(problem) = basemap_problem {
            ui.separator();
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
        if let Some(fraction) = loading {
            ui.separator();
            ui.add(
                egui::ProgressBar::new(*fraction)
                    .desired_width(160.0)
                    .show_percentage()
                    .text("Loading…"),
            );
            if ui.button("Cancel").clicked() {
                actions.push(Action::CancelLoad);
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.weak(format!("zoom {zoom:.1}"));
            if let Some((lon, lat)) = pointer_lon_lat {
                ui.separator();
                let lat_text = format_lat((lat * 1e4).round() / 1e4);
                let lon_text = format_lon((lon * 1e4).round() / 1e4);
                ui.monospace(format!("{lat_text}, {lon_text}"));
            }
        });
    });
}

/// An error banner with a Dismiss button.
pub fn message_ui(ui: &mut Ui, message: &str, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new("⚠")
                .color(Color32::from_rgb(0xd0, 0x2b, 0x2b))
                .strong(),
        );
        ui.label(message);
        if ui.button("Dismiss").clicked() {
            actions.push(Action::DismissMessage);
        }
    });
}

/// Every warning of the dataset; clicking one that names a feature selects it.
pub fn warnings_ui(ui: &mut Ui, dataset: &Dataset, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical()
        .max_height(400.0)
        .show(ui, |ui| {
            for warning in dataset.all_warnings() {
                match warning.feature_index {
                    Some(index) => {
                        if ui.link(warning.to_string()).clicked() {
                            actions.push(Action::SelectAndCenter(index));
                        }
                    }
                    None => {
                        ui.label(warning.to_string());
                    }
                }
            }
        });
}
