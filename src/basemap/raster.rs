//! Raster basemaps in figures: the tiles of OpenStreetMap or of a local `.pmtiles` archive
//! that a view covers, fetched (OpenStreetMap through the window's own HTTP cache) and
//! drawn into one image over the offline basemap, so that a tile that does not arrive
//! leaves Natural Earth showing, as in the window. Runs on the thread that writes the
//! figure, never on the UI thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tiny_skia::{Pixmap, PixmapPaint, Transform};

use super::palette::BasemapPalette;
use crate::geometry::screen::ScreenTransform;
use crate::scene::Image;

/// The User-Agent Sortie sends to tile servers, as OpenStreetMap's tile usage policy asks.
pub const USER_AGENT: &str = concat!(
    "Sortie/",
    env!("CARGO_PKG_VERSION"),
    " (desktop map of airstrike routes)"
);

/// The most tiles one figure fetches; a larger view takes a lower zoom level.
pub const MAX_TILES: usize = 256;

/// At most this many requests to a tile server at once (OpenStreetMap asks for few).
const PARALLEL_REQUESTS: usize = 2;

/// The folder where OpenStreetMap tiles are cached (shared by the window and figures).
pub fn osm_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "Sortie", "sortie")
        .map(|d| d.cache_dir().join("tiles-osm"))
}

/// A raster tile set to draw a figure's basemap from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RasterSource {
    /// OpenStreetMap's standard tiles, through the HTTP cache in `cache` (none: no cache).
    OpenStreetMap {
        /// The HTTP cache folder.
        cache: Option<PathBuf>,
    },
    /// A local raster `.pmtiles` archive (PNG or JPEG tiles).
    PmTiles(PathBuf),
}

impl RasterSource {
    /// OpenStreetMap through the window's cache.
    pub fn open_street_map() -> Self {
        Self::OpenStreetMap {
            cache: osm_cache_dir(),
        }
    }

    /// What the source is, for messages.
    pub fn name(&self) -> String {
        match self {
            Self::OpenStreetMap { .. } => "OpenStreetMap".to_owned(),
            Self::PmTiles(path) => file_name(path),
        }
    }
}

/// What the tiles of a view drawn into one image came to.
#[derive(Clone, Debug)]
pub struct Mosaic {
    /// The tile zoom level used.
    pub zoom: u8,
    /// Tiles the view covers.
    pub tiles: usize,
    /// Tiles drawn from the source; the rest show the offline basemap.
    pub drawn: usize,
    /// Who to credit for the tiles (from the archive's metadata, or OpenStreetMap's).
    pub credit: String,
    /// Why tiles are missing, when some are (the first reason met).
    pub problem: Option<String>,
}

/// The tiles of `source` that `view` covers, drawn at `px_per_pt` pixels per point over
/// the offline basemap in `palette`'s colours: the map's pixels (the view's rectangle),
/// and what was drawn.
///
/// # Errors
/// When the source cannot be opened at all (no such archive, vector tiles, a size too
/// large for an image). Tiles that fail one by one leave the offline basemap showing and
/// are counted in [`Mosaic::drawn`] and [`Mosaic::problem`].
pub fn mosaic(
    source: &RasterSource,
    view: &ScreenTransform,
    px_per_pt: f32,
    palette: &BasemapPalette,
) -> Result<(Image, Mosaic), String> {
    let rect = view.rect;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (w, h) = (
        (rect.width() * px_per_pt).round().max(1.0) as u32,
        (rect.height() * px_per_pt).round().max(1.0) as u32,
    );
    if f64::from(w) * f64::from(h) > 200e6 {
        return Err(format!(
            "a basemap of {w} × {h} pixels is too large: lower the size or the scale"
        ));
    }
    let mut pixmap =
        Pixmap::new(w, h).ok_or_else(|| format!("no image of {w} × {h} pixels can be made"))?;
    // Pixels of the image = (points − the map's corner) × px_per_pt.
    let to_pixels =
        Transform::from_scale(px_per_pt, px_per_pt).pre_translate(-rect.left(), -rect.top());

    let mut fetcher = Fetcher::open(source)?;
    let (min_zoom, max_zoom) = fetcher.zoom_range();
    let zoom = tile_zoom(view, px_per_pt, min_zoom, max_zoom)?;
    // The offline basemap under the tiles, at the level the window would draw it.
    let world = crate::world::World::shared();
    let zoom_view = (view.scale / 256.0).log2();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let level = zoom_view.round().clamp(0.0, 20.0) as u8;
    let under = super::render::world_scene(&world, palette, view, level, 1.0);
    crate::scene::raster::draw(&under, &mut pixmap, to_pixels);

    let tiles = tiles_in_view(view, zoom);
    let results = fetcher.fetch(&tiles);
    let mut drawn = 0;
    let mut problem = None;
    for (tile, result) in tiles.iter().zip(results) {
        let decoded = result.and_then(|bytes| match bytes {
            Some(bytes) => decode(&bytes).map(Some),
            None => Ok(None),
        });
        match decoded {
            Ok(Some(tile_pixmap)) => {
                draw_tile(&mut pixmap, &tile_pixmap, *tile, view, to_pixels);
                drawn += 1;
            }
            Ok(None) => {}
            Err(e) => {
                problem.get_or_insert(e);
            }
        }
    }
    if drawn < tiles.len() && problem.is_none() {
        problem = Some(format!(
            "{} has no tiles for {} of the {} places at zoom {zoom}",
            source.name(),
            tiles.len() - drawn,
            tiles.len()
        ));
    }
    let image = Image {
        width: w,
        height: h,
        rgba: pixmap.take(),
    };
    Ok((
        image,
        Mosaic {
            zoom,
            tiles: tiles.len(),
            drawn,
            credit: fetcher.credit(),
            problem,
        },
    ))
}

/// A tile: zoom, column, row.
type TileKey = (u8, u32, u32);

/// The tile zoom level for `view` at `px_per_pt`: the level whose pixels are nearest the
/// image's, within the source's levels, lowered until the view needs at most
/// [`MAX_TILES`] tiles.
///
/// # Errors
/// When even the source's lowest level needs more (an archive that starts close in).
fn tile_zoom(
    view: &ScreenTransform,
    px_per_pt: f32,
    min_zoom: u8,
    max_zoom: u8,
) -> Result<u8, String> {
    let ideal = (view.scale * f64::from(px_per_pt) / 256.0).log2().round();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let mut zoom = ideal.clamp(f64::from(min_zoom), f64::from(max_zoom)) as u8;
    while zoom > min_zoom && tile_count(view, zoom) > MAX_TILES {
        zoom -= 1;
    }
    if tile_count(view, zoom) > MAX_TILES {
        return Err(format!(
            "the view needs {} tiles at zoom {zoom}, the archive's lowest level (at most \
             {MAX_TILES}): show a smaller area",
            tile_count(view, zoom)
        ));
    }
    Ok(zoom)
}

/// The columns and rows of the tiles at `zoom` that `view` shows (none when it shows no
/// part of the world).
fn tile_ranges(
    view: &ScreenTransform,
    zoom: u8,
) -> Option<(std::ops::RangeInclusive<u32>, std::ops::RangeInclusive<u32>)> {
    let (min, max) = view.visible_unit_rect();
    if max[0] <= 0.0 || min[0] >= 1.0 || max[1] <= 0.0 || min[1] >= 1.0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let nf = (1u64 << zoom) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let range = |lo: f64, hi: f64| {
        let first = (lo.max(0.0) * nf).floor().min(nf - 1.0) as u32;
        let last = ((hi.min(1.0) * nf).ceil() - 1.0).clamp(f64::from(first), nf - 1.0) as u32;
        first..=last
    };
    Some((range(min[0], max[0]), range(min[1], max[1])))
}

/// How many tiles at `zoom` `view` shows.
fn tile_count(view: &ScreenTransform, zoom: u8) -> usize {
    tile_ranges(view, zoom).map_or(0, |(xs, ys)| {
        let n = |r: &std::ops::RangeInclusive<u32>| (r.end() - r.start()) as usize + 1;
        n(&xs) * n(&ys)
    })
}

/// The tiles at `zoom` that `view` shows, row by row.
fn tiles_in_view(view: &ScreenTransform, zoom: u8) -> Vec<TileKey> {
    let Some((xs, ys)) = tile_ranges(view, zoom) else {
        return Vec::new();
    };
    ys.flat_map(|y| xs.clone().map(move |x| (zoom, x, y)))
        .collect()
}

/// Draws one tile where it belongs in the image.
fn draw_tile(
    pixmap: &mut Pixmap,
    tile: &Pixmap,
    (zoom, x, y): TileKey,
    view: &ScreenTransform,
    to_pixels: Transform,
) {
    #[allow(clippy::cast_precision_loss)]
    let n = (1u64 << zoom) as f64;
    let a = view.to_screen([f64::from(x) / n, f64::from(y) / n]);
    let b = view.to_screen([f64::from(x + 1) / n, f64::from(y + 1) / n]);
    #[allow(clippy::cast_precision_loss)]
    let (sx, sy) = (
        (b.x - a.x) / tile.width() as f32,
        (b.y - a.y) / tile.height() as f32,
    );
    let place = to_pixels.pre_translate(a.x, a.y).pre_scale(sx, sy);
    let paint = PixmapPaint {
        quality: tiny_skia::FilterQuality::Bilinear,
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, tile.as_ref(), &paint, place, None);
}

/// A PNG or JPEG tile as premultiplied pixels.
fn decode(bytes: &[u8]) -> Result<Pixmap, String> {
    let image = image::load_from_memory(bytes)
        .map_err(|e| format!("a tile could not be decoded: {e}"))?
        .to_rgba8();
    let (w, h) = image.dimensions();
    let mut rgba = image.into_raw();
    for px in rgba.chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        if a < 255 {
            for c in &mut px[..3] {
                #[allow(clippy::cast_possible_truncation)]
                let v = ((u16::from(*c) * a + 127) / 255) as u8;
                *c = v;
            }
        }
    }
    let size = tiny_skia::IntSize::from_wh(w, h).ok_or("a tile has no pixels")?;
    Pixmap::from_vec(rgba, size).ok_or_else(|| "a tile's pixels do not match its size".to_owned())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// An open tile source, with the async runtime its reads run on.
struct Fetcher {
    runtime: tokio::runtime::Runtime,
    kind: FetcherKind,
}

enum FetcherKind {
    Osm {
        /// Asks the server unless the cache holds a fresh copy.
        online: reqwest_middleware::ClientWithMiddleware,
        /// Asks only the cache, once the server proved unreachable (none without a cache).
        cached: Option<reqwest_middleware::ClientWithMiddleware>,
    },
    PmTiles {
        reader: pmtiles::AsyncPmTilesReader<pmtiles::MmapBackend>,
        name: String,
        attribution: Option<String>,
    },
}

impl Fetcher {
    fn open(source: &RasterSource) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("the tile reader could not start: {e}"))?;
        let kind = match source {
            RasterSource::OpenStreetMap { cache } => FetcherKind::Osm {
                online: osm_client(cache.as_deref(), http_cache_reqwest::CacheMode::Default)?,
                cached: match cache {
                    Some(_) => Some(osm_client(
                        cache.as_deref(),
                        http_cache_reqwest::CacheMode::OnlyIfCached,
                    )?),
                    None => None,
                },
            },
            RasterSource::PmTiles(path) => {
                let opened = runtime.block_on(async {
                    let reader = pmtiles::AsyncPmTilesReader::new_with_path(path).await?;
                    let metadata = reader.get_metadata().await.ok();
                    Ok::<_, pmtiles::PmtError>((reader, metadata))
                });
                let (reader, metadata) = opened.map_err(|e| {
                    format!("{}: not a readable PMTiles archive: {e}", path.display())
                })?;
                match reader.get_header().tile_type {
                    pmtiles::TileType::Png | pmtiles::TileType::Jpeg => {}
                    other => {
                        return Err(format!(
                            "{}: its tiles are {other:?}; figures draw raster archives (PNG or JPEG tiles)",
                            path.display()
                        ));
                    }
                }
                FetcherKind::PmTiles {
                    reader,
                    name: file_name(path),
                    attribution: metadata.as_deref().and_then(attribution_of),
                }
            }
        };
        Ok(Self { runtime, kind })
    }

    fn zoom_range(&self) -> (u8, u8) {
        match &self.kind {
            FetcherKind::Osm { .. } => (0, 19),
            FetcherKind::PmTiles { reader, .. } => {
                let h = reader.get_header();
                (h.min_zoom.min(h.max_zoom), h.max_zoom)
            }
        }
    }

    fn credit(&self) -> String {
        match &self.kind {
            FetcherKind::Osm { .. } => "© OpenStreetMap contributors".to_owned(),
            FetcherKind::PmTiles {
                name, attribution, ..
            } => attribution.clone().unwrap_or_else(|| name.clone()),
        }
    }

    /// Each tile's bytes (`None`: the source has no such tile), in the order asked.
    fn fetch(&mut self, tiles: &[TileKey]) -> Vec<Result<Option<Vec<u8>>, String>> {
        use futures::StreamExt as _;
        match &self.kind {
            FetcherKind::PmTiles { reader, .. } => self.runtime.block_on(async {
                let mut out = Vec::with_capacity(tiles.len());
                for &(z, x, y) in tiles {
                    let got = match pmtiles::TileCoord::new(z, x, y) {
                        Ok(coord) => reader
                            .get_tile_decompressed(coord)
                            .await
                            .map(|t| t.map(|b| b.to_vec()))
                            .map_err(|e| format!("tile {z}/{x}/{y}: {e}")),
                        Err(e) => Err(format!("tile {z}/{x}/{y}: {e}")),
                    };
                    out.push(got);
                }
                out
            }),
            FetcherKind::Osm { online, cached } => {
                let unreachable = AtomicBool::new(false);
                self.runtime.block_on(async {
                    let requests = tiles.iter().map(|&(z, x, y)| {
                        let unreachable = &unreachable;
                        async move {
                            let url = osm_url(z, x, y);
                            let client = match (unreachable.load(Ordering::Relaxed), cached) {
                                (false, _) => online,
                                (true, Some(cached)) => cached,
                                // No cache to fall back on: the server is not asked again.
                                (true, None) => {
                                    return Err(
                                        Failure::Unreachable("no answer".to_owned()).into_message()
                                    );
                                }
                            };
                            let result = get(client, &url).await;
                            if let Err(Failure::Unreachable(_)) = &result {
                                unreachable.store(true, Ordering::Relaxed);
                                // The cache may still hold this tile.
                                if let Some(cached) = cached
                                    && let Ok(bytes) = get(cached, &url).await
                                {
                                    return Ok(Some(bytes));
                                }
                            }
                            result.map(Some).map_err(Failure::into_message)
                        }
                    });
                    futures::stream::iter(requests)
                        .buffered(PARALLEL_REQUESTS)
                        .collect::<Vec<_>>()
                        .await
                })
            }
        }
    }
}

/// Why a request failed.
enum Failure {
    /// The server could not be reached (no network, a timeout).
    Unreachable(String),
    /// It answered, but not with a tile.
    Other(String),
}

impl Failure {
    fn into_message(self) -> String {
        match self {
            Self::Unreachable(m) => format!("tile.openstreetmap.org could not be reached: {m}"),
            Self::Other(m) => m,
        }
    }
}

async fn get(
    client: &reqwest_middleware::ClientWithMiddleware,
    url: &str,
) -> Result<Vec<u8>, Failure> {
    // A request that gets no answer (no network, a timeout, a name that does not resolve;
    // the cache wraps the cause) means the server is out of reach.
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| Failure::Unreachable(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Failure::Other(format!(
            "{url}: the server answered {status}"
        )));
    }
    response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| Failure::Other(format!("{url}: {e}")))
}

fn osm_url(z: u8, x: u32, y: u32) -> String {
    use walkers::sources::TileSource as _;
    walkers::sources::OpenStreetMap.tile_url(walkers::TileId { x, y, zoom: z })
}

/// A client for OpenStreetMap's tiles through the HTTP cache the window's tiles use.
fn osm_client(
    cache: Option<&Path>,
    mode: http_cache_reqwest::CacheMode,
) -> Result<reqwest_middleware::ClientWithMiddleware, String> {
    let client = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("no HTTP client could be made: {e}"))?;
    let builder = reqwest_middleware::ClientBuilder::new(client);
    Ok(match cache {
        Some(path) => builder
            .with(http_cache_reqwest::Cache(http_cache_reqwest::HttpCache {
                mode,
                manager: http_cache_reqwest::CACacheManager {
                    path: path.to_owned(),
                    remove_opts: Default::default(),
                },
                options: http_cache_reqwest::HttpCacheOptions::default(),
            }))
            .build(),
        None => builder.build(),
    })
}

/// The `attribution` of a PMTiles archive's JSON metadata, as plain text (tags removed).
fn attribution_of(metadata: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(metadata).ok()?;
    let html = value.get("attribution")?.as_str()?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&copy;", "©")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Rect, pos2, vec2};

    #[test]
    fn the_zoom_follows_the_image_and_the_tile_budget() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1024.0, 512.0));
        let view = ScreenTransform::new(rect, [0.6, 0.4], 5.0);
        assert_eq!(tile_zoom(&view, 1.0, 0, 19), Ok(5));
        assert_eq!(tile_zoom(&view, 2.0, 0, 19), Ok(6));
        assert_eq!(tile_zoom(&view, 4.0, 0, 19), Ok(7));
        assert_eq!(tile_zoom(&view, 4.0, 0, 6), Ok(6));
        // An archive that starts at zoom 12 cannot fill this view within the budget.
        let err = tile_zoom(&view, 1.0, 12, 14).expect_err("too many tiles");
        assert!(err.contains("zoom 12"), "{err}");
        // 1024 × 512 points at 4 px/pt on zoom-7 tiles: 16 × 8 tiles, 17 × 9 with the edges.
        assert!(tiles_in_view(&view, 7).len() <= MAX_TILES);
        let huge = ScreenTransform::new(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(8000.0, 6000.0)),
            [0.6, 0.4],
            5.0,
        );
        let z = tile_zoom(&huge, 4.0, 0, 19).expect("a level");
        assert!(tiles_in_view(&huge, z).len() <= MAX_TILES, "zoom {z}");
        assert!(tiles_in_view(&huge, z + 1).len() > MAX_TILES);
        assert_eq!(tile_count(&huge, z + 1), tiles_in_view(&huge, z + 1).len());
    }

    #[test]
    fn tiles_cover_the_view_and_no_more() {
        // The whole world at zoom 0 fills 256 points; zoom 1 tiles are 4.
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(256.0, 256.0));
        let view = ScreenTransform::new(rect, [0.5, 0.5], 0.0);
        assert_eq!(tiles_in_view(&view, 0), vec![(0, 0, 0)]);
        assert_eq!(
            tiles_in_view(&view, 1),
            vec![(1, 0, 0), (1, 1, 0), (1, 0, 1), (1, 1, 1)]
        );
        // A view past the world's edge asks for no tile beyond it.
        let wide = ScreenTransform::new(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 256.0)),
            [0.5, 0.5],
            0.0,
        );
        assert_eq!(tiles_in_view(&wide, 0), vec![(0, 0, 0)]);
    }

    #[test]
    fn attributions_are_plain_text() {
        assert_eq!(
            attribution_of(
                r#"{"attribution":"<a href=\"https://osm.org\">&copy; OpenStreetMap</a>  contributors"}"#
            )
            .as_deref(),
            Some("© OpenStreetMap contributors")
        );
        assert_eq!(attribution_of(r#"{"name":"x"}"#), None);
        assert_eq!(attribution_of("not json"), None);
    }
}
