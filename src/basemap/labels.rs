//! Country and city names over the offline basemap, drawn as text in the scene rather than
//! baked into tiles, so they stay crisp (and text in a figure's SVG or PDF), are never cut at a tile's edge, and never overlap each other
//! or Sortie's own labels and markers.

use egui::{Align2, Pos2, Rect, Vec2, vec2};
use geo::{Area as _, InteriorPoint as _};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::palette::BasemapPalette;
use crate::geometry::mercator;
use crate::geometry::screen::ScreenTransform;
use crate::scene::{Scene, Stroke, Tag};
use crate::world::{Polygon, World};

/// Width a country must have on screen before its name shows, in points.
const COUNTRY_MIN_WIDTH_PX: f64 = 80.0;
/// Most city names drawn in one frame.
const MAX_CITIES: usize = 150;

/// A country name and where it goes.
#[derive(Clone, Debug, PartialEq)]
pub struct CountryLabel {
    /// The name, as shown (upper case).
    pub text: String,
    /// An interior point of the country's largest polygon, unit Mercator.
    pub unit: [f64; 2],
    /// Zoom from which the country is wide enough for its name.
    pub min_zoom: f64,
}

/// The smallest population of a city named at a zoom.
pub fn min_city_population(zoom: f64) -> u64 {
    match zoom {
        z if z < 3.5 => u64::MAX,
        z if z < 4.5 => 3_000_000,
        z if z < 5.5 => 1_000_000,
        z if z < 6.5 => 300_000,
        z if z < 7.5 => 100_000,
        z if z < 8.5 => 40_000,
        _ => 15_000,
    }
}

/// Label positions, computed once from the basemap data.
pub struct BasemapLabels {
    countries: Vec<CountryLabel>,
    /// Cities by position; the data is an index into the vectors below, which are in
    /// descending population (so sorting indices sorts by population).
    cities: RTree<GeomWithData<[f64; 2], usize>>,
    city_names: Vec<(String, u64)>,
    city_units: Vec<[f64; 2]>,
}

impl BasemapLabels {
    /// Places country names (from the 1:50m countries) and indexes the cities.
    pub fn new(data: &World) -> Self {
        let countries = data
            .medium
            .countries
            .iter()
            .filter_map(|c| {
                let (polygon, area_unit) = largest(&c.polygons)?;
                let point = polygon.interior_point()?;
                let width_unit = area_unit.sqrt();
                Some(CountryLabel {
                    text: c.name.to_uppercase(),
                    unit: mercator::project(point.x(), point.y()),
                    min_zoom: (COUNTRY_MIN_WIDTH_PX / (256.0 * width_unit))
                        .log2()
                        .max(1.0),
                })
            })
            .collect();
        let city_names = data
            .cities
            .iter()
            .map(|c| (c.name.clone(), c.population))
            .collect();
        let city_units = data.cities.iter().map(|c| c.unit).collect();
        let cities = RTree::bulk_load(
            data.cities
                .iter()
                .enumerate()
                .map(|(i, c)| GeomWithData::new(c.unit, i))
                .collect(),
        );
        Self {
            countries,
            cities,
            city_names,
            city_units,
        }
    }

    /// Country labels.
    pub fn countries(&self) -> &[CountryLabel] {
        &self.countries
    }

    /// The names in view, avoiding `obstacles` (and adding what they place).
    pub fn scene(
        &self,
        view: &ScreenTransform,
        zoom: f64,
        obstacles: &mut Vec<Rect>,
        palette: &BasemapPalette,
    ) -> Scene {
        let mut placer = Placer {
            clip: view.rect.shrink(2.0),
            obstacles,
            scene: Scene::new(Vec2::ZERO),
            palette,
        };
        // Countries matter more at small scales, cities at large ones.
        if zoom < 6.0 {
            self.place_countries(&mut placer, view, zoom);
            self.place_cities(&mut placer, view, zoom);
        } else {
            self.place_cities(&mut placer, view, zoom);
            self.place_countries(&mut placer, view, zoom);
        }
        placer.scene
    }

    fn place_countries(&self, placer: &mut Placer<'_>, view: &ScreenTransform, zoom: f64) {
        let (min, max) = view.visible_unit_rect();
        for c in self
            .countries
            .iter()
            .filter(|c| zoom >= c.min_zoom && zoom < 11.0)
        {
            let inside = c.unit[0] >= min[0]
                && c.unit[0] <= max[0]
                && c.unit[1] >= min[1]
                && c.unit[1] <= max[1];
            if inside {
                let at = view.to_screen(c.unit);
                placer.place(
                    &c.text,
                    at,
                    Align2::CENTER_CENTER,
                    11.0,
                    placer.palette.country_label,
                );
            }
        }
    }

    fn place_cities(&self, placer: &mut Placer<'_>, view: &ScreenTransform, zoom: f64) {
        let (min, max) = view.visible_unit_rect();
        let font = 11.5;
        let threshold = min_city_population(zoom);
        let mut visible: Vec<usize> = self
            .cities
            .locate_in_envelope(&rstar::AABB::from_corners(min, max))
            .map(|g| g.data)
            .filter(|&i| {
                self.city_names
                    .get(i)
                    .is_some_and(|(_, pop)| *pop >= threshold)
            })
            .collect();
        // Indices follow population, largest first.
        visible.sort_unstable();
        let mut placed = 0;
        for i in visible {
            let (Some((name, _)), Some(city)) = (self.city_names.get(i), self.cities_unit(i))
            else {
                continue;
            };
            let at = view.to_screen(city);
            let dot = Rect::from_center_size(at, Vec2::splat(5.0));
            if placer.obstacles.iter().any(|o| o.intersects(dot)) {
                continue;
            }
            let color = placer.palette.city_label;
            let ok = placer.place(name, at + vec2(5.0, 0.0), Align2::LEFT_CENTER, font, color)
                || placer.place(name, at - vec2(5.0, 0.0), Align2::RIGHT_CENTER, font, color);
            if ok {
                placer.obstacles.push(dot);
                placer.scene.circle(
                    Tag::PlaceName,
                    at,
                    2.5,
                    placer.palette.city_dot,
                    Stroke::NONE,
                );
                placed += 1;
                if placed >= MAX_CITIES {
                    break;
                }
            }
        }
    }

    fn cities_unit(&self, index: usize) -> Option<[f64; 2]> {
        self.city_units.get(index).copied()
    }
}

/// Places labels where they meet nothing already placed.
struct Placer<'a> {
    clip: Rect,
    obstacles: &'a mut Vec<Rect>,
    scene: Scene,
    palette: &'a BasemapPalette,
}

impl Placer<'_> {
    fn place(
        &mut self,
        text: &str,
        anchor: Pos2,
        align: Align2,
        size: f32,
        color: egui::Color32,
    ) -> bool {
        let rect = align.anchor_size(
            anchor,
            crate::scene::font::Font::shared().measure(text, size),
        );
        if !self.clip.contains_rect(rect)
            || self
                .obstacles
                .iter()
                .any(|o| o.intersects(rect.expand(3.0)))
        {
            return false;
        }
        self.obstacles.push(rect);
        self.scene.rect(
            Tag::PlaceName,
            rect.expand2(vec2(2.0, 0.0)),
            2.0,
            self.palette.label_halo,
            Stroke::NONE,
        );
        self.scene.text(
            Tag::PlaceName,
            rect.min,
            Align2::LEFT_TOP,
            text,
            size,
            color,
        );
        true
    }
}

/// The polygon of largest area (built from its largest ring, in degrees), with that area in
/// unit Mercator squared.
fn largest(polygons: &[Polygon]) -> Option<(geo_types::Polygon<f64>, f64)> {
    polygons
        .iter()
        .flat_map(|p| p.rings.iter())
        .map(|ring| {
            let exterior: geo_types::LineString<f64> =
                ring.lon_lat.iter().map(|&[x, y]| (x, y)).collect();
            let unit: geo_types::LineString<f64> = ring
                .points
                .iter()
                .map(|&[x, y]| (f64::from(x), f64::from(y)))
                .collect();
            let area = geo_types::Polygon::new(unit, vec![]).unsigned_area();
            (geo_types::Polygon::new(exterior, vec![]), area)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_sit_inside_their_country() {
        let data = World::shared();
        let labels = BasemapLabels::new(&data);
        let iran = labels
            .countries()
            .iter()
            .find(|c| c.text == "IRAN")
            .expect("Iran");
        let (lon, lat) = mercator::unproject(iran.unit);
        assert!(
            (44.0..63.0).contains(&lon) && (25.0..40.0).contains(&lat),
            "{lon} {lat}"
        );
        let russia = labels
            .countries()
            .iter()
            .find(|c| c.text == "RUSSIA")
            .expect("Russia");
        let lebanon = labels
            .countries()
            .iter()
            .find(|c| c.text == "LEBANON")
            .expect("Lebanon");
        assert!(russia.min_zoom < iran.min_zoom && iran.min_zoom < lebanon.min_zoom);
        assert!(lebanon.min_zoom > 4.0, "{}", lebanon.min_zoom);
    }

    #[test]
    fn more_cities_show_as_one_zooms_in() {
        let mut last = u64::MAX;
        for z in [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 12.0] {
            let p = min_city_population(z);
            assert!(p <= last);
            last = p;
        }
        assert_eq!(
            min_city_population(3.0),
            u64::MAX,
            "no cities at world scale"
        );
    }
}
