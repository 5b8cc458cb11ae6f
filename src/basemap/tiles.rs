//! The offline basemap as a walkers tile source: tiles are rendered on background threads
//! and kept in an LRU cache; `at()` never renders, it returns a cached tile (or the nearest
//! cached ancestor, stretched) at once and schedules what is missing. Knows walkers' tile
//! interface and the renderer; nothing of the dataset.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

use egui::{ColorImage, Context, TextureHandle, TextureOptions, pos2};
use walkers::sources::Attribution;
use walkers::{Tile, TileId, TilePiece, Tiles};

use super::palette::BasemapPalette;
use super::render::{TileCoord, render_tile};
use crate::world::World;

/// Tiles kept in memory (a 1600×1000 window shows about 40).
pub const DEFAULT_CACHE_TILES: usize = 512;
/// A request not asked for again within this many frames has scrolled away and is dropped.
const STALE_FRAMES: u64 = 3;

/// What a rendered tile depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    tile: TileCoord,
    dark: bool,
    size_px: u32,
}

/// Requests waiting for a worker, with the frame that last asked for each.
#[derive(Default)]
struct Queue {
    waiting: HashMap<Key, u64>,
    in_flight: HashSet<Key>,
    shutdown: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    frame: AtomicU64,
}

/// The offline basemap's tile source.
pub struct OfflineTiles {
    ctx: Context,
    shared: Arc<Shared>,
    done: Receiver<(Key, TextureHandle)>,
    cache: HashMap<Key, (TextureHandle, u64)>,
    capacity: usize,
    use_counter: u64,
    dark: bool,
    size_px: u32,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl OfflineTiles {
    /// A tile source rendering on `threads` background threads, keeping `capacity` tiles.
    pub fn new(ctx: &Context, threads: usize, capacity: usize) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            frame: AtomicU64::new(0),
        });
        let (tx, done) = channel();
        let workers = (0..threads.max(1))
            .filter_map(|i| {
                let (shared, tx, ctx) = (shared.clone(), tx.clone(), ctx.clone());
                std::thread::Builder::new()
                    .name(format!("sortie-basemap-{i}"))
                    .spawn(move || worker(&shared, &tx, &ctx))
                    .ok()
            })
            .collect();
        Self {
            ctx: ctx.clone(),
            shared,
            done,
            cache: HashMap::new(),
            capacity: capacity.max(1),
            use_counter: 0,
            dark: false,
            size_px: 256,
            workers,
        }
    }

    /// A tile source with one worker per core (at most four).
    pub fn with_default_threads(ctx: &Context) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(ctx, cores.clamp(1, 4), DEFAULT_CACHE_TILES)
    }

    /// Switches the palette; tiles of the other palette stay cached.
    pub fn set_dark(&mut self, dark: bool) {
        self.dark = dark;
    }

    /// Renders tiles at 512 px for screens of 1.5 points per pixel or more, else 256 px.
    pub fn set_pixels_per_point(&mut self, pixels_per_point: f32) {
        self.size_px = if pixels_per_point >= 1.5 { 512 } else { 256 };
    }

    /// How many tiles are cached.
    pub fn cached_len(&self) -> usize {
        self.cache.len()
    }

    /// How many tiles wait for or are being rendered.
    pub fn pending_len(&self) -> usize {
        self.shared
            .queue
            .lock()
            .map_or(0, |q| q.waiting.len() + q.in_flight.len())
    }

    fn key(&self, tile_id: TileId) -> Key {
        Key {
            tile: TileCoord {
                zoom: tile_id.zoom,
                x: tile_id.x,
                y: tile_id.y,
            },
            dark: self.dark,
            size_px: self.size_px,
        }
    }

    /// Moves finished tiles into the cache, evicting the least recently used.
    fn collect_finished(&mut self) {
        while let Ok((key, texture)) = self.done.try_recv() {
            self.use_counter += 1;
            self.cache.insert(key, (texture, self.use_counter));
        }
        while self.cache.len() > self.capacity {
            let Some(oldest) = self
                .cache
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            self.cache.remove(&oldest);
        }
    }

    fn cached(&mut self, key: &Key) -> Option<TextureHandle> {
        self.use_counter += 1;
        let counter = self.use_counter;
        self.cache.get_mut(key).map(|(texture, used)| {
            *used = counter;
            texture.clone()
        })
    }

    fn request(&self, key: Key) {
        let frame = self.shared.frame.load(Ordering::Relaxed);
        if let Ok(mut queue) = self.shared.queue.lock()
            && !queue.in_flight.contains(&key)
        {
            queue.waiting.insert(key, frame);
            self.shared.wake.notify_one();
        }
    }
}

impl Tiles for OfflineTiles {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        self.shared
            .frame
            .store(self.ctx.cumulative_frame_nr(), Ordering::Relaxed);
        self.collect_finished();
        let key = self.key(tile_id);
        if let Some(texture) = self.cached(&key) {
            return Some(TilePiece::new(Tile::Raster(texture), full_uv()));
        }
        self.request(key);
        // Meanwhile, the nearest cached ancestor, stretched over this tile.
        for up in 1..=tile_id.zoom {
            let ancestor = TileId {
                zoom: tile_id.zoom - up,
                x: tile_id.x >> up,
                y: tile_id.y >> up,
            };
            if let Some(texture) = self.cached(&self.key(ancestor)) {
                let n = 1u32 << up;
                #[allow(clippy::cast_precision_loss)]
                let (step, u, v) = (
                    1.0 / n as f32,
                    (tile_id.x % n) as f32,
                    (tile_id.y % n) as f32,
                );
                let uv = egui::Rect::from_min_max(
                    pos2(u * step, v * step),
                    pos2((u + 1.0) * step, (v + 1.0) * step),
                );
                return Some(TilePiece::new(Tile::Raster(texture), uv));
            }
        }
        None
    }

    fn attribution(&self) -> Attribution {
        Attribution {
            text: "Natural Earth · GeoNames",
            url: "https://www.naturalearthdata.com/",
            logo_light: None,
            logo_dark: None,
        }
    }

    fn tile_size(&self) -> u32 {
        256
    }

    fn stats(&self) -> walkers::Stats {
        walkers::Stats {
            in_progress: self.pending_len(),
        }
    }
}

fn full_uv() -> egui::Rect {
    egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0))
}

impl Drop for OfflineTiles {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.shared.queue.lock() {
            queue.shutdown = true;
        }
        self.shared.wake.notify_all();
        for worker in self.workers.drain(..) {
            worker.join().ok();
        }
    }
}

/// The next request to render: requests not asked for in the last [`STALE_FRAMES`] frames
/// are dropped (they scrolled away), then the most recently asked for wins (deepest zoom
/// first among equals, then in a fixed order).
fn take_next(queue: &mut Queue, now: u64) -> Option<Key> {
    queue
        .waiting
        .retain(|_, frame| *frame + STALE_FRAMES >= now);
    let key = queue
        .waiting
        .iter()
        .max_by_key(|(k, frame)| {
            (
                **frame,
                k.tile.zoom,
                std::cmp::Reverse((k.tile.x, k.tile.y)),
            )
        })
        .map(|(k, _)| *k)?;
    queue.waiting.remove(&key);
    queue.in_flight.insert(key);
    Some(key)
}

/// A worker: takes the most recently wanted tile, drops stale ones, renders, uploads.
fn worker(shared: &Shared, done: &Sender<(Key, TextureHandle)>, ctx: &Context) {
    let data = World::shared();
    loop {
        let key = {
            let Ok(mut queue) = shared.queue.lock() else {
                return;
            };
            loop {
                if queue.shutdown {
                    return;
                }
                if let Some(key) = take_next(&mut queue, shared.frame.load(Ordering::Relaxed)) {
                    break key;
                }
                match shared.wake.wait(queue) {
                    Ok(q) => queue = q,
                    Err(_) => return,
                }
            }
        };
        let palette = BasemapPalette::for_dark_mode(key.dark);
        if let Some(pixmap) = render_tile(&data, &palette, key.tile, key.size_px) {
            let size = [pixmap.width() as usize, pixmap.height() as usize];
            let image = ColorImage::from_rgba_premultiplied(size, pixmap.data());
            let name = format!("basemap-{}-{}-{}", key.tile.zoom, key.tile.x, key.tile.y);
            let texture = ctx.load_texture(name, image, TextureOptions::LINEAR);
            if done.send((key, texture)).is_err() {
                return;
            }
            ctx.request_repaint();
        }
        if let Ok(mut queue) = shared.queue.lock() {
            queue.in_flight.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait_for(tiles: &mut OfflineTiles, id: TileId) -> Option<TilePiece> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(piece) = tiles.at(id).filter(|p| p.uv == full_uv()) {
                return Some(piece);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    #[test]
    fn at_returns_at_once_and_a_later_call_has_the_tile() {
        let ctx = Context::default();
        let mut tiles = OfflineTiles::new(&ctx, 1, 16);
        let id = TileId {
            zoom: 5,
            x: 19,
            y: 12,
        };
        let start = Instant::now();
        assert!(tiles.at(id).is_none(), "nothing is rendered yet");
        assert!(
            start.elapsed() < Duration::from_millis(50),
            "at() must not render"
        );
        assert!(wait_for(&mut tiles, id).is_some());
        // A child tile now gets its ancestor's quarter while it waits.
        let child = TileId {
            zoom: 6,
            x: 39,
            y: 25,
        };
        let piece = tiles.at(child).expect("the ancestor stands in");
        assert_eq!(
            piece.uv,
            egui::Rect::from_min_max(pos2(0.5, 0.5), pos2(1.0, 1.0))
        );
    }

    #[test]
    fn the_lru_evicts_the_least_recently_used() {
        let ctx = Context::default();
        let mut tiles = OfflineTiles::new(&ctx, 1, 2);
        let a = TileId {
            zoom: 3,
            x: 4,
            y: 3,
        };
        let b = TileId {
            zoom: 3,
            x: 5,
            y: 3,
        };
        let c = TileId {
            zoom: 3,
            x: 5,
            y: 2,
        };
        assert!(wait_for(&mut tiles, a).is_some());
        assert!(wait_for(&mut tiles, b).is_some());
        tiles.at(a); // a is now more recent than b
        assert!(wait_for(&mut tiles, c).is_some());
        assert_eq!(tiles.cached_len(), 2);
        assert!(tiles.cache.contains_key(&tiles.key(a)));
        assert!(
            !tiles.cache.contains_key(&tiles.key(b)),
            "b was the least recently used"
        );
    }

    #[test]
    fn tiles_that_scroll_away_are_not_rendered() {
        let key = |x| Key {
            tile: TileCoord { zoom: 6, x, y: 20 },
            dark: false,
            size_px: 256,
        };
        let mut queue = Queue::default();
        queue.waiting.insert(key(1), 10); // asked for long ago, then scrolled away
        queue.waiting.insert(key(2), 99);
        queue.waiting.insert(key(3), 100);
        assert_eq!(take_next(&mut queue, 100), Some(key(3)), "newest first");
        assert_eq!(take_next(&mut queue, 100), Some(key(2)));
        assert_eq!(
            take_next(&mut queue, 100),
            None,
            "the stale request is dropped"
        );
        assert!(queue.waiting.is_empty());
        assert_eq!(queue.in_flight.len(), 2);
    }
}
