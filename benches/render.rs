//! Publishing the bundled dataset as a figure: layout (the map's scene, basemap, legend,
//! footnotes) and writing as PNG, SVG and PDF. The million-point figure is in `scale.rs`,
//! beside the other million-feature benchmarks.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use sortie::app::bundled_dataset;
use sortie::figure::{A4_LANDSCAPE, Figure, FigureFormat, FigureOptions};
use sortie::map::MapLayers;

fn render(c: &mut Criterion) {
    let dataset = bundled_dataset().expect("loads");
    let layers = MapLayers::new(&dataset);
    // The basemap's labels and countries are decoded once per process, as in the app.
    sortie::basemap::labels_now();
    let mut group = c.benchmark_group("render");
    let options = FigureOptions::default();
    group.bench_function("png/bundled_1600x1000", |b| {
        b.iter(|| {
            let figure = Figure::build(&dataset, &layers, &options, FigureFormat::Png).unwrap();
            figure.png(1.0).unwrap()
        });
    });
    group.bench_function("svg/bundled", |b| {
        b.iter(|| {
            let figure = Figure::build(&dataset, &layers, &options, FigureFormat::Svg).unwrap();
            figure.svg()
        });
    });
    let a4 = FigureOptions {
        size: A4_LANDSCAPE,
        ..FigureOptions::default()
    };
    group.bench_function("pdf/bundled", |b| {
        b.iter(|| {
            let figure = Figure::build(&dataset, &layers, &a4, FigureFormat::Pdf).unwrap();
            figure.pdf().unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
