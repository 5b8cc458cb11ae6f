//! Reading GeoJSON geometry: every RFC 7946 type, positions checked for range, altitudes
//! kept. The geometry object is first taken as found ([`GeometryFound`]: its `type`,
//! `coordinates` and `geometries`, JSON's last-wins rule for repeats) and then built; an
//! error names the value and the JSON path at fault, down to the position, and the feature
//! is kept without a geometry. Also `location_precision`, how exactly a position is known.

use std::fmt;

use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::raw::{
    Coords, Found, Got, JsonKind, Member, Node, RawObject, next_element, next_member, next_str,
};
use super::reader::{GEOMETRY_TYPES, Reader, json_diagnostic, to_value};
use crate::dataset::limits::{MAX_GEOMETRY_NESTING, nested_too_deep};
use crate::dataset::path::member_path;
use crate::dataset::{LocationPrecision, PrecisionLevel};

/// A geometry value as found.
#[derive(Debug)]
pub(super) enum GeometryFound<'t> {
    /// `null`.
    Null,
    /// An object, its members taken as found.
    Object(GeometryObject<'t>),
    /// Anything else.
    Other(JsonKind),
}

/// A geometry object's members as found, each with its raw slice when read located.
#[derive(Debug, Default)]
pub(super) struct GeometryObject<'t> {
    type_name: Option<Found<'t, Got<'t>>>,
    /// The coordinates, or why they could not be read.
    coordinates: Option<Found<'t, Result<Coords, String>>>,
    /// A collection's parts, or what was found instead of an array.
    geometries: Option<Found<'t, Result<Vec<Part<'t>>, JsonKind>>>,
    /// A collection nested past [`MAX_GEOMETRY_NESTING`]: its parts were skipped unread.
    too_deep: bool,
}

type Part<'t> = Found<'t, GeometryFound<'t>>;

/// Where a geometry went wrong: the value at fault, its path, and what is wrong.
type Fault<'t> = (Option<&'t RawValue>, String, String);

/// Reads a geometry value as found.
#[derive(Clone, Copy)]
pub(super) struct GeometrySeed {
    /// Read every member from its raw slice.
    pub located: bool,
    /// How many geometry collections enclose this geometry.
    pub depth: usize,
}

impl<'t> DeserializeSeed<'t> for GeometrySeed {
    type Value = GeometryFound<'t>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for GeometrySeed {
    type Value = GeometryFound<'t>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a geometry")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(GeometryFound::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(GeometryFound::Other(JsonKind::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(GeometryFound::Other(JsonKind::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(GeometryFound::Other(JsonKind::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(GeometryFound::Other(JsonKind::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(GeometryFound::Other(JsonKind::String))
    }
    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(GeometryFound::Other(JsonKind::Array))
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let located = self.located;
        let mut object = GeometryObject::default();
        while let Some(member) = next_member(&mut map)? {
            match member {
                GeometryMember::Type => object.type_name = Some(next_str(&mut map, located)?),
                GeometryMember::Coordinates => {
                    object.coordinates = Some(if located {
                        let raw: &'t RawValue = map.next_value()?;
                        let coords = serde_json::from_str::<Coords>(raw.get())
                            .map_err(|e| json_diagnostic(&e).message);
                        (coords, Some(raw))
                    } else {
                        let shape = match &object.type_name {
                            Some((Got::Str(t), _)) if t == "Point" => Shape::Position,
                            Some((Got::Str(t), _)) if t == "LineString" => Shape::Line,
                            _ => Shape::Any,
                        };
                        (Ok(map.next_value_seed(shape)?), None)
                    });
                }
                GeometryMember::Geometries if self.depth >= MAX_GEOMETRY_NESTING => {
                    // Skipped without recursion (serde_json skips a value with a stack of
                    // its own), so that no depth of nesting reaches the thread's stack.
                    let raw = if located {
                        Some(map.next_value::<&'t RawValue>()?)
                    } else {
                        map.next_value::<IgnoredAny>()?;
                        None
                    };
                    object.geometries = Some((Ok(Vec::new()), raw));
                    object.too_deep = true;
                }
                GeometryMember::Geometries => {
                    let depth = self.depth + 1;
                    object.geometries = Some(if located {
                        let raw: &'t RawValue = map.next_value()?;
                        let parts = match JsonKind::of(raw) {
                            JsonKind::Array => {
                                let mut de = serde_json::Deserializer::from_str(raw.get());
                                PartsSeed { located, depth }
                                    .deserialize(&mut de)
                                    .map_err(de::Error::custom)?
                            }
                            kind => Err(kind),
                        };
                        (parts, Some(raw))
                    } else {
                        (map.next_value_seed(PartsSeed { located, depth })?, None)
                    });
                }
                GeometryMember::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(GeometryFound::Object(object))
    }
}

/// The coordinates a quick reading expects, once it knows the type: a position, a line of
/// positions, or any tree. What does not fit stops the quick reading (the located one reads
/// any tree, and words what is wrong with it).
#[derive(Clone, Copy)]
enum Shape {
    Position,
    Line,
    Any,
}

impl<'t> DeserializeSeed<'t> for Shape {
    type Value = Coords;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Coords, D::Error> {
        match self {
            Self::Any => de::Deserialize::deserialize(d),
            _ => d.deserialize_seq(self),
        }
    }
}

impl<'t> Visitor<'t> for Shape {
    type Value = Coords;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("positions")
    }
    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Coords, A::Error> {
        if let Self::Line = self {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(2).min(4096));
            while let Some(position) = seq.next_element_seed(Self::Position)? {
                items.push(position);
            }
            return Ok(Coords::Array(items));
        }
        let mut values = [0.0; 3];
        let mut len = 0u8;
        for slot in &mut values {
            match seq.next_element::<f64>()? {
                Some(v) => *slot = v,
                None => return Ok(Coords::Numbers { values, len }),
            }
            len += 1;
        }
        // What follows the altitude is not read, whatever it is.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Coords::Numbers { values, len })
    }
}

/// The members of a geometry object.
enum GeometryMember {
    Type,
    Coordinates,
    Geometries,
    Other,
}

impl Member<'_> for GeometryMember {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "type" => Self::Type,
            "coordinates" => Self::Coordinates,
            "geometries" => Self::Geometries,
            _ => return None,
        })
    }
    fn other(_: std::borrow::Cow<'_, str>) -> Self {
        Self::Other
    }
}

/// Reads a GeometryCollection's `geometries`: the parts, or the kind of value found instead
/// of an array.
#[derive(Clone, Copy)]
struct PartsSeed {
    located: bool,
    /// How many geometry collections enclose the parts.
    depth: usize,
}

impl<'t> DeserializeSeed<'t> for PartsSeed {
    type Value = Result<Vec<Part<'t>>, JsonKind>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for PartsSeed {
    type Value = Result<Vec<Part<'t>>, JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of geometries")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Null))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::String))
    }
    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Object))
    }
    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let seed = GeometrySeed {
            located: self.located,
            depth: self.depth,
        };
        let mut parts = Vec::new();
        while let Some(part) = next_element(&mut seq, self.located, seed)? {
            parts.push(part);
        }
        Ok(Ok(parts))
    }
}

/// A geometry as read for a feature: the shape and its altitudes, or, when it could not be
/// read, none and the value kept as found.
#[derive(Debug)]
pub(super) struct Placed {
    /// The geometry; `None` when it could not be read.
    pub geometry: Option<Geometry<f64>>,
    /// Each position's altitude, where positions have one.
    pub altitudes_m: Vec<f64>,
    /// The value that could not be read, kept as found (read located).
    pub kept: Option<serde_json::Value>,
}

impl<'t> GeometryFound<'t> {
    /// The geometry found; or a warning (naming `path` below the feature) and the feature
    /// kept without one. `None` for `null`. `raw` is the whole value's slice, when read
    /// located.
    ///
    /// # Errors
    /// Reading quickly, [`super::reader::REFUSED`] for a geometry at fault.
    pub fn read<E: de::Error>(
        self,
        r: &mut Reader<'t>,
        raw: Option<&'t RawValue>,
        path: &str,
    ) -> Result<Option<Placed>, E> {
        if matches!(self, Self::Null) {
            return Ok(None);
        }
        let mut altitudes = Vec::new();
        Ok(Some(match build(&self, raw, path, &mut altitudes) {
            Ok(geometry) => Placed {
                geometry: Some(geometry),
                altitudes_m: altitudes,
                kept: None,
            },
            Err((at, at_path, message)) => {
                r.warn(
                    at,
                    || at_path,
                    || format!("{message}; the feature is kept without a geometry"),
                )?;
                Placed {
                    geometry: None,
                    altitudes_m: Vec::new(),
                    kept: raw.map(to_value),
                }
            }
        }))
    }
}

/// Builds a geometry found at `path` (its value `raw`).
fn build<'t>(
    found: &GeometryFound<'t>,
    raw: Option<&'t RawValue>,
    path: &str,
    altitudes: &mut Vec<f64>,
) -> Result<Geometry<f64>, Fault<'t>> {
    let object = match found {
        GeometryFound::Object(object) => object,
        GeometryFound::Null => {
            return Err((
                raw,
                path.to_owned(),
                "a geometry must be an object or null, found null".to_owned(),
            ));
        }
        GeometryFound::Other(kind) => {
            return Err((
                raw,
                path.to_owned(),
                format!(
                    "a geometry must be an object or null, found {}",
                    kind.describe()
                ),
            ));
        }
    };
    let type_path = || member_path(path, "type");
    let Some((type_got, type_raw)) = &object.type_name else {
        return Err((raw, type_path(), "a geometry needs a \"type\"".to_owned()));
    };
    let Got::Str(type_name) = type_got else {
        return Err((
            *type_raw,
            type_path(),
            format!("expected a string, found {}", type_got.kind().describe()),
        ));
    };
    if type_name == "GeometryCollection" {
        let gpath = member_path(path, "geometries");
        let Some((list, list_raw)) = &object.geometries else {
            return Err((
                raw,
                gpath,
                "a GeometryCollection needs a \"geometries\" array".to_owned(),
            ));
        };
        if object.too_deep {
            return Err((*list_raw, gpath, nested_too_deep("GeometryCollections")));
        }
        let list = list.as_ref().map_err(|kind| {
            (
                *list_raw,
                gpath.clone(),
                format!("expected an array, found {}", kind.describe()),
            )
        })?;
        let mut parts = Vec::with_capacity(list.len());
        for (i, (part, part_raw)) in list.iter().enumerate() {
            parts.push(build(part, *part_raw, &format!("{gpath}[{i}]"), altitudes)?);
        }
        return Ok(Geometry::GeometryCollection(geo_types::GeometryCollection(
            parts,
        )));
    }
    if !GEOMETRY_TYPES.contains(&type_name.as_ref()) {
        return Err((
            *type_raw,
            type_path(),
            format!("unknown geometry type {type_name:?}"),
        ));
    }
    let cpath = || member_path(path, "coordinates");
    let Some((coords, coords_raw)) = &object.coordinates else {
        return Err((raw, cpath(), format!("a {type_name} needs \"coordinates\"")));
    };
    let shape = |m: String| (*coords_raw, cpath(), m);
    let coords = coords.as_ref().map_err(|m| shape(m.clone()))?;
    let root = coords.node();
    let geometry = match type_name.as_ref() {
        "Point" => Geometry::Point(Point(position(root, At::ROOT, altitudes).map_err(shape)?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            positions(root, At::ROOT, altitudes, 0)
                .map_err(shape)?
                .into_iter()
                .map(Point)
                .collect(),
        )),
        "LineString" => Geometry::LineString(LineString(
            positions(root, At::ROOT, altitudes, 2).map_err(shape)?,
        )),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            each(root, altitudes, |c, at, alt| {
                positions(c, at, alt, 2).map(LineString)
            })
            .map_err(shape)?,
        )),
        "Polygon" => Geometry::Polygon(polygon(root, At::ROOT, altitudes).map_err(shape)?),
        _ => Geometry::MultiPolygon(MultiPolygon(each(root, altitudes, polygon).map_err(shape)?)),
    };
    Ok(geometry)
}

/// Reads `location_precision`: a level, or `{"level": …, "radius_km": …}`.
///
/// # Errors
/// The message to warn with.
pub(super) fn location_precision(raw: &RawValue) -> Result<LocationPrecision, String> {
    const EXPECTED: &str = "location_precision must be \"exact\", \"approximate\", \"area\", or {\"level\": …, \"radius_km\": …}";
    if let Some(level) = Got::of_raw(raw).into_str() {
        let level = PrecisionLevel::parse(&level).ok_or_else(|| EXPECTED.to_owned())?;
        return Ok(LocationPrecision {
            level,
            radius_km: None,
        });
    }
    let object: RawObject<'_> = serde_json::from_str(raw.get()).map_err(|_| EXPECTED.to_owned())?;
    let level = object
        .get("level")
        .and_then(|l| Got::of_raw(l).into_str())
        .as_deref()
        .and_then(PrecisionLevel::parse)
        .ok_or_else(|| EXPECTED.to_owned())?;
    let radius_km = match object.get("radius_km") {
        None => None,
        Some(r) => Some(
            Got::of_raw(r)
                .number()
                .filter(|&r| r >= 0.0)
                .ok_or("radius_km must be a number ≥ 0")?,
        ),
    };
    Ok(LocationPrecision { level, radius_km })
}

/// Where a value lies below `coordinates`: the indices from the outside in, written out
/// (`[1][0]`) only for a message.
#[derive(Clone, Copy)]
struct At<'a> {
    up: Option<&'a At<'a>>,
    index: usize,
}

impl At<'_> {
    /// `coordinates` itself.
    const ROOT: At<'static> = At { up: None, index: 0 };

    /// Element `index` of the array here.
    fn child(&self, index: usize) -> At<'_> {
        At {
            up: Some(self),
            index,
        }
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.up {
            None => Ok(()),
            Some(up) => write!(f, "{up}[{}]", self.index),
        }
    }
}

/// The array at `node`, or an error naming the path below `coordinates`.
fn list<'c>(node: Node<'c>, path: At<'_>) -> Result<&'c Coords, String> {
    match node {
        Node::Array(items) => Ok(items),
        Node::Number(_) => Err(format!(
            "coordinates{path}: expected an array, found a number"
        )),
        Node::Other(found) => Err(format!(
            "coordinates{path}: expected an array, found {found}"
        )),
    }
}

/// One position: [lon, lat] or [lon, lat, alt], checked for range.
fn position(node: Node<'_>, path: At<'_>, altitudes: &mut Vec<f64>) -> Result<Coord<f64>, String> {
    let items = list(node, path)?;
    let number = |i: usize| match items.child(i) {
        Some(Node::Number(v)) if v.is_finite() => Ok(v),
        Some(Node::Number(_)) => Err(format!("coordinates{path}[{i}]: not a finite number")),
        Some(Node::Array(_)) => Err(format!(
            "coordinates{path}[{i}]: expected a number, found an array"
        )),
        Some(Node::Other(found)) => Err(format!(
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

/// The positions of the array at `node`, at least `min` of them.
fn positions(
    node: Node<'_>,
    path: At<'_>,
    altitudes: &mut Vec<f64>,
    min: usize,
) -> Result<Vec<Coord<f64>>, String> {
    let items = list(node, path)?;
    if items.len() < min {
        return Err(format!(
            "coordinates{path}: needs at least {min} positions, has {}",
            items.len()
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        if let Some(c) = items.child(i) {
            out.push(position(c, path.child(i), altitudes)?);
        }
    }
    Ok(out)
}

/// A polygon's rings: the first the exterior, the rest holes.
fn polygon(node: Node<'_>, path: At<'_>, altitudes: &mut Vec<f64>) -> Result<Polygon<f64>, String> {
    let rings = list(node, path)?;
    let mut read = Vec::with_capacity(rings.len());
    for i in 0..rings.len() {
        if let Some(ring) = rings.child(i) {
            read.push(LineString(positions(ring, path.child(i), altitudes, 4)?));
        }
    }
    let mut read = read.into_iter();
    let exterior = read
        .next()
        .ok_or_else(|| format!("coordinates{path}: a polygon needs at least one ring"))?;
    Ok(Polygon::new(exterior, read.collect()))
}

/// The lines, or polygons, of the array at `node`, each read by `one`.
fn each<T>(
    node: Node<'_>,
    altitudes: &mut Vec<f64>,
    one: impl Fn(Node<'_>, At<'_>, &mut Vec<f64>) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let items = list(node, At::ROOT)?;
    let mut out = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        if let Some(c) = items.child(i) {
            out.push(one(c, At::ROOT.child(i), altitudes)?);
        }
    }
    Ok(out)
}
