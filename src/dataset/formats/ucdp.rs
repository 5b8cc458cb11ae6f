//! UCDP's Georeferenced Event Dataset (GED) as a CSV download: one row per event, its span
//! from `date_start` to `date_end`, its precisions coded 1–5 (`date_prec`) and 1–7
//! (`where_prec`), and its sources in `;`-separated `source_*` columns.

use std::borrow::Cow;

use super::csv::{Header, day_text, loose_date, point_of};
use super::emit::{Draft, DraftClaim, DraftSink, DraftSource, Shape};
use super::row::RowReader;

/// Whether lower-cased header names are GED's.
pub fn is_ged(keys: &[String]) -> bool {
    let has = |name: &str| keys.iter().any(|k| k == name);
    has("relid") && has("date_prec") && has("where_prec") && has("latitude")
}

/// The columns a GED row is read by.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ged {
    lat: usize,
    lon: usize,
    id: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    where_prec: Option<usize>,
    dyad: Option<usize>,
    place: Option<usize>,
    best: Option<usize>,
    low: Option<usize>,
    high: Option<usize>,
    article: Option<usize>,
    office: Option<usize>,
    published: Option<usize>,
    headline: Option<usize>,
}

impl Ged {
    /// The columns of `table`; `None` without latitude and longitude.
    pub fn new(table: &Header) -> Option<Self> {
        let col = |name: &str| table.column(&[name]);
        Some(Self {
            lat: col("latitude")?,
            lon: col("longitude")?,
            id: col("id"),
            start: col("date_start"),
            end: col("date_end"),
            where_prec: col("where_prec"),
            dyad: col("dyad_name"),
            place: col("where_coordinates"),
            best: col("best"),
            low: col("low"),
            high: col("high"),
            article: col("source_article"),
            office: col("source_office"),
            published: col("source_date"),
            headline: col("source_headline"),
        })
    }
}

impl RowReader for Ged {
    #[allow(clippy::too_many_lines)]
    fn row(
        &self,
        table: &Header,
        record: &csv::StringRecord,
        line: u32,
        lean: bool,
        out: &mut dyn DraftSink,
    ) {
        let Ged {
            lat,
            lon,
            id,
            start,
            end,
            where_prec,
            dyad,
            place,
            best,
            low,
            high,
            article,
            office,
            published,
            headline,
        } = *self;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let name_of = |i: Option<usize>| {
            i.and_then(|i| table.header.get(i))
                .map_or("", String::as_str)
        };
        let pos = match point_of(record, lat, lon, table) {
            Ok(pos) => pos,
            Err((why, col)) => {
                out.warn(line, Some(&col), format!("row skipped: {why}"));
                return;
            }
        };
        let day = |i: Option<usize>, out: &mut dyn DraftSink| {
            let text = cell(i);
            let read = loose_date(text);
            if read.is_none() && i.is_some() {
                out.warn(
                    line,
                    Some(name_of(i)),
                    format!("{text:?} is not a date; the event's span leaves it out"),
                );
            }
            read
        };
        let (from, to) = (day(start, out), day(end, out));
        let (date, date_end) = match (from, to) {
            (Some(a), Some(b)) if a == b => (Some(day_text(a)), None),
            (Some(a), Some(b)) => (Some(day_text(a)), Some(day_text(b))),
            (Some(a), None) => (Some(day_text(a)), None),
            (None, Some(b)) => (Some(format!("/{}", day_text(b))), None),
            (None, None) => (None, None),
        };
        // GED's `where_prec`: 1 exact, 2 within 25 km, 3–7 an area (admin areas, a region,
        // a country, waters or airspace).
        let precision = match cell(where_prec) {
            "1" => Some("exact"),
            "2" => Some("approximate"),
            "3" | "4" | "5" | "6" | "7" => Some("area"),
            _ => None,
        };
        let id = cell(id);
        let list = |i: Option<usize>| -> Vec<&str> {
            let text = cell(i);
            if text.is_empty() {
                Vec::new()
            } else {
                text.split(';').map(str::trim).collect()
            }
        };
        let (articles, offices, dates, headlines) =
            (list(article), list(office), list(published), list(headline));
        let n = articles
            .len()
            .max(offices.len())
            .max(dates.len())
            .max(headlines.len());
        let sources: Vec<DraftSource<'_>> = (0..n)
            .map(|k| {
                let mut fields = Vec::new();
                let field = |fields: &mut Vec<_>, key: &'static str, list: &[&str]| {
                    if let Some(v) = list.get(k).filter(|v| !v.is_empty()) {
                        fields.push((key, Cow::Owned((*v).to_owned())));
                    }
                };
                field(&mut fields, "publisher", &offices);
                field(&mut fields, "title", &headlines);
                if let Some(d) = dates.get(k).and_then(|d| loose_date(d)) {
                    fields.push(("published", Cow::Owned(day_text(d))));
                } else {
                    field(&mut fields, "published", &dates);
                }
                field(&mut fields, "citation", &articles);
                DraftSource {
                    id: Cow::Owned(format!("ged-{id}-{}", k + 1)),
                    fields,
                }
            })
            .collect();
        let deaths = match (cell(best), cell(low), cell(high)) {
            ("", _, _) => String::new(),
            (best, low, high) if low == high && low == best => format!("{best} deaths"),
            (best, low, high) => format!("{best} deaths (low {low}, high {high})"),
        };
        let dyad = cell(dyad);
        let text = match (dyad.is_empty(), deaths.is_empty()) {
            (false, false) => format!("{dyad}: {deaths}"),
            (false, true) => dyad.to_owned(),
            (true, _) => deaths.clone(),
        };
        let claims = if text.is_empty() {
            Vec::new()
        } else {
            vec![DraftClaim {
                text: Cow::Owned(text),
                by: Some(Cow::Borrowed("UCDP Georeferenced Event Dataset")),
                status: "reported",
                date: None,
                sources: sources.iter().map(|s| s.id.clone()).collect(),
            }]
        };
        let place = cell(place);
        let draft = Draft {
            id: Some(Cow::Owned(if id.is_empty() {
                format!("row-{line}")
            } else {
                format!("ged-{id}")
            })),
            kind: Some("event"),
            name: Some(Cow::Owned(match (place.is_empty(), dyad.is_empty()) {
                (false, false) => format!("{place}: {dyad}"),
                (false, true) => place.to_owned(),
                _ => dyad.to_owned(),
            })),
            geometry: Some(Shape::Point(pos)),
            date,
            date_end,
            precision,
            claims,
            sources,
            properties: table.properties(record, "GED", lean, |_| true),
            ..Draft::default()
        };
        out.push(&draft, line);
    }
}
