//! ACLED exports, in the three generations users still have: current (31 columns, ISO
//! dates), 2019–2023 (lower case, `16 August 2016`) and before 2019 (upper case,
//! `16/08/2016`, often Latin-1). One row is one event; its notes are a claim reported by the
//! sources the row names, each of which is a record in the file's registry.

use std::borrow::Cow;

use super::csv::{Header, day_text, days_around, loose_date, point_of};
use super::emit::{Draft, DraftClaim, DraftSink, DraftSource};
use super::row::RowReader;

/// Which generation a header is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    /// Since March 2023: 31 columns, `disorder_type`, `civilian_targeting`, `tags`.
    Current,
    /// 2019 to March 2023: `data_id`, `event_id_no_cnty`, `iso3`.
    Lower2019,
    /// Before 2019: upper-case names, `GWNO`, `ALLY_ACTOR_1`.
    Upper,
}

impl Generation {
    /// The generation of a header's lower-cased names, if it is ACLED's.
    pub fn of(keys: &[String]) -> Option<Self> {
        let has = |name: &str| keys.iter().any(|k| k == name);
        if !(has("event_id_cnty") && has("latitude") && has("longitude")) {
            return None;
        }
        Some(if has("gwno") {
            Self::Upper
        } else if has("data_id") || has("iso3") {
            Self::Lower2019
        } else {
            Self::Current
        })
    }

    /// How the generation is named in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Current => "ACLED export (current)",
            Self::Lower2019 => "ACLED export (2019-2023)",
            Self::Upper => "ACLED export (before 2019)",
        }
    }
}

/// Sub-event types that are strikes on a place (its kind is then `target`).
const STRIKES: [&str; 2] = ["air/drone strike", "shelling/artillery/missile attack"];

/// The columns an ACLED row is read by.
#[derive(Debug)]
pub(crate) struct Acled {
    id: Option<usize>,
    date: Option<usize>,
    time_precision: Option<usize>,
    event_type: Option<usize>,
    sub_event_type: Option<usize>,
    location: Option<usize>,
    lat: usize,
    lon: usize,
    geo_precision: Option<usize>,
    source: Option<usize>,
    notes: Option<usize>,
}

impl Acled {
    /// The columns of `table`; `None` without latitude and longitude.
    pub fn new(table: &Header) -> Option<Self> {
        Some(Self {
            id: table.column(&["event_id_cnty"]),
            date: table.column(&["event_date"]),
            time_precision: table.column(&["time_precision"]),
            event_type: table.column(&["event_type"]),
            sub_event_type: table.column(&["sub_event_type"]),
            location: table.column(&["location"]),
            lat: table.column(&["latitude"])?,
            lon: table.column(&["longitude"])?,
            geo_precision: table.column(&["geo_precision"]),
            source: table.column(&["source"]),
            notes: table.column(&["notes"]),
        })
    }
}

/// A registry record for each publisher an ACLED file names.
pub(crate) fn publisher_record(name: &str) -> String {
    let mut record = String::new();
    DraftSource {
        id: Cow::Borrowed(name),
        fields: vec![("publisher", Cow::Borrowed(name))],
    }
    .write(&mut record);
    record
}

impl RowReader for Acled {
    fn row(
        &self,
        table: &Header,
        record: &csv::StringRecord,
        line: u32,
        lean: bool,
        out: &mut dyn DraftSink,
    ) {
        let c = self;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let column = |i: Option<usize>| {
            i.and_then(|i| table.header.get(i))
                .map_or("", String::as_str)
        };
        let pos = match point_of(record, c.lat, c.lon, table) {
            Ok(pos) => pos,
            Err((why, col)) => {
                out.warn(line, Some(&col), format!("row skipped: {why}"));
                return;
            }
        };
        let id = cell(c.id);
        let sub = cell(c.sub_event_type);
        let event = if sub.is_empty() {
            cell(c.event_type)
        } else {
            sub
        };
        let location = cell(c.location);
        let name = match (location.is_empty(), event.is_empty()) {
            (false, false) => format!("{location}: {event}"),
            (false, true) => location.to_owned(),
            (true, _) => event.to_owned(),
        };
        let kind = if STRIKES.contains(&sub.to_ascii_lowercase().as_str()) {
            "target"
        } else {
            "event"
        };
        let date = match loose_date(cell(c.date)) {
            Some(day) => match cell(c.time_precision) {
                "2" => days_around(day, 3),
                "3" => Some(format!("{:04}-{:02}", day.0, day.1)),
                _ => Some(day_text(day)),
            },
            None => {
                if c.date.is_some() {
                    out.warn(
                        line,
                        Some(column(c.date)),
                        format!(
                            "{:?} is not a date ACLED writes; the event is undated",
                            cell(c.date)
                        ),
                    );
                }
                None
            }
        };
        let precision = match cell(c.geo_precision) {
            "1" => Some("exact"),
            "2" => Some("approximate"),
            "3" => Some("area"),
            _ => None,
        };
        let sources: Vec<&str> = cell(c.source)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        for source in &sources {
            out.registry_id(source);
        }
        let notes = cell(c.notes);
        let claims = if notes.is_empty() && sources.is_empty() {
            Vec::new()
        } else {
            vec![DraftClaim {
                // A lean draft needs only the claim's citations (its text is read again when shown).
                text: Cow::Borrowed(if lean {
                    "-"
                } else if notes.is_empty() {
                    name.as_str()
                } else {
                    notes
                }),
                by: (!sources.is_empty()).then(|| Cow::Borrowed(cell(c.source))),
                status: "reported",
                date: None,
                sources: sources.iter().map(|s| Cow::Borrowed(*s)).collect(),
            }]
        };
        let draft = Draft {
            id: Some(if id.is_empty() {
                Cow::Owned(format!("row-{line}"))
            } else {
                Cow::Borrowed(id)
            }),
            kind: Some(kind),
            name: Some(Cow::Borrowed(&name)),
            geometry: Some(super::emit::Shape::Point(pos)),
            date,
            precision,
            claims,
            properties: table.properties(record, "ACLED", lean, |_| true),
            ..Draft::default()
        };
        out.push(&draft, line);
    }
}
