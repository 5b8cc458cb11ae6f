//! The offline basemap: the world's data ([`crate::world`]) rasterized into tiles on
//! background threads, with labels drawn by egui above the tiles, and a probe of whether a
//! remote tile server answers. Draws the world, never user data: it knows nothing of the
//! dataset, the map's layers or the panels.

pub mod labels;
pub mod palette;
pub mod raster;
pub mod render;
pub mod tiles;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The country and city labels, once built.
static LABELS: OnceLock<Arc<labels::BasemapLabels>> = OnceLock::new();

/// Country and city labels, built once in the background; `None` until ready.
pub fn shared_labels() -> Option<Arc<labels::BasemapLabels>> {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if let Some(labels) = LABELS.get() {
        return Some(labels.clone());
    }
    if !STARTED.swap(true, Ordering::SeqCst) {
        let spawned = std::thread::Builder::new()
            .name("sortie-basemap-labels".to_owned())
            .spawn(|| {
                LABELS.get_or_init(|| {
                    Arc::new(labels::BasemapLabels::new(&crate::world::World::shared()))
                });
            });
        if spawned.is_err() {
            STARTED.store(false, Ordering::SeqCst);
        }
    }
    None
}

/// Country and city labels, built on this thread if they are not ready (waiting for the
/// background build if one is under way): for a figure, which cannot draw them later.
pub fn labels_now() -> Arc<labels::BasemapLabels> {
    LABELS
        .get_or_init(|| Arc::new(labels::BasemapLabels::new(&crate::world::World::shared())))
        .clone()
}

/// Decodes the basemap data in the background, so the first tiles do not wait for it.
pub fn warm_up() {
    shared_labels();
}

/// Whether a remote tile server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reachability {
    /// Not known yet.
    Unknown,
    /// A connection was made.
    Reachable,
    /// No connection could be made.
    Unreachable,
}

/// Checks in the background, every 30 seconds, that a host accepts connections on port
/// 443; stops when dropped. Only a TCP connection is made, no request is sent.
pub struct ReachabilityProbe {
    state: Arc<AtomicU8>,
    alive: Arc<AtomicBool>,
}

impl ReachabilityProbe {
    /// Starts probing `host`.
    pub fn start(host: &'static str, ctx: &egui::Context) -> Self {
        let state = Arc::new(AtomicU8::new(0));
        let alive = Arc::new(AtomicBool::new(true));
        let (thread_state, thread_alive, ctx) = (state.clone(), alive.clone(), ctx.clone());
        std::thread::Builder::new()
            .name("sortie-reachability".to_owned())
            .spawn(move || {
                while thread_alive.load(Ordering::Relaxed) {
                    let ok = connects(host);
                    thread_state.store(if ok { 1 } else { 2 }, Ordering::Relaxed);
                    ctx.request_repaint();
                    for _ in 0..30 {
                        if !thread_alive.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
            })
            .ok();
        Self { state, alive }
    }

    /// The last result.
    pub fn state(&self) -> Reachability {
        match self.state.load(Ordering::Relaxed) {
            1 => Reachability::Reachable,
            2 => Reachability::Unreachable,
            _ => Reachability::Unknown,
        }
    }
}

impl Drop for ReachabilityProbe {
    fn drop(&mut self) {
        self.alive.store(false, Ordering::Relaxed);
    }
}

fn connects(host: &str) -> bool {
    use std::net::ToSocketAddrs as _;
    let Ok(addresses) = (host, 443).to_socket_addrs() else {
        return false;
    };
    addresses
        .take(3)
        .any(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(4)).is_ok())
}
