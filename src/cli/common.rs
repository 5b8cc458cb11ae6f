//! What every subcommand shares: the exit statuses, a load's status, and the time range
//! `info` and `render` take.

use crate::dataset::{Dataset, DateExpr, LoadError, RangeMode, TimeFilter, When};

/// Exit status: the file loaded.
pub const EXIT_OK: u8 = 0;

/// Exit status: the file is not valid GeoJSON.
pub const EXIT_INVALID: u8 = 1;

/// Exit status: the file could not be read, or the usage is wrong.
pub const EXIT_UNREADABLE: u8 = 2;

pub(super) fn exit_status(result: &Result<Dataset, LoadError>) -> u8 {
    match result {
        Ok(_) => EXIT_OK,
        Err(LoadError::Invalid { .. }) => EXIT_INVALID,
        Err(LoadError::Read { .. } | LoadError::Cancelled) => EXIT_UNREADABLE,
    }
}

pub(super) fn parse_date(text: &str) -> Result<When, String> {
    DateExpr::parse(text).map(|d| d.when())
}

/// The range `info --from/--to [--definite]` asks for, if any.
///
/// # Errors
/// When `--from` comes after `--to`, or `--definite` has no range to apply to.
pub fn range_of(
    from: Option<When>,
    to: Option<When>,
    definite: bool,
) -> Result<Option<TimeFilter>, String> {
    if from.is_none() && to.is_none() {
        return if definite {
            Err("--definite needs a range: give --from, --to or both".to_owned())
        } else {
            Ok(None)
        };
    }
    let (start, end) = (
        from.map_or(i64::MIN, |w| w.start),
        to.map_or(i64::MAX, |w| w.end),
    );
    if start >= end {
        return Err("--from is after --to: the range is empty".to_owned());
    }
    Ok(Some(TimeFilter {
        from: start,
        to: end,
        mode: if definite {
            RangeMode::Definite
        } else {
            RangeMode::Possible
        },
        show_undated: false,
    }))
}
