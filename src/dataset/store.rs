//! The compact form a dataset is kept in: one small record per feature, strings as spans of
//! the file's text (or of an arena for the few that had to be unescaped), styles shared,
//! positions in a column of their own. A million features cost about 70 bytes each beside
//! the text; the text itself stays, so a feature can be read again in full when shown.
//! Knows the model's types; no format's syntax (readers hand the builder records).

use std::collections::HashMap;

use geo_types::Geometry;

use super::{FeatureKind, LocationPrecision, RouteInfo, SimpleStyle};

/// A string of the dataset: a span of the feature's text, or of the arena.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StrRef {
    /// Offset from the feature's start, or into the arena.
    offset: u32,
    /// Length in bytes; the top bit marks the arena.
    len: u32,
}

const IN_ARENA: u32 = 1 << 31;

impl StrRef {
    /// The empty string.
    pub const EMPTY: Self = Self { offset: 0, len: 0 };

    /// Resolves the span: `feature` is the feature's text, `arena` the dataset's arena.
    pub fn get<'a>(self, feature: &'a str, arena: &'a str) -> &'a str {
        let len = (self.len & !IN_ARENA) as usize;
        let start = self.offset as usize;
        let source = if self.len & IN_ARENA == 0 {
            feature
        } else {
            arena
        };
        source.get(start..start + len).unwrap_or("")
    }

    /// Moves an arena span by `by` bytes (when arenas are joined).
    pub fn shifted(self, by: u32) -> Self {
        if self.len & IN_ARENA == 0 {
            self
        } else {
            Self {
                offset: self.offset + by,
                ..self
            }
        }
    }
}

/// No geometry, route or look.
pub(crate) const NONE: u32 = u32::MAX;
/// In [`Core::geometry`], marks an index into [`Part::shapes`] rather than the points.
pub(crate) const SHAPE: u32 = 1 << 31;

/// One feature in compact form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Core {
    /// Byte offset of the feature's JSON object in the text.
    pub start: u64,
    /// Its length in bytes.
    pub len: u32,
    pub id: StrRef,
    pub name: StrRef,
    pub description: StrRef,
    /// Index into the look table.
    pub look: u32,
    /// [`NONE`], a point's index, or [`SHAPE`] | a shape's index.
    pub geometry: u32,
    /// [`NONE`] or an index into the routes.
    pub route: u32,
    /// [`NONE`] (undated) or an index into the spans.
    pub when: u32,
    pub kind: FeatureKind,
}

/// How a feature is drawn: its simplestyle and how precise its position is. Most features
/// share the default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Look {
    /// simplestyle.
    pub style: SimpleStyle,
    /// `location_precision`.
    pub precision: Option<LocationPrecision>,
}

impl Look {
    /// A key that is equal exactly when the looks are (floats by their bits).
    fn key(&self) -> String {
        let s = &self.style;
        let p = self
            .precision
            .map(|p| (p.level, p.radius_km.map(f64::to_bits)));
        format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{}|{:?}",
            s.marker_color,
            s.marker_size,
            s.marker_symbol,
            s.stroke,
            s.stroke_width.to_bits(),
            s.stroke_opacity.to_bits(),
            s.fill,
            s.fill_opacity.to_bits(),
            p
        )
    }
}

/// Looks, each once; index 0 is the default.
#[derive(Clone, Debug)]
pub(crate) struct Looks {
    pub list: Vec<Look>,
    index: HashMap<String, u32>,
}

impl Default for Looks {
    fn default() -> Self {
        let default = Look::default();
        Self {
            index: HashMap::from([(default.key(), 0)]),
            list: vec![default],
        }
    }
}

impl Looks {
    /// The index of `look`, added if new.
    pub fn intern(&mut self, look: Look) -> u32 {
        if look == self.list[0] {
            return 0;
        }
        // Most files have a handful of looks: compared directly, without formatting a key
        // (which took 7% of loading a million ACLED rows, each with a precision).
        if self.list.len() <= 32
            && let Some(i) = self.list.iter().position(|l| *l == look)
        {
            return u32::try_from(i).unwrap_or(0);
        }
        let key = look.key();
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(0);
        self.list.push(look);
        self.index.insert(key, i);
        i
    }
}

/// What one loader thread built from its run of features.
#[derive(Clone, Debug, Default)]
pub(crate) struct Part {
    pub cores: Vec<Core>,
    /// Positions of point features, lon/lat.
    pub points: Vec<[f64; 2]>,
    /// Every other geometry.
    pub shapes: Vec<Geometry<f64>>,
    pub routes: Vec<RouteInfo>,
    /// When the dated features may have happened.
    pub whens: Vec<crate::dataset::When>,
    pub arena: String,
    pub looks: Looks,
    /// (hash of a source id, the feature defining it), for every source with an id.
    pub sources: Vec<(u64, u32)>,
    /// (hash of a source id, the feature citing it), for ids a feature's claims cite that
    /// it does not define itself.
    pub cited: Vec<(u64, u32)>,
    /// Features the quick reading left, still to be read located (their index is only known
    /// once the runs are joined). Their records hold only their span until then.
    pub deferred: Vec<u32>,
    /// Features without an id, which get `#<index>` once the runs are joined; and whether
    /// their name is that id too.
    pub anonymous: Vec<(u32, bool)>,
}

impl Part {
    /// Room for `n` more features, most of them points.
    pub fn reserve(&mut self, n: usize) {
        self.cores.reserve(n);
        self.points.reserve(n);
        self.sources.reserve(n);
    }

    /// Stores a geometry: a Point in the points column, anything else as a shape. Gives
    /// the value for [`Core::geometry`].
    pub fn add_geometry(&mut self, geometry: Option<Geometry<f64>>) -> u32 {
        let index = |len: usize| u32::try_from(len - 1).unwrap_or(NONE - 1);
        match geometry {
            None => NONE,
            Some(Geometry::Point(p)) => {
                self.points.push([p.x(), p.y()]);
                index(self.points.len())
            }
            Some(g) => {
                self.shapes.push(g);
                index(self.shapes.len()) | SHAPE
            }
        }
    }

    /// The shape a [`Core::geometry`] value names, if it names one.
    pub fn shape(&self, geometry: u32) -> Option<&Geometry<f64>> {
        if geometry == NONE || geometry & SHAPE == 0 {
            return None;
        }
        self.shapes.get((geometry & !SHAPE) as usize)
    }

    /// Puts `text` in the arena.
    pub fn arena_str(&mut self, text: &str) -> StrRef {
        let offset = u32::try_from(self.arena.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(text.len()).unwrap_or(0).min(IN_ARENA - 1);
        self.arena.push_str(text);
        StrRef {
            offset,
            len: len | IN_ARENA,
        }
    }

    /// A span of the feature's text when `text` lies inside it, else an arena copy.
    pub fn str_in(&mut self, feature: &str, text: &str) -> StrRef {
        let start = (text.as_ptr() as usize).wrapping_sub(feature.as_ptr() as usize);
        if start <= feature.len()
            && start + text.len() <= feature.len()
            && let (Ok(offset), Ok(len)) = (u32::try_from(start), u32::try_from(text.len()))
            && len < IN_ARENA
        {
            return StrRef { offset, len };
        }
        self.arena_str(text)
    }

    /// Replaces feature `index`'s record (a deferred feature, once read in full), with the
    /// ids of the sources it defines and whether a claim of it cites a source it does not
    /// define.
    pub fn set(
        &mut self,
        index: u32,
        core: Core,
        source_ids: &[std::borrow::Cow<'_, str>],
        cited: &[std::borrow::Cow<'_, str>],
    ) {
        self.sources
            .extend(source_ids.iter().map(|id| (id_hash(id), index)));
        self.cited
            .extend(cited.iter().map(|id| (id_hash(id), index)));
        if let Some(slot) = self.cores.get_mut(index as usize) {
            *slot = core;
        }
    }

    /// Adds a feature, with the ids of the sources it defines and whether a claim of it
    /// cites a source it does not define.
    pub fn push(
        &mut self,
        core: Core,
        source_ids: &[std::borrow::Cow<'_, str>],
        cited: &[std::borrow::Cow<'_, str>],
    ) {
        let here = u32::try_from(self.cores.len()).unwrap_or(NONE);
        self.sources
            .extend(source_ids.iter().map(|id| (id_hash(id), here)));
        self.cited
            .extend(cited.iter().map(|id| (id_hash(id), here)));
        self.cores.push(core);
    }

    /// Appends `other`, moving its indices past this part's.
    pub fn append(&mut self, other: Self) {
        let arena_base = u32::try_from(self.arena.len()).unwrap_or(u32::MAX);
        let points_base = u32::try_from(self.points.len()).unwrap_or(0);
        let shapes_base = u32::try_from(self.shapes.len()).unwrap_or(0);
        let routes_base = u32::try_from(self.routes.len()).unwrap_or(0);
        let whens_base = u32::try_from(self.whens.len()).unwrap_or(0);
        let feature_base = u32::try_from(self.cores.len()).unwrap_or(0);
        let looks: Vec<u32> = other
            .looks
            .list
            .into_iter()
            .map(|look| self.looks.intern(look))
            .collect();
        self.cores.reserve(other.cores.len());
        self.cores.extend(other.cores.into_iter().map(|mut c| {
            c.id = c.id.shifted(arena_base);
            c.name = c.name.shifted(arena_base);
            c.description = c.description.shifted(arena_base);
            c.look = looks.get(c.look as usize).copied().unwrap_or(0);
            if c.geometry != NONE {
                c.geometry += if c.geometry & SHAPE == 0 {
                    points_base
                } else {
                    shapes_base
                };
            }
            if c.route != NONE {
                c.route += routes_base;
            }
            if c.when != NONE {
                c.when += whens_base;
            }
            c
        }));
        self.whens.extend(other.whens);
        self.points.extend(other.points);
        self.shapes.extend(other.shapes);
        self.routes.extend(other.routes);
        self.arena.push_str(&other.arena);
        self.sources.extend(
            other
                .sources
                .into_iter()
                .map(|(h, i)| (h, i + feature_base)),
        );
        self.cited
            .extend(other.cited.into_iter().map(|(h, i)| (h, i + feature_base)));
        self.deferred
            .extend(other.deferred.into_iter().map(|i| i + feature_base));
        self.anonymous.extend(
            other
                .anonymous
                .into_iter()
                .map(|(i, n)| (i + feature_base, n)),
        );
    }
}

/// A hash of a source or feature id, the same in every thread and run.
pub(crate) fn id_hash(id: &str) -> u64 {
    // FNV-1a, then a final mix so that the low bits (which pick a table's bucket) depend on
    // every byte.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// The id index: feature indices in a hash table keyed by [`id_hash`] of their ids, which
/// stay in the text (a table slot is 4 bytes and a control byte).
pub(crate) type IdTable = hashbrown::HashTable<u32>;
