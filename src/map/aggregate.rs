//! Aggregation for low zooms, built once at load: a pyramid of point clusters (a count, a
//! mean position and a representative feature per grid cell) and a pyramid of line density
//! (how many line features pass through each cell). A frame reads the cells in view at the
//! level that suits its zoom, so its cost depends on the window, not on the dataset.
//!
//! Cells are squares of a quadtree over unit Web Mercator: level `l` cuts the world into
//! 2^l × 2^l cells. Cells are kept sorted by their Morton key (bits of column and row
//! interleaved), so a parent's key is its child's key shifted right by two and each level is
//! merged from the one below it in one pass.

use crate::geometry::mercator::Unit;

/// The finest cluster level: cells of 2^-12 of the world (about 10 km at the equator).
pub const CLUSTER_MAX_LEVEL: u8 = 12;
/// The finest density level: cells of 2^-10 of the world (about 39 km at the equator).
pub const DENSITY_MAX_LEVEL: u8 = 10;

/// One cell of the cluster pyramid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cluster {
    /// Morton key of the cell at its level.
    pub key: u32,
    /// How many points fall in it.
    pub count: u32,
    /// Their mean position, in unit Mercator.
    pub center: [f32; 2],
    /// The lowest feature index among them.
    pub first: u32,
}

/// One cell of the density pyramid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DensityCell {
    /// Morton key of the cell at its level.
    pub key: u32,
    /// Line features passing through it (at the finest level; summed over the children at
    /// coarser levels, so a line crossing two children counts twice).
    pub count: u32,
}

/// Point clusters at every level from 0 to [`CLUSTER_MAX_LEVEL`].
#[derive(Clone, Debug, Default)]
pub struct ClusterPyramid {
    levels: Vec<Vec<Cluster>>,
}

/// Line density at every level from 0 to [`DENSITY_MAX_LEVEL`], with each level's largest
/// count (for a colour scale that does not change while panning).
#[derive(Clone, Debug, Default)]
pub struct DensityPyramid {
    levels: Vec<(Vec<DensityCell>, u32)>,
}

/// Interleaves the bits of a column and a row (each below 2^16) into a Morton key.
pub fn morton(col: u32, row: u32) -> u32 {
    fn spread(v: u32) -> u32 {
        let mut v = v & 0xFFFF;
        v = (v | (v << 8)) & 0x00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    }
    spread(col) | (spread(row) << 1)
}

/// The column and row of a Morton key.
pub fn unmorton(key: u32) -> (u32, u32) {
    fn compact(v: u32) -> u32 {
        let mut v = v & 0x5555_5555;
        v = (v | (v >> 1)) & 0x3333_3333;
        v = (v | (v >> 2)) & 0x0F0F_0F0F;
        v = (v | (v >> 4)) & 0x00FF_00FF;
        (v | (v >> 8)) & 0xFFFF
    }
    (compact(key), compact(key >> 1))
}

/// The column and row of the cell holding `unit` at `level`, clamped to the world.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
pub fn cell_of(unit: Unit, level: u8) -> (u32, u32) {
    let n = f64::from(1u32 << level);
    let max = (1u32 << level) - 1;
    let c = (unit[0] * n).floor().clamp(0.0, f64::from(max)) as u32;
    let r = (unit[1] * n).floor().clamp(0.0, f64::from(max)) as u32;
    (c, r)
}

/// The unit-Mercator square of a cell: (min, max).
pub fn cell_bounds(key: u32, level: u8) -> (Unit, Unit) {
    let (c, r) = unmorton(key);
    let size = 1.0 / f64::from(1u32 << level);
    let min = [f64::from(c) * size, f64::from(r) * size];
    (min, [min[0] + size, min[1] + size])
}

/// The level whose cells are `1 << shift` to `2 << shift` screen points wide at `zoom`
/// (walkers' zoom: the world is 256·2^zoom points wide), clamped to `0..=max`.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn level_for_zoom(zoom: f64, cell_px_log2: u8, max: u8) -> u8 {
    // 256·2^(zoom − level) ∈ [2^shift, 2^(shift+1))  ⇔  level = floor(zoom) + 8 − shift.
    let level = zoom.floor() + 8.0 - f64::from(cell_px_log2);
    level.clamp(0.0, f64::from(max)) as u8
}

/// The cells of a sorted level that lie in the rectangle of columns `c0..=c1` and rows
/// `r0..=r1`: a scan of the Morton range when that is short, else one binary search per cell.
fn cells_in_rect<T: Copy>(
    cells: &[T],
    key: impl Fn(&T) -> u32,
    cols: (u32, u32),
    rows: (u32, u32),
) -> Vec<T> {
    let (c0, c1) = cols;
    let (r0, r1) = rows;
    let lo = cells.partition_point(|c| key(c) < morton(c0, r0));
    let hi = cells.partition_point(|c| key(c) <= morton(c1, r1));
    let per_cell = u64::from(c1 - c0 + 1) * u64::from(r1 - r0 + 1);
    let range = cells.get(lo..hi).unwrap_or(&[]);
    let log = u64::from(usize::BITS - cells.len().leading_zeros()).max(1);
    if (range.len() as u64) <= per_cell.saturating_mul(log) {
        range
            .iter()
            .filter(|c| {
                let (col, row) = unmorton(key(c));
                (c0..=c1).contains(&col) && (r0..=r1).contains(&row)
            })
            .copied()
            .collect()
    } else {
        let mut out = Vec::new();
        for row in r0..=r1 {
            for col in c0..=c1 {
                let k = morton(col, row);
                if let Ok(i) = range.binary_search_by_key(&k, &key)
                    && let Some(c) = range.get(i)
                {
                    out.push(*c);
                }
            }
        }
        out
    }
}

/// Columns and rows of the cells of `level` that meet the rectangle `min..max`.
fn cell_span(min: Unit, max: Unit, level: u8) -> ((u32, u32), (u32, u32)) {
    let (c0, r0) = cell_of(min, level);
    let (c1, r1) = cell_of(max, level);
    ((c0, c1), (r0, r1))
}

/// A point as the aggregates need it: the Morton key of its finest cell, its feature, its
/// position.
pub type KeyedPoint = (u32, u32, Unit);

/// What the aggregates are built from, kept sorted so that they can be built again in one
/// pass for a subset of the features (those in a time range).
#[derive(Clone, Debug, Default)]
pub struct AggregateInputs {
    /// Points sorted by (key, feature).
    pub(super) points: Vec<KeyedPoint>,
    /// (finest density cell, line feature), sorted by cell.
    pub(super) lines: Vec<(u32, u32)>,
}

impl AggregateInputs {
    /// Keys every point and every line feature's cells.
    pub fn new<'a>(
        points: impl IntoIterator<Item = (Unit, u32)>,
        lines: impl IntoIterator<Item = (u32, &'a [Vec<Unit>])>,
    ) -> Self {
        Self {
            points: ClusterPyramid::keyed(points),
            lines: DensityPyramid::keyed(lines),
        }
    }

    /// These inputs with the entries of the features `touched` (sorted) replaced by
    /// `points` and `lines` (sorted as [`ClusterPyramid::keyed`] and
    /// [`DensityPyramid::keyed`] sort them): one pass over each.
    pub(super) fn replaced(
        &self,
        touched: &[u32],
        points: &[KeyedPoint],
        lines: &[(u32, u32)],
    ) -> Self {
        let kept = |f: u32| touched.binary_search(&f).is_err();
        Self {
            points: merged(
                self.points.iter().filter(|p| kept(p.1)).copied(),
                points.iter().copied(),
                |p| (p.0, p.1),
            ),
            lines: merged(
                self.lines.iter().filter(|l| kept(l.1)).copied(),
                lines.iter().copied(),
                |l| *l,
            ),
        }
    }

    /// Both pyramids, of every feature.
    pub fn pyramids(&self) -> (ClusterPyramid, DensityPyramid) {
        (
            ClusterPyramid::from_keyed(self.points.iter().copied()),
            DensityPyramid::from_cells(self.lines.iter().map(|&(key, _)| key)),
        )
    }

    /// Both pyramids, of the features `keep` says.
    pub fn pyramids_of(&self, keep: impl Fn(u32) -> bool) -> (ClusterPyramid, DensityPyramid) {
        (
            ClusterPyramid::from_keyed(self.points.iter().copied().filter(|p| keep(p.1))),
            DensityPyramid::from_cells(
                self.lines
                    .iter()
                    .filter(|&&(_, f)| keep(f))
                    .map(|&(key, _)| key),
            ),
        )
    }
}

/// Two sequences sorted by `key`, merged into one sorted vector.
fn merged<T, K: Ord>(
    a: impl Iterator<Item = T>,
    b: impl Iterator<Item = T>,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.size_hint().0 + b.size_hint().0);
    let (mut a, mut b) = (a.peekable(), b.peekable());
    loop {
        let from_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => key(x) <= key(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if from_a { a.next() } else { b.next() });
    }
    out
}

impl ClusterPyramid {
    /// Builds every level from points and the index of the feature each belongs to.
    pub fn new(points: impl IntoIterator<Item = (Unit, u32)>) -> Self {
        Self::from_keyed(Self::keyed(points))
    }

    /// Points keyed by their finest cell, sorted.
    pub(super) fn keyed(points: impl IntoIterator<Item = (Unit, u32)>) -> Vec<KeyedPoint> {
        let top = CLUSTER_MAX_LEVEL;
        let mut keyed: Vec<KeyedPoint> = points
            .into_iter()
            .map(|(u, feature)| {
                let (c, r) = cell_of(u, top);
                (morton(c, r), feature, u)
            })
            .collect();
        keyed.sort_unstable_by_key(|&(key, feature, _)| (key, feature));
        keyed
    }

    /// Builds every level from keyed points in key order.
    pub(super) fn from_keyed(keyed: impl IntoIterator<Item = KeyedPoint>) -> Self {
        let top = CLUSTER_MAX_LEVEL;
        // Sums kept in f64 while merging; positions stored as f32 (a few metres).
        struct Acc {
            key: u32,
            count: u32,
            sum: [f64; 2],
            first: u32,
        }
        let mut finest: Vec<Acc> = Vec::new();
        for (key, feature, u) in keyed {
            match finest.last_mut() {
                Some(acc) if acc.key == key => {
                    acc.count += 1;
                    acc.sum[0] += u[0];
                    acc.sum[1] += u[1];
                }
                _ => finest.push(Acc {
                    key,
                    count: 1,
                    sum: u,
                    first: feature,
                }),
            }
        }
        let freeze = |accs: &[Acc]| -> Vec<Cluster> {
            accs.iter()
                .map(|a| {
                    let n = f64::from(a.count);
                    #[allow(clippy::cast_possible_truncation)]
                    let center = [(a.sum[0] / n) as f32, (a.sum[1] / n) as f32];
                    Cluster {
                        key: a.key,
                        count: a.count,
                        center,
                        first: a.first,
                    }
                })
                .collect()
        };
        let mut levels = vec![freeze(&finest)];
        let mut below = finest;
        for _ in 0..top {
            let mut above: Vec<Acc> = Vec::with_capacity(below.len() / 2);
            for acc in below {
                let key = acc.key >> 2;
                match above.last_mut() {
                    Some(parent) if parent.key == key => {
                        parent.count += acc.count;
                        parent.sum[0] += acc.sum[0];
                        parent.sum[1] += acc.sum[1];
                        parent.first = parent.first.min(acc.first);
                    }
                    _ => above.push(Acc { key, ..acc }),
                }
            }
            levels.push(freeze(&above));
            below = above;
        }
        levels.reverse();
        Self { levels }
    }

    /// How many points the pyramid holds (the count at level 0).
    pub fn total(&self) -> u64 {
        self.level(0).iter().map(|c| u64::from(c.count)).sum()
    }

    /// The clusters of one level, sorted by key.
    pub fn level(&self, level: u8) -> &[Cluster] {
        self.levels
            .get(usize::from(level))
            .map_or(&[], Vec::as_slice)
    }

    /// The clusters of `level` whose cells meet the rectangle `min..max` (unit Mercator).
    pub fn in_rect(&self, level: u8, min: Unit, max: Unit) -> Vec<Cluster> {
        let (cols, rows) = cell_span(min, max, level);
        cells_in_rect(self.level(level), |c| c.key, cols, rows)
    }
}

impl DensityPyramid {
    /// Builds every level from lines, each given as the polylines of one feature.
    pub fn new<'a>(features: impl IntoIterator<Item = &'a [Vec<Unit>]>) -> Self {
        let keyed = Self::keyed(features.into_iter().map(|lines| (0, lines)));
        Self::from_cells(keyed.into_iter().map(|(key, _)| key))
    }

    /// The finest cells each line feature passes through, once per feature: (cell,
    /// feature), sorted by cell.
    pub(super) fn keyed<'a>(
        features: impl IntoIterator<Item = (u32, &'a [Vec<Unit>])>,
    ) -> Vec<(u32, u32)> {
        let top = DENSITY_MAX_LEVEL;
        let cells_per_unit = f64::from(1u32 << top);
        let mut keys: Vec<(u32, u32)> = Vec::new();
        let mut mine: Vec<u32> = Vec::new();
        for (feature, lines) in features {
            mine.clear();
            for line in lines {
                for pair in line.windows(2) {
                    let [a, b] = [pair[0], pair[1]];
                    // Samples at most half a cell apart, so no cell on the way is skipped
                    // by more than a corner.
                    let d = (b[0] - a[0]).abs().max((b[1] - a[1]).abs()) * cells_per_unit * 2.0;
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let steps = (d.ceil() as u32).clamp(1, 1 << 16);
                    for s in 0..=steps {
                        let t = f64::from(s) / f64::from(steps);
                        let p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                        let (c, r) = cell_of(p, top);
                        let key = morton(c, r);
                        if mine.last() != Some(&key) {
                            mine.push(key);
                        }
                    }
                }
                if let [only] = line.as_slice() {
                    let (c, r) = cell_of(*only, top);
                    mine.push(morton(c, r));
                }
            }
            mine.sort_unstable();
            mine.dedup();
            keys.extend(mine.iter().map(|&k| (k, feature)));
        }
        keys.sort_unstable();
        keys
    }

    /// Builds every level from the finest cells of the lines, in cell order.
    pub(super) fn from_cells(keys: impl IntoIterator<Item = u32>) -> Self {
        let top = DENSITY_MAX_LEVEL;
        let mut finest: Vec<DensityCell> = Vec::new();
        for key in keys {
            match finest.last_mut() {
                Some(cell) if cell.key == key => cell.count += 1,
                _ => finest.push(DensityCell { key, count: 1 }),
            }
        }
        let with_max = |cells: Vec<DensityCell>| {
            let max = cells.iter().map(|c| c.count).max().unwrap_or(0);
            (cells, max)
        };
        let mut levels = Vec::new();
        let mut below = finest;
        for _ in 0..top {
            let mut above: Vec<DensityCell> = Vec::with_capacity(below.len() / 2);
            for cell in &below {
                let key = cell.key >> 2;
                match above.last_mut() {
                    Some(parent) if parent.key == key => {
                        parent.count = parent.count.saturating_add(cell.count);
                    }
                    _ => above.push(DensityCell { key, ..*cell }),
                }
            }
            levels.push(with_max(below));
            below = above;
        }
        levels.push(with_max(below));
        levels.reverse();
        Self { levels }
    }

    /// The cells of one level, sorted by key, and the level's largest count.
    pub fn level(&self, level: u8) -> (&[DensityCell], u32) {
        self.levels
            .get(usize::from(level))
            .map_or((&[], 0), |(cells, max)| (cells.as_slice(), *max))
    }

    /// The cells of `level` that meet the rectangle `min..max` (unit Mercator).
    pub fn in_rect(&self, level: u8, min: Unit, max: Unit) -> Vec<DensityCell> {
        let (cols, rows) = cell_span(min, max, level);
        cells_in_rect(self.level(level).0, |c| c.key, cols, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Rng;

    #[test]
    fn morton_round_trips_and_parents_shift() {
        for (c, r) in [(0, 0), (1, 0), (0, 1), (4095, 17), (65535, 65535)] {
            assert_eq!(unmorton(morton(c, r)), (c, r));
        }
        assert_eq!(morton(6, 9) >> 2, morton(3, 4));
    }

    fn random_points(n: u32, seed: u64) -> Vec<(Unit, u32)> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|i| {
                let lon = rng.range(30.0, 60.0);
                let lat = rng.range(20.0, 45.0);
                (crate::geometry::mercator::project(lon, lat), i)
            })
            .collect()
    }

    #[test]
    fn aggregation_keeps_the_total_count_at_every_level() {
        let points = random_points(20_000, 3);
        let pyramid = ClusterPyramid::new(points.iter().copied());
        for level in 0..=CLUSTER_MAX_LEVEL {
            let cells = pyramid.level(level);
            let total: u64 = cells.iter().map(|c| u64::from(c.count)).sum();
            assert_eq!(total, 20_000, "level {level}");
            assert!(
                cells.windows(2).all(|w| w[0].key < w[1].key),
                "sorted, unique"
            );
        }
        // Each cluster's centre lies in its own cell, and its first feature is in it.
        let level = 7;
        for c in pyramid.level(level) {
            let (min, max) = cell_bounds(c.key, level);
            let center = [f64::from(c.center[0]), f64::from(c.center[1])];
            assert!(center[0] >= min[0] - 1e-6 && center[0] <= max[0] + 1e-6);
            assert!(center[1] >= min[1] - 1e-6 && center[1] <= max[1] + 1e-6);
            let first = points[c.first as usize].0;
            assert_eq!(cell_of(first, level), unmorton(c.key));
        }
    }

    #[test]
    fn clusters_in_a_rectangle_are_those_of_points_inside_it() {
        let points = random_points(5_000, 4);
        let pyramid = ClusterPyramid::new(points.iter().copied());
        let min = crate::geometry::mercator::project(40.0, 38.0);
        let max = crate::geometry::mercator::project(44.0, 30.0);
        for level in [3, 8, 12] {
            let found: u64 = pyramid
                .in_rect(level, min, max)
                .iter()
                .map(|c| u64::from(c.count))
                .sum();
            // Every point whose cell meets the rectangle, counted directly.
            let (cols, rows) = cell_span(min, max, level);
            let expected = points
                .iter()
                .filter(|(u, _)| {
                    let (c, r) = cell_of(*u, level);
                    (cols.0..=cols.1).contains(&c) && (rows.0..=rows.1).contains(&r)
                })
                .count() as u64;
            assert_eq!(found, expected, "level {level}");
            assert!(found > 0);
        }
    }

    #[test]
    fn density_counts_each_line_once_per_cell() {
        let a = crate::geometry::mercator::project(44.0, 33.0);
        let b = crate::geometry::mercator::project(50.0, 35.0);
        let line = vec![a, b];
        // The same line twice, in one feature and in another.
        let features = [vec![line.clone(), line.clone()], vec![line]];
        let pyramid = DensityPyramid::new(features.iter().map(Vec::as_slice));
        let (cells, max) = pyramid.level(DENSITY_MAX_LEVEL);
        assert!(cells.len() > 10, "the line crosses many cells");
        assert!(cells.iter().all(|c| c.count == 2), "once per feature");
        assert_eq!(max, 2);
        let (start_c, start_r) = cell_of(a, DENSITY_MAX_LEVEL);
        assert!(cells.iter().any(|c| c.key == morton(start_c, start_r)));
        let (top, _) = pyramid.level(0);
        assert_eq!(top.len(), 1);
    }

    #[test]
    fn levels_suit_the_zoom() {
        // Cells of 64 to 128 points: at zoom 5 the world is 8192 points, level 7 cells 64.
        assert_eq!(level_for_zoom(5.0, 6, 12), 7);
        assert_eq!(level_for_zoom(5.9, 6, 12), 7);
        assert_eq!(level_for_zoom(15.0, 6, 12), 12);
        assert_eq!(level_for_zoom(0.5, 8, 12), 0);
    }
}
