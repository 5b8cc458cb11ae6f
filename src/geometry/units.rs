//! Units and how a person reads them: kilometres and nautical miles, latitudes and
//! longitudes with their hemisphere. Knows nothing of the app.

/// Kilometres in a nautical mile.
pub const KM_PER_NMI: f64 = 1.852;

/// `48.5°E`, `30°W`, `0°`.
pub fn format_lon(lon: f64) -> String {
    hemisphere(lon, 'E', 'W')
}

/// `35°N`, `10°S`, `0°`.
pub fn format_lat(lat: f64) -> String {
    hemisphere(lat, 'N', 'S')
}

fn hemisphere(value: f64, positive: char, negative: char) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == 0.0 {
        "0°".to_owned()
    } else {
        let letter = if rounded > 0.0 { positive } else { negative };
        format!("{}°{letter}", rounded.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_hemisphere() {
        assert_eq!(format_lon(45.0), "45°E");
        assert_eq!(format_lon(-122.5), "122.5°W");
        assert_eq!(format_lat(-10.0), "10°S");
        assert_eq!(format_lat(0.0), "0°");
    }
}
