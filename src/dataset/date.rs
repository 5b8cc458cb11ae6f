//! ISO 8601 calendar dates at year, month or day precision (`2016`, `2016-08`, `2016-08-16`).

use std::fmt;

/// A calendar date known to a year, a month or a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year, e.g. 2016.
    pub year: i32,
    /// The month, 1 to 12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A time part after `T` is accepted and
    /// ignored (`2016-08-16T05:30:00Z` reads as the day). Returns `None` for anything else,
    /// including impossible days such as `2016-02-30`.
    pub fn parse(text: &str) -> Option<Self> {
        let date = text.trim();
        let date = date.split_once('T').map_or(date, |(day, _time)| day);
        let mut parts = date.split('-');
        let year_text = parts.next()?;
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year_text.parse().ok()?;
        let month = match parts.next() {
            None => {
                return Some(Self {
                    year,
                    month: None,
                    day: None,
                });
            }
            Some(m) => two_digits(m).filter(|m| (1..=12).contains(m))?,
        };
        let day = match parts.next() {
            None => None,
            Some(d) => Some(two_digits(d).filter(|&d| d >= 1 && d <= days_in_month(year, month))?),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            year,
            month: Some(month),
            day,
        })
    }
}

impl PartialDate {
    /// The date in ISO 8601 at its own precision: `2016`, `2016-08`, `2016-08-16`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

fn two_digits(text: &str) -> Option<u8> {
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for PartialDate {
    /// Writes the date for people: `16 August 2016`, `August 2016`, `2016`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month_name = self
            .month
            .and_then(|m| MONTHS.get(usize::from(m).saturating_sub(1)));
        match (self.day, month_name) {
            (Some(day), Some(month)) => write!(f, "{day} {month} {}", self.year),
            (None, Some(month)) => write!(f, "{month} {}", self.year),
            _ => write!(f, "{}", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_three_precisions() {
        assert_eq!(
            PartialDate::parse("2016"),
            Some(PartialDate {
                year: 2016,
                month: None,
                day: None
            })
        );
        assert_eq!(
            PartialDate::parse("2016-08"),
            Some(PartialDate {
                year: 2016,
                month: Some(8),
                day: None
            })
        );
        assert_eq!(
            PartialDate::parse("2016-08-16T05:00:00Z"),
            Some(PartialDate {
                year: 2016,
                month: Some(8),
                day: Some(16)
            })
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "16-08-2016",
            "2016-13",
            "2016-02-30",
            "2015-02-29",
            "2016-8-1",
            "",
            "x",
        ] {
            assert_eq!(PartialDate::parse(bad), None, "{bad:?}");
        }
        assert!(PartialDate::parse("2016-02-29").is_some());
    }

    #[test]
    fn iso_round_trips() {
        for text in ["2016", "2016-08", "2016-08-16"] {
            assert_eq!(
                PartialDate::parse(text).map(|d| d.iso()).as_deref(),
                Some(text)
            );
        }
    }

    #[test]
    fn displays_for_people() {
        let d = |s| PartialDate::parse(s).map(|d| d.to_string());
        assert_eq!(d("2016-08-16").as_deref(), Some("16 August 2016"));
        assert_eq!(d("2016-08").as_deref(), Some("August 2016"));
        assert_eq!(d("2016").as_deref(), Some("2016"));
    }
}
