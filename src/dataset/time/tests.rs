//! The date reader against a table of the EDTF specification's own examples (levels 0 and
//! 1) and the forms the issue names, with their bounds and certainty.

use super::*;

/// (written, earliest, latest, certainty); bounds as `When::start_iso` / `end_iso` write
/// them, `None` for an unbounded end.
const TABLE: &[(&str, Option<&str>, Option<&str>, Certainty)] = {
    use Certainty::*;
    &[
        // Level 0: dates.
        (
            "1985-04-12",
            Some("1985-04-12"),
            Some("1985-04-12"),
            Certain,
        ),
        ("1985-04", Some("1985-04-01"), Some("1985-04-30"), Certain),
        ("1985", Some("1985-01-01"), Some("1985-12-31"), Certain),
        // Leap years and month ends.
        ("2016-02", Some("2016-02-01"), Some("2016-02-29"), Certain),
        ("2015-02", Some("2015-02-01"), Some("2015-02-28"), Certain),
        (
            "2000-02-29",
            Some("2000-02-29"),
            Some("2000-02-29"),
            Certain,
        ),
        ("2016-12", Some("2016-12-01"), Some("2016-12-31"), Certain),
        // Level 0: date-times.
        (
            "1985-04-12T23:20:30",
            Some("1985-04-12T23:20:30Z"),
            Some("1985-04-12T23:20:30Z"),
            Certain,
        ),
        (
            "1985-04-12T23:20:30Z",
            Some("1985-04-12T23:20:30Z"),
            Some("1985-04-12T23:20:30Z"),
            Certain,
        ),
        (
            "1985-04-12T23:20:30-04",
            Some("1985-04-13T03:20:30Z"),
            Some("1985-04-13T03:20:30Z"),
            Certain,
        ),
        (
            "1985-04-12T23:20:30+04:30",
            Some("1985-04-12T18:50:30Z"),
            Some("1985-04-12T18:50:30Z"),
            Certain,
        ),
        // ISO 8601 to the minute.
        (
            "2016-08-16T06:30Z",
            Some("2016-08-16T06:30:00Z"),
            Some("2016-08-16T06:30:59Z"),
            Certain,
        ),
        (
            "2016-08-16T09:30+03:00",
            Some("2016-08-16T06:30:00Z"),
            Some("2016-08-16T06:30:59Z"),
            Certain,
        ),
        // Level 0: intervals.
        ("1964/2008", Some("1964-01-01"), Some("2008-12-31"), Certain),
        (
            "2004-06/2006-08",
            Some("2004-06-01"),
            Some("2006-08-31"),
            Certain,
        ),
        (
            "2004-02-01/2005-02-08",
            Some("2004-02-01"),
            Some("2005-02-08"),
            Certain,
        ),
        (
            "2004-02-01/2005-02",
            Some("2004-02-01"),
            Some("2005-02-28"),
            Certain,
        ),
        (
            "2004-02-01/2005",
            Some("2004-02-01"),
            Some("2005-12-31"),
            Certain,
        ),
        (
            "2005/2006-02",
            Some("2005-01-01"),
            Some("2006-02-28"),
            Certain,
        ),
        (
            "2016-08-16/2016-08-22",
            Some("2016-08-16"),
            Some("2016-08-22"),
            Certain,
        ),
        (
            "2016-08/2016-09",
            Some("2016-08-01"),
            Some("2016-09-30"),
            Certain,
        ),
        // Level 1: letter-prefixed years.
        (
            "Y170000002",
            Some("170000002-01-01"),
            Some("170000002-12-31"),
            Certain,
        ),
        // Level 1: seasons (the crate's northern-hemisphere table).
        ("2001-21", Some("2001-03-01"), Some("2001-05-31"), Certain),
        // Level 1: qualifiers. Uncertain keeps its bounds; approximate widens by one unit.
        ("1984?", Some("1984-01-01"), Some("1984-12-31"), Uncertain),
        (
            "2004-06~",
            Some("2004-05-01"),
            Some("2004-07-31"),
            Approximate,
        ),
        (
            "2004-06-11%",
            Some("2004-06-10"),
            Some("2004-06-12"),
            UncertainApproximate,
        ),
        (
            "2016-08-16?",
            Some("2016-08-16"),
            Some("2016-08-16"),
            Uncertain,
        ),
        (
            "2016-08~",
            Some("2016-07-01"),
            Some("2016-09-30"),
            Approximate,
        ),
        ("2016~", Some("2015-01-01"), Some("2017-12-31"), Approximate),
        (
            "2016-03-31~",
            Some("2016-03-30"),
            Some("2016-04-01"),
            Approximate,
        ),
        // Level 1: unspecified digits.
        ("201X", Some("2010-01-01"), Some("2019-12-31"), Certain),
        ("20XX", Some("2000-01-01"), Some("2099-12-31"), Certain),
        ("2004-XX", Some("2004-01-01"), Some("2004-12-31"), Certain),
        (
            "1985-04-XX",
            Some("1985-04-01"),
            Some("1985-04-30"),
            Certain,
        ),
        (
            "1985-XX-XX",
            Some("1985-01-01"),
            Some("1985-12-31"),
            Certain,
        ),
        (
            "2016-02-XX",
            Some("2016-02-01"),
            Some("2016-02-29"),
            Certain,
        ),
        // Level 1: open and unknown ends.
        ("1985-04-12/..", Some("1985-04-12"), None, Certain),
        ("1985-04-12/", Some("1985-04-12"), None, Certain),
        ("../1985-04-12", None, Some("1985-04-12"), Certain),
        ("/1985-04-12", None, Some("1985-04-12"), Certain),
        ("1985/..", Some("1985-01-01"), None, Certain),
        ("2016-08-16/..", Some("2016-08-16"), None, Certain),
        ("/2016-08-22", None, Some("2016-08-22"), Certain),
        // Level 1: qualified interval ends.
        (
            "1984~/2004-06",
            Some("1983-01-01"),
            Some("2004-06-30"),
            Approximate,
        ),
        (
            "1984/2004-06~",
            Some("1984-01-01"),
            Some("2004-07-31"),
            Approximate,
        ),
        (
            "1984?/2004%",
            Some("1984-01-01"),
            Some("2005-12-31"),
            UncertainApproximate,
        ),
        // Older files: fractions of a second.
        (
            "2016-08-16T05:00:00.250Z",
            Some("2016-08-16T05:00:00Z"),
            Some("2016-08-16T05:00:00Z"),
            Certain,
        ),
    ]
};

#[test]
fn the_spec_examples_resolve_to_their_bounds_and_certainty() {
    for &(text, start, end, certainty) in TABLE {
        let when = DateExpr::parse(text)
            .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
            .when();
        assert_eq!(when.start_iso().as_deref(), start, "earliest of {text:?}");
        assert_eq!(when.end_iso().as_deref(), end, "latest of {text:?}");
        assert_eq!(when.certainty, certainty, "certainty of {text:?}");
        assert!(when.start < when.end, "{text:?}");
    }
}

#[test]
fn bad_dates_are_refused_with_a_reason() {
    for bad in [
        "",
        "x",
        "16-08-2016",
        "2016-13",
        "2016-02-30",
        "2015-02-29",
        "2016-8-1",
        "2016-08-16T25:00Z",
        "2016-08-22/2016-08-16",
        "2016/2016/2017",
        "1985-04-12T23:20",
        "../..",
        "someday",
    ] {
        let got = DateExpr::parse(bad);
        assert_eq!(
            DateExpr::when_of(bad).is_ok(),
            got.is_ok(),
            "the quick reading agrees on {bad:?}"
        );
        // `1985-04-12T23:20` is ISO 8601 to the minute, which Sortie reads.
        if bad == "1985-04-12T23:20" {
            assert!(got.is_ok(), "{bad:?}");
            continue;
        }
        let Err(message) = got else {
            panic!("{bad:?} should be refused");
        };
        assert!(message.contains(bad), "{bad:?}: {message}");
    }
}

#[test]
fn dates_read_as_people_write_them() {
    let d = |s: &str| DateExpr::parse(s).map(|d| d.describe()).unwrap_or_default();
    assert_eq!(d("2016-08-16"), "16 August 2016");
    assert_eq!(d("2016-08"), "August 2016");
    assert_eq!(d("2016"), "2016");
    assert_eq!(d("2016-08-16?"), "16 August 2016 (uncertain)");
    assert_eq!(d("2016-08~"), "August 2016 (approximate)");
    assert_eq!(d("2016-08-16%"), "16 August 2016 (uncertain, approximate)");
    assert_eq!(d("2016-08-16/2016-08-22"), "16–22 August 2016");
    assert_eq!(d("2016-08-16/2016-09-02"), "16 August – 2 September 2016");
    assert_eq!(d("2016-08/2016-09"), "August–September 2016");
    assert_eq!(d("2015/2016"), "2015–2016");
    assert_eq!(d("201X"), "sometime in the 2010s");
    assert_eq!(d("2016-08-XX"), "sometime in August 2016");
    assert_eq!(d("2016-XX"), "sometime in 2016");
    assert_eq!(d("2016-08-16/.."), "from 16 August 2016 on");
    assert_eq!(d("/2016-08-22"), "until 22 August 2016 (start unknown)");
    assert_eq!(d("2016-08-16T06:30Z"), "16 August 2016, 06:30 UTC");
    assert_eq!(
        d("2016-08-16T09:30+03:00"),
        "16 August 2016, 09:30 UTC+03:00"
    );
    assert_eq!(d("2001-21"), "spring 2001");
    let (a, b) = (
        DateExpr::parse("2016-08-16").unwrap_or_else(|e| panic!("{e}")),
        DateExpr::parse("2016-08-22").unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(a.describe_until(&b), "16–22 August 2016");
    assert_eq!(a.describe_until(&a), "16 August 2016");
}

#[test]
fn date_and_date_end_make_one_span() {
    let w = |s: &str| {
        DateExpr::parse(s)
            .map(|d| d.when())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let span = w("2016-08")
        .until(w("2016-08-18?"))
        .unwrap_or_else(|| panic!("a span"));
    assert_eq!(span.start_iso().as_deref(), Some("2016-08-01"));
    assert_eq!(
        span.end_iso().as_deref(),
        Some("2016-08-18"),
        "it ends by date_end"
    );
    assert_eq!(span.certainty, Certainty::Uncertain);
    assert_eq!(w("2016-08-18").until(w("2016-08-01")), None);
}

#[test]
fn overlap_and_containment() {
    let w = DateExpr::parse("2016-08")
        .map(|d| d.when())
        .unwrap_or_else(|e| panic!("{e}"));
    let day = |y, m, d| day_start(y, m, d).unwrap_or_else(|| panic!("a day"));
    assert!(w.overlaps(day(2016, 8, 31), day(2016, 9, 10)));
    assert!(!w.overlaps(day(2016, 9, 1), day(2016, 9, 10)));
    assert!(w.within(day(2016, 8, 1), day(2016, 9, 1)));
    assert!(!w.within(day(2016, 8, 2), day(2016, 9, 1)));
}

#[test]
fn the_civil_calendar_round_trips() {
    for z in (-800_000..800_000).step_by(97) {
        let (y, m, d) = civil_from_days(z);
        assert_eq!(days_from_civil((y, m, d)).ok(), Some(z));
    }
    assert_eq!(days_from_civil((1970, 1, 1)).ok(), Some(0));
    assert_eq!(days_from_civil((2016, 8, 16)).ok(), Some(17_029));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn never_panics_and_bounds_are_ordered(text in "[0-9X?~%/.:TZ+-]{0,24}") {
            if let Ok(d) = DateExpr::parse(&text) {
                let w = d.when();
                prop_assert!(w.start < w.end, "{text:?}: {w:?}");
                let _ = d.describe();
            }
        }

        #[test]
        fn the_quick_reading_agrees_with_the_parser(
            text in "(19|20)[0-9X]{2}(-[0-9X]{2}(-[0-9X]{2})?)?[?~%]?(/(19|20)[0-9]{2}(-[0-9]{2})?[?~%]?)?"
        ) {
            let full = DateExpr::parse(&text).map(|d| d.when());
            prop_assert_eq!(DateExpr::when_of(&text), full.clone(), "{}", text);
            if let Some(quick) = quick_when(&text) {
                prop_assert_eq!(Ok(quick), full, "{}", text);
            }
        }

        #[test]
        fn every_real_day_and_its_qualified_forms_parse(
            y in 1i64..9999, m in 1u8..=12, d in 1u8..=31, q in 0usize..4
        ) {
            let suffix = ["", "?", "~", "%"][q];
            let text = format!("{y:04}-{m:02}-{d:02}{suffix}");
            let parsed = DateExpr::parse(&text);
            prop_assert_eq!(parsed.is_ok(), d <= days_in_month(y, m), "{}", text);
            if let Ok(p) = parsed {
                let w = p.when();
                let day = day_start(y, m, d).unwrap_or(0);
                prop_assert!(w.start <= day && w.end >= day + DAY_S);
            }
        }
    }
}
