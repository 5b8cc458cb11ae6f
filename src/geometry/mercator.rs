//! Web Mercator in unit coordinates: x and y from 0 to 1 over the whole world, y down.
//!
//! Geometry is projected once at load; a frame only scales and shifts it.

use std::f64::consts::PI;

/// Equatorial circumference of the WGS84 ellipsoid, in metres: the width of the Web Mercator
/// world at the equator.
pub const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;

/// Web Mercator's latitude limit, in degrees.
pub const MAX_LATITUDE_DEG: f64 = 85.051_128_779_806_59;

/// A point in unit Web Mercator coordinates.
pub type Unit = [f64; 2];

/// Longitude/latitude (degrees) → unit Web Mercator.
pub fn project(lon_deg: f64, lat_deg: f64) -> Unit {
    let lat = lat_deg
        .clamp(-MAX_LATITUDE_DEG, MAX_LATITUDE_DEG)
        .to_radians();
    let x = (lon_deg + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0;
    [x, y]
}

/// Unit Web Mercator → longitude/latitude (degrees).
pub fn unproject(unit: Unit) -> (f64, f64) {
    let lon = unit[0] * 360.0 - 180.0;
    let lat = (PI * (1.0 - 2.0 * unit[1])).sinh().atan().to_degrees();
    (lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (lon, lat) in [(48.65, 35.21), (-122.4, 37.8), (0.0, 0.0), (179.9, -60.0)] {
            let (lon2, lat2) = unproject(project(lon, lat));
            assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9);
        }
        assert_eq!(project(0.0, 0.0), [0.5, 0.5]);
    }
}
