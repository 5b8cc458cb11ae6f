//! A million features: loading, drawing a frame, and picking, on synthetic datasets from
//! `sortie::synth` (1,000,000 points and 100,000 routes, about 280 MB; and 100,000 points).
//! GDAL's `ogrinfo -al -so` reads the same file in the same run when it is installed
//! (`apt-get install gdal-bin`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Pos2, Rect, pos2, vec2};
use sortie::app::{Settings, SortieApp};
use sortie::dataset::{
    BinUnit, Dataset, Edit, FeatureKind, RangeMode, TimeFilter, TimeIndex, load_path,
};
use sortie::geometry::mercator;
use sortie::geometry::screen::ScreenTransform;
use sortie::map::{Basemap, MapLayers};
use sortie::synth::{SynthSpec, write_dataset};
use walkers_extras::{LabeledSymbol, LabeledSymbolStyle, Place, Places, Symbol};

const BIG: SynthSpec = SynthSpec {
    points: 1_000_000,
    routes: 100_000,
    seed: 1,
};
const SMALL: SynthSpec = SynthSpec {
    points: 100_000,
    routes: 0,
    seed: 2,
};

/// Writes a synthetic file once per run, in the target folder.
fn file(spec: SynthSpec) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!(
        // v2: dates of mixed precision.
        "synth-v2-{}-{}-{}.geojson",
        spec.points, spec.routes, spec.seed
    ));
    if !path.exists() {
        let f = std::fs::File::create(&path).expect("create the synthetic file");
        let mut w = std::io::BufWriter::new(f);
        write_dataset(spec, &mut w).expect("write the synthetic file");
    }
    path
}

fn loaded(spec: SynthSpec) -> &'static (Dataset, MapLayers) {
    static BIG_DATA: OnceLock<(Dataset, MapLayers)> = OnceLock::new();
    static SMALL_DATA: OnceLock<(Dataset, MapLayers)> = OnceLock::new();
    let cell = if spec == BIG { &BIG_DATA } else { &SMALL_DATA };
    cell.get_or_init(|| {
        let d = load_path(&file(spec)).expect("the synthetic file loads");
        let layers = MapLayers::new(&d);
        (d, layers)
    })
}

fn load(c: &mut Criterion) {
    let path = file(BIG);
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    eprintln!("load: {} ({} MB)", path.display(), bytes / 1_000_000);
    let mut group = c.benchmark_group("load");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    // Read, parse and validate into the model, with the id index and routes resolved.
    group.bench_function("points_1000000", |b| {
        b.iter(|| load_path(&path).expect("loads").len());
    });
    if ogrinfo_installed() {
        group.bench_function("gdal_ogrinfo_points_1000000", |b| {
            b.iter(|| {
                std::process::Command::new("ogrinfo")
                    .args(["-al", "-so"])
                    .arg(&path)
                    .output()
            })
        });
    } else {
        eprintln!("ogrinfo not found: install gdal-bin to compare with GDAL");
    }
    group.finish();
}

/// Whether GDAL's `ogrinfo` can be run.
fn ogrinfo_installed() -> bool {
    std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok()
}

/// A file in another format, written once per run in the target folder by `write`.
fn other_file(name: &str, write: impl FnOnce(&std::path::Path)) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if !path.exists() {
        write(&path);
    }
    path
}

/// Reading the formats investigators bring, and writing KML: an ACLED-shaped CSV of a
/// million rows (beside GDAL's reading of it, when installed), 100,000 placemarks of KML,
/// and the million-point file written as KML.
fn formats(c: &mut Criterion) {
    use sortie::dataset::formats::{ExportFormat, export, write_atomically};
    let acled = other_file("synth-acled-1000000-1.csv", |path| {
        let spec = SynthSpec { routes: 0, ..BIG };
        write_atomically(path, |w| sortie::synth::write_acled_csv(spec, w))
            .expect("write the ACLED file");
    });
    let kml = other_file("synth-100000-0-2.kml", |path| {
        let d = load_path(&file(SMALL)).expect("loads");
        export(&d, path, ExportFormat::Kml).expect("write the KML file");
    });
    for path in [&acled, &kml] {
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        eprintln!("formats: {} ({} MB)", path.display(), bytes / 1_000_000);
    }
    let mut group = c.benchmark_group("load");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    group.bench_function("acled_csv_1000000", |b| {
        b.iter(|| load_path(&acled).expect("loads").len());
    });
    if ogrinfo_installed() {
        group.bench_function("gdal_ogrinfo_acled_csv_1000000", |b| {
            b.iter(|| {
                std::process::Command::new("ogrinfo")
                    .args(["-al", "-so", "-oo", "X_POSSIBLE_NAMES=longitude"])
                    .args(["-oo", "Y_POSSIBLE_NAMES=latitude"])
                    .arg(&acled)
                    .output()
            })
        });
    }
    group.bench_function("kml_100000", |b| {
        b.iter(|| load_path(&kml).expect("loads").len());
    });
    group.finish();

    let mut group = c.benchmark_group("convert");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("convert-out.kml");
    group.bench_function("geojson_to_kml/points_1000000", |b| {
        let (d, _) = loaded(BIG);
        b.iter(|| export(d, &out, ExportFormat::Kml).expect("writes"));
    });
    group.finish();
}

/// Open to interactive, as the window does it off the UI thread and in the same order: the
/// load, then everything the window builds before it shows the dataset (`app::views_of`:
/// the map layers with routes densified along geodesics, R-trees, clusters and density; the
/// list's search index; the time index).
fn open(c: &mut Criterion) {
    let path = file(BIG);
    let mut group = c.benchmark_group("open");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("points_1000000_ready", |b| {
        b.iter(|| {
            let d = load_path(&path).expect("loads");
            let (layers, list, time) = sortie::app::views_of(&d);
            (d.len(), layers.len(), list.match_count(), time.dated())
        });
    });
    group.finish();
}

/// The app on a synthetic dataset, built on first use so that a filtered run (e.g.
/// `cargo bench --bench scale -- pick`) does not pay for benchmarks it skips.
fn with_app<R>(spec: SynthSpec, f: impl FnOnce(&mut SortieApp, &egui::Context) -> R) -> R {
    thread_local! {
        static APPS: std::cell::RefCell<Vec<(SynthSpec, SortieApp, egui::Context)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    APPS.with_borrow_mut(|apps| {
        if !apps.iter().any(|(s, ..)| *s == spec) {
            // Its own load, not a clone of `loaded`'s: a frame-only run holds one copy.
            let dataset = load_path(&file(spec)).expect("the synthetic file loads");
            let app = SortieApp::new(
                dataset,
                Settings {
                    dark_mode: false,
                    basemap: Basemap::None,
                    show_timeline: true,
                    ..Settings::default()
                },
            );
            apps.push((spec, app, egui::Context::default()));
        }
        let (_, app, ctx) = apps
            .iter_mut()
            .find(|(s, ..)| *s == spec)
            .expect("just added");
        f(app, ctx)
    })
}

/// One frame of the whole app (panels, map, our layers) and its tessellation, no GPU.
fn run_frame(app: &mut SortieApp, ctx: &egui::Context) -> usize {
    let input = egui::RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 1000.0))),
        ..egui::RawInput::default()
    };
    let output = ctx.run_ui(input, |ui| app.show(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn frame_bench(c: &mut Criterion, name: &str, spec: SynthSpec) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(10);
    group.bench_function(format!("sortie/{name}/region"), |b| {
        with_app(spec, |app, ctx| {
            app.map.request_fit();
            run_frame(app, ctx);
            b.iter(|| run_frame(app, ctx));
        });
    });
    group.bench_function(format!("sortie/{name}/street"), |b| {
        with_app(spec, |app, ctx| {
            app.map.memory.set_zoom(16.0).ok();
            app.map.memory.center_at(walkers::lon_lat(44.0, 33.0));
            run_frame(app, ctx);
            b.iter(|| run_frame(app, ctx));
        });
    });
    group.finish();
}

/// A frame while the timeline plays: the range moves on every few frames and is applied
/// on another thread, as in the window.
fn timeline_frame_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(10);
    group.bench_function("sortie/points_1000000/timeline_playing", |b| {
        with_app(BIG, |app, ctx| {
            app.map.request_fit();
            if let Some(timeline) = app.loaded.timeline.as_mut() {
                timeline.range = (day(2016, 6, 1), day(2016, 7, 1));
                timeline.speed = 8.0;
                timeline.playing = true;
            }
            run_frame(app, ctx);
            app.wait_for_range();
            b.iter(|| run_frame(app, ctx));
            if let Some(timeline) = app.loaded.timeline.as_mut() {
                timeline.playing = false;
            }
        });
    });
    group.finish();
}

fn day(y: i64, m: u8, d: u8) -> i64 {
    sortie::dataset::time::day_start(y, m, d).expect("a day")
}

/// The timeline on a million dated points and 100,000 routes: a new range (the bits the map
/// and the list test against; then the clusters and line density of the features in it),
/// and the histogram for a new zoom of the axis.
fn timeline(c: &mut Criterion) {
    let (dataset, layers) = loaded(BIG);
    let mut group = c.benchmark_group("timeline");
    group.sample_size(10);
    group.bench_function("index/points_1000000", |b| {
        b.iter(|| TimeIndex::new(dataset).dated())
    });
    let index = TimeIndex::new(dataset);
    let june = TimeFilter {
        from: day(2016, 6, 1),
        to: day(2016, 7, 1),
        mode: RangeMode::Possible,
        show_undated: true,
    };
    let in_range = index.filter(june);
    assert!(
        in_range.count > 50_000 && in_range.count < 300_000,
        "{}",
        in_range.count
    );
    group.sample_size(30);
    group.bench_function("filter/points_1000000", |b| {
        // Alternating ranges, as playback moves them.
        let mut k = 0;
        b.iter(|| {
            k = (k + 1) % 12;
            let from = day(2016, 1 + u8::try_from(k).unwrap(), 1);
            index
                .filter(TimeFilter {
                    from,
                    to: from + 30 * 86_400,
                    ..june
                })
                .count
        })
    });
    // The worst case: the last month, so that nearly every span starts before its end.
    let december = TimeFilter {
        from: day(2016, 12, 1),
        to: day(2017, 1, 1),
        ..june
    };
    group.bench_function("filter/points_1000000_last_month", |b| {
        b.iter(|| index.filter(december).count)
    });
    let build = layers.range_builder();
    let shared = std::sync::Arc::new(in_range);
    group.sample_size(10);
    group.bench_function("range_layers/points_1000000", |b| {
        b.iter(|| build(std::sync::Arc::clone(&shared)).in_range.count)
    });
    // A year on a 1,500-point axis: days (366 bins).
    let (from, to) = (day(2016, 1, 1), day(2017, 1, 1));
    let unit = BinUnit::for_span(from, to, 1_500 / 4);
    assert_eq!(unit, BinUnit::Day);
    group.sample_size(30);
    group.bench_function("histogram/points_1000000", |b| {
        b.iter(|| index.histogram(&unit.edges(from, to)).len())
    });
    group.finish();
}

fn frames(c: &mut Criterion) {
    frame_bench(c, "points_1000000", BIG);
    timeline_frame_bench(c);
    frame_bench(c, "points_100000", SMALL);
    walkers_places_bench(c);
}

/// A walkers_extras place that borrows its symbol, so a frame does not clone 100,000 labels
/// to hand them to the plugin (which takes its places by value every frame).
struct Borrowed(&'static LabeledSymbol);

impl Place for Borrowed {
    fn position(&self) -> walkers::Position {
        self.0.position()
    }
    fn draw(&self, ui: &egui::Ui, projector: &walkers::Projector) {
        self.0.draw(ui, projector);
    }
}

/// The same 100,000 points drawn by walkers_extras' `Places` (a labelled circle each), in a
/// window of the same size, at the centre and zoom Sortie's frames use.
fn walkers_places_bench(c: &mut Criterion) {
    let dataset = load_path(&file(SMALL)).expect("the synthetic file loads");
    let symbols: &'static [LabeledSymbol] = Vec::leak(
        dataset
            .iter()
            .filter_map(|f| {
                let p = f.point()?;
                Some(LabeledSymbol {
                    position: walkers::lon_lat(p.x(), p.y()),
                    label: f.name.to_owned(),
                    symbol: Some(Symbol::Circle(String::new())),
                    style: LabeledSymbolStyle::default(),
                })
            })
            .collect(),
    );
    // Where Sortie's region frame looks: its fit of the same dataset.
    let (center, region_zoom) = with_app(SMALL, |app, ctx| {
        app.map.request_fit();
        run_frame(app, ctx);
        (app.map.memory.detached(), app.map.memory.zoom())
    });
    let center = center.unwrap_or(walkers::lon_lat(45.0, 32.5));
    let mut group = c.benchmark_group("frame");
    group.sample_size(10);
    for (name, zoom, at) in [
        ("region", region_zoom, center),
        ("street", 16.0, walkers::lon_lat(44.0, 33.0)),
    ] {
        let ctx = egui::Context::default();
        let mut memory = walkers::MapMemory::default();
        memory.set_zoom(zoom).ok();
        memory.center_at(at);
        group.bench_function(format!("walkers_places/points_100000/{name}"), |b| {
            b.iter(|| {
                let input = egui::RawInput {
                    screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 1000.0))),
                    ..egui::RawInput::default()
                };
                let output = ctx.run_ui(input, |ui| {
                    egui::CentralPanel::default().show(ui, |ui| {
                        let places = Places::new(symbols.iter().map(Borrowed).collect());
                        ui.add(walkers::Map::new(None, &mut memory, at).with_plugin(places));
                    });
                });
                ctx.tessellate(output.shapes, output.pixels_per_point).len()
            });
        });
    }
    group.finish();
}

fn pick(c: &mut Criterion) {
    let (dataset, layers) = loaded(BIG);
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 1000.0));
    // A point in the middle of the region, with the view centred on it at zoom 9 (where
    // markers are drawn one by one).
    let (index, target) = dataset
        .iter()
        .filter_map(|f| Some((f.index, f.point()?)))
        .find(|(_, p)| (p.x() - 45.0).abs() < 0.1 && (p.y() - 32.5).abs() < 0.1)
        .expect("a point near the middle");
    let view = ScreenTransform::new(rect, mercator::project(target.x(), target.y()), 9.0);
    let at = view.to_screen(mercator::project(target.x(), target.y()));
    let radius = |_| 6.5;
    let picked = layers
        .pick(&view, at, radius)
        .expect("a feature under the pointer");
    let p = dataset
        .get(picked)
        .and_then(|f| f.point())
        .expect("a point");
    assert!(
        view.to_screen(mercator::project(p.x(), p.y())).distance(at) <= 6.5 + 4.0,
        "picked {picked}, which is not under the pointer (aimed at {index})"
    );
    let mut group = c.benchmark_group("pick");
    group.bench_function("points_1000000", |b| {
        b.iter(|| layers.pick(&view, at, radius))
    });
    group.bench_function("points_1000000_empty_spot", |b| {
        b.iter(|| layers.pick(&view, pos2(-5000.0, -5000.0), radius))
    });
    group.finish();
}

/// The million-point figure: clusters and density as on screen, laid out and written.
fn render(c: &mut Criterion) {
    use sortie::figure::{Figure, FigureFormat, FigureOptions};
    let (dataset, layers) = loaded(BIG);
    sortie::basemap::labels_now();
    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    let options = FigureOptions::default();
    group.bench_function("png/points_1000000", |b| {
        b.iter(|| {
            let figure = Figure::build(dataset, layers, &options, FigureFormat::Png).unwrap();
            figure.png(1.0).unwrap()
        });
    });
    group.bench_function("svg/points_1000000", |b| {
        b.iter(|| {
            let figure = Figure::build(dataset, layers, &options, FigureFormat::Svg).unwrap();
            figure.svg()
        });
    });
    let figure = Figure::build(dataset, layers, &options, FigureFormat::Svg).unwrap();
    let svg = figure.svg();
    eprintln!(
        "render/svg/points_1000000: {} bytes, {} <circle> elements, {:?}",
        svg.len(),
        svg.matches("<circle").count(),
        figure.map
    );
    group.finish();
}

criterion_group!(
    benches, load, open, frames, pick, timeline, formats, render, edit
);
criterion_main!(benches);

/// Times `timed` on the dataset after `before`, undoing whatever both did after each run.
fn time_edit(
    dataset: &mut Dataset,
    iters: u64,
    before: impl Fn(&mut Dataset),
    timed: impl Fn(&mut Dataset),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        before(dataset);
        let started = std::time::Instant::now();
        timed(dataset);
        total += started.elapsed();
        while dataset.undo().is_some() {}
    }
    total
}

/// Editing a million points: a step of the model (move, add, undo), a move as the window
/// applies it (the UI thread's part; then until every view has it), and saving after one
/// edit beside writing the file fresh.
fn edit(c: &mut Criterion) {
    let mut dataset = loaded(BIG).0.clone();
    let point = dataset
        .iter()
        .find(|f| f.is_point())
        .expect("a point")
        .index;
    let moved = |d: &Dataset| {
        let mut f = d.feature(point).expect("the point");
        f.geometry = Some(geo_types::Geometry::Point(geo_types::Point::new(
            12.5, 41.9,
        )));
        Edit::Replace(point, f)
    };
    let new = |d: &Dataset| {
        let mut f = d.feature(point).expect("the point");
        f.id = String::new();
        Edit::Add(f)
    };
    let mut group = c.benchmark_group("edit");
    group.bench_function("move_1000000", |b| {
        b.iter_custom(|n| {
            time_edit(
                &mut dataset,
                n,
                |_| {},
                |d| {
                    let e = moved(d);
                    d.apply("move", vec![e]).expect("moved");
                },
            )
        });
    });
    group.bench_function("add_1000000", |b| {
        b.iter_custom(|n| {
            time_edit(
                &mut dataset,
                n,
                |_| {},
                |d| {
                    let e = new(d);
                    d.apply("add", vec![e]).expect("added");
                },
            )
        });
    });
    group.bench_function("undo_1000000", |b| {
        b.iter_custom(|n| {
            let before = |d: &mut Dataset| {
                let e = moved(d);
                d.apply("move", vec![e]).expect("moved");
            };
            time_edit(&mut dataset, n, before, |d| {
                d.undo().expect("undone");
            })
        });
    });
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    group.sample_size(10);
    group.bench_function("write_fresh_1000000", |b| {
        b.iter(|| {
            sortie::dataset::formats::export(
                &dataset,
                &dir.join("fresh.geojson"),
                sortie::dataset::formats::ExportFormat::GeoJson,
            )
            .expect("written")
        });
    });
    let e = moved(&dataset);
    dataset.apply("move", vec![e]).expect("moved");
    group.bench_function("save_1000000_one_edit", |b| {
        b.iter(|| {
            sortie::dataset::formats::export(
                &dataset,
                &dir.join("saved.geojson"),
                sortie::dataset::formats::ExportFormat::GeoJson,
            )
            .expect("written")
        });
    });
    drop(dataset);
    // The UI thread's part of a step as the window applies it, in a window at rest (its
    // routes' airspace computed, the last step's background work done) as between a user's
    // steps: the dataset, the map's features and indexes, the list and the warnings follow
    // within it.
    let on_ui_thread = |b: &mut criterion::Bencher<'_>, step: &dyn Fn(&mut SortieApp, usize)| {
        with_app(BIG, |app, _| {
            app.wait_for_airspace();
            let mut n = 0;
            b.iter_custom(|iters| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..iters {
                    n += 1;
                    let started = std::time::Instant::now();
                    step(app, n);
                    spent += started.elapsed();
                    app.wait_for_range();
                    app.wait_for_airspace();
                }
                spent
            });
        });
    };
    group.bench_function("window_move_1000000", |b| {
        on_ui_thread(b, &|app, n| {
            let x = 0.001 * n as f64;
            app.act(sortie::app::Action::MoveFeature(point, 12.5 + x, 41.9));
        });
    });
    group.bench_function("window_add_1000000", |b| {
        on_ui_thread(b, &|app, n| {
            let x = 0.001 * n as f64;
            app.act(sortie::app::Action::AddPoint(
                FeatureKind::Target,
                12.5 + x,
                41.9,
            ));
        });
    });
    // A move until every view has it: the clusters, density and time index built again
    // off the UI thread.
    group.bench_function("window_move_all_views_1000000", |b| {
        with_app(BIG, |app, _| {
            let mut x = 0.0;
            b.iter(|| {
                x += 0.001;
                app.act(sortie::app::Action::MoveFeature(point, 12.5 + x, 41.9));
                app.wait_for_range();
            });
        });
    });
    // Each a step undone then done again (a feature deleted, then not).
    group.bench_function("window_delete_then_undo_1000000", |b| {
        on_ui_thread(b, &|app, n| {
            if n % 2 == 1 {
                app.act(sortie::app::Action::DeleteFeatures(vec![point]));
            } else {
                app.act(sortie::app::Action::Undo);
            }
        });
    });
    group.finish();
}
