//! Geometry and units, at the bottom of the house: Web Mercator, the screen transform,
//! geodesics on the WGS84 ellipsoid, even-odd containment, kilometres and nautical miles,
//! latitudes and longitudes as people write them. Nothing here knows the app, the dataset or
//! the world's data; everything above may use it.

pub mod geodesic;
pub mod mercator;
pub mod screen;
pub mod units;

/// Even-odd containment of `p` in a polygon given by its rings, in any order (holes
/// subtract). Works in any planar coordinates: degrees or unit Web Mercator.
pub fn even_odd_contains(rings: &[Vec<[f64; 2]>], p: [f64; 2]) -> bool {
    let mut inside = false;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let a = ring[i];
            let b = ring[(i + n - 1) % n];
            if (a[1] > p[1]) != (b[1] > p[1])
                && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
            {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_subtract_whatever_the_ring_order() {
        let outer = vec![
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 10.0],
            [0.0, 10.0],
            [0.0, 0.0],
        ];
        let hole = vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]];
        for rings in [vec![outer.clone(), hole.clone()], vec![hole, outer]] {
            assert!(even_odd_contains(&rings, [2.0, 2.0]));
            assert!(!even_odd_contains(&rings, [5.0, 5.0]));
            assert!(!even_odd_contains(&rings, [11.0, 5.0]));
        }
    }
}
