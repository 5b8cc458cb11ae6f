//! The proleptic Gregorian calendar as day counts since 1970-01-01: days in a month, a date
//! to its day count and back, months added within the month's length. Plain arithmetic, no
//! parsing.

/// Seconds in a day.
pub const DAY_S: i64 = 86_400;

/// The largest year Sortie places on its time axis (well past any report).
pub(super) const MAX_YEAR: i64 = 1_000_000_000;

pub(super) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the civil-calendar count by eras of
/// 400 years). Errs for years beyond ±[`MAX_YEAR`].
pub(super) fn days_from_civil((y, m, d): (i64, u8, u8)) -> Result<i64, String> {
    if y.abs() > MAX_YEAR {
        return Err("the year is too far from today to place".to_owned());
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i64::from(m);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Ok(era * 146_097 + day_of_era - 719_468)
}

/// The date of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
pub(super) fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    (
        y,
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
}

pub(super) fn seconds_of_day(y: i64, m: u8, d: u8) -> Result<i64, String> {
    Ok(days_from_civil((y, m, d))? * DAY_S)
}

/// The same day `months` later (earlier when negative), kept within the month.
pub(super) fn add_months((y, m, d): (i64, u8, u8), months: i64) -> (i64, u8, u8) {
    let total = y * 12 + i64::from(m) - 1 + months;
    let year = total.div_euclid(12);
    let month = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
    (year, month, d.min(days_in_month(year, month)))
}

/// The instant at the start of day `y-m-d`, if it is a real day.
pub fn day_start(y: i64, m: u8, d: u8) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    seconds_of_day(y, m, d).ok()
}

/// The year, month and day of an instant.
pub fn civil(at: i64) -> (i64, u8, u8) {
    civil_from_days(at.div_euclid(DAY_S))
}
