//! Dates as investigators write them, read honestly: ISO 8601 and EDTF (the Library of
//! Congress's Extended Date/Time Format, ISO 8601-2) levels 0 and 1, parsed by the
//! `edtf-core` crate, and resolved here to **bounds** (the earliest and the latest possible
//! instant) and a **certainty** (`?` uncertain, `~` approximate, `%` both).
//!
//! Conventions (`docs/FORMATS.md` repeats them):
//! - a day, month or year covers the whole of it, in UTC: `2016-08` runs from
//!   2016-08-01T00:00Z to the end of 31 August;
//! - a time of day is an instant to the minute or the second written; without a zone it is
//!   read as UTC;
//! - an approximate date (`~`, `%`) is widened by one unit of its precision on each side (a
//!   day, a month, three months for a season, a year); an uncertain one (`?`) keeps its
//!   bounds and is only marked;
//! - an open end (`..`) and an unknown end (empty) are unbounded.

use std::fmt::{self, Write as _};

use edtf_core::{Bound, Edtf, Precision, TimeShift};

mod calendar;
mod certainty;
mod describe;

pub use calendar::{DAY_S, civil, day_start};
use calendar::{add_months, civil_from_days, days_from_civil, days_in_month, seconds_of_day};
pub use certainty::Certainty;
pub use describe::MONTHS;
use describe::{describe_date, month_name, year_text};

/// When something may have happened: from `start` (inclusive) to `end` (exclusive), in
/// seconds since 1970-01-01T00:00Z, with how sure the date is.
///
/// # Units
/// Seconds, UTC. [`i64::MIN`] and [`i64::MAX`] stand for an unbounded start and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct When {
    /// The earliest possible instant; [`i64::MIN`] when unbounded.
    pub start: i64,
    /// Just after the latest possible instant; [`i64::MAX`] when unbounded.
    pub end: i64,
    /// How sure the date is.
    pub certainty: Certainty,
    /// Whether a time of day was written (the bounds are then instants, not days).
    pub timed: bool,
}

impl When {
    /// The span from this date to `end` (a feature's `date` and `date_end`). `None` when
    /// `end` finishes before this one starts.
    pub fn until(self, end: Self) -> Option<Self> {
        (end.end > self.start).then_some(Self {
            start: self.start,
            end: end.end,
            certainty: self.certainty.and(end.certainty),
            timed: self.timed || end.timed,
        })
    }

    /// A feature's span from its `date` and `date_end`: the first's start to the second's
    /// end; with only `date_end`, an unknown start. `None` without either, or when the end
    /// comes before the start.
    pub fn of_feature(date: Option<Self>, date_end: Option<Self>) -> Option<Self> {
        match (date, date_end) {
            (Some(d), Some(e)) => d.until(e),
            (Some(d), None) => Some(d),
            (None, Some(e)) => Some(Self {
                start: i64::MIN,
                ..e
            }),
            (None, None) => None,
        }
    }

    /// Whether the span may fall in `from..to` (they overlap).
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        self.start < to && self.end > from
    }

    /// Whether the span lies wholly inside `from..to`.
    pub fn within(&self, from: i64, to: i64) -> bool {
        self.start >= from && self.end <= to
    }

    /// The earliest bound in ISO 8601 (a day, or an instant when a time was written);
    /// `None` when unbounded.
    pub fn start_iso(&self) -> Option<String> {
        (self.start != i64::MIN).then(|| iso(self.start, self.timed))
    }

    /// The latest bound in ISO 8601: the last possible day (or second); `None` when
    /// unbounded.
    pub fn end_iso(&self) -> Option<String> {
        let last = if self.timed {
            self.end.saturating_sub(1)
        } else {
            self.end.saturating_sub(DAY_S)
        };
        (self.end != i64::MAX).then(|| iso(last, self.timed))
    }
}

/// `at` in ISO 8601: `2016-08-16`, or `2016-08-16T06:30:00Z` with the time.
pub fn iso(at: i64, timed: bool) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY_S));
    let mut out = if y < 0 {
        format!("-{:04}-{m:02}-{d:02}", -y)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    };
    if timed {
        let s = at.rem_euclid(DAY_S);
        let _ = write!(out, "T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60);
    }
    out
}

/// A date as written, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct DateExpr {
    shape: Shape,
    text: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Shape {
    One(Point),
    Between(End, End),
    /// Level 2 forms the crate reads (sets): bounds only.
    Other(Edtf),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    At(Point),
    Open,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Point {
    Day(edtf_core::Date),
    /// A date and time; `true` when the seconds were written.
    Time(edtf_core::DateTime, bool),
}

impl DateExpr {
    /// Reads an EDTF or ISO 8601 date. The error says what is wrong, for a warning.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (shape, _) = Self::read(text)?;
        Ok(Self {
            shape,
            text: text.to_owned(),
        })
    }

    /// Reads a date and resolves it, without keeping it (what a load needs). The usual
    /// forms (a year, month or day, with a qualifier, or an interval of two) are read
    /// directly; the rest by the EDTF parser. Both give the same answer (a property test
    /// holds them to it).
    pub fn when_of(text: &str) -> Result<When, String> {
        let text = text.trim();
        if let Some(when) = quick_when(text) {
            return Ok(when);
        }
        Self::read(text).map(|(_, when)| when)
    }

    fn read(text: &str) -> Result<(Shape, When), String> {
        let shape = if text.starts_with(['[', '{']) {
            Shape::Other(Edtf::parse(text).map_err(|e| explain(text, &e))?)
        } else if let Some((a, b)) = text.split_once('/') {
            let start = end_of(a, text)?;
            let end = end_of(b, text)?;
            if !matches!(start, End::At(_)) && !matches!(end, End::At(_)) {
                return Err(format!(
                    "{text:?}: an interval needs a date at one end at least"
                ));
            }
            Shape::Between(start, end)
        } else {
            Shape::One(point(text, text)?)
        };
        let when = shape.when()?;
        if when.start >= when.end {
            return Err(format!("{text:?} ends before it starts"));
        }
        Ok((shape, when))
    }

    /// The date as written (trimmed).
    pub fn written(&self) -> &str {
        &self.text
    }

    /// `text` written for people when it reads as a date, else as written.
    pub fn shown(text: &str) -> String {
        Self::parse(text).map_or_else(|_| text.to_owned(), |d| d.describe())
    }

    /// The span the date may fall in, and how sure it is.
    pub fn when(&self) -> When {
        self.shape.when().unwrap_or(When {
            start: i64::MIN,
            end: i64::MAX,
            certainty: Certainty::Certain,
            timed: false,
        })
    }

    /// The date written for people: "16 August 2016", "August 2016", "16 August 2016
    /// (uncertain)", "16–22 August 2016", "sometime in the 2010s".
    pub fn describe(&self) -> String {
        match &self.shape {
            Shape::One(p) => p.describe(),
            Shape::Between(a, b) => describe_between(*a, *b),
            Shape::Other(edtf) => {
                let w = self.when();
                match (w.start_iso(), w.end_iso()) {
                    (Some(a), Some(b)) => format!("one of {edtf} (between {a} and {b})"),
                    _ => format!("one of {edtf}"),
                }
            }
        }
    }

    /// A feature's `date` and `date_end` written for people as one span.
    pub fn describe_until(&self, end: &Self) -> String {
        match (&self.shape, &end.shape) {
            (Shape::One(a), Shape::One(b)) if a == b => a.describe(),
            (Shape::One(a), Shape::One(b)) => describe_between(End::At(*a), End::At(*b)),
            _ => format!("{} – {}", self.describe(), end.describe()),
        }
    }
}

impl Shape {
    fn when(&self) -> Result<When, String> {
        match self {
            Shape::One(p) => p.when(),
            Shape::Between(a, b) => {
                let (start, c1, t1) = match a {
                    End::At(p) => {
                        let w = p.when()?;
                        (w.start, w.certainty, w.timed)
                    }
                    End::Open | End::Unknown => (i64::MIN, Certainty::Certain, false),
                };
                let (end, c2, t2) = match b {
                    End::At(p) => {
                        let w = p.when()?;
                        (w.end, w.certainty, w.timed)
                    }
                    End::Open | End::Unknown => (i64::MAX, Certainty::Certain, false),
                };
                Ok(When {
                    start,
                    end,
                    certainty: c1.and(c2),
                    timed: t1 || t2,
                })
            }
            Shape::Other(edtf) => {
                let b = edtf.bounds();
                let start = match b.earliest {
                    Bound::Date(d) => seconds_of_day(d.year, d.month, d.day)?,
                    _ => i64::MIN,
                };
                let end = match b.latest {
                    Bound::Date(d) => seconds_of_day(d.year, d.month, d.day)? + DAY_S,
                    _ => i64::MAX,
                };
                Ok(When {
                    start,
                    end,
                    certainty: Certainty::of(edtf.is_uncertain(), edtf.is_approximate()),
                    timed: false,
                })
            }
        }
    }
}

impl fmt::Display for DateExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A year, month or day (`2016`, `2016-08`, `2016-08-16`) with an optional `?`, `~` or `%`,
/// or an interval of two such, resolved without the EDTF parser; `None` for anything else
/// (which the parser then reads, or refuses).
fn quick_when(text: &str) -> Option<When> {
    if let Some((a, b)) = text.split_once('/') {
        if b.contains('/') {
            return None;
        }
        let (a, b) = (quick_when(a)?, quick_when(b)?);
        return (b.end > a.start).then(|| When {
            start: a.start,
            end: b.end,
            certainty: a.certainty.and(b.certainty),
            timed: false,
        });
    }
    let bytes = text.as_bytes();
    let (body, certainty) = match bytes.last()? {
        b'?' => (&bytes[..bytes.len() - 1], Certainty::Uncertain),
        b'~' => (&bytes[..bytes.len() - 1], Certainty::Approximate),
        b'%' => (&bytes[..bytes.len() - 1], Certainty::UncertainApproximate),
        _ => (bytes, Certainty::Certain),
    };
    let digits = |b: &[u8]| -> Option<i64> {
        b.iter().try_fold(0i64, |v, &d| {
            d.is_ascii_digit().then(|| v * 10 + i64::from(d - b'0'))
        })
    };
    let two = |b: &[u8]| digits(b).and_then(|v| u8::try_from(v).ok());
    let (year, month, day) = match body.len() {
        4 => (digits(body)?, None, None),
        7 if body[4] == b'-' => (digits(&body[..4])?, Some(two(&body[5..7])?), None),
        10 if body[4] == b'-' && body[7] == b'-' => (
            digits(&body[..4])?,
            Some(two(&body[5..7])?),
            Some(two(&body[8..10])?),
        ),
        _ => return None,
    };
    if month.is_some_and(|m| !(1..=12).contains(&m))
        || day.is_some_and(|d| d == 0 || d > days_in_month(year, month.unwrap_or(1)))
    {
        return None;
    }
    let approximate = matches!(
        certainty,
        Certainty::Approximate | Certainty::UncertainApproximate
    );
    let mut first = (year, month.unwrap_or(1), day.unwrap_or(1));
    let mut last = match (month, day) {
        (Some(m), Some(d)) => (year, m, d),
        (Some(m), None) => (year, m, days_in_month(year, m)),
        _ => (year, 12, 31),
    };
    if approximate {
        if day.is_some() {
            first = civil_from_days(days_from_civil(first).ok()? - 1);
            last = civil_from_days(days_from_civil(last).ok()? + 1);
        } else {
            let months = if month.is_some() { 1 } else { 12 };
            first = add_months(first, -months);
            let after = civil_from_days(days_from_civil(last).ok()? + 1);
            last = civil_from_days(days_from_civil(add_months(after, months)).ok()? - 1);
        }
    }
    Some(When {
        start: days_from_civil(first).ok()? * DAY_S,
        end: (days_from_civil(last).ok()? + 1) * DAY_S,
        certainty,
        timed: false,
    })
}

fn explain(text: &str, e: &edtf_core::ParseError) -> String {
    format!(
        "{text:?} is not a date Sortie reads ({} at character {}); write ISO 8601 or EDTF, e.g. \
         2016-08-16, 2016-08, 2016-08-16?, 2016-08~, 2016-08-16/2016-08-22",
        e.message,
        e.offset + 1
    )
}

fn end_of(side: &str, whole: &str) -> Result<End, String> {
    match side {
        "" => Ok(End::Unknown),
        ".." => Ok(End::Open),
        _ => point(side, whole).map(End::At),
    }
}

/// One date or date-time. ISO 8601's `hh:mm` and fractions of a second, which EDTF does
/// not write, are read too (to the minute, and to the second).
fn point(side: &str, whole: &str) -> Result<Point, String> {
    let normal;
    let mut seconds = true;
    let side = match side.split_once('T') {
        Some((day, time)) => {
            let clock_len = time.find(['Z', '+', '-']).unwrap_or(time.len());
            let (clock, zone) = time.split_at(clock_len);
            let clock = match clock.split_once('.') {
                Some((whole_s, frac))
                    if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    whole_s
                }
                _ => clock,
            };
            let clock = if clock.len() == 5 {
                seconds = false;
                format!("{clock}:00")
            } else {
                clock.to_owned()
            };
            normal = format!("{day}T{clock}{zone}");
            normal.as_str()
        }
        None => side,
    };
    match Edtf::parse(side) {
        Ok(Edtf::Date(d)) => Ok(Point::Day(d)),
        Ok(Edtf::DateTime(t)) => Ok(Point::Time(t, seconds)),
        Ok(_) => Err(format!(
            "{whole:?}: an interval's ends must be dates or date-times"
        )),
        Err(e) => Err(explain(whole, &e)),
    }
}

impl Point {
    fn when(&self) -> Result<When, String> {
        match self {
            Self::Day(d) => {
                let b = Edtf::Date(*d).bounds();
                let (Bound::Date(first), Bound::Date(last)) = (b.earliest, b.latest) else {
                    return Err("the year is too far from today to place".to_owned());
                };
                let (mut first, mut last) = (
                    (first.year, first.month, first.day),
                    (last.year, last.month, last.day),
                );
                if d.is_approximate() {
                    // One unit of the finest component written in full: `2016-08-XX~` is
                    // a month's worth, widened by a month.
                    let day_known = d.day.is_some_and(|x| !x.has_unspecified());
                    let month_known = d.month.is_some_and(|x| !x.has_unspecified());
                    let months = match d.precision() {
                        Precision::Day if day_known => 0,
                        Precision::Day | Precision::Month if month_known => 1,
                        Precision::Season => 3,
                        _ => 12,
                    };
                    if months == 0 {
                        first = civil_from_days(days_from_civil(first)? - 1);
                        last = civil_from_days(days_from_civil(last)? + 1);
                    } else {
                        first = add_months(first, -months);
                        // From the day after the last, so that month ends stay month ends.
                        let after = civil_from_days(days_from_civil(last)? + 1);
                        last = civil_from_days(days_from_civil(add_months(after, months))? - 1);
                    }
                }
                Ok(When {
                    start: seconds_of_day(first.0, first.1, first.2)?,
                    end: seconds_of_day(last.0, last.1, last.2)? + DAY_S,
                    certainty: Certainty::of(d.is_uncertain(), d.is_approximate()),
                    timed: false,
                })
            }
            Self::Time(t, with_seconds) => {
                let d = &t.date;
                let (Some(year), Some(month), Some(day)) = (
                    d.year.value(),
                    d.month.and_then(|m| m.value()),
                    d.day.and_then(|m| m.value()),
                ) else {
                    return Err("a date-time needs a whole date".to_owned());
                };
                let shift_s = match t.time.shift {
                    Some(TimeShift::Offset { minutes, .. }) => i64::from(minutes) * 60,
                    Some(TimeShift::Utc) | None => 0,
                };
                let start = seconds_of_day(year, month, day)?
                    + i64::from(t.time.hour) * 3600
                    + i64::from(t.time.minute) * 60
                    + i64::from(t.time.second)
                    - shift_s;
                Ok(When {
                    start,
                    end: start + if *with_seconds { 1 } else { 60 },
                    certainty: Certainty::Certain,
                    timed: true,
                })
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Day(d) => describe_date(d),
            Self::Time(t, with_seconds) => {
                let clock = if *with_seconds {
                    format!(
                        "{:02}:{:02}:{:02}",
                        t.time.hour, t.time.minute, t.time.second
                    )
                } else {
                    format!("{:02}:{:02}", t.time.hour, t.time.minute)
                };
                let zone = match t.time.shift {
                    Some(TimeShift::Utc) => " UTC".to_owned(),
                    Some(TimeShift::Offset { minutes, .. }) => {
                        let sign = if minutes < 0 { '-' } else { '+' };
                        let m = minutes.unsigned_abs();
                        format!(" UTC{sign}{:02}:{:02}", m / 60, m % 60)
                    }
                    None => " (time zone not given)".to_owned(),
                };
                format!("{}, {clock}{zone}", describe_date(&t.date))
            }
        }
    }

    /// The plain day, month or year, when it has no qualifier and no unspecified digit.
    fn plain(&self) -> Option<(Precision, i64, u8, u8)> {
        let Self::Day(d) = self else { return None };
        if d.is_uncertain() || d.is_approximate() || d.has_unspecified() {
            return None;
        }
        let year = d.year.value()?;
        let month = d.month.and_then(|m| m.value()).unwrap_or(1);
        let day = d.day.and_then(|m| m.value()).unwrap_or(1);
        Some((d.precision(), year, month, day))
    }
}

fn describe_between(a: End, b: End) -> String {
    if let (End::At(p), End::At(q)) = (a, b)
        && let (Some((pa, ya, ma, da)), Some((pb, yb, mb, db))) = (p.plain(), q.plain())
        && pa == pb
    {
        match pa {
            Precision::Day if ya == yb && ma == mb => {
                return format!("{da}–{db} {} {}", month_name(ma), year_text(ya));
            }
            Precision::Day if ya == yb => {
                return format!(
                    "{da} {} – {db} {} {}",
                    month_name(ma),
                    month_name(mb),
                    year_text(ya)
                );
            }
            Precision::Month if ya == yb => {
                return format!("{}–{} {}", month_name(ma), month_name(mb), year_text(ya));
            }
            Precision::Year => return format!("{}–{}", year_text(ya), year_text(yb)),
            _ => {}
        }
    }
    match (a, b) {
        (End::At(p), End::At(q)) => format!("{} – {}", p.describe(), q.describe()),
        (End::Open, End::At(q)) => format!("until {}", q.describe()),
        (End::Unknown, End::At(q)) => format!("until {} (start unknown)", q.describe()),
        (End::At(p), End::Open) => format!("from {} on", p.describe()),
        (End::At(p), End::Unknown) => format!("from {} (end unknown)", p.describe()),
        _ => "at an unknown time".to_owned(),
    }
}

#[cfg(test)]
mod tests;
