//! The map: walkers' slippy map with our layers drawn on top, hover and click picking, and
//! fit-to-extent. Geometry comes precomputed from [`MapLayers`]; a frame scales it, culls it
//! with the R-tree, and paints what is in view. Reads the model, draws with the basemap and
//! the theme; knows nothing of the panels or the app.

pub mod aggregate;
pub mod draw;
pub mod edit;
pub mod graticule;
pub mod layers;
mod shape;
pub mod tint;

use egui::{Pos2, Shape, Ui, Vec2};
use walkers::{HttpOptions, HttpTiles, Map, MapMemory, PmTiles, Position, lon_lat};

use crate::basemap::tiles::OfflineTiles;
use crate::basemap::{Reachability, ReachabilityProbe};

pub use edit::{RouteClick, Tool};
pub use layers::{AggregateWork, Aggregates, FramePlan, Hit, MapLayers, RangeLayers};

use crate::dataset::Dataset;
use crate::geometry::mercator;
use crate::geometry::screen::ScreenTransform;
use crate::scene::painter::shapes as scene_shapes;
use crate::scene::{Scene, SceneStats};
use crate::theme::Palette;
use draw::Emphasis;

/// Which tiles lie under our layers.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Basemap {
    /// The embedded Natural Earth basemap, rendered on this machine. Needs no network.
    #[default]
    Offline,
    /// OpenStreetMap's standard tiles, cached on disk, over the offline basemap.
    OpenStreetMap,
    /// A local raster `.pmtiles` archive, over the offline basemap.
    PmTiles(std::path::PathBuf),
    /// No tiles: a neutral background with a graticule.
    None,
}

impl Basemap {
    /// Name shown in menus.
    pub fn label(&self) -> String {
        match self {
            Self::Offline => "Offline (Natural Earth)".to_owned(),
            Self::OpenStreetMap => "OpenStreetMap".to_owned(),
            Self::PmTiles(path) => format!(
                "PMTiles: {}",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
            Self::None => "None (graticule)".to_owned(),
        }
    }

    /// Parses `offline`, `osm`, `none` or a path to a `.pmtiles` file.
    ///
    /// # Errors
    /// A message naming the accepted values.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "offline" => Ok(Self::Offline),
            "osm" | "openstreetmap" => Ok(Self::OpenStreetMap),
            "none" => Ok(Self::None),
            path if path.ends_with(".pmtiles") => Ok(Self::PmTiles(path.into())),
            other => Err(format!(
                "{other:?} is not a basemap: use offline, osm, none or a path ending in .pmtiles"
            )),
        }
    }
}

/// What the user did on the map this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapResponse {
    /// The feature under the pointer.
    pub hovered: Option<usize>,
    /// Set when the map was clicked (not dragged): the feature clicked, or `None` for an
    /// empty spot.
    pub clicked: Option<Option<usize>>,
    /// Longitude and latitude under the pointer, in degrees.
    pub pointer_lon_lat: Option<(f64, f64)>,
    /// The point tool clicked here (longitude, latitude).
    pub placed: Option<(f64, f64)>,
    /// A marker was dragged to a new place: the feature, longitude, latitude.
    pub moved: Option<(usize, f64, f64)>,
    /// A route's waypoint was dragged to a new place: the route, the vertex, longitude,
    /// latitude.
    pub moved_waypoint: Option<(usize, usize, f64, f64)>,
    /// The route tool clicked.
    pub route_click: Option<RouteClick>,
}

/// The map's state between frames.
pub struct MapView {
    /// walkers' centre and zoom.
    pub memory: MapMemory,
    offline: Option<OfflineTiles>,
    osm: Option<(HttpTiles, ReachabilityProbe)>,
    pmtiles: Option<(std::path::PathBuf, PmTiles)>,
    /// The transform of the last frame drawn, for tests and for fitting.
    pub last_transform: Option<ScreenTransform>,
    /// What the last frame drew, for tests comparing the window with a figure.
    pub last_stats: SceneStats,
    fit_pending: bool,
    /// After a fit, the size it was made for and for how many more frames a change of size
    /// (panels finding their size on the first frames) fits again.
    fitted_for: Option<(Vec2, u8)>,
    /// When the first frame was drawn, and how long after it the offline basemap had every
    /// tile in view ready.
    first_frame: Option<std::time::Instant>,
    /// How long after the first frame the offline basemap first had every tile in view.
    pub basemap_ready_after: Option<std::time::Duration>,
    /// A marker being dragged, while editing.
    drag: Option<edit::Drag>,
}

/// What the map shows this frame.
#[derive(Clone, Copy)]
pub struct MapInput<'a> {
    /// The dataset.
    pub dataset: &'a Dataset,
    /// Its map layers.
    pub layers: &'a MapLayers,
    /// Selection and hover.
    pub emphasis: Emphasis<'a>,
    /// The tiles underneath.
    pub basemap: &'a Basemap,
    /// Colours of our layers.
    pub palette: &'a Palette,
    /// Dark theme.
    pub dark: bool,
    /// Countries to tint (those a selected route crosses).
    pub tinted_countries: &'a [String],
    /// The editing tool, while editing.
    pub tool: Option<Tool>,
    /// The vertices of the route being drawn (longitude, latitude), drawn on to the pointer.
    pub draft: &'a [(f64, f64)],
}

/// Zoom used when the dataset is one point.
const SINGLE_POINT_ZOOM: f64 = 9.0;

/// The share of the map that fitting every feature fills (a margin around them).
pub const FIT_SHARE: f64 = 0.85;

/// The centre and zoom (walkers' zoom, clamped to `zoom_range`) at which the rectangle
/// `min..max` (unit Mercator) fills `share` of `size`; a single point gets a street-level
/// zoom.
pub fn fit(
    min: mercator::Unit,
    max: mercator::Unit,
    size: Vec2,
    share: f64,
    zoom_range: (f64, f64),
) -> (mercator::Unit, f64) {
    let center = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
    let (dx, dy) = ((max[0] - min[0]) * 256.0, (max[1] - min[1]) * 256.0);
    let (w, h) = (f64::from(size.x) * share, f64::from(size.y) * share);
    let zoom = if dx <= f64::EPSILON && dy <= f64::EPSILON {
        SINGLE_POINT_ZOOM
    } else {
        (w / dx.max(1e-12))
            .min(h / dy.max(1e-12))
            .log2()
            .clamp(zoom_range.0, zoom_range.1)
    };
    (center, zoom)
}

impl Default for MapView {
    fn default() -> Self {
        Self::new()
    }
}

impl MapView {
    /// A map that will fit the dataset on its first frame.
    pub fn new() -> Self {
        Self {
            memory: MapMemory::default(),
            offline: None,
            osm: None,
            pmtiles: None,
            last_transform: None,
            last_stats: SceneStats::default(),
            fit_pending: true,
            fitted_for: None,
            first_frame: None,
            basemap_ready_after: None,
            drag: None,
        }
    }

    /// Keeps the centre and zoom as set, instead of fitting the dataset on the first frame.
    pub fn skip_fit(&mut self) {
        self.fit_pending = false;
        self.fitted_for = None;
    }

    /// Fits every feature on the next frame (when the map's size is known).
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Centres the map on a feature, keeping the zoom.
    pub fn center_on(&mut self, layers: &MapLayers, index: usize) {
        if let Some(center) = layers.shape(index).and_then(|s| {
            s.points
                .first()
                .copied()
                .or_else(|| s.lines.first().and_then(|l| l.get(l.len() / 2)).copied())
        }) {
            let (lon, lat) = mercator::unproject(center);
            self.memory.center_at(lon_lat(lon, lat));
        }
    }

    /// Zooms in or out by whole steps.
    pub fn zoom_by(&mut self, steps: f64) {
        let zoom = (self.memory.zoom() + steps).clamp(1.0, 19.0);
        self.memory.set_zoom(zoom).ok();
    }

    /// Sets centre and zoom so that `layers` fill `size` with a margin.
    fn fit(&mut self, layers: &MapLayers, size: Vec2) {
        if let Some((min, max)) = layers.bounds() {
            self.fit_bounds(min, max, size);
        }
    }

    /// Sets centre and zoom so that the rectangle `min..max` (unit Mercator) fills `size`.
    fn fit_bounds(&mut self, min: mercator::Unit, max: mercator::Unit, size: Vec2) {
        let (center, zoom) = fit(min, max, size, FIT_SHARE, (1.0, 16.0));
        let (lon, lat) = mercator::unproject(center);
        self.memory.center_at(lon_lat(lon, lat));
        self.memory.set_zoom(zoom).ok();
    }

    /// The screen position of a feature's first point (or its line's middle) in the last
    /// frame drawn.
    pub fn screen_position(&self, layers: &MapLayers, index: usize) -> Option<Pos2> {
        let view = self.last_transform?;
        let shape = layers.shape(index)?;
        let unit = shape.points.first().copied().or_else(|| {
            shape
                .lines
                .first()
                .and_then(|l| l.get(l.len() / 2))
                .copied()
        })?;
        Some(view.to_screen(unit))
    }

    /// Keeps the tile sources in step with the chosen basemap.
    fn sync_sources(&mut self, ctx: &egui::Context, basemap: &Basemap, dark: bool) {
        if *basemap == Basemap::None {
            self.offline = None;
        } else {
            let offline = self
                .offline
                .get_or_insert_with(|| OfflineTiles::with_default_threads(ctx));
            offline.set_dark(dark);
            offline.set_pixels_per_point(ctx.pixels_per_point());
        }
        if *basemap == Basemap::OpenStreetMap {
            if self.osm.is_none() {
                self.osm = Some((
                    osm_tiles(ctx),
                    ReachabilityProbe::start("tile.openstreetmap.org", ctx),
                ));
            }
        } else {
            self.osm = None;
        }
        match basemap {
            Basemap::PmTiles(path) if self.pmtiles.as_ref().is_none_or(|(p, _)| p != path) => {
                self.pmtiles = path
                    .is_file()
                    .then(|| (path.clone(), PmTiles::new(path, ctx.clone())));
            }
            Basemap::PmTiles(_) => {}
            _ => self.pmtiles = None,
        }
    }

    /// A line for the status bar about the basemap, when something is wrong with it.
    pub fn basemap_status(&self, basemap: &Basemap) -> Option<String> {
        match basemap {
            Basemap::OpenStreetMap => match self.osm.as_ref().map(|(_, probe)| probe.state()) {
                Some(Reachability::Unreachable) => {
                    Some("OpenStreetMap is unreachable: showing the offline basemap".to_owned())
                }
                _ => None,
            },
            Basemap::PmTiles(path) if self.pmtiles.is_none() => Some(format!(
                "Cannot open {}: showing the offline basemap",
                path.display()
            )),
            _ => None,
        }
    }

    /// Records, once, how long the offline basemap took to fill the first view.
    fn note_startup(&mut self) {
        let first = *self.first_frame.get_or_insert_with(std::time::Instant::now);
        if self.basemap_ready_after.is_none()
            && let Some(offline) = &self.offline
            && offline.cached_len() > 0
            && offline.pending_len() == 0
        {
            let after = first.elapsed();
            self.basemap_ready_after = Some(after);
            log::info!(
                "offline basemap ready {} ms after the first frame",
                after.as_millis()
            );
        }
    }

    /// Whether the offline basemap has tiles still to render.
    pub fn basemap_pending(&self) -> usize {
        self.offline.as_ref().map_or(0, OfflineTiles::pending_len)
    }

    /// Shows the map, filling the space left in `ui`.
    pub fn ui(&mut self, ui: &mut Ui, input: &MapInput<'_>) -> MapResponse {
        let MapInput {
            dataset,
            layers,
            emphasis,
            basemap,
            palette,
            dark,
            tinted_countries,
            tool,
            draft,
        } = *input;
        let size = ui.available_size();
        if let Some((fitted, frames)) = self.fitted_for.take()
            && frames > 0
        {
            if fitted != size {
                self.fit_pending = true;
            } else {
                self.fitted_for = Some((fitted, frames - 1));
            }
        }
        if self.fit_pending {
            self.fit(layers, size);
            self.fit_pending = false;
            self.fitted_for = Some((size, 3));
        }
        self.sync_sources(ui.ctx(), basemap, dark);
        // A slot below the tiles for the background and graticule, filled once the frame's
        // projection is known.
        let background = ui.painter().add(Shape::Noop);
        let home = self.memory.detached().unwrap_or_else(|| lon_lat(0.0, 0.0));
        if tool.is_none() {
            self.drag = None;
        } else if self.drag.is_none() {
            let zoom = self.memory.zoom();
            let last = self.last_transform.as_ref();
            let selected = emphasis.selected;
            self.drag = edit::drag_started(ui, tool, last, zoom, layers, dataset, selected);
        }
        let mut attributions: Vec<(String, &'static str)> = Vec::new();
        let Self {
            memory,
            offline,
            osm,
            pmtiles,
            drag,
            ..
        } = self;
        if let Some(o) = offline.as_ref() {
            let a = walkers::Tiles::attribution(o);
            attributions.push((a.text.to_owned(), a.url));
        }
        let mut map = Map::new(
            offline.as_mut().map(|t| t as &mut dyn walkers::Tiles),
            memory,
            home,
        )
        .double_click_to_zoom(true)
        // A marker being dragged moves, not the map.
        .drag_pan_buttons(if drag.is_none() {
            egui::DragPanButtons::PRIMARY
        } else {
            egui::DragPanButtons::empty()
        });
        if let Some((tiles, _)) = osm.as_mut() {
            let a = walkers::Tiles::attribution(tiles);
            attributions.insert(0, (format!("© {}", a.text), a.url));
            map = map.with_layer(tiles, 1.0);
        }
        if let Some((path, tiles)) = pmtiles.as_mut() {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            attributions.insert(0, (name, ""));
            map = map.with_layer(tiles, 1.0);
        }
        let show_labels = *basemap == Basemap::Offline;
        let basemap_palette = crate::basemap::palette::BasemapPalette::for_dark_mode(dark);
        let inner = map.show(ui, |ui, response, projector, _memory| {
            let rect = response.rect;
            let center: Position = projector.unproject(rect.center().to_vec2());
            let view = ScreenTransform::new(
                rect,
                mercator::project(center.x(), center.y()),
                projector.zoom(),
            );
            let painter = ui.painter().with_clip_rect(rect);
            let mut under = Scene::new(Vec2::ZERO);
            graticule::graticule_scene(&mut under, &view, palette);
            painter.set(background, Shape::Vec(scene_shapes(&under, &painter)));
            // Tints go over the tiles, under everything else.
            let mut tints = Scene::new(Vec2::ZERO);
            tint::tint_scene(&mut tints, &view, tinted_countries, palette);
            painter.extend(scene_shapes(&tints, &painter));
            // Basemap names go under our features, but are placed after them, around them.
            let names_slot = painter.add(Shape::Noop);

            let pointer = response.hover_pos();
            let radius = |i: usize| pick_radius(dataset, i);
            let plan = layers.plan(&view, projector.zoom());
            let hit = pointer.and_then(|p| layers.hit(&view, &plan, p, radius));
            let hovered = match hit {
                Some(Hit::Feature(i)) => Some(i),
                _ => None,
            };
            let emphasis = Emphasis {
                hovered: hovered.or(emphasis.hovered),
                ..emphasis
            };
            let mut scene = Scene::new(Vec2::ZERO);
            let mut obstacles = draw::features_scene(
                &mut scene,
                &view,
                dataset,
                layers,
                &plan,
                emphasis,
                palette,
                draw::LabelRules::default(),
            );
            crate::scene::painter::paint(&scene, &painter);
            if show_labels && let Some(labels) = crate::basemap::shared_labels() {
                let names = labels.scene(&view, projector.zoom(), &mut obstacles, &basemap_palette);
                painter.set(names_slot, Shape::Vec(scene_shapes(&names, &painter)));
            }
            let stats = scene.stats();

            let gesture = edit::gesture(ui, response, &view, tool, drag, dataset);
            let click = gesture.click.then(|| {
                response
                    .interact_pointer_pos()
                    .and_then(|p| layers.hit(&view, &plan, p, radius))
            });
            let pointer_lon_lat = pointer.map(|p| mercator::unproject(view.to_unit(p)));
            let route_click = edit::route_click(tool, click, pointer_lon_lat, dataset);
            edit::draw_draft(&painter, &view, draft, pointer_lon_lat, palette.selection);
            if tool == Some(Tool::Select) {
                let handles = edit::waypoints(dataset, emphasis.selected);
                edit::draw_handles(&painter, &view, &handles, palette.selection);
            }
            let click = if tool == Some(Tool::Route) {
                None
            } else {
                click
            };
            // A click on a cluster zooms to its cell; anything else is the app's to handle.
            let (clicked, zoom_to) = match click {
                Some(Some(Hit::Cluster { bounds, .. })) => (None, Some(bounds)),
                Some(Some(Hit::Feature(i))) => (Some(Some(i)), None),
                Some(None) => (Some(None), None),
                None => (None, None),
            };
            hover_ui(ui, response, hit, dataset);
            attribution_ui(ui, rect, &attributions);
            (
                view,
                zoom_to,
                MapResponse {
                    hovered,
                    clicked,
                    pointer_lon_lat,
                    placed: gesture.placed,
                    moved: gesture.moved,
                    moved_waypoint: gesture.moved_waypoint,
                    route_click,
                },
                stats,
            )
        });
        let (view, zoom_to, response, stats) = inner.inner;
        self.last_transform = Some(view);
        self.last_stats = stats;
        if let Some((min, max)) = zoom_to {
            self.fit_bounds(min, max, view.rect.size());
        }
        self.note_startup();
        response
    }
}

/// How far from feature `i` a pointer still picks it, in points: its marker's radius, or
/// half its line's width.
fn pick_radius(dataset: &Dataset, i: usize) -> f32 {
    dataset.get(i).map_or(0.0, |f| {
        if f.point().is_some() {
            draw::marker_radius_px(&f)
        } else {
            draw::line_half_width_px(&f)
        }
    })
}

/// The pointer over the map: a cluster's count and a hint to zoom, or a feature's name and
/// kind, with the cursor that says what a click does.
fn hover_ui(ui: &Ui, response: &egui::Response, hit: Option<Hit>, dataset: &Dataset) {
    match hit {
        Some(Hit::Cluster { count, .. }) => {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ZoomIn);
            response.clone().on_hover_ui_at_pointer(|ui| {
                ui.strong(format!("{count} points"));
                ui.label("Click to zoom in");
            });
        }
        Some(Hit::Feature(i)) => {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            if let Some(f) = dataset.get(i) {
                response.clone().on_hover_ui_at_pointer(|ui| {
                    ui.strong(f.name);
                    ui.label(f.kind.as_str());
                });
            }
        }
        None => {}
    }
}

/// The basemaps' attributions in the map's lower right corner, each linking to its source.
fn attribution_ui(ui: &mut Ui, map_rect: egui::Rect, attributions: &[(String, &'static str)]) {
    let mut right = map_rect.max.x;
    for (text, url) in attributions.iter().rev() {
        let font = egui::FontId::proportional(11.0);
        let galley = ui
            .painter()
            .layout_no_wrap(text.clone(), font, ui.visuals().text_color());
        let size = galley.size() + Vec2::new(10.0, 4.0);
        let rect =
            egui::Rect::from_min_size(egui::pos2(right - size.x, map_rect.max.y - size.y), size);
        ui.painter()
            .rect_filled(rect, 2.0, ui.visuals().panel_fill.gamma_multiply(0.85));
        let label = egui::RichText::new(text).size(11.0);
        if url.is_empty() {
            ui.put(rect, egui::Label::new(label));
        } else {
            ui.put(rect, egui::Hyperlink::from_label_and_url(label, *url));
        }
        right = rect.min.x - 2.0;
    }
}

/// OpenStreetMap tiles with a disk cache in the platform's cache folder and a User-Agent
/// naming Sortie, as OSM's tile usage policy asks.
fn osm_tiles(ctx: &egui::Context) -> HttpTiles {
    let options = HttpOptions {
        cache: crate::basemap::raster::osm_cache_dir(),
        user_agent: Some(walkers::HeaderValue::from_static(
            crate::basemap::raster::USER_AGENT,
        )),
        ..HttpOptions::default()
    };
    HttpTiles::with_options(walkers::sources::OpenStreetMap, options, ctx.clone())
}
