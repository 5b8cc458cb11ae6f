//! `sortie info FILE`: the features, their routes and airspace, as a table or as JSON
//! (`--json`), optionally within a time range.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::common::exit_status;
use crate::dataset::{DAY_S, time::iso};
use crate::dataset::{
    Dataset, DateExpr, Feature, InRange, RangeMode, TimeFilter, TimeIndex, load_path,
};
use crate::geometry::units::KM_PER_NMI;
use crate::routes::airspace::AirspaceIndex;

/// Runs `info`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn info(
    path: &Path,
    as_json: bool,
    range: Option<TimeFilter>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let mut result = load_path(path);
    if let Ok(dataset) = &mut result {
        AirspaceIndex::shared().fill(dataset);
    }
    let in_range = match (&result, range) {
        (Ok(dataset), Some(range)) => Some(TimeIndex::new(dataset).filter(range)),
        _ => None,
    };
    match &result {
        Ok(dataset) if as_json => {
            let text = serde_json::to_string_pretty(&info_json(dataset, in_range.as_ref()))
                .unwrap_or_default();
            writeln!(out, "{text}")?;
        }
        Ok(dataset) => info_table(dataset, in_range.as_ref(), out)?,
        Err(error) if as_json => {
            let report = json!({"ok": false, "errors": [error.diagnostic()]});
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )?;
        }
        Err(error) => writeln!(out, "error: {error}")?,
    }
    Ok(exit_status(&result))
}

/// The JSON that `info --json` prints: every feature, or those `in_range` shows.
pub fn info_json(dataset: &Dataset, in_range: Option<&InRange>) -> Value {
    let all = listed(dataset, in_range);
    let features: Vec<Value> = all.iter().map(|f| feature_json(dataset, f)).collect();
    let routes: Vec<Value> = all
        .iter()
        .filter_map(|f| {
            let route = f.route.as_ref()?;
            let metrics = route.metrics.as_ref();
            let vertices: Vec<[f64; 2]> = match &f.geometry {
                Some(geo_types::Geometry::LineString(l)) => {
                    l.0.iter().map(|c| [c.x, c.y]).collect()
                }
                Some(geo_types::Geometry::MultiLineString(m)) => {
                    m.0.iter()
                        .flat_map(|l| l.0.iter().map(|c| [c.x, c.y]))
                        .collect()
                }
                _ => Vec::new(),
            };
            let legs: Vec<Value> = metrics.map_or_else(Vec::new, |m| {
                m.legs_m
                    .iter()
                    .zip(vertices.windows(2))
                    .map(|(l, w)| json!({"from": w[0], "to": w[1], "km": round(l / 1000.0, 3)}))
                    .collect()
            });
            let airspace: Option<Vec<Value>> = route.airspace.as_ref().map(|rows| {
                rows.iter()
                    .map(|r| {
                        json!({
                            "country": r.country,
                            "km": round(r.km, 3),
                            "entry": [round(r.entry[0], 5), round(r.entry[1], 5)],
                            "exit": [round(r.exit[0], 5), round(r.exit[1], 5)],
                        })
                    })
                    .collect()
            });
            let flight_times: Vec<Value> = route
                .flight_times_h(&dataset.aircraft_cruise_kmh)
                .into_iter()
                .map(|(label, hours)| json!({"basis": label, "hours": round(hours, 3)}))
                .collect();
            Some(json!({
                "id": f.id,
                "name": f.name,
                "from": route.from,
                "to": route.to,
                "length_km": metrics.map(|m| round(m.length_km(), 3)),
                "length_nmi": metrics.map(|m| round(m.length_km() / KM_PER_NMI, 3)),
                "initial_bearing_deg": metrics.map(|m| round(m.initial_bearing_deg, 2)),
                "final_bearing_deg": metrics.map(|m| round(m.final_bearing_deg, 2)),
                "legs": legs,
                "airspace": airspace,
                "flight_times": flight_times,
                "aircraft": route.aircraft,
                "schematic": route.schematic,
                "date": f.date.as_ref().map(DateExpr::written),
            }))
        })
        .collect();
    let mut info = json!({
        "title": dataset.title,
        "features": features,
        "routes": routes,
        "warnings": dataset.warnings,
    });
    if let Some(filter) = in_range.and_then(|r| r.filter) {
        // As the features' bounds: days where the range falls on midnights, else instants;
        // the end as the last day (or second) inside.
        let timed = filter.from.rem_euclid(DAY_S) != 0 || filter.to.rem_euclid(DAY_S) != 0;
        let bound =
            |t: i64, back: i64| (t != i64::MIN && t != i64::MAX).then(|| iso(t - back, timed));
        info["range"] = json!({
            "from": bound(filter.from, 0),
            "to": bound(filter.to, if timed { 1 } else { DAY_S }),
            "mode": match filter.mode {
                RangeMode::Possible => "possible",
                RangeMode::Definite => "definite",
            },
            "features_in_range": all.len(),
            "features": dataset.len(),
        });
    }
    if !dataset.registry.is_empty() {
        info["sources"] = dataset.registry.iter().map(source_json).collect();
    }
    info
}

/// A feature as `info --json` writes it; its `sources` are every source it rests on (its
/// own, then those its claims cite from the registry or other features).
pub(super) fn feature_json(dataset: &Dataset, f: &Feature) -> Value {
    let point = f.point();
    let sources: Vec<Value> = dataset.sources_of(f).iter().map(source_json).collect();
    let claims: Vec<Value> = f
        .claims
        .iter()
        .map(|c| {
            let mut claim = json!({
                "text": c.text, "by": c.by, "status": c.status.map(|s| s.as_str()),
                "sources": c.source_ids().collect::<Vec<_>>(),
            });
            if let Some(date) = &c.date {
                claim["date"] = json!(date);
            }
            if c.citations
                .iter()
                .any(|c| c.quote.is_some() || c.locator.is_some())
            {
                claim["citations"] = c
                    .citations
                    .iter()
                    .map(|c| json!({"id": c.id, "quote": c.quote, "locator": c.locator}))
                    .collect();
            }
            claim
        })
        .collect();
    json!({
        "id": f.id,
        "index": f.index,
        "name": f.name,
        "kind": f.kind.as_str(),
        "lon": point.map(|p| p.x()),
        "lat": point.map(|p| p.y()),
        "date": f.date.as_ref().map(DateExpr::written),
        "date_end_written": f.date_end.as_ref().map(DateExpr::written),
        "date_start": f.when.and_then(|w| w.start_iso()),
        "date_end": f.when.and_then(|w| w.end_iso()),
        "date_certainty": f.when.map(|w| w.certainty.as_str()),
        "location_precision": f.location_precision.map(|p| p.level.as_str()),
        "claims": claims,
        "sources": sources,
    })
}

/// A source as `info --json` writes it.
pub(super) fn source_json(s: &crate::dataset::Source) -> Value {
    let mut source = json!({
        "id": s.id, "publisher": s.publisher, "title": s.title, "author": s.author,
        "published": s.published, "url": s.url, "quote": s.quote, "accessed": s.accessed,
    });
    if let Some(archived) = &s.archived {
        source["archived"] = json!(archived);
    }
    source
}

pub(super) fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// The features `info` lists, fully read: all of them, or those in range.
pub(super) fn listed(dataset: &Dataset, in_range: Option<&InRange>) -> Vec<Feature> {
    match in_range {
        None => dataset.full_features().collect(),
        Some(r) => (0..dataset.len())
            .filter(|&i| r.shown.get(i))
            .filter_map(|i| dataset.feature(i))
            .collect(),
    }
}

pub(super) fn info_table(
    dataset: &Dataset,
    in_range: Option<&InRange>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "{}: {}", dataset.title, dataset.summary())?;
    if let Some(r) = in_range {
        writeln!(out, "{} of {} features in range", r.count, dataset.len())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<26} {:<7} {:<40} {:>10} {:>10} {:<32} {:>7}",
        "ID", "KIND", "NAME", "LON", "LAT", "DATE", "SOURCES"
    )?;
    let all = listed(dataset, in_range);
    for f in &all {
        let (lon, lat) = f
            .point()
            .map_or((String::from("-"), String::from("-")), |p| {
                (format!("{:.5}", p.x()), format!("{:.5}", p.y()))
            });
        let date = match (&f.date, &f.date_end) {
            (Some(d), Some(e)) => d.describe_until(e),
            (Some(d), None) | (None, Some(d)) => d.describe(),
            (None, None) => "-".to_owned(),
        };
        writeln!(
            out,
            "{:<26} {:<7} {:<40} {lon:>10} {lat:>10} {:<32} {:>7}",
            clip(&f.id, 26),
            f.kind.as_str(),
            clip(&f.name, 40),
            // Never clipped: a date's qualifier is part of it.
            date,
            dataset.sources_of(f).len()
        )?;
    }
    let routes: Vec<&Feature> = all.iter().filter(|f| f.route.is_some()).collect();
    if !routes.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<26} {:<14} {:<14} {:>10} {:>10} {:>9}",
            "ROUTE", "FROM", "TO", "LENGTH km", "BEARING °", "SCHEMATIC"
        )?;
        for f in routes {
            let Some(route) = &f.route else { continue };
            let (length, bearing) =
                route
                    .metrics
                    .as_ref()
                    .map_or((String::from("-"), String::from("-")), |m| {
                        (
                            format!("{:.1}", m.length_km()),
                            format!("{:.1}", m.initial_bearing_deg),
                        )
                    });
            writeln!(
                out,
                "{:<26} {:<14} {:<14} {length:>10} {bearing:>10} {:>9}",
                clip(&f.id, 26),
                clip(route.from.as_deref().unwrap_or("-"), 14),
                clip(route.to.as_deref().unwrap_or("-"), 14),
                if route.schematic { "yes" } else { "no" }
            )?;
            for row in route.airspace.iter().flatten() {
                writeln!(
                    out,
                    "    over {:<24} {:>8.1} km   entry {:>9.4}, {:>8.4}   exit {:>9.4}, {:>8.4}",
                    clip(row.country.as_deref().unwrap_or("open sea"), 24),
                    row.km,
                    row.entry[0],
                    row.entry[1],
                    row.exit[0],
                    row.exit[1]
                )?;
            }
        }
    }
    Ok(())
}

/// Cuts text to `width` characters, marking the cut with an ellipsis.
pub(super) fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}
