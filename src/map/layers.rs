//! What the map draws, computed once per dataset: every feature's geometry in unit Web
//! Mercator (routes densified along geodesics), R-trees of points, line runs, whole lines
//! and polygons for culling and picking, the aggregates for low zooms, and the extent of
//! the whole dataset. Reads the model and geodesy; paints nothing (that is `draw.rs`).

use egui::{Pos2, Vec2};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, Envelope as _, RTree};

use super::aggregate::{
    AggregateInputs, CLUSTER_MAX_LEVEL, Cluster, ClusterPyramid, DENSITY_MAX_LEVEL, DensityCell,
    DensityPyramid, KeyedPoint, cell_bounds, level_for_zoom,
};
use std::sync::Arc;

use crate::dataset::{Dataset, FeatureKind, InRange};
use crate::geometry::even_odd_contains;
use crate::geometry::mercator::{self, Unit};
use crate::geometry::screen::{ScreenTransform, distance_to_polyline};
use crate::parallel::joined;

pub use super::shape::ShapeRef;
use super::shape::{Drawn, Shape, add_geometry, envelope, envelope_of};

/// A run of a line: points `start..=end` of `shape.lines[line]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    line: u32,
    start: u32,
    end: u32,
}

/// Points per indexed run of a line: small enough that a pick tests few segments.
const LINE_CHUNK: usize = 8;

/// Most markers drawn one by one; beyond it a frame draws clusters.
pub const POINT_LIMIT: usize = 4_000;
/// Most lines drawn one by one; beyond it a frame draws their density.
pub const LINE_LIMIT: usize = 1_500;
/// Clusters are drawn on cells 2^6 = 64 to 128 points wide.
const CLUSTER_CELL_PX_LOG2: u8 = 6;
/// Density is drawn on cells 2^3 = 8 to 16 points wide.
const DENSITY_CELL_PX_LOG2: u8 = 3;

type Boxed<T> = GeomWithData<Rectangle<Unit>, T>;

/// How a frame draws what is in view: every feature, or an aggregate where there are too
/// many. Computed once per frame, shared by painting and picking.
#[derive(Clone, Debug, Default)]
pub struct FramePlan {
    /// Point markers to draw, as (feature, point) pairs, when no more than [`POINT_LIMIT`]
    /// are in view.
    pub points: Vec<(u32, u32)>,
    /// Otherwise, the clusters in view and their level.
    pub clusters: Option<(u8, Vec<Cluster>)>,
    /// Line features to draw, when no more than [`LINE_LIMIT`] are in view.
    pub lines: Vec<u32>,
    /// Otherwise, the density cells in view, their level and the level's largest count.
    pub density: Option<(u8, Vec<DensityCell>, u32)>,
    /// Polygon features in view.
    pub polygons: Vec<u32>,
}

impl FramePlan {
    /// Every feature the plan draws one by one, sorted, each once.
    pub fn features(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self
            .points
            .iter()
            .map(|&(f, _)| f as usize)
            .chain(self.lines.iter().map(|&f| f as usize))
            .chain(self.polygons.iter().map(|&f| f as usize))
            .chain(
                self.clusters
                    .iter()
                    .flat_map(|(_, cells)| cells.iter().filter(|c| c.count == 1))
                    .map(|c| c.first as usize),
            )
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// What lies under the pointer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hit {
    /// One feature.
    Feature(usize),
    /// A cluster of points: how many, and the square of its cell (unit Mercator).
    Cluster {
        /// Points in it.
        count: u32,
        /// The cell's corners.
        bounds: (Unit, Unit),
    },
}

/// The radius of a cluster's disc, in points, by its count.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub fn cluster_radius_px(count: u32) -> f32 {
    9.0 + 4.5 * (count.max(1) as f32).log10()
}

/// The dataset's geometry, ready to draw and pick.
pub struct MapLayers {
    /// One per feature, in dataset order.
    drawn: Vec<Drawn>,
    points: RTree<GeomWithData<Unit, (u32, u32)>>,
    runs: RTree<Boxed<(u32, Run)>>,
    lines: RTree<Boxed<u32>>,
    polygons: RTree<Boxed<(u32, u32)>>,
    clusters: ClusterPyramid,
    density: DensityPyramid,
    /// What the aggregates are built from, for building them again for a time range.
    inputs: Arc<AggregateInputs>,
    bounds: Option<AABB<Unit>>,
    /// The time range shown, when the timeline filters the map.
    range: Option<Arc<RangeLayers>>,
    /// Edits not yet in the aggregates, oldest first.
    pending: Vec<Arc<AggregateDelta>>,
}

/// One edit step's change to the aggregates' inputs: the features it touched, and their
/// keyed points and line cells now.
#[derive(Debug)]
struct AggregateDelta {
    /// Sorted.
    touched: Vec<u32>,
    points: Vec<KeyedPoint>,
    lines: Vec<(u32, u32)>,
}

/// The aggregates' inputs and the edits to fold into them, to run on any thread.
#[derive(Debug)]
pub struct AggregateWork {
    inputs: Arc<AggregateInputs>,
    deltas: Vec<Arc<AggregateDelta>>,
}

/// Aggregates built again after edits, for [`MapLayers::set_aggregates`].
#[derive(Debug)]
pub struct Aggregates {
    inputs: Arc<AggregateInputs>,
    clusters: ClusterPyramid,
    density: DensityPyramid,
    /// How many pending edits they include.
    folded: usize,
}

impl AggregateWork {
    /// Folds the edits into the inputs and builds both pyramids (at a million points,
    /// tens of milliseconds: see the `edit` benchmarks).
    pub fn run(self) -> Aggregates {
        let mut folded: Option<AggregateInputs> = None;
        for delta in &self.deltas {
            let from = folded.as_ref().unwrap_or(&self.inputs);
            folded = Some(from.replaced(&delta.touched, &delta.points, &delta.lines));
        }
        let inputs = folded.unwrap_or_else(|| (*self.inputs).clone());
        let (clusters, density) = inputs.pyramids();
        Aggregates {
            inputs: Arc::new(inputs),
            clusters,
            density,
            folded: self.deltas.len(),
        }
    }
}

/// The index entries of features: their points, line runs, whole lines and polygons.
#[derive(Default)]
struct Entries {
    points: Vec<GeomWithData<Unit, (u32, u32)>>,
    runs: Vec<Boxed<(u32, Run)>>,
    lines: Vec<Boxed<u32>>,
    polygons: Vec<Boxed<(u32, u32)>>,
}

impl Entries {
    /// Adds the entries of feature `i`, drawn as `shape`.
    fn add(&mut self, i: u32, shape: ShapeRef<'_>) {
        for (k, p) in shape.points.iter().enumerate() {
            self.points.push(GeomWithData::new(*p, (i, as_u32(k))));
        }
        for (l, line) in shape.lines.iter().enumerate() {
            let mut start = 0;
            while start + 1 < line.len() {
                let end = (start + LINE_CHUNK).min(line.len() - 1);
                let run = line.get(start..=end).unwrap_or(&[]);
                if let Some(b) = envelope(run, shape.geodesic) {
                    let run = Run {
                        line: as_u32(l),
                        start: as_u32(start),
                        end: as_u32(end),
                    };
                    self.runs.push(GeomWithData::new(
                        Rectangle::from_corners(b.lower(), b.upper()),
                        (i, run),
                    ));
                }
                start = end;
            }
        }
        let track = shape
            .lines
            .iter()
            .filter_map(|l| envelope(l, shape.geodesic));
        if let Some(b) = track.reduce(|a, b| a.merged(&b)) {
            self.lines.push(GeomWithData::new(
                Rectangle::from_corners(b.lower(), b.upper()),
                i,
            ));
        }
        for (k, rings) in shape.polygons.iter().enumerate() {
            if let Some(b) = envelope_of(rings.iter().flatten()) {
                self.polygons.push(GeomWithData::new(
                    Rectangle::from_corners(b.lower(), b.upper()),
                    (i, as_u32(k)),
                ));
            }
        }
    }
}

fn as_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Feature `i`'s geometry, projected (a route densified along its geodesic); nothing for
/// a deleted feature, which keeps its index.
fn drawn_of(dataset: &Dataset, i: usize) -> Drawn {
    let Some(f) = dataset.get(i) else {
        return Drawn::None;
    };
    if let Some(p) = f.point().filter(|_| f.is_point()) {
        return Drawn::Point(mercator::project(p.x(), p.y()));
    }
    let Some(geometry) = f.geometry() else {
        return Drawn::None;
    };
    let route = f.kind == FeatureKind::Route;
    let mut shape = Shape {
        geodesic: route,
        ..Shape::default()
    };
    add_geometry(&mut shape, &geometry, route);
    Drawn::Shape(Box::new(shape))
}

/// The map for a time range: the features shown, those only possibly in it, and the
/// aggregates of the features shown. Built off the UI thread by [`MapLayers::range_builder`].
#[derive(Debug)]
pub struct RangeLayers {
    /// Which features the range shows.
    pub in_range: Arc<InRange>,
    clusters: ClusterPyramid,
    density: DensityPyramid,
}

impl MapLayers {
    /// Projects every feature once, indexes it, and builds the aggregates.
    pub fn new(dataset: &Dataset) -> Self {
        let started = std::time::Instant::now();
        // Projecting and densifying routes along geodesics is the costly part: on all cores.
        let drawn: Vec<Drawn> = crate::parallel::map_ranges(dataset.len(), 8_192, |range| {
            range.map(|i| drawn_of(dataset, i)).collect()
        });
        log::debug!("layers: geometry projected in {:.2?}", started.elapsed());
        let mut entries = Entries::default();
        for (i, drawn) in drawn.iter().enumerate() {
            entries.add(as_u32(i), drawn.view());
        }
        let Entries {
            points,
            runs,
            lines,
            polygons,
        } = entries;
        log::debug!(
            "layers: {} points, {} runs, {} lines listed in {:.2?}",
            points.len(),
            runs.len(),
            lines.len(),
            started.elapsed()
        );
        // The indexes and aggregates are independent: each on its own thread.
        let (
            points,
            (clusters, keyed_points),
            runs,
            (lines, (density, keyed_lines)),
            polygons,
            bounds,
        ) = std::thread::scope(|scope| {
            let clusters = scope.spawn(|| {
                let keyed = ClusterPyramid::keyed(points.iter().map(|p| (*p.geom(), p.data.0)));
                let clusters = ClusterPyramid::from_keyed(keyed.iter().copied());
                (RTree::bulk_load(points), (clusters, keyed))
            });
            let runs = scope.spawn(|| RTree::bulk_load(runs));
            let lines = scope.spawn(|| {
                let keyed = DensityPyramid::keyed(
                    drawn
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (as_u32(i), d.view().lines))
                        .filter(|(_, lines)| !lines.is_empty()),
                );
                let density = DensityPyramid::from_cells(keyed.iter().map(|&(key, _)| key));
                (RTree::bulk_load(lines), (density, keyed))
            });
            let polygons = RTree::bulk_load(polygons);
            let bounds = drawn
                .iter()
                .filter_map(|d| d.view().bounds())
                .reduce(|a, b| a.merged(&b));
            let (points, clusters) = joined(clusters.join());
            (
                points,
                clusters,
                joined(runs.join()),
                joined(lines.join()),
                polygons,
                bounds,
            )
        });
        log::debug!("layers: indexed in {:.2?}", started.elapsed());
        Self {
            drawn,
            points,
            runs,
            lines,
            polygons,
            clusters,
            density,
            inputs: Arc::new(AggregateInputs {
                points: keyed_points,
                lines: keyed_lines,
            }),
            bounds,
            range: None,
            pending: Vec::new(),
        }
    }

    /// Brings the layers up to date with features `indices` of `dataset` changed, added or
    /// deleted: their geometry projected again and their entries in the indexes replaced,
    /// in time that grows with the features touched, not with the dataset. The aggregates
    /// (clusters, density) fall behind until [`Self::aggregate_work`]'s result is handed
    /// to [`Self::set_aggregates`]; until then they are those of the features before the
    /// edit.
    pub fn update(&mut self, dataset: &Dataset, indices: &[usize]) {
        let mut touched: Vec<usize> = indices.to_vec();
        touched.sort_unstable();
        touched.dedup();
        if self.drawn.len() < dataset.len() {
            self.drawn.resize(dataset.len(), Drawn::None);
        }
        let mut old = Entries::default();
        let mut new = Entries::default();
        let mut grown: Option<AABB<Unit>> = None;
        for &i in &touched {
            let Some(slot) = self.drawn.get_mut(i) else {
                continue;
            };
            old.add(as_u32(i), slot.view());
            *slot = drawn_of(dataset, i);
            let view = slot.view();
            new.add(as_u32(i), view);
            if let Some(b) = view.bounds() {
                grown = Some(grown.map_or(b, |g| g.merged(&b)));
            }
        }
        for p in &old.points {
            self.points.remove(p);
        }
        for r in &old.runs {
            self.runs.remove(r);
        }
        for l in &old.lines {
            self.lines.remove(l);
        }
        for p in &old.polygons {
            self.polygons.remove(p);
        }
        // The keyed inputs of the touched features, for the aggregates to come.
        let keyed_points = ClusterPyramid::keyed(new.points.iter().map(|p| (*p.geom(), p.data.0)));
        let keyed_lines = DensityPyramid::keyed(touched.iter().filter_map(|&i| {
            let lines = self.drawn.get(i)?.view().lines;
            (!lines.is_empty()).then_some((as_u32(i), lines))
        }));
        let Entries {
            points,
            runs,
            lines,
            polygons,
        } = new;
        points.into_iter().for_each(|p| self.points.insert(p));
        runs.into_iter().for_each(|r| self.runs.insert(r));
        lines.into_iter().for_each(|l| self.lines.insert(l));
        polygons.into_iter().for_each(|p| self.polygons.insert(p));
        // The extent grows with what was added or moved out; it shrinks on the next load.
        if let Some(g) = grown {
            self.bounds = Some(self.bounds.map_or(g, |b| b.merged(&g)));
        }
        self.pending.push(Arc::new(AggregateDelta {
            touched: touched.iter().map(|&i| as_u32(i)).collect(),
            points: keyed_points,
            lines: keyed_lines,
        }));
    }

    /// The work that brings the aggregates up to date with the edits since they were last
    /// built (`None` when they are): run it on any thread, then hand its result to
    /// [`Self::set_aggregates`].
    pub fn aggregate_work(&self) -> Option<AggregateWork> {
        (!self.pending.is_empty()).then(|| AggregateWork {
            inputs: Arc::clone(&self.inputs),
            deltas: self.pending.clone(),
        })
    }

    /// Puts in the aggregates [`AggregateWork::run`] built; the edits they include are no
    /// longer pending (those made meanwhile still are).
    pub fn set_aggregates(&mut self, built: Aggregates) {
        let folded = built.folded.min(self.pending.len());
        self.pending.drain(..folded);
        self.inputs = built.inputs;
        self.clusters = built.clusters;
        self.density = built.density;
    }

    /// Whether edits are not yet in the aggregates.
    pub fn aggregates_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Builds the layers of a time range, on whichever thread calls it.
    pub fn range_builder(&self) -> impl Fn(Arc<InRange>) -> RangeLayers + Send + 'static {
        let inputs = Arc::clone(&self.inputs);
        move |in_range| {
            let (clusters, density) = inputs.pyramids_of(|f| in_range.shown.get(f as usize));
            RangeLayers {
                in_range,
                clusters,
                density,
            }
        }
    }

    /// Draws only the features of a time range (or, with `None`, every feature).
    pub fn set_range(&mut self, range: Option<Arc<RangeLayers>>) {
        self.range = range;
    }

    /// Whether feature `index` is drawn: in the time range, or every feature without one.
    #[inline]
    pub fn is_shown(&self, index: usize) -> bool {
        self.range
            .as_ref()
            .is_none_or(|r| r.in_range.shown.get(index))
    }

    /// Whether feature `index` is drawn only because it may fall in the time range (its
    /// span reaches outside it).
    #[inline]
    pub fn is_partly_in_range(&self, index: usize) -> bool {
        self.range
            .as_ref()
            .is_some_and(|r| r.in_range.partly.get(index))
    }

    fn cluster_pyramid(&self) -> &ClusterPyramid {
        self.range.as_ref().map_or(&self.clusters, |r| &r.clusters)
    }

    fn density_pyramid(&self) -> &DensityPyramid {
        self.range.as_ref().map_or(&self.density, |r| &r.density)
    }

    /// The extent of every drawn feature, in unit Mercator.
    pub fn bounds(&self) -> Option<(Unit, Unit)> {
        self.bounds.map(|b| (b.lower(), b.upper()))
    }

    /// The point clusters, every level (of the time range's features, when one is set).
    pub fn clusters(&self) -> &ClusterPyramid {
        self.cluster_pyramid()
    }

    /// Indices of features whose geometry's boxes meet `rect` (unit Mercator), sorted.
    pub fn in_rect(&self, min: Unit, max: Unit) -> Vec<usize> {
        let aabb = AABB::from_corners(min, max);
        let mut found: Vec<usize> = self
            .points
            .locate_in_envelope(&aabb)
            .map(|g| g.data.0 as usize)
            .chain(
                self.lines
                    .locate_in_envelope_intersecting(&aabb)
                    .map(|g| g.data as usize),
            )
            .chain(
                self.polygons
                    .locate_in_envelope_intersecting(&aabb)
                    .map(|g| g.data.0 as usize),
            )
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Decides how to draw the view: features one by one where few are in view, clusters and
    /// density where there are many. The work is bounded by the limits and the window's size,
    /// not by the dataset's.
    pub fn plan(&self, view: &ScreenTransform, zoom: f64) -> FramePlan {
        let (min, max) = view.visible_unit_rect();
        // A margin so that markers and lines just outside still draw their edges.
        let margin = 24.0 / view.scale;
        let (min, max) = (
            [min[0] - margin, min[1] - margin],
            [max[0] + margin, max[1] + margin],
        );
        let aabb = AABB::from_corners(min, max);
        let mut plan = FramePlan::default();
        let points: Vec<(u32, u32)> = self
            .points
            .locate_in_envelope(&aabb)
            .take(POINT_LIMIT + 1)
            .map(|g| g.data)
            .collect();
        // Whether to cluster is decided on every point in view, so that the work stays
        // bounded; a time range then counts only its own features in the clusters.
        if points.len() > POINT_LIMIT {
            let level = level_for_zoom(zoom, CLUSTER_CELL_PX_LOG2, CLUSTER_MAX_LEVEL);
            plan.clusters = Some((level, self.cluster_pyramid().in_rect(level, min, max)));
        } else {
            plan.points = points;
            plan.points.retain(|&(f, _)| self.is_shown(f as usize));
        }
        let lines: Vec<u32> = self
            .lines
            .locate_in_envelope_intersecting(&aabb)
            .take(LINE_LIMIT + 1)
            .map(|g| g.data)
            .collect();
        if lines.len() > LINE_LIMIT {
            let level = level_for_zoom(zoom, DENSITY_CELL_PX_LOG2, DENSITY_MAX_LEVEL);
            let density = self.density_pyramid();
            let max_count = density.level(level).1;
            plan.density = Some((level, density.in_rect(level, min, max), max_count));
        } else {
            plan.lines = lines;
            plan.lines.retain(|&f| self.is_shown(f as usize));
        }
        plan.polygons = self
            .polygons
            .locate_in_envelope_intersecting(&aabb)
            .map(|g| g.data.0)
            .filter(|&f| self.is_shown(f as usize))
            .collect();
        plan.polygons.sort_unstable();
        plan.polygons.dedup();
        plan
    }

    /// What the pointer is on in a frame drawn to `plan`: a cluster where clusters are
    /// drawn, else as [`Self::pick`] (lines only where they are drawn one by one).
    pub fn hit(
        &self,
        view: &ScreenTransform,
        plan: &FramePlan,
        pointer: Pos2,
        radius_px: impl Fn(usize) -> f32,
    ) -> Option<Hit> {
        let mut points = true;
        if let Some((level, cells)) = &plan.clusters {
            points = false;
            let mut best: Option<(f32, &Cluster)> = None;
            for cell in cells {
                let center = view.to_screen([f64::from(cell.center[0]), f64::from(cell.center[1])]);
                let d = center.distance(pointer);
                let reach = if cell.count == 1 {
                    radius_px(cell.first as usize) + crate::theme::PICK_TOLERANCE_PX
                } else {
                    cluster_radius_px(cell.count)
                };
                if d <= reach && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, cell));
                }
            }
            if let Some((_, cell)) = best {
                return Some(if cell.count == 1 {
                    Hit::Feature(cell.first as usize)
                } else {
                    Hit::Cluster {
                        count: cell.count,
                        bounds: cell_bounds(cell.key, *level),
                    }
                });
            }
        }
        self.pick_among(view, pointer, &radius_px, points, plan.density.is_none())
            .map(Hit::Feature)
    }

    /// The feature under a screen position: the nearest marker within its radius, else the
    /// nearest line within reach, else a polygon containing the position.
    ///
    /// `radius_px` gives each feature's marker radius and line half-width in points.
    pub fn pick(
        &self,
        view: &ScreenTransform,
        pointer: Pos2,
        radius_px: impl Fn(usize) -> f32,
    ) -> Option<usize> {
        self.pick_among(view, pointer, &radius_px, true, true)
    }

    fn pick_among(
        &self,
        view: &ScreenTransform,
        pointer: Pos2,
        radius_px: &impl Fn(usize) -> f32,
        points: bool,
        lines: bool,
    ) -> Option<usize> {
        let reach_px = 16.0;
        let aabb = AABB::from_corners(
            view.to_unit(pointer - Vec2::splat(reach_px)),
            view.to_unit(pointer + Vec2::splat(reach_px)),
        );
        let reach = |i: usize| radius_px(i) + crate::theme::PICK_TOLERANCE_PX;
        let mut best_point: Option<(f32, usize)> = None;
        for entry in self.points.locate_in_envelope(&aabb).filter(|_| points) {
            let i = entry.data.0 as usize;
            if !self.is_shown(i) {
                continue;
            }
            let d = view.to_screen(*entry.geom()).distance(pointer);
            if d <= reach(i) && best_point.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                best_point = Some((d, i));
            }
        }
        if let Some((_, i)) = best_point {
            return Some(i);
        }
        let mut best_line: Option<(f32, usize)> = None;
        let mut on_screen = Vec::new();
        for entry in self
            .runs
            .locate_in_envelope_intersecting(&aabb)
            .filter(|_| lines)
        {
            let (i, Run { line, start, end }) = (entry.data.0 as usize, entry.data.1);
            if !self.is_shown(i) {
                continue;
            }
            let Some((shape, run)) = self.shape(i).and_then(|s| {
                let run = s
                    .lines
                    .get(line as usize)?
                    .get(start as usize..=end as usize)?;
                Some((s, run))
            }) else {
                continue;
            };
            shape.line_on_screen(run, view, &mut on_screen);
            let d = distance_to_polyline(on_screen.iter().copied(), pointer);
            if d <= reach(i) && best_line.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                best_line = Some((d, i));
            }
        }
        if let Some((_, i)) = best_line {
            return Some(i);
        }
        let unit = view.to_unit(pointer);
        self.polygons
            .locate_all_at_point(&unit)
            .filter(|entry| self.is_shown(entry.data.0 as usize))
            .filter(|entry| {
                self.shape(entry.data.0 as usize)
                    .and_then(|s| s.polygons.get(entry.data.1 as usize))
                    .is_some_and(|rings| even_odd_contains(rings, unit))
            })
            .map(|entry| entry.data.0 as usize)
            .min()
    }

    /// How many features the layers hold (one per feature of the dataset).
    pub fn len(&self) -> usize {
        self.drawn.len()
    }

    /// Whether they hold none.
    pub fn is_empty(&self) -> bool {
        self.drawn.is_empty()
    }

    /// Whether a feature has anything to draw.
    pub fn is_drawn(&self, index: usize) -> bool {
        self.shape(index).is_some_and(|s| !s.is_empty())
    }

    /// Feature `index`'s geometry in unit Mercator.
    pub fn shape(&self, index: usize) -> Option<ShapeRef<'_>> {
        self.drawn.get(index).map(Drawn::view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Rect, pos2};

    fn sample() -> (crate::dataset::Dataset, MapLayers) {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"a","properties":{"kind":"base"},"geometry":{"type":"Point","coordinates":[44,33]}},
          {"type":"Feature","id":"far","properties":{},"geometry":{"type":"Point","coordinates":[-100,40]}},
          {"type":"Feature","id":"r","properties":{"kind":"route","from":"a","to":"b"},
           "geometry":{"type":"LineString","coordinates":[[44,33],[40,35]]}},
          {"type":"Feature","id":"b","properties":{"kind":"target"},"geometry":{"type":"Point","coordinates":[40,35]}}]}"#;
        let d = crate::dataset::parse_str(text, None).expect("loads");
        let layers = MapLayers::new(&d);
        (d, layers)
    }

    fn view() -> ScreenTransform {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), egui::vec2(1000.0, 700.0));
        ScreenTransform::new(rect, crate::geometry::mercator::project(42.0, 34.0), 6.0)
    }

    #[test]
    fn picking_finds_points_then_lines_and_nothing_on_an_empty_spot() {
        let (_, layers) = sample();
        let view = view();
        let radius = |_| 6.5;
        let at = |lon, lat| view.to_screen(crate::geometry::mercator::project(lon, lat));
        assert_eq!(
            layers.pick(&view, at(44.0, 33.0), radius),
            Some(0),
            "the base, above the route's start"
        );
        assert_eq!(layers.pick(&view, at(40.0, 35.0), radius), Some(3));
        // The middle of the route (its geodesic is near the straight line at this scale).
        let route = layers.shape(2).expect("the route").lines[0].clone();
        let mid = route[route.len() / 2];
        assert_eq!(layers.pick(&view, view.to_screen(mid), radius), Some(2));
        assert_eq!(layers.pick(&view, at(43.0, 30.0), radius), None);
    }

    #[test]
    fn a_route_is_picked_on_its_great_circle_at_street_level() {
        // Close in, a chord of the kept track is many points off the geodesic; picking
        // (like drawing) follows the great circle, not the chord.
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"r","properties":{"kind":"route"},
           "geometry":{"type":"LineString","coordinates":[[40,35],[48,35]]}}]}"#;
        let d = crate::dataset::parse_str(text, None).expect("loads");
        let layers = MapLayers::new(&d);
        let track = layers.shape(0).expect("the route").lines[0].clone();
        assert!(track.len() < 12, "{} vertices kept", track.len());
        // A point on the geodesic halfway along the second chord, at zoom 15.
        let (a, b) = (track[1], track[2]);
        let on_route = crate::geometry::geodesic::great_circle_at(a, b, 0.5);
        let rect = Rect::from_min_size(pos2(0.0, 0.0), egui::vec2(1000.0, 700.0));
        let view = ScreenTransform::new(rect, on_route, 15.0);
        let pointer = view.to_screen(on_route);
        let chord_off = distance_to_polyline([view.to_screen(a), view.to_screen(b)], pointer);
        assert!(
            chord_off > 3.0 * crate::theme::PICK_TOLERANCE_PX,
            "the chord is only {chord_off} px off"
        );
        assert_eq!(layers.pick(&view, pointer, |_| 3.0), Some(0));
        // The plan finds it in view although the chord's own box would not reach.
        let (min, max) = view.visible_unit_rect();
        assert_eq!(layers.in_rect(min, max), vec![0]);
    }

    #[test]
    fn layers_updated_after_edits_are_the_layers_built_afresh() {
        use crate::dataset::{Edit, Feature};
        use geo_types::{Geometry, LineString, Point};
        let (mut d, mut layers) = sample();
        let mut moved = d.feature(0).expect("a");
        moved.geometry = Some(Geometry::Point(Point::new(36.0, 36.0)));
        let mut route = d.feature(2).expect("r");
        route.geometry = Some(Geometry::LineString(LineString::from(vec![
            (36.0, 36.0),
            (40.0, 35.0),
        ])));
        let added = Feature {
            id: "c".to_owned(),
            geometry: Some(Geometry::Point(Point::new(45.0, 30.0))),
            ..Feature::default()
        };
        let steps = [
            vec![Edit::Replace(0, moved), Edit::Replace(2, route)],
            vec![Edit::Delete(1), Edit::Add(added)],
        ];
        for edits in steps {
            let changed = d.apply("edit", edits).expect("applies");
            layers.update(&d, &changed.indices);
        }
        let fresh = MapLayers::new(&d);
        assert_eq!(layers.len(), 5);
        let world = ([0.0, 0.0], [1.0, 1.0]);
        assert_eq!(layers.in_rect(world.0, world.1), vec![0, 2, 3, 4]);
        assert_eq!(
            layers.in_rect(world.0, world.1),
            fresh.in_rect(world.0, world.1)
        );
        for i in 0..5 {
            assert_eq!(layers.shape(i), fresh.shape(i), "feature {i}");
        }
        let view = view();
        let at = |lon, lat| view.to_screen(crate::geometry::mercator::project(lon, lat));
        assert_eq!(layers.pick(&view, at(36.0, 36.0), |_| 6.5), Some(0));
        assert_eq!(layers.pick(&view, at(44.0, 33.0), |_| 6.5), None, "moved");
        assert_eq!(layers.pick(&view, at(45.0, 30.0), |_| 6.5), Some(4));
        // The aggregates follow once their work is run.
        assert!(layers.aggregates_pending());
        assert_eq!(layers.clusters().total(), 3, "as before the edits");
        let work = layers.aggregate_work().expect("edits pending");
        layers.set_aggregates(work.run());
        assert!(!layers.aggregates_pending());
        for level in 0..=CLUSTER_MAX_LEVEL {
            assert_eq!(
                layers.clusters().level(level),
                fresh.clusters().level(level)
            );
        }
        for level in 0..=DENSITY_MAX_LEVEL {
            assert_eq!(
                layers.density_pyramid().level(level),
                fresh.density_pyramid().level(level)
            );
        }
    }

    #[test]
    fn a_point_far_outside_the_view_is_not_drawn() {
        let (_, layers) = sample();
        let (min, max) = view().visible_unit_rect();
        let visible = layers.in_rect(min, max);
        assert_eq!(
            visible,
            vec![0, 2, 3],
            "each feature once, the far one left out"
        );
    }

    #[test]
    fn many_points_in_view_are_drawn_as_clusters_that_keep_the_count() {
        let spec = crate::synth::SynthSpec {
            points: POINT_LIMIT + 2_000,
            routes: LINE_LIMIT + 10,
            seed: 11,
        };
        let d = crate::dataset::parse_str(&crate::synth::dataset_text(spec), None).expect("loads");
        let layers = MapLayers::new(&d);
        assert_eq!(layers.clusters().total(), spec.points as u64);
        // The whole region: too many points and lines to draw one by one.
        let rect = Rect::from_min_size(pos2(0.0, 0.0), egui::vec2(1600.0, 1000.0));
        let zoom = 4.0;
        let view = ScreenTransform::new(rect, crate::geometry::mercator::project(45.0, 32.5), zoom);
        let plan = layers.plan(&view, zoom);
        assert!(plan.points.is_empty() && plan.lines.is_empty());
        let (_, cells) = plan.clusters.as_ref().expect("clusters");
        let clustered: u64 = cells.iter().map(|c| u64::from(c.count)).sum();
        assert_eq!(
            clustered, spec.points as u64,
            "every point is in a drawn cluster"
        );
        let (_, density, max) = plan.density.as_ref().expect("density");
        assert!(!density.is_empty() && *max > 1);
        // Pointing at the biggest cluster's centre hits that cluster.
        let big = cells.iter().max_by_key(|c| c.count).expect("a cluster");
        let at = view.to_screen([f64::from(big.center[0]), f64::from(big.center[1])]);
        match layers.hit(&view, &plan, at, |_| 6.5) {
            Some(Hit::Cluster { count, .. }) => assert_eq!(count, big.count),
            other => panic!("expected a cluster, got {other:?}"),
        }
        // Zoomed in on one spot: few enough to draw each, and the clusters are gone.
        let zoom = 11.0;
        let view = ScreenTransform::new(rect, crate::geometry::mercator::project(45.0, 32.5), zoom);
        let plan = layers.plan(&view, zoom);
        assert!(plan.clusters.is_none() && plan.density.is_none());
        let (min, max) = view.visible_unit_rect();
        let inside = d
            .iter()
            .filter_map(|f| f.point())
            .map(|p| crate::geometry::mercator::project(p.x(), p.y()))
            .filter(|u| (min[0]..=max[0]).contains(&u[0]) && (min[1]..=max[1]).contains(&u[1]))
            .count();
        assert!(
            plan.points.len() >= inside,
            "{} < {inside}",
            plan.points.len()
        );
        assert!(plan.points.len() <= POINT_LIMIT);
    }
}
