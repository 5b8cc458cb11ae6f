//! The map: walkers' slippy map with our layers drawn on top, hover and click picking, and
//! fit-to-extent. Geometry comes precomputed from [`MapLayers`]; a frame scales it, culls it
//! with the R-tree, and paints what is in view.

pub mod draw;
pub mod graticule;
pub mod layers;
pub mod mercator;

use egui::{Pos2, Shape, Ui, Vec2};
use walkers::{HttpOptions, HttpTiles, Map, MapMemory, Position, lon_lat};

pub use layers::{MapLayers, ScreenTransform};

use crate::dataset::Dataset;
use crate::theme::Palette;
use draw::Emphasis;

/// Which tiles lie under our layers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Basemap {
    /// No tiles: a neutral background with a graticule. Needs no network.
    #[default]
    Graticule,
    /// OpenStreetMap's standard tiles, cached on disk.
    OpenStreetMap,
}

impl Basemap {
    /// Name shown in menus.
    pub fn label(self) -> &'static str {
        match self {
            Self::Graticule => "Offline (graticule)",
            Self::OpenStreetMap => "OpenStreetMap",
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
}

/// The map's state between frames.
pub struct MapView {
    /// walkers' centre and zoom.
    pub memory: MapMemory,
    tiles: Option<HttpTiles>,
    /// The transform of the last frame drawn, for tests and for fitting.
    pub last_transform: Option<ScreenTransform>,
    fit_pending: bool,
}

/// Zoom used when the dataset is one point.
const SINGLE_POINT_ZOOM: f64 = 9.0;

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
            tiles: None,
            last_transform: None,
            fit_pending: true,
        }
    }

    /// Fits every feature on the next frame (when the map's size is known).
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Centres the map on a feature, keeping the zoom.
    pub fn center_on(&mut self, layers: &MapLayers, index: usize) {
        if let Some(center) = layers.shapes.get(index).and_then(|s| {
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
        let Some((min, max)) = layers.bounds() else {
            return;
        };
        let center = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
        let (dx, dy) = ((max[0] - min[0]) * 256.0, (max[1] - min[1]) * 256.0);
        let (w, h) = (f64::from(size.x) * 0.85, f64::from(size.y) * 0.85);
        let zoom = if dx <= f64::EPSILON && dy <= f64::EPSILON {
            SINGLE_POINT_ZOOM
        } else {
            (w / dx.max(1e-12))
                .min(h / dy.max(1e-12))
                .log2()
                .clamp(1.0, 16.0)
        };
        let (lon, lat) = mercator::unproject(center);
        self.memory.center_at(lon_lat(lon, lat));
        self.memory.set_zoom(zoom).ok();
    }

    /// The screen position of a feature's first point (or its line's middle) in the last
    /// frame drawn.
    pub fn screen_position(&self, layers: &MapLayers, index: usize) -> Option<Pos2> {
        let view = self.last_transform?;
        let shape = layers.shapes.get(index)?;
        let unit = shape.points.first().copied().or_else(|| {
            shape
                .lines
                .first()
                .and_then(|l| l.get(l.len() / 2))
                .copied()
        })?;
        Some(view.to_screen(unit))
    }

    /// Shows the map, filling the space left in `ui`.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        dataset: &Dataset,
        layers: &MapLayers,
        emphasis: Emphasis,
        basemap: Basemap,
        palette: &Palette,
    ) -> MapResponse {
        if self.fit_pending {
            self.fit(layers, ui.available_size());
            self.fit_pending = false;
        }
        if basemap == Basemap::OpenStreetMap && self.tiles.is_none() {
            self.tiles = Some(osm_tiles(ui.ctx()));
        } else if basemap != Basemap::OpenStreetMap {
            self.tiles = None;
        }
        // A slot below the tiles for the background and graticule, filled once the frame's
        // projection is known.
        let background = ui.painter().add(Shape::Noop);
        let home = self.memory.detached().unwrap_or_else(|| lon_lat(0.0, 0.0));
        let tiles = self.tiles.as_mut().map(|t| t as &mut dyn walkers::Tiles);
        let attribution = tiles.as_ref().map(|t| t.attribution());
        let inner = Map::new(tiles, &mut self.memory, home)
            .double_click_to_zoom(true)
            .show(ui, |ui, response, projector, _memory| {
                let rect = response.rect;
                let center: Position = projector.unproject(rect.center().to_vec2());
                let view = ScreenTransform::new(
                    rect,
                    mercator::project(center.x(), center.y()),
                    projector.zoom(),
                );
                let painter = ui.painter().with_clip_rect(rect);
                painter.set(
                    background,
                    Shape::Vec(graticule::graticule_shapes(&painter, &view, palette)),
                );

                let pointer = response.hover_pos();
                let radius = |i: usize| {
                    dataset.features.get(i).map_or(0.0, |f| {
                        if f.point().is_some() {
                            draw::marker_radius_px(f)
                        } else {
                            draw::line_half_width_px(f)
                        }
                    })
                };
                let hovered = pointer.and_then(|p| layers.pick(&view, p, radius));
                let emphasis = Emphasis {
                    hovered: hovered.or(emphasis.hovered),
                    ..emphasis
                };
                draw::paint_features(&painter, &view, dataset, layers, emphasis, palette);

                let clicked = (response.clicked() && !response.changed()).then(|| {
                    response
                        .interact_pointer_pos()
                        .and_then(|p| layers.pick(&view, p, radius))
                });
                if let Some(i) = hovered {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                    if let Some(f) = dataset.features.get(i) {
                        response.clone().on_hover_ui_at_pointer(|ui| {
                            ui.strong(&f.name);
                            ui.label(f.kind.as_str());
                        });
                    }
                }
                if let Some(attribution) = attribution {
                    attribution_ui(ui, rect, attribution.text, attribution.url);
                }
                let pointer_lon_lat = pointer.map(|p| mercator::unproject(view.to_unit(p)));
                (
                    view,
                    MapResponse {
                        hovered,
                        clicked,
                        pointer_lon_lat,
                    },
                )
            });
        let (view, response) = inner.inner;
        self.last_transform = Some(view);
        response
    }
}

/// "© OpenStreetMap contributors" in the map's lower right corner, linking to the licence.
fn attribution_ui(ui: &mut Ui, map_rect: egui::Rect, text: &str, url: &str) {
    let label = format!("© {text}");
    let font = egui::FontId::proportional(11.0);
    let galley = ui
        .painter()
        .layout_no_wrap(label.clone(), font, ui.visuals().text_color());
    let size = galley.size() + Vec2::new(10.0, 4.0);
    let rect = egui::Rect::from_min_size(map_rect.max - size, size);
    ui.painter()
        .rect_filled(rect, 2.0, ui.visuals().panel_fill.gamma_multiply(0.85));
    ui.put(
        rect,
        egui::Hyperlink::from_label_and_url(egui::RichText::new(label).size(11.0), url),
    );
}

/// OpenStreetMap tiles with a disk cache in the platform's cache folder and a User-Agent
/// naming Sortie, as OSM's tile usage policy asks.
fn osm_tiles(ctx: &egui::Context) -> HttpTiles {
    let cache = directories::ProjectDirs::from("org", "Sortie", "sortie")
        .map(|d| d.cache_dir().join("tiles-osm"));
    let options = HttpOptions {
        cache,
        user_agent: Some(walkers::HeaderValue::from_static(concat!(
            "Sortie/",
            env!("CARGO_PKG_VERSION"),
            " (desktop map of airstrike routes)"
        ))),
        ..HttpOptions::default()
    };
    HttpTiles::with_options(walkers::sources::OpenStreetMap, options, ctx.clone())
}
