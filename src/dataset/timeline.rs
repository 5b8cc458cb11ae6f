//! Features over time, indexed once at load: which fall in a range (possibly or
//! definitely), and how many in each bin of a time axis, with features whose span covers
//! several bins spread over them rather than piled on their first day. Knows no screen:
//! the timeline panel and the map read what this computes.

use super::time::{DAY_S, civil, day_start};
use super::{Dataset, FeatureKind};

/// A set of feature indices, one bit each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// `len` bits, all clear.
    pub fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Whether bit `i` is set (`false` beyond the end).
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Sets bit `i`.
    #[inline]
    pub fn set(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// How many bits are set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// How many bits there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Which features a range shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RangeMode {
    /// Those whose span overlaps the range: they may have happened in it.
    #[default]
    Possible,
    /// Only those whose span lies inside the range: they certainly happened in it.
    Definite,
}

/// A range of time and how to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeFilter {
    /// Start of the range, seconds since 1970 (inclusive).
    pub from: i64,
    /// End of the range (exclusive).
    pub to: i64,
    /// Possible or definite.
    pub mode: RangeMode,
    /// Whether undated features are shown.
    pub show_undated: bool,
}

/// What a [`TimeFilter`] shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InRange {
    /// The features shown.
    pub shown: Bits,
    /// Those shown that only possibly fall in the range (their span reaches outside it).
    pub partly: Bits,
    /// How many of those.
    pub partly_count: usize,
    /// How many are shown.
    pub count: usize,
    /// The filter that made it.
    pub filter: Option<TimeFilter>,
}

/// The dataset's dated features sorted by start, built once at load.
#[derive(Clone, Debug, Default)]
pub struct TimeIndex {
    /// (start, end, feature), sorted by start.
    spans: Vec<(i64, i64, u32)>,
    /// The undated features that are not undated routes with ends in the dataset.
    undated: Vec<u32>,
    /// Undated routes whose ends are features: shown when both ends are.
    routes: Vec<(u32, u32, u32)>,
    len: usize,
    /// Dated features with an open or unknown end.
    unbounded: usize,
    /// The extent: see [`Self::extent`].
    extent: Option<(i64, i64)>,
}

/// Where one feature goes in a [`TimeIndex`].
enum Entry {
    /// Dated: its span.
    Span(i64, i64),
    /// An undated route between two features (their indices).
    Route(u32, u32),
    /// Undated.
    Undated,
    /// Deleted: in no range.
    Gone,
}

fn entry_of(dataset: &Dataset, index: usize) -> Entry {
    let Some(feature) = dataset.get(index) else {
        return Entry::Gone;
    };
    if let Some(w) = dataset.when(index) {
        return Entry::Span(w.start, w.end);
    }
    let ends = (feature.kind == FeatureKind::Route)
        .then_some(feature.route)
        .flatten()
        .and_then(|r| {
            let a = dataset.index_of(r.from.as_deref()?)?;
            let b = dataset.index_of(r.to.as_deref()?)?;
            Some((u32::try_from(a).ok()?, u32::try_from(b).ok()?))
        });
    match ends {
        Some((a, b)) => Entry::Route(a, b),
        None => Entry::Undated,
    }
}

/// The features an edit touched, as a [`TimeIndex`] now takes them: see
/// [`TimeIndex::changes`].
#[derive(Clone, Debug, Default)]
pub struct TimeChanges {
    /// Sorted.
    touched: Vec<u32>,
    spans: Vec<(i64, i64, u32)>,
    undated: Vec<u32>,
    routes: Vec<(u32, u32, u32)>,
    len: usize,
}

impl TimeChanges {
    /// Takes in feature `index` of `dataset` as it now is.
    fn add(&mut self, dataset: &Dataset, index: usize) {
        let i = u32::try_from(index).unwrap_or(u32::MAX);
        match entry_of(dataset, index) {
            Entry::Span(start, end) => self.spans.push((start, end, i)),
            Entry::Route(a, b) => self.routes.push((i, a, b)),
            Entry::Undated => self.undated.push(i),
            Entry::Gone => {}
        }
    }
}

impl TimeIndex {
    /// Indexes `dataset`'s dates.
    pub fn new(dataset: &Dataset) -> Self {
        let mut all = TimeChanges::default();
        for index in 0..dataset.len() {
            all.add(dataset, index);
        }
        all.spans.sort_unstable_by_key(|s| s.0);
        Self::of(all.spans, all.undated, all.routes, dataset.len())
    }

    /// Features `indices` of `dataset` as this index takes them, to fold in with
    /// [`Self::with`] (on any thread: that is the part whose time grows with the dataset).
    pub fn changes(dataset: &Dataset, indices: &[usize]) -> TimeChanges {
        let mut changes = TimeChanges {
            len: dataset.len(),
            ..TimeChanges::default()
        };
        for &index in indices {
            changes
                .touched
                .push(u32::try_from(index).unwrap_or(u32::MAX));
            changes.add(dataset, index);
        }
        changes.touched.sort_unstable();
        changes.touched.dedup();
        changes
    }

    /// This index with `changes` folded in: one pass over it.
    #[must_use]
    pub fn with(&self, changes: &TimeChanges) -> Self {
        let kept = |i: u32| changes.touched.binary_search(&i).is_err();
        let mut spans: Vec<(i64, i64, u32)> = self
            .spans
            .iter()
            .filter(|s| kept(s.2))
            .chain(&changes.spans)
            .copied()
            .collect();
        // Sorted but for the few added at the end: a stable sort merges them in one pass.
        spans.sort_by_key(|s| s.0);
        let undated = self
            .undated
            .iter()
            .copied()
            .filter(|&i| kept(i))
            .chain(changes.undated.iter().copied())
            .collect();
        let routes = self
            .routes
            .iter()
            .filter(|r| kept(r.0))
            .chain(&changes.routes)
            .copied()
            .collect();
        Self::of(spans, undated, routes, self.len.max(changes.len))
    }

    /// The index of spans sorted by start, undated features and undated routes.
    fn of(
        spans: Vec<(i64, i64, u32)>,
        mut undated: Vec<u32>,
        mut routes: Vec<(u32, u32, u32)>,
        len: usize,
    ) -> Self {
        undated.sort_unstable();
        routes.sort_unstable();
        // The extent of the spans with two ends; an open span (a base in use "from 2015 on")
        // would otherwise stretch the axis far from the events. Only when every span is
        // open do their finite ends make the extent.
        let bounded = |s: &&(i64, i64, u32)| s.0 != i64::MIN && s.1 != i64::MAX;
        let (first, last) = if spans.iter().any(|s| bounded(&s)) {
            (
                spans.iter().filter(bounded).map(|s| s.0).next(),
                spans.iter().filter(bounded).map(|s| s.1).max(),
            )
        } else {
            (
                spans.iter().map(|s| s.0).find(|&s| s != i64::MIN),
                spans.iter().map(|s| s.1).filter(|&e| e != i64::MAX).max(),
            )
        };
        let extent = match (first, last) {
            (Some(a), Some(b)) if a < b => Some((a, b)),
            (Some(a), _) => Some((a, a + DAY_S)),
            (None, Some(b)) => Some((b - DAY_S, b)),
            (None, None) => None,
        };
        let unbounded = spans
            .iter()
            .filter(|s| s.0 == i64::MIN || s.1 == i64::MAX)
            .count();
        Self {
            spans,
            undated,
            routes,
            len,
            unbounded,
            extent,
        }
    }

    /// How many dated features have an open or unknown end (the histogram leaves them out).
    pub fn unbounded(&self) -> usize {
        self.unbounded
    }

    /// How many features are dated.
    pub fn dated(&self) -> usize {
        self.spans.len()
    }

    /// How many features have no date (undated routes between two features, which follow
    /// their ends, left out).
    pub fn undated(&self) -> usize {
        self.undated.len()
    }

    /// The earliest start and the latest end of the dated features with two ends (of the
    /// finite ends when every span is open).
    pub fn extent(&self) -> Option<(i64, i64)> {
        self.extent
    }

    /// Which features `filter` shows. Touches the features that start before the range
    /// ends, one bit each; everything else is word-wise.
    pub fn filter(&self, filter: TimeFilter) -> InRange {
        let TimeFilter {
            from,
            to,
            mode,
            show_undated,
        } = filter;
        let mut shown = Bits::new(self.len);
        let mut partly = Bits::new(self.len);
        let before_end = self.spans.partition_point(|s| s.0 < to);
        for &(start, end, i) in &self.spans[..before_end] {
            if end <= from {
                continue;
            }
            let inside = start >= from && end <= to;
            match mode {
                RangeMode::Possible => {
                    shown.set(i as usize);
                    if !inside {
                        partly.set(i as usize);
                    }
                }
                RangeMode::Definite if inside => shown.set(i as usize),
                RangeMode::Definite => {}
            }
        }
        if show_undated {
            for &i in &self.undated {
                shown.set(i as usize);
            }
        }
        for &(route, a, b) in &self.routes {
            if shown.get(a as usize) && shown.get(b as usize) {
                shown.set(route as usize);
                if partly.get(a as usize) || partly.get(b as usize) {
                    partly.set(route as usize);
                }
            }
        }
        InRange {
            count: shown.count(),
            partly_count: partly.count(),
            shown,
            partly,
            filter: Some(filter),
        }
    }

    /// Counts over `bins` (their edges, ascending: bin `k` is `edges[k]..edges[k + 1]`): for
    /// each bin, the features whose span lies in that bin alone, and the features spread
    /// over several bins, each adding `1 / bins it covers` to each. Unbounded spans are left
    /// out (they cover no finite share of a bin).
    pub fn histogram(&self, edges: &[i64]) -> Vec<(u32, f32)> {
        let n = edges.len().saturating_sub(1);
        let mut whole = vec![0u32; n];
        let mut spread = vec![0f64; n + 1];
        let (Some(&lo), Some(&hi)) = (edges.first(), edges.last()) else {
            return Vec::new();
        };
        let lookup = BinLookup::new(edges);
        let bin_of = |t: i64| lookup.bin_of(t);
        let before_end = self.spans.partition_point(|s| s.0 < hi);
        for &(start, end, _) in &self.spans[..before_end] {
            if end <= lo || start == i64::MIN || end == i64::MAX {
                continue;
            }
            let a = bin_of(start.max(lo));
            let b = bin_of((end - 1).min(hi - 1));
            if a == b && start >= edges[a] && end <= edges[a + 1] {
                whole[a] += 1;
            } else {
                // Bins the whole span covers, inside the axis or not, so that a share
                // outside the axis is not piled on its edge.
                let first = if start < lo {
                    a as f64 - ((lo - start) as f64 / (edges[1] - edges[0]).max(1) as f64)
                } else {
                    a as f64
                };
                let last = if end > hi {
                    b as f64 + ((end - hi) as f64 / (edges[n] - edges[n - 1]).max(1) as f64)
                } else {
                    b as f64
                };
                let share = 1.0 / (last - first + 1.0).max(1.0);
                spread[a] += share;
                spread[b + 1] -= share;
            }
        }
        let mut running = 0.0;
        whole
            .into_iter()
            .zip(spread)
            .map(|(w, d)| {
                running += d;
                #[allow(clippy::cast_possible_truncation)]
                (w, running.max(0.0) as f32)
            })
            .collect()
    }
}

/// Which bin an instant falls in, in constant time: by division when the bins are all of
/// one length (hours, days), else through a table of the days the axis covers (months,
/// years); by binary search only for an axis too long for a table.
enum BinLookup<'e> {
    Uniform { start: i64, width: i64, last: usize },
    Days { start: i64, bins: Vec<u32> },
    Search(&'e [i64]),
}

impl<'e> BinLookup<'e> {
    /// Longest axis, in days, given a table.
    const MAX_TABLE_DAYS: i64 = 200_000;

    fn new(edges: &'e [i64]) -> Self {
        let (Some(&start), Some(&end)) = (edges.first(), edges.last()) else {
            return Self::Search(edges);
        };
        let last = edges.len().saturating_sub(2);
        let width = edges.get(1).map_or(1, |e| e - start).max(1);
        if edges.windows(2).all(|w| w[1] - w[0] == width) {
            return Self::Uniform { start, width, last };
        }
        let days = (end - start) / DAY_S;
        if start % DAY_S == 0
            && edges.iter().all(|e| e % DAY_S == 0)
            && days <= Self::MAX_TABLE_DAYS
        {
            let mut bins = Vec::with_capacity(usize::try_from(days).unwrap_or(0));
            for (k, w) in edges.windows(2).enumerate() {
                let n = usize::try_from((w[1] - w[0]) / DAY_S).unwrap_or(0);
                bins.extend(std::iter::repeat_n(u32::try_from(k).unwrap_or(u32::MAX), n));
            }
            return Self::Days { start, bins };
        }
        Self::Search(edges)
    }

    /// The bin of `t`, which lies on the axis.
    #[inline]
    fn bin_of(&self, t: i64) -> usize {
        match self {
            Self::Uniform { start, width, last } => {
                usize::try_from((t - start) / width).unwrap_or(0).min(*last)
            }
            Self::Days { start, bins } => {
                let day = usize::try_from((t - start) / DAY_S).unwrap_or(0);
                bins.get(day).or(bins.last()).map_or(0, |&b| b as usize)
            }
            Self::Search(edges) => edges.partition_point(|&e| e <= t).saturating_sub(1),
        }
    }
}

/// Units a time axis is cut into, finest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BinUnit {
    /// An hour.
    Hour,
    /// A day.
    Day,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
    /// Ten years.
    Decade,
}

impl BinUnit {
    /// Every unit, finest first.
    pub const ALL: [Self; 5] = [Self::Hour, Self::Day, Self::Month, Self::Year, Self::Decade];

    /// Its name, for the axis.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "hours",
            Self::Day => "days",
            Self::Month => "months",
            Self::Year => "years",
            Self::Decade => "decades",
        }
    }

    /// Roughly how long one is, in seconds.
    pub fn typical_s(self) -> i64 {
        match self {
            Self::Hour => 3_600,
            Self::Day => DAY_S,
            Self::Month => 30 * DAY_S,
            Self::Year => 365 * DAY_S,
            Self::Decade => 3_652 * DAY_S,
        }
    }

    /// The start of the unit containing `t`.
    pub fn floor(self, t: i64) -> i64 {
        let (y, m, _) = civil(t);
        match self {
            Self::Hour => t - t.rem_euclid(3_600),
            Self::Day => t - t.rem_euclid(DAY_S),
            Self::Month => day_start(y, m, 1).unwrap_or(t),
            Self::Year => day_start(y, 1, 1).unwrap_or(t),
            Self::Decade => day_start(y.div_euclid(10) * 10, 1, 1).unwrap_or(t),
        }
    }

    /// The start of the next unit after the one starting at `t`.
    pub fn next(self, t: i64) -> i64 {
        let (y, m, _) = civil(t);
        match self {
            Self::Hour => t.saturating_add(3_600),
            Self::Day => t.saturating_add(DAY_S),
            Self::Month => {
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                day_start(y, m, 1).unwrap_or(t.saturating_add(31 * DAY_S))
            }
            Self::Year => day_start(y + 1, 1, 1).unwrap_or(t.saturating_add(366 * DAY_S)),
            Self::Decade => day_start(y + 10, 1, 1).unwrap_or(t.saturating_add(3_653 * DAY_S)),
        }
    }

    /// The finest unit that cuts `from..to` into no more than `max_bins` bins.
    pub fn for_span(from: i64, to: i64, max_bins: usize) -> Self {
        let span = to.saturating_sub(from).max(1);
        let max = i64::try_from(max_bins.max(1)).unwrap_or(i64::MAX);
        Self::ALL
            .into_iter()
            .find(|u| span / u.typical_s() <= max)
            .unwrap_or(Self::Decade)
    }

    /// The edges of the bins that cover `from..to`, from the start of the unit holding
    /// `from` to the end of the one holding `to`.
    pub fn edges(self, from: i64, to: i64) -> Vec<i64> {
        let mut edges = vec![self.floor(from)];
        while let Some(&last) = edges.last() {
            if last >= to || edges.len() > 100_000 {
                break;
            }
            edges.push(self.next(last));
        }
        edges
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::parse_str;

    fn dataset(dates: &[Option<&str>]) -> Dataset {
        let features: Vec<String> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let date = d.map_or_else(String::new, |d| format!(",\"date\":\"{d}\""));
                format!(
                    "{{\"type\":\"Feature\",\"id\":\"f{i}\",\"geometry\":{{\"type\":\"Point\",\
                     \"coordinates\":[{i},0]}},\"properties\":{{\"kind\":\"target\"{date}}}}}"
                )
            })
            .collect();
        let text = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
            features.join(",")
        );
        parse_str(&text, None).unwrap_or_else(|e| panic!("{e}"))
    }

    fn day(y: i64, m: u8, d: u8) -> i64 {
        day_start(y, m, d).unwrap_or_else(|| panic!("a day"))
    }

    #[test]
    fn possible_and_definite_ranges() {
        let ds = dataset(&[
            Some("2016-08-16"),
            Some("2016-08"),
            Some("2016-08-16/2016-08-22"),
            None,
            Some("2016-09-01"),
        ]);
        let index = TimeIndex::new(&ds);
        let week = |mode, show_undated| {
            index.filter(TimeFilter {
                from: day(2016, 8, 15),
                to: day(2016, 8, 20),
                mode,
                show_undated,
            })
        };
        let possible = week(RangeMode::Possible, true);
        assert_eq!(
            possible.count, 4,
            "the day, the month, the week and the undated"
        );
        assert!(possible.partly.get(1) && possible.partly.get(2) && !possible.partly.get(0));
        assert!(!possible.shown.get(4));
        let definite = week(RangeMode::Definite, false);
        assert_eq!(definite.count, 1);
        assert!(definite.shown.get(0));
        assert_eq!(index.extent(), Some((day(2016, 8, 1), day(2016, 9, 2))));
    }

    #[test]
    fn edits_folded_in_give_the_index_built_afresh() {
        let mut ds = dataset(&[
            Some("2016-08-16"),
            Some("2016-08"),
            None,
            Some("2016-09-01"),
        ]);
        let index = TimeIndex::new(&ds);
        let mut redated = ds.feature(0).unwrap_or_else(|| panic!("feature 0"));
        redated.date = crate::dataset::DateExpr::parse("2016-07-02").ok();
        let mut dated = ds.feature(2).unwrap_or_else(|| panic!("feature 2"));
        dated.date = crate::dataset::DateExpr::parse("2016-10-05").ok();
        let changed = ds
            .apply(
                "dates",
                vec![
                    crate::dataset::Edit::Replace(0, redated),
                    crate::dataset::Edit::Replace(2, dated),
                    crate::dataset::Edit::Delete(3),
                ],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let folded = index.with(&TimeIndex::changes(&ds, &changed.indices));
        let fresh = TimeIndex::new(&ds);
        assert_eq!(folded.extent(), fresh.extent());
        assert_eq!(folded.extent(), Some((day(2016, 7, 2), day(2016, 10, 6))));
        assert_eq!((folded.dated(), folded.undated()), (3, 0));
        for show_undated in [false, true] {
            let filter = TimeFilter {
                from: day(2016, 7, 1),
                to: day(2016, 8, 20),
                mode: RangeMode::Possible,
                show_undated,
            };
            let (a, b) = (folded.filter(filter), fresh.filter(filter));
            assert_eq!(a.count, b.count);
            assert_eq!(a.count, 2, "July 2 and August");
            assert!((0..4).all(|i| a.shown.get(i) == b.shown.get(i)));
        }
        let edges = BinUnit::Month.edges(day(2016, 1, 1), day(2017, 1, 1));
        assert_eq!(folded.histogram(&edges), fresh.histogram(&edges));
    }

    #[test]
    fn the_histogram_spreads_a_month_over_its_days() {
        let ds = dataset(&[Some("2016-08-16"), Some("2016-08"), Some("2016-08-16?")]);
        let index = TimeIndex::new(&ds);
        let edges = BinUnit::Day.edges(day(2016, 8, 1), day(2016, 9, 1));
        assert_eq!(edges.len(), 32);
        let bins = index.histogram(&edges);
        assert_eq!(bins[15].0, 2, "16 August holds the two day-dated features");
        let spread: f32 = bins.iter().map(|b| b.1).sum();
        assert!(
            (spread - 1.0).abs() < 1e-4,
            "the month adds one in all: {spread}"
        );
        assert!((bins[0].1 - 1.0 / 31.0).abs() < 1e-6);
        // On a month axis the month-dated feature fits its bin.
        let months = index.histogram(&BinUnit::Month.edges(day(2016, 1, 1), day(2017, 1, 1)));
        assert_eq!(months[7], (3, 0.0));
    }

    #[test]
    fn units_follow_the_zoom_and_calendar() {
        assert_eq!(
            BinUnit::for_span(day(2016, 8, 1), day(2016, 8, 3), 200),
            BinUnit::Hour
        );
        assert_eq!(
            BinUnit::for_span(day(2016, 1, 1), day(2017, 1, 1), 200),
            BinUnit::Month
        );
        let months = BinUnit::Month.edges(day(2016, 1, 15), day(2016, 3, 2));
        assert_eq!(
            months,
            vec![
                day(2016, 1, 1),
                day(2016, 2, 1),
                day(2016, 3, 1),
                day(2016, 4, 1)
            ]
        );
    }

    #[test]
    fn bin_lookup_agrees_with_a_search() {
        let mut rng = crate::synth::Rng::new(3);
        for (unit, from, to) in [
            (BinUnit::Hour, day(2016, 8, 1), day(2016, 8, 9)),
            (BinUnit::Day, day(2016, 1, 1), day(2017, 1, 1)),
            (BinUnit::Month, day(2015, 3, 10), day(2019, 2, 1)),
            (BinUnit::Year, day(1990, 1, 1), day(2030, 1, 1)),
        ] {
            let edges = unit.edges(from, to);
            let lookup = BinLookup::new(&edges);
            let (lo, hi) = (edges[0], edges[edges.len() - 1]);
            for _ in 0..5_000 {
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let t = rng.range(lo as f64, hi as f64) as i64;
                let expected = edges.partition_point(|&e| e <= t) - 1;
                assert_eq!(lookup.bin_of(t), expected, "{unit:?} at {t}");
            }
        }
    }
}
