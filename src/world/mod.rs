//! The world's reference data: Natural Earth countries, land, lakes, borders, coastlines and
//! rivers at three scales, and GeoNames cities, embedded in the binary and decoded once from
//! the `SBM1` files that `assets/basemap/regenerate.py` writes (the format is described
//! there). Shared by the basemap renderer, its labels and the airspace analysis; knows
//! nothing of them, of the dataset or of a screen (only [`crate::geometry`]).

use std::sync::{Arc, OnceLock};

use crate::geometry::mercator;

/// Degrees per unit of the files' integer grid.
const DEGREES_PER_UNIT: f64 = 1e-4;

/// The files, built into the binary.
const NE_110M: &[u8] = include_bytes!("../../assets/basemap/ne-110m.sbm");
const NE_50M: &[u8] = include_bytes!("../../assets/basemap/ne-50m.sbm");
const NE_10M: &[u8] = include_bytes!("../../assets/basemap/ne-10m.sbm");
const CITIES: &[u8] = include_bytes!("../../assets/basemap/cities.sbm");

/// A ring or a line in unit Web Mercator (f32 is ample: a pixel at zoom 12 is 1e-6 unit),
/// with its bounding box.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Points, unit Web Mercator.
    pub points: Vec<[f32; 2]>,
    /// Points in degrees (longitude, latitude), for geodesy.
    pub lon_lat: Vec<[f64; 2]>,
    /// `[min_x, min_y, max_x, max_y]` in unit Web Mercator.
    pub bbox: [f32; 4],
}

impl Part {
    fn new(lon_lat: Vec<[f64; 2]>) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let points: Vec<[f32; 2]> = lon_lat
            .iter()
            .map(|&[lon, lat]| {
                let [x, y] = mercator::project(lon, lat);
                [x as f32, y as f32]
            })
            .collect();
        let mut bbox = [
            f32::INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
        ];
        for p in &points {
            bbox = [
                bbox[0].min(p[0]),
                bbox[1].min(p[1]),
                bbox[2].max(p[0]),
                bbox[3].max(p[1]),
            ];
        }
        Self {
            points,
            lon_lat,
            bbox,
        }
    }

    /// Whether the bounding box meets `[min_x, min_y, max_x, max_y]`.
    pub fn meets(&self, b: [f32; 4]) -> bool {
        self.bbox[0] <= b[2] && self.bbox[2] >= b[0] && self.bbox[1] <= b[3] && self.bbox[3] >= b[1]
    }
}

/// A polygon: rings filled even-odd (an exterior and its holes, in no set order).
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    /// Rings.
    pub rings: Vec<Part>,
}

impl Polygon {
    /// The bounding box of all rings (Natural Earth does not always list the exterior
    /// first).
    pub fn bbox(&self) -> [f32; 4] {
        self.rings.iter().fold(
            [
                f32::INFINITY,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::NEG_INFINITY,
            ],
            |b, r| {
                [
                    b[0].min(r.bbox[0]),
                    b[1].min(r.bbox[1]),
                    b[2].max(r.bbox[2]),
                    b[3].max(r.bbox[3]),
                ]
            },
        )
    }
}

/// A named area (a country).
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    /// English name.
    pub name: String,
    /// ISO 3166-1 numeric code, where Natural Earth gives one.
    pub id: String,
    /// Its polygons.
    pub polygons: Vec<Polygon>,
}

/// A city from GeoNames.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Population.
    pub population: u64,
    /// Position in degrees.
    pub lon_lat: [f64; 2],
    /// Position in unit Web Mercator.
    pub unit: [f64; 2],
}

/// One generalization of the world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scale {
    /// Countries.
    pub countries: Vec<Area>,
    /// Land polygons (at 1:10m, the countries' polygons).
    pub land: Vec<Polygon>,
    /// Lakes.
    pub lakes: Vec<Polygon>,
    /// Borders between countries.
    pub borders: Vec<Part>,
    /// Coastlines.
    pub coastlines: Vec<Part>,
    /// Rivers.
    pub rivers: Vec<Part>,
}

/// Natural Earth generalizations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generalization {
    /// 1:110 million.
    Small,
    /// 1:50 million.
    Medium,
    /// 1:10 million.
    Large,
}

impl Generalization {
    /// The generalization drawn at a tile zoom.
    pub fn for_zoom(zoom: u8) -> Self {
        match zoom {
            0..=2 => Self::Small,
            3..=5 => Self::Medium,
            _ => Self::Large,
        }
    }
}

/// The world: every scale of Natural Earth, and the cities.
#[derive(Debug)]
pub struct World {
    /// 1:110m.
    pub small: Scale,
    /// 1:50m.
    pub medium: Scale,
    /// 1:10m.
    pub large: Scale,
    /// Cities, most populous first.
    pub cities: Vec<City>,
}

impl World {
    /// The data, decoded on first use and shared afterwards.
    pub fn shared() -> Arc<Self> {
        static DATA: OnceLock<Arc<World>> = OnceLock::new();
        DATA.get_or_init(|| Arc::new(Self::decode_embedded()))
            .clone()
    }

    /// Decodes the embedded files. They are tested to decode; a broken one would give an
    /// empty layer rather than a crash.
    pub fn decode_embedded() -> Self {
        let cities = decode(CITIES)
            .into_iter()
            .flat_map(|layer| layer.features)
            .filter_map(|f| match f.geometry {
                Geometry::Point(population, [lon, lat]) => Some(City {
                    name: f.name,
                    country: f.id,
                    population,
                    lon_lat: [lon, lat],
                    unit: mercator::project(lon, lat),
                }),
                _ => None,
            })
            .collect();
        Self {
            small: scale(NE_110M),
            medium: scale(NE_50M),
            large: scale(NE_10M),
            cities,
        }
    }

    /// The scale for a generalization.
    pub fn scale(&self, generalization: Generalization) -> &Scale {
        match generalization {
            Generalization::Small => &self.small,
            Generalization::Medium => &self.medium,
            Generalization::Large => &self.large,
        }
    }
}

fn scale(bytes: &[u8]) -> Scale {
    let mut scale = Scale::default();
    for layer in decode(bytes) {
        let polygons = |features: Vec<RawFeature>| -> Vec<Polygon> {
            features
                .into_iter()
                .flat_map(|f| match f.geometry {
                    Geometry::Polygons(p) => p,
                    _ => Vec::new(),
                })
                .collect()
        };
        let lines = |features: Vec<RawFeature>| -> Vec<Part> {
            features
                .into_iter()
                .flat_map(|f| match f.geometry {
                    Geometry::Lines(l) => l,
                    _ => Vec::new(),
                })
                .collect()
        };
        match layer.name.as_str() {
            "countries" => {
                scale.countries = layer
                    .features
                    .into_iter()
                    .map(|f| Area {
                        name: f.name,
                        id: f.id,
                        polygons: match f.geometry {
                            Geometry::Polygons(p) => p,
                            _ => Vec::new(),
                        },
                    })
                    .collect();
            }
            "land" => scale.land = polygons(layer.features),
            "lakes" => scale.lakes = polygons(layer.features),
            "borders" => scale.borders = lines(layer.features),
            "coastlines" => scale.coastlines = lines(layer.features),
            "rivers" => scale.rivers = lines(layer.features),
            _ => {}
        }
    }
    if scale.land.is_empty() {
        scale.land = scale
            .countries
            .iter()
            .flat_map(|c| c.polygons.iter().cloned())
            .collect();
    }
    scale
}

enum Geometry {
    Polygons(Vec<Polygon>),
    Lines(Vec<Part>),
    Point(u64, [f64; 2]),
}

struct RawFeature {
    name: String,
    id: String,
    geometry: Geometry,
}

struct RawLayer {
    name: String,
    features: Vec<RawFeature>,
}

/// Decodes an `SBM1` file into layers; stops at the first malformed byte.
fn decode(bytes: &[u8]) -> Vec<RawLayer> {
    let Some(body) = bytes.strip_prefix(b"SBM1") else {
        return Vec::new();
    };
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    let mut layers = Vec::new();
    while r.pos < r.bytes.len() {
        match r.layer() {
            Some(layer) => layers.push(layer),
            None => break,
        }
    }
    layers
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            n |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?)
            .ok()
            .filter(|&n| n <= self.bytes.len())
    }

    fn signed(&mut self) -> Option<i64> {
        let n = self.varint()?;
        #[allow(clippy::cast_possible_wrap)]
        Some((n >> 1) as i64 ^ -((n & 1) as i64))
    }

    fn string(&mut self) -> Option<String> {
        let len = self.count()?;
        let s = self.bytes.get(self.pos..self.pos + len)?;
        self.pos += len;
        String::from_utf8(s.to_vec()).ok()
    }

    #[allow(clippy::cast_precision_loss)]
    fn points(&mut self) -> Option<Vec<[f64; 2]>> {
        let n = self.count()?;
        let (mut x, mut y) = (0i64, 0i64);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            x += self.signed()?;
            y += self.signed()?;
            out.push([x as f64 * DEGREES_PER_UNIT, y as f64 * DEGREES_PER_UNIT]);
        }
        Some(out)
    }

    fn layer(&mut self) -> Option<RawLayer> {
        let name = self.string()?;
        let kind = self.varint()?;
        let n = self.count()?;
        let mut features = Vec::with_capacity(n);
        for _ in 0..n {
            let name = self.string()?;
            let id = self.string()?;
            let geometry = match kind {
                1 => {
                    let polygons = (0..self.count()?)
                        .map(|_| {
                            let rings = (0..self.count()?)
                                .map(|_| self.points().map(Part::new))
                                .collect::<Option<Vec<_>>>()?;
                            Some(Polygon { rings })
                        })
                        .collect::<Option<Vec<_>>>()?;
                    Geometry::Polygons(polygons)
                }
                2 => Geometry::Lines(
                    (0..self.count()?)
                        .map(|_| self.points().map(Part::new))
                        .collect::<Option<Vec<_>>>()?,
                ),
                _ => {
                    let population = self.varint()?;
                    #[allow(clippy::cast_precision_loss)]
                    let point = [
                        self.signed()? as f64 * DEGREES_PER_UNIT,
                        self.signed()? as f64 * DEGREES_PER_UNIT,
                    ];
                    Geometry::Point(population, point)
                }
            };
            features.push(RawFeature { name, id, geometry });
        }
        Some(RawLayer { name, features })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_decodes_completely() {
        let data = World::decode_embedded();
        for (scale, min_countries) in [(&data.small, 170), (&data.medium, 230), (&data.large, 250)]
        {
            assert!(
                scale.countries.len() >= min_countries,
                "{}",
                scale.countries.len()
            );
            assert!(
                !scale.land.is_empty() && !scale.borders.is_empty() && !scale.coastlines.is_empty()
            );
            assert!(!scale.lakes.is_empty() && !scale.rivers.is_empty());
        }
        for name in ["Iran", "Iraq", "Syria", "Turkey"] {
            assert!(
                data.large.countries.iter().any(|c| c.name == name),
                "{name}"
            );
        }
        assert!(data.cities.len() > 20_000);
        let tehran = data
            .cities
            .iter()
            .find(|c| c.name == "Tehran")
            .expect("Tehran");
        assert!((tehran.lon_lat[0] - 51.42).abs() < 0.1 && (tehran.lon_lat[1] - 35.69).abs() < 0.1);
        assert!(
            data.cities
                .windows(2)
                .all(|w| w[0].population >= w[1].population)
        );
    }

    #[test]
    fn a_malformed_file_gives_what_it_can_without_panicking() {
        assert!(decode(b"nope").is_empty());
        let truncated = &NE_110M[..NE_110M.len() / 2];
        let layers = decode(truncated);
        assert!(layers.len() < decode(NE_110M).len());
    }
}
