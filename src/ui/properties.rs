//! A feature's properties, edited in the details panel while editing: name, kind,
//! description, dates (each read as you type, or why it does not read), location precision,
//! colour, a route's aircraft, schematic flag and cruise speed, and any other property as a
//! key and a JSON value. A field's edit becomes one step when the field loses focus (a
//! choice, at once); the form keeps what is typed meanwhile.

use egui::Ui;

use crate::action::Action;
use crate::dataset::{
    DateExpr, Feature, FeatureKind, LocationPrecision, PrecisionLevel, Rgb, RouteInfo,
};

/// The text being typed in the fields of one feature's form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PropertyForm {
    /// The feature the form is for.
    pub index: usize,
    name: String,
    description: String,
    date: String,
    date_end: String,
    radius_km: String,
    aircraft: String,
    cruise_kmh: String,
    /// Each other property: key and JSON value, as typed.
    others: Vec<(String, String)>,
    /// A property being added: key and JSON value.
    new_key: String,
    new_value: String,
}

impl PropertyForm {
    /// The form for `feature`, its fields as the feature has them.
    pub fn of(feature: &Feature) -> Self {
        let route = feature.route.as_ref();
        Self {
            index: feature.index,
            name: feature.name.clone(),
            description: feature.description.clone().unwrap_or_default(),
            date: feature
                .date
                .as_ref()
                .map_or_else(String::new, |d| d.written().to_owned()),
            date_end: feature
                .date_end
                .as_ref()
                .map_or_else(String::new, |d| d.written().to_owned()),
            radius_km: feature
                .location_precision
                .and_then(|p| p.radius_km)
                .map_or_else(String::new, |r| r.to_string()),
            aircraft: route.map_or_else(String::new, |r| r.aircraft.join(", ")),
            cruise_kmh: route
                .and_then(|r| r.cruise_kmh)
                .map_or_else(String::new, |c| c.to_string()),
            others: feature
                .other_properties
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            new_key: String::new(),
            new_value: String::new(),
        }
    }
}

/// The form of `feature`; a field changed pushes [`Action::ReplaceFeature`].
pub fn properties_ui(
    ui: &mut Ui,
    form: &mut PropertyForm,
    feature: &Feature,
    actions: &mut Vec<Action>,
) {
    let mut changed: Option<(String, Feature)> = None;
    egui::Grid::new("properties")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            main_fields_ui(ui, form, feature, &mut changed);
            date_fields_ui(ui, form, feature, &mut changed);
            look_fields_ui(ui, form, feature, &mut changed);
            if feature.route.is_some() {
                route_fields_ui(ui, form, feature, &mut changed);
            }
        });
    ui.add_space(4.0);
    others_ui(ui, form, feature, &mut changed);
    push_change(changed, feature, actions);
}

/// Pushes the step `changed` (a label and the feature as the step leaves it) unless it
/// leaves `feature` as it is.
pub(super) fn push_change(
    changed: Option<(String, Feature)>,
    feature: &Feature,
    actions: &mut Vec<Action>,
) {
    if let Some((label, new)) = changed
        && new != *feature
    {
        actions.push(Action::ReplaceFeature {
            index: feature.index,
            label,
            feature: Box::new(new),
        });
    }
}

/// A one-line text field whose edit is done when it loses focus (or Enter).
fn line_ui(ui: &mut Ui, label: &str, text: &mut String) -> bool {
    ui.label(label);
    let response = ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(220.0)
            .hint_text("—"),
    );
    ui.end_row();
    response.lost_focus()
}

fn main_fields_ui(
    ui: &mut Ui,
    form: &mut PropertyForm,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    if line_ui(ui, "Name", &mut form.name) && form.name != feature.name {
        let mut new = feature.clone();
        new.name = form.name.trim().to_owned();
        *changed = Some((format!("rename {} to {}", feature.name, new.name), new));
    }
    ui.label("Kind");
    let mut kind = feature.kind;
    egui::ComboBox::from_id_salt("feature kind")
        .selected_text(kind.as_str())
        .show_ui(ui, |ui| {
            for k in FeatureKind::ALL {
                ui.selectable_value(&mut kind, k, k.as_str());
            }
        })
        .response
        .on_hover_text("What the feature stands for");
    ui.end_row();
    if kind != feature.kind {
        let mut new = feature.clone();
        new.kind = kind;
        *changed = Some((format!("make {} a {}", feature.name, kind.as_str()), new));
    }
    ui.label("Description");
    let response = ui.add(
        egui::TextEdit::multiline(&mut form.description)
            .desired_width(220.0)
            .desired_rows(3),
    );
    ui.end_row();
    let description = Some(form.description.trim().to_owned()).filter(|d| !d.is_empty());
    if response.lost_focus() && description != feature.description {
        let mut new = feature.clone();
        new.description = description;
        *changed = Some((format!("describe {}", feature.name), new));
    }
}

/// How a date field reads: the date written for people, or why it does not read.
pub(super) fn reading_ui(ui: &mut Ui, text: &str) -> Option<Result<Option<DateExpr>, String>> {
    let text = text.trim();
    if text.is_empty() {
        ui.weak("");
        ui.weak("undated");
        ui.end_row();
        return Some(Ok(None));
    }
    let read = DateExpr::parse(text);
    ui.weak("");
    match &read {
        Ok(date) => {
            let when = date.when();
            ui.weak(format!("{}, {}", date.describe(), when.certainty.as_str()))
        }
        Err(e) => ui.colored_label(ui.visuals().error_fg_color, e),
    };
    ui.end_row();
    Some(read.map(Some))
}

fn date_fields_ui(
    ui: &mut Ui,
    form: &mut PropertyForm,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    if let Some(date) = date_field_ui(ui, "Date", &mut form.date, feature.date.as_ref()) {
        let mut new = feature.clone();
        new.date = date;
        *changed = Some((format!("date {}", feature.name), new));
    }
    if let Some(end) = date_field_ui(ui, "Until", &mut form.date_end, feature.date_end.as_ref()) {
        let mut new = feature.clone();
        new.date_end = end;
        *changed = Some((format!("date {}", feature.name), new));
    }
}

/// A date field and its reading; the date typed once the field is done with, if it reads
/// and differs from `current`.
fn date_field_ui(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    current: Option<&DateExpr>,
) -> Option<Option<DateExpr>> {
    let done = line_ui(ui, label, text);
    match reading_ui(ui, text) {
        Some(Ok(date)) if done && date.as_ref() != current => Some(date),
        _ => None,
    }
}

fn look_fields_ui(
    ui: &mut Ui,
    form: &mut PropertyForm,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    ui.label("Position");
    let level = feature.location_precision.map(|p| p.level);
    let mut chosen = level;
    egui::ComboBox::from_id_salt("location precision")
        .selected_text(chosen.map_or("not said", PrecisionLevel::as_str))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, "not said");
            for l in [
                PrecisionLevel::Exact,
                PrecisionLevel::Approximate,
                PrecisionLevel::Area,
            ] {
                ui.selectable_value(&mut chosen, Some(l), l.as_str());
            }
        })
        .response
        .on_hover_text("How exact the position is");
    ui.end_row();
    let radius_done = line_ui(ui, "Radius (km)", &mut form.radius_km);
    let radius = form
        .radius_km
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|r| *r >= 0.0);
    let precision = chosen.map(|level| LocationPrecision {
        level,
        radius_km: radius,
    });
    if (chosen != level || radius_done) && precision != feature.location_precision {
        let mut new = feature.clone();
        new.location_precision = precision;
        *changed = Some((format!("set the precision of {}", feature.name), new));
    }
    ui.label("Colour");
    let line = feature.route.is_some() || feature.point().is_none();
    let own = if line {
        feature.style.stroke
    } else {
        feature.style.marker_color
    };
    let shown = own.unwrap_or_else(|| crate::dataset::kind_rgb(feature.kind));
    let mut rgb = shown.0;
    ui.horizontal(|ui| {
        let picked = ui.color_edit_button_srgb(&mut rgb).on_hover_text(
            "The feature's own colour (simplestyle); without one it takes its kind's",
        );
        if own.is_some() && ui.small_button("Kind's colour").clicked() {
            let mut new = feature.clone();
            set_colour(&mut new, line, None);
            *changed = Some((format!("colour {}", feature.name), new));
        } else if picked.changed() && rgb != shown.0 {
            let mut new = feature.clone();
            set_colour(&mut new, line, Some(Rgb(rgb)));
            *changed = Some((format!("colour {}", feature.name), new));
        }
    });
    ui.end_row();
}

fn set_colour(feature: &mut Feature, line: bool, colour: Option<Rgb>) {
    if line {
        feature.style.stroke = colour;
    } else {
        feature.style.marker_color = colour;
    }
}

fn route_fields_ui(
    ui: &mut Ui,
    form: &mut PropertyForm,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    let route = feature.route.clone().unwrap_or_default();
    let with = |route: RouteInfo| {
        let mut new = feature.clone();
        new.route = Some(route);
        new
    };
    if line_ui(ui, "Aircraft", &mut form.aircraft) {
        let aircraft: Vec<String> = form
            .aircraft
            .split(',')
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        if aircraft != route.aircraft {
            let label = format!("set the aircraft of {}", feature.name);
            *changed = Some((
                label,
                with(RouteInfo {
                    aircraft,
                    ..route.clone()
                }),
            ));
        }
    }
    ui.label("Schematic");
    let mut schematic = route.schematic;
    ui.checkbox(&mut schematic, "the flown track is not known")
        .on_hover_text("Drawn dashed: the line joins the ends, not the path flown");
    ui.end_row();
    if schematic != route.schematic {
        let label = format!("mark {} schematic", feature.name);
        *changed = Some((
            label,
            with(RouteInfo {
                schematic,
                ..route.clone()
            }),
        ));
    }
    if line_ui(ui, "Cruise (km/h)", &mut form.cruise_kmh) {
        let cruise_kmh = form
            .cruise_kmh
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|c| *c > 0.0);
        if cruise_kmh != route.cruise_kmh {
            let label = format!("set the cruise speed of {}", feature.name);
            *changed = Some((
                label,
                with(RouteInfo {
                    cruise_kmh,
                    ..route
                }),
            ));
        }
    }
}

/// Every other property as a key and a JSON value: changed, removed, or one added.
fn others_ui(
    ui: &mut Ui,
    form: &mut PropertyForm,
    feature: &Feature,
    changed: &mut Option<(String, Feature)>,
) {
    ui.label("Other properties (JSON values)");
    let mut remove = None;
    for (k, (key, value)) in form.others.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(key.as_str());
            let response = ui.add(egui::TextEdit::singleline(value).desired_width(180.0));
            let parsed = serde_json::from_str::<serde_json::Value>(value);
            if parsed.is_err() {
                ui.colored_label(ui.visuals().error_fg_color, "not JSON");
            }
            if ui
                .small_button("✕")
                .on_hover_text("Remove the property")
                .clicked()
            {
                remove = Some(k);
            }
            if response.lost_focus()
                && let Ok(parsed) = parsed
                && feature
                    .other_properties
                    .get(k)
                    .is_some_and(|(_, v)| *v != parsed)
            {
                let mut new = feature.clone();
                if let Some(slot) = new.other_properties.get_mut(k) {
                    slot.1 = parsed;
                }
                *changed = Some((format!("set {key} of {}", feature.name), new));
            }
        });
    }
    if let Some(k) = remove {
        let mut new = feature.clone();
        if k < new.other_properties.len() {
            let (key, _) = new.other_properties.remove(k);
            *changed = Some((format!("remove {key} from {}", feature.name), new));
        }
    }
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut form.new_key)
                .desired_width(90.0)
                .hint_text("key"),
        );
        ui.add(
            egui::TextEdit::singleline(&mut form.new_value)
                .desired_width(120.0)
                .hint_text("JSON value"),
        );
        let key = form.new_key.trim().to_owned();
        let value = serde_json::from_str::<serde_json::Value>(&form.new_value);
        let free = !key.is_empty()
            && !feature.other_properties.iter().any(|(k, _)| *k == key)
            && !crate::dataset::is_typed_property(&key);
        if ui
            .add_enabled(free && value.is_ok(), egui::Button::new("Add"))
            .on_disabled_hover_text("A new key, and a value in JSON (\"text\", 12, true, [..])")
            .clicked()
            && let Ok(value) = value
        {
            let mut new = feature.clone();
            new.other_properties.push((key.clone(), value));
            *changed = Some((format!("add {key} to {}", feature.name), new));
        }
    });
}
