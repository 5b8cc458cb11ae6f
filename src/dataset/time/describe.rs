//! Dates put in words for the panels: month and season names, years before the common era,
//! masked dates ("sometime in the 2010s") and the bounds of an interval.

use edtf_core::{Bound, Edtf};

use super::certainty::Certainty;

/// The months' English names, January first.
pub const MONTHS: [&str; 12] = [
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

pub(super) fn month_name(m: u8) -> &'static str {
    MONTHS
        .get(usize::from(m).saturating_sub(1))
        .copied()
        .unwrap_or("?")
}

pub(super) fn year_text(y: i64) -> String {
    if y <= 0 {
        format!("{} BCE", 1 - y)
    } else {
        y.to_string()
    }
}

pub(super) fn season_name(code: u8) -> Option<&'static str> {
    Some(match code {
        21 => "spring",
        22 => "summer",
        23 => "autumn",
        24 => "winter",
        _ => return None,
    })
}

pub(super) fn describe_date(d: &edtf_core::Date) -> String {
    let mut text = if d.has_unspecified() {
        describe_masked(d)
    } else {
        let year = d.year.value().map_or_else(|| d.to_string(), year_text);
        match (
            d.month.and_then(|m| m.value()),
            d.day.and_then(|m| m.value()),
        ) {
            (Some(m), Some(day)) => format!("{day} {} {year}", month_name(m)),
            (Some(m), None) if m <= 12 => format!("{} {year}", month_name(m)),
            (Some(m), None) => match season_name(m) {
                Some(s) => format!("{s} {year}"),
                None => d.to_string(),
            },
            _ => year,
        }
    };
    let suffix = match Certainty::of(d.is_uncertain(), d.is_approximate()) {
        Certainty::Certain => "",
        Certainty::Uncertain => " (uncertain)",
        Certainty::Approximate => " (approximate)",
        Certainty::UncertainApproximate => " (uncertain, approximate)",
    };
    text.push_str(suffix);
    text
}

/// "sometime in the 2010s", "sometime in August 2016", else the bounds.
pub(super) fn describe_masked(d: &edtf_core::Date) -> String {
    let month = d.month.and_then(|m| m.value());
    let day_masked = d.day.is_some_and(|x| x.has_unspecified());
    let month_masked = d.month.is_some_and(|x| x.has_unspecified());
    match (d.year.value(), month) {
        (Some(y), Some(m))
            if day_masked
                && m <= 12
                && d.day.is_some_and(|x| x.digits.iter().all(Option::is_none)) =>
        {
            return format!("sometime in {} {}", month_name(m), year_text(y));
        }
        (Some(y), None)
            if month_masked && d.day.is_none_or(|x| x.digits.iter().all(Option::is_none)) =>
        {
            return format!("sometime in {}", year_text(y));
        }
        (None, None) if d.month.is_none() => {
            if let edtf_core::YearKind::Standard {
                negative: false,
                digits,
            } = d.year.kind
            {
                let known: Vec<u8> = digits.iter().map_while(|x| *x).collect();
                let masked_from = known.len();
                if digits[masked_from..].iter().all(Option::is_none) {
                    let base: i64 = known.iter().fold(0, |v, x| v * 10 + i64::from(*x));
                    let width = 10_i64.pow(u32::try_from(4 - masked_from).unwrap_or(0));
                    let first = base * width;
                    return if masked_from == 3 {
                        format!("sometime in the {first}s")
                    } else {
                        format!("sometime in {first}–{}", first + width - 1)
                    };
                }
            }
        }
        _ => {}
    }
    let b = Edtf::Date(*d).bounds();
    match (b.earliest, b.latest) {
        (Bound::Date(a), Bound::Date(z)) => format!(
            "sometime between {} {} {} and {} {} {}",
            a.day,
            month_name(a.month),
            year_text(a.year),
            z.day,
            month_name(z.month),
            year_text(z.year)
        ),
        _ => d.to_string(),
    }
}
