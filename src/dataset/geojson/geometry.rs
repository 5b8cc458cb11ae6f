//! Reading GeoJSON geometry for the careful reader: every RFC 7946 type, positions checked
//! for range, altitudes kept; an error names the raw value and the JSON path at fault, down
//! to the position. Also `location_precision`, how exactly a position is known.

use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde_json::value::RawValue;

use super::feature::{Loader, Place, as_f64, as_string, to_value};
use super::raw::{Coords, JsonKind, RawObject};
use super::{GEOMETRY_TYPES, json_diagnostic};
use crate::dataset::build::member_path;
use crate::dataset::{Feature, LocationPrecision, PrecisionLevel};

impl Loader<'_> {
    pub(super) fn read_geometry_into(
        &mut self,
        place: &Place<'_>,
        raw: &RawValue,
        path: &str,
        feature: &mut Feature,
    ) {
        if JsonKind::of(raw) == JsonKind::Null {
            return;
        }
        match self.geometry(raw, path, &mut feature.altitudes_m) {
            Ok(geometry) => feature.geometry = Some(geometry),
            Err((at_raw, at_path, message)) => {
                self.warn(
                    place,
                    at_raw,
                    at_path,
                    format!("{message}; the feature is kept without a geometry"),
                );
                feature.altitudes_m.clear();
                feature
                    .foreign_members
                    .push(("geometry".to_owned(), to_value(raw)));
            }
        }
    }

    /// Reads a geometry. The error names the raw value and path at fault.
    fn geometry<'r>(
        &self,
        raw: &'r RawValue,
        path: &str,
        altitudes: &mut Vec<f64>,
    ) -> Result<Geometry<f64>, (&'r RawValue, String, String)> {
        let fail = |r: &'r RawValue, p: String, m: String| Err((r, p, m));
        let Ok(object) = serde_json::from_str::<RawObject<'r>>(raw.get()) else {
            return fail(
                raw,
                path.to_owned(),
                format!(
                    "a geometry must be an object or null, found {}",
                    JsonKind::of(raw).describe()
                ),
            );
        };
        let type_path = member_path(path, "type");
        let Some(type_raw) = object.get("type") else {
            return fail(raw, type_path, "a geometry needs a \"type\"".to_owned());
        };
        let Some(type_name) = as_string(type_raw) else {
            return fail(
                type_raw,
                type_path,
                format!(
                    "expected a string, found {}",
                    JsonKind::of(type_raw).describe()
                ),
            );
        };
        if type_name == "GeometryCollection" {
            let gpath = member_path(path, "geometries");
            let Some(list_raw) = object.get("geometries") else {
                return fail(
                    raw,
                    gpath,
                    "a GeometryCollection needs a \"geometries\" array".to_owned(),
                );
            };
            let Ok(list) = serde_json::from_str::<Vec<&'r RawValue>>(list_raw.get()) else {
                return fail(
                    list_raw,
                    gpath,
                    format!(
                        "expected an array, found {}",
                        JsonKind::of(list_raw).describe()
                    ),
                );
            };
            let mut parts = Vec::with_capacity(list.len());
            for (i, part) in list.into_iter().enumerate() {
                parts.push(self.geometry(part, &format!("{gpath}[{i}]"), altitudes)?);
            }
            return Ok(Geometry::GeometryCollection(geo_types::GeometryCollection(
                parts,
            )));
        }
        if !GEOMETRY_TYPES.contains(&type_name.as_str()) {
            return fail(
                type_raw,
                type_path,
                format!("unknown geometry type {type_name:?}"),
            );
        }
        let cpath = member_path(path, "coordinates");
        let Some(coords_raw) = object.get("coordinates") else {
            return fail(raw, cpath, format!("a {type_name} needs \"coordinates\""));
        };
        let coords: Coords = serde_json::from_str(coords_raw.get())
            .map_err(|e| (coords_raw, cpath.clone(), json_diagnostic(&e).message))?;
        let shape = |m: String| (coords_raw, cpath.clone(), m);
        let geometry = match type_name.as_str() {
            "Point" => Geometry::Point(Point(position(&coords, "", altitudes).map_err(shape)?)),
            "MultiPoint" => Geometry::MultiPoint(MultiPoint(
                positions(&coords, "", altitudes, 0)
                    .map_err(shape)?
                    .into_iter()
                    .map(Point)
                    .collect(),
            )),
            "LineString" => Geometry::LineString(LineString(
                positions(&coords, "", altitudes, 2).map_err(shape)?,
            )),
            "MultiLineString" => Geometry::MultiLineString(MultiLineString(
                list(&coords, "")
                    .map_err(shape)?
                    .iter()
                    .enumerate()
                    .map(|(i, c)| positions(c, &format!("[{i}]"), altitudes, 2).map(LineString))
                    .collect::<Result<_, _>>()
                    .map_err(shape)?,
            )),
            "Polygon" => Geometry::Polygon(polygon(&coords, "", altitudes).map_err(shape)?),
            _ => Geometry::MultiPolygon(MultiPolygon(
                list(&coords, "")
                    .map_err(shape)?
                    .iter()
                    .enumerate()
                    .map(|(i, c)| polygon(c, &format!("[{i}]"), altitudes))
                    .collect::<Result<_, _>>()
                    .map_err(shape)?,
            )),
        };
        Ok(geometry)
    }
}

pub(super) fn location_precision(raw: &RawValue) -> Result<LocationPrecision, String> {
    const EXPECTED: &str = "location_precision must be \"exact\", \"approximate\", \"area\", or {\"level\": …, \"radius_km\": …}";
    if let Some(level) = as_string(raw) {
        let level = PrecisionLevel::parse(&level).ok_or_else(|| EXPECTED.to_owned())?;
        return Ok(LocationPrecision {
            level,
            radius_km: None,
        });
    }
    let object: RawObject<'_> = serde_json::from_str(raw.get()).map_err(|_| EXPECTED.to_owned())?;
    let level = object
        .get("level")
        .and_then(as_string)
        .as_deref()
        .and_then(PrecisionLevel::parse)
        .ok_or_else(|| EXPECTED.to_owned())?;
    let radius_km = match object.get("radius_km") {
        None => None,
        Some(r) => Some(
            as_f64(r)
                .filter(|&r| r >= 0.0)
                .ok_or("radius_km must be a number ≥ 0")?,
        ),
    };
    Ok(LocationPrecision { level, radius_km })
}

/// The items of a coordinate array, or an error naming the path below `coordinates`.
fn list<'c>(coords: &'c Coords, path: &str) -> Result<&'c [Coords], String> {
    match coords {
        Coords::Array(items) => Ok(items),
        Coords::Number(_) => Err(format!(
            "coordinates{path}: expected an array, found a number"
        )),
        Coords::Other(found) => Err(format!(
            "coordinates{path}: expected an array, found {found}"
        )),
    }
}

/// One position: [lon, lat] or [lon, lat, alt], checked for range.
fn position(coords: &Coords, path: &str, altitudes: &mut Vec<f64>) -> Result<Coord<f64>, String> {
    let items = list(coords, path)?;
    let number = |i: usize| match items.get(i) {
        Some(Coords::Number(v)) if v.is_finite() => Ok(*v),
        Some(Coords::Number(_)) => Err(format!("coordinates{path}[{i}]: not a finite number")),
        Some(Coords::Array(_)) => Err(format!(
            "coordinates{path}[{i}]: expected a number, found an array"
        )),
        Some(Coords::Other(found)) => Err(format!(
            "coordinates{path}[{i}]: expected a number, found {found}"
        )),
        None => Err(format!(
            "coordinates{path}: a position needs at least longitude and latitude"
        )),
    };
    let lon = number(0)?;
    let lat = number(1)?;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "coordinates{path}: longitude {lon} is outside -180..180"
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "coordinates{path}: latitude {lat} is outside -90..90"
        ));
    }
    if items.len() >= 3 {
        altitudes.push(number(2)?);
    }
    Ok(Coord { x: lon, y: lat })
}

fn positions(
    coords: &Coords,
    path: &str,
    altitudes: &mut Vec<f64>,
    min: usize,
) -> Result<Vec<Coord<f64>>, String> {
    let items = list(coords, path)?;
    if items.len() < min {
        return Err(format!(
            "coordinates{path}: needs at least {min} positions, has {}",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, c)| position(c, &format!("{path}[{i}]"), altitudes))
        .collect()
}

fn polygon(coords: &Coords, path: &str, altitudes: &mut Vec<f64>) -> Result<Polygon<f64>, String> {
    let rings = list(coords, path)?;
    let mut rings = rings
        .iter()
        .enumerate()
        .map(|(i, ring)| positions(ring, &format!("{path}[{i}]"), altitudes, 4).map(LineString));
    let exterior = rings
        .next()
        .ok_or_else(|| format!("coordinates{path}: a polygon needs at least one ring"))??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}
