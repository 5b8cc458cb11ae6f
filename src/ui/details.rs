//! The details panel: everything known about the selected feature, with its evidence.

use egui::{Color32, RichText, Ui};

use crate::action::Action;
use crate::dataset::is_web_url;
use crate::dataset::{Claim, Dataset, Feature, QuoteCheck, Source};
use crate::geometry::units::{KM_PER_NMI, format_lat, format_lon};
use crate::theme;

/// The right-hand panel: the selected feature's details, or a hint.
pub fn details_panel_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    selection: Option<usize>,
    quotes: &mut QuoteChecks,
    actions: &mut Vec<Action>,
) {
    // Read in full from the file's text (microseconds), so claims and sources need no memory
    // while not shown.
    let Some(feature) = selection.and_then(|i| dataset.feature(i)) else {
        ui.add_space(8.0);
        ui.heading(&dataset.title);
        ui.label(dataset.summary());
        ui.add_space(8.0);
        ui.weak("Click a feature on the map or in the list to see who claims what about it, and where they said it.");
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            feature_details_ui(ui, dataset, &feature, quotes, actions)
        });
}

/// The captures larger than this are not read by the panel (`sortie check` reads them).
const PANEL_CAPTURE_BYTES: u64 = 16 << 20;

/// Quotes checked against the captures of the sources they quote, each once while the
/// dataset stays as it is (the app clears them after each edit).
#[derive(Debug, Default)]
pub struct QuoteChecks {
    checked: std::collections::HashMap<(String, String), QuoteCheck>,
}

impl QuoteChecks {
    /// Forgets every check (the dataset changed).
    pub fn clear(&mut self) {
        self.checked.clear();
    }

    /// Whether `quote` is in the text of `source`'s captures (read on first asking).
    fn check(&mut self, dataset: &Dataset, source: &Source, quote: &str) -> &QuoteCheck {
        let key = (source.id.clone().unwrap_or_default(), quote.to_owned());
        self.checked.entry(key).or_insert_with(|| {
            let dir = crate::dataset::dataset_dir(dataset);
            crate::dataset::quote_check(&dir, &source.captures, quote, PANEL_CAPTURE_BYTES)
        })
    }
}

fn feature_details_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    feature: &Feature,
    quotes: &mut QuoteChecks,
    actions: &mut Vec<Action>,
) {
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        badge_ui(ui, feature.kind.as_str(), theme::kind_color(feature.kind));
        ui.heading(&feature.name);
    });
    ui.weak(format!("id {}", feature.id));
    ui.add_space(4.0);

    facts_ui(ui, dataset, feature, actions);

    if let Some(route) = &feature.route {
        route_analysis_ui(ui, dataset, feature, route);
    }

    if let Some(description) = &feature.description {
        ui.add_space(6.0);
        ui.label(description);
    }

    // Its own sources, then those its claims cite from the registry or other features.
    let sources = dataset.sources_of(feature);
    if !feature.claims.is_empty() {
        ui.add_space(10.0);
        ui.strong(format!("Claims ({})", feature.claims.len()));
        ui.separator();
        for claim in claims_in_date_order(&feature.claims) {
            claim_ui(ui, dataset, &sources, claim, quotes, actions);
            ui.add_space(6.0);
        }
    }

    if !sources.is_empty() {
        ui.add_space(10.0);
        ui.strong(format!("Sources ({})", sources.len()));
        ui.separator();
        for (n, source) in sources.iter().enumerate() {
            source_ui(ui, Some(n + 1), source);
            ui.add_space(6.0);
        }
    }

    let others: Vec<&(String, serde_json::Value)> = feature
        .other_properties
        .iter()
        .chain(&feature.foreign_members)
        .collect();
    if !others.is_empty() {
        ui.add_space(10.0);
        ui.strong("Other properties");
        ui.separator();
        egui::Grid::new("other-properties")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (key, value) in others {
                    ui.label(RichText::new(key).monospace());
                    let text = match value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    ui.add(egui::Label::new(text).wrap());
                    ui.end_row();
                }
            });
    }
}

/// The feature's facts in two columns: date, position, precision, altitude, and a route's
/// ends, length, bearings and aircraft.
fn facts_ui(ui: &mut Ui, dataset: &Dataset, feature: &Feature, actions: &mut Vec<Action>) {
    egui::Grid::new("facts")
        .num_columns(2)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            let date = match (&feature.date, &feature.date_end) {
                (Some(d), Some(e)) => Some(d.describe_until(e)),
                (Some(d), None) => Some(d.describe()),
                (None, Some(e)) => Some(format!("until {}", e.describe())),
                (None, None) => None,
            };
            if let Some(date) = date {
                ui.label("Date");
                ui.label(date);
                ui.end_row();
            }
            if let Some(p) = feature.point() {
                ui.label("Position");
                ui.label(format!(
                    "{}, {}",
                    format_lat(round5(p.y())),
                    format_lon(round5(p.x()))
                ));
                ui.end_row();
            }
            if let Some(precision) = feature.location_precision {
                ui.label("Precision");
                let radius = precision
                    .radius_km
                    .map_or_else(String::new, |r| format!(" (± {r} km)"));
                ui.label(format!("{}{radius}", precision.level.as_str()));
                ui.end_row();
            }
            if !feature.altitudes_m.is_empty() {
                ui.label("Altitude");
                let list: Vec<String> = feature
                    .altitudes_m
                    .iter()
                    .take(5)
                    .map(|a| format!("{a} m"))
                    .collect();
                ui.label(list.join(", "));
                ui.end_row();
            }
            if feature.geometry.is_none() {
                ui.label("Geometry");
                ui.label("none (listed, not drawn)");
                ui.end_row();
            }
            if let Some(route) = &feature.route {
                route_facts_ui(ui, dataset, route, actions);
            }
        });
}

/// A route's rows of the facts grid.
fn route_facts_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    route: &crate::dataset::RouteInfo,
    actions: &mut Vec<Action>,
) {
    ui.label("From");
    end_link_ui(
        ui,
        dataset,
        route.from.as_deref(),
        route.from_index,
        actions,
    );
    ui.end_row();
    ui.label("To");
    end_link_ui(ui, dataset, route.to.as_deref(), route.to_index, actions);
    ui.end_row();
    if let Some(m) = &route.metrics {
        ui.label("Length");
        ui.label(format!(
            "{:.1} km ({:.1} nmi)",
            m.length_km(),
            m.length_km() / KM_PER_NMI
        ));
        ui.end_row();
        ui.label("Initial bearing");
        ui.label(format!("{:.1}°", m.initial_bearing_deg));
        ui.end_row();
        ui.label("Final bearing");
        ui.label(format!("{:.1}°", m.final_bearing_deg));
        ui.end_row();
    }
    if !route.aircraft.is_empty() {
        ui.label("Aircraft");
        ui.label(route.aircraft.join(", "));
        ui.end_row();
    }
    if route.schematic {
        ui.label("Track");
        ui.label("schematic: the flown path is not known");
        ui.end_row();
    }
}

/// Legs, flight times and the airspace crossed.
fn route_analysis_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    feature: &Feature,
    route: &crate::dataset::RouteInfo,
) {
    let Some(metrics) = &route.metrics else {
        return;
    };
    if metrics.legs_m.len() > 1 {
        ui.add_space(8.0);
        ui.strong(format!("Legs ({})", metrics.legs_m.len()));
        let vertices = crate::dataset::route_vertices(feature.geometry.as_ref());
        egui::Grid::new("legs")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                for (i, (leg_m, w)) in metrics.legs_m.iter().zip(vertices.windows(2)).enumerate() {
                    ui.label(format!("{}", i + 1));
                    ui.label(format!(
                        "{} → {}",
                        format_point(w[0].x(), w[0].y()),
                        format_point(w[1].x(), w[1].y())
                    ));
                    ui.label(format!("{:.1} km", leg_m / 1000.0));
                    ui.end_row();
                }
            });
    }
    let times = route.flight_times_h(&dataset.aircraft_cruise_kmh);
    if !times.is_empty() {
        ui.add_space(8.0);
        ui.strong("Estimated flight time");
        for (basis, hours) in times {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let minutes = (hours * 60.0).round() as u64;
            ui.label(format!(
                "{} h {:02} min ({basis})",
                minutes / 60,
                minutes % 60
            ));
        }
    }
    ui.add_space(8.0);
    ui.strong("Airspace crossed");
    match &route.airspace {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("computing…");
            });
        }
        Some(rows) => {
            egui::Grid::new("airspace")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    ui.weak("over");
                    ui.weak("km");
                    ui.weak("entry → exit");
                    ui.end_row();
                    for row in rows {
                        match &row.country {
                            Some(country) => ui.label(country),
                            None => ui.label(RichText::new("open sea").italics()),
                        };
                        ui.label(format!("{:.1}", row.km));
                        ui.label(format!(
                            "{} → {}",
                            format_point(row.entry[0], row.entry[1]),
                            format_point(row.exit[0], row.exit[1])
                        ));
                        ui.end_row();
                    }
                });
            ui.weak("Along the geodesic, against Natural Earth 1:10m borders (good to a few hundred metres).");
        }
    }
}

fn format_point(lon: f64, lat: f64) -> String {
    format!(
        "{}, {}",
        format_lat((lat * 100.0).round() / 100.0),
        format_lon((lon * 100.0).round() / 100.0)
    )
}

fn round5(v: f64) -> f64 {
    (v * 1e5).round() / 1e5
}

fn end_link_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    id: Option<&str>,
    index: Option<usize>,
    actions: &mut Vec<Action>,
) {
    match (index.and_then(|i| dataset.get(i)), id) {
        (Some(end), _) => {
            if ui
                .link(end.name)
                .on_hover_text(format!("Select {}", end.id))
                .clicked()
            {
                actions.push(Action::SelectAndCenter(end.index));
            }
        }
        (None, Some(id)) => {
            ui.label(RichText::new(format!("{id} (not in this file)")).italics());
        }
        (None, None) => {
            ui.weak("not given");
        }
    }
}

/// A claim: its status, its text (in italics when it is the editors' own inference), who
/// made it and when, and its citations, numbered as `sources` lists them, each with the
/// words it quotes and where.
fn claim_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    sources: &[Source],
    claim: &Claim,
    quotes: &mut QuoteChecks,
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        let status = claim.status.map_or("unrated", |s| s.label());
        badge_ui(ui, status, theme::status_color(claim.status));
        if claim.status == Some(crate::dataset::ClaimStatus::Inferred) {
            ui.label(RichText::new(&claim.text).italics())
                .on_hover_text("The dataset editors' own reasoning from the cited sources");
        } else {
            ui.label(&claim.text);
        }
    });
    ui.horizontal_wrapped(|ui| {
        if let Some(by) = &claim.by {
            ui.weak(format!("— {by}"));
        }
        if let Some(date) = &claim.date {
            let shown = crate::dataset::DateExpr::shown(date);
            ui.weak(shown);
        }
        for citation in claim.citations.iter().filter(|c| c.quote.is_none()) {
            citation_link_ui(ui, sources, &citation.id, actions);
            if let Some(locator) = &citation.locator {
                ui.weak(format!("({locator})"));
            }
        }
    });
    for citation in claim.citations.iter().filter(|c| c.quote.is_some()) {
        ui.horizontal_wrapped(|ui| {
            citation_link_ui(ui, sources, &citation.id, actions);
            if let Some(quote) = &citation.quote {
                ui.label(RichText::new(format!("“{quote}”")).italics());
            }
            if let Some(locator) = &citation.locator {
                ui.weak(format!("({locator})"));
            }
            let source = sources
                .iter()
                .find(|s| s.id.as_deref() == Some(citation.id.as_str()))
                .filter(|s| !s.captures.is_empty());
            if let (Some(source), Some(quote)) = (source, &citation.quote) {
                quote_check_ui(ui, quotes.check(dataset, source, quote));
            }
        });
    }
}

/// Whether the quote was found in the source's captured text: verified (green), not found
/// (red), or nothing when no capture can be read.
fn quote_check_ui(ui: &mut Ui, check: &QuoteCheck) {
    match check {
        QuoteCheck::Found(file) => {
            ui.colored_label(
                theme::status_color(Some(crate::dataset::ClaimStatus::Confirmed)),
                "verified in the capture",
            )
            .on_hover_text(format!(
                "The quote is in the text of {file}, whose SHA-256 is the recorded one"
            ));
        }
        QuoteCheck::NotFound(files) => {
            ui.colored_label(ui.visuals().error_fg_color, "not in the captured text")
                .on_hover_text(format!(
                    "Not found in {} (white space, quotes and dashes aside)",
                    files.join(", ")
                ));
        }
        QuoteCheck::Unchecked => {}
    }
}

/// A citation's `[n]`, a link to the source's view (what else rests on it); `[id?]`, plain,
/// for an id no source has.
fn citation_link_ui(ui: &mut Ui, sources: &[Source], id: &str, actions: &mut Vec<Action>) {
    let label = citation_label(sources, id);
    let Some(source) = sources.iter().find(|s| s.id.as_deref() == Some(id)) else {
        ui.weak(label).on_hover_text(id);
        return;
    };
    let publisher = source.publisher.as_deref().unwrap_or(id);
    if ui
        .link(RichText::new(label).weak())
        .on_hover_text(format!("{publisher}: see what rests on this source"))
        .clicked()
    {
        actions.push(Action::ShowSource(id.to_owned()));
    }
}

/// `[n]` for the source numbered n under "Sources"; `[id?]` for an id no source has.
fn citation_label(sources: &[Source], id: &str) -> String {
    match sources.iter().position(|s| s.id.as_deref() == Some(id)) {
        Some(n) => format!("[{}]", n + 1),
        None => format!("[{id}?]"),
    }
}

/// A source record; `number` is its footnote number in the panel, when it has one.
pub(super) fn source_ui(ui: &mut Ui, number: Option<usize>, source: &Source) {
    ui.horizontal_wrapped(|ui| {
        if let Some(number) = number {
            ui.strong(format!("[{number}]"));
        }
        ui.strong(source.publisher.as_deref().unwrap_or("Unknown publisher"));
        if let Some(published) = &source.published {
            let shown = crate::dataset::DateExpr::shown(published);
            ui.weak(shown);
        }
    });
    if let Some(title) = &source.title {
        ui.label(RichText::new(title).italics());
    }
    if let Some(author) = &source.author {
        ui.weak(format!("by {author}"));
    }
    if let Some(quote) = &source.quote {
        ui.label(RichText::new(format!("“{quote}”")).italics());
    }
    if let Some(url) = &source.url {
        url_ui(ui, url);
    }
    if let Some(archived) = &source.archived {
        ui.horizontal_wrapped(|ui| {
            ui.weak("archived copy:");
            url_ui(ui, archived);
        });
    }
    if let Some(accessed) = &source.accessed {
        ui.weak(format!("accessed {accessed}"));
    }
    for (key, value) in &source.other {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        ui.weak(format!("{key}: {text}"));
    }
}

/// A link for http and https addresses; any other scheme is shown as text and never opened.
pub fn url_ui(ui: &mut Ui, url: &str) {
    if is_web_url(url) {
        ui.hyperlink_to(url, url);
    } else {
        ui.label(RichText::new(url).monospace())
            .on_hover_text("Not opened: only http and https links open in the browser");
    }
}

/// A coloured label: a kind or a claim's status.
pub(super) fn badge_ui(ui: &mut Ui, text: &str, color: Color32) {
    let text = RichText::new(format!(" {text} "))
        .small()
        .color(Color32::WHITE)
        .background_color(color);
    ui.label(text);
}

/// Claims as a history: the dated ones by when they were made (the latest possible day,
/// then the earliest), then the undated, each group in file order.
fn claims_in_date_order(claims: &[crate::dataset::Claim]) -> Vec<&crate::dataset::Claim> {
    let when = |c: &crate::dataset::Claim| {
        c.date
            .as_deref()
            .and_then(|d| crate::dataset::DateExpr::parse(d).ok())
            .map(|d| d.when())
            .map(|w| (w.end, w.start))
    };
    let mut ordered: Vec<&crate::dataset::Claim> = claims.iter().collect();
    // A stable sort keeps the file's order among equals.
    ordered.sort_by_cached_key(|c| {
        let w = when(c);
        (w.is_none(), w)
    });
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_schemes_open() {
        assert!(is_web_url("https://tass.com/defense/895515"));
        assert!(is_web_url("HTTP://example.org"));
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://x",
            "mailto:a@b",
            "https://a\nb",
            "//x",
        ] {
            assert!(!is_web_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn claims_read_as_a_history() {
        let claim = |text: &str, date: Option<&str>| crate::dataset::Claim {
            text: text.to_owned(),
            date: date.map(str::to_owned),
            ..crate::dataset::Claim::default()
        };
        let claims = [
            claim("withdrawn", Some("2016-08-22")),
            claim("undated", None),
            claim("claimed", Some("2016-08-16")),
            claim("unreadable", Some("soon")),
            claim("disputed", Some("2016-08-17")),
            claim("by the 16th", Some("/2016-08-16")),
        ];
        let order: Vec<&str> = claims_in_date_order(&claims)
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "by the 16th",
                "claimed",
                "disputed",
                "withdrawn",
                "undated",
                "unreadable"
            ]
        );
    }
}
