//! Route analysis speed: the airspace of 10,000 random routes of 500 to 3,000 km
//! (target: at most 0.5 s for all of them), one after another and on every core.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Destination as _, Geodesic};
use geo_types::Point;
use sortie::routes::airspace::AirspaceIndex;
use sortie::synth::Rng;

/// `n` routes from random points (latitude −60° to 70°) in random directions, 500–3,000 km.
fn random_routes(n: usize) -> Vec<[Point<f64>; 2]> {
    let mut rng = Rng::new(0x5eed_1234_abcd_0001);
    (0..n)
        .map(|_| {
            let start = Point::new(rng.range(-180.0, 180.0), rng.range(-60.0, 70.0));
            let end = Geodesic.destination(
                start,
                rng.range(0.0, 360.0),
                rng.range(500_000.0, 3_000_000.0),
            );
            [start, end]
        })
        .collect()
}

fn airspace(c: &mut Criterion) {
    let index = AirspaceIndex::shared();
    let routes = random_routes(10_000);
    let mut group = c.benchmark_group("routes");
    group.sample_size(10);
    group.bench_function("airspace_10000", |b| {
        b.iter(|| {
            routes
                .iter()
                .map(|r| index.airspace(r).len())
                .sum::<usize>()
        });
    });
    // As the window and `info` run it: the routes shared among the cores.
    group.bench_function("airspace_10000_all_cores", |b| {
        b.iter(|| {
            index
                .airspace_of_routes(&routes)
                .iter()
                .map(Vec::len)
                .sum::<usize>()
        });
    });
    group.bench_function("airspace_index_build", |b| {
        let data = sortie::world::World::shared();
        b.iter(|| AirspaceIndex::new(&data.large.countries));
    });
    group.finish();
}

criterion_group!(benches, airspace);
criterion_main!(benches);
