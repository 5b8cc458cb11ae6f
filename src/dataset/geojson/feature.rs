//! The GeoJSON feature reader: the one place a Feature object becomes the model's typed
//! data, [`Parts`], from which the builder's record or the full [`Feature`] is taken.
//!
//! It reads in one of two ways, by the same code. **Quickly** (at load): serde straight from
//! the text into typed, borrowed data, with no positions; the first thing it would warn
//! about stops the reading ([`REFUSED`]), and the feature is read again, located, once its
//! index is known. **Located**: every value is first taken as its raw slice of the text, so
//! that a warning names its line and column, feature index, id and JSON path, and a value at
//! fault is kept as found (in `other_properties` or `foreign_members`): nothing is lost.
//! Reading a shown feature again is a quiet located reading. `properties` are read in
//! [`properties`], geometry in `geometry.rs`, claims and sources in `evidence.rs`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::geometry::GeometrySeed;
use super::parts::{Parts, unescaped};
use super::raw::{JsonKind, Member, next_member, next_str, next_value};
use super::reader::{REFUSED, Reader, keep, to_value};

mod properties;

use properties::PropertiesSeed;

/// Reads the feature that starts `text` quickly and hands its parts and its own text to
/// `then`; gives where its JSON value ends, or `None` where it must be read located (or is
/// no Feature, or no JSON).
pub(super) fn read_quickly<'t>(
    text: &'t str,
    then: impl FnOnce(&mut Parts<'t>, &'t str),
) -> Option<usize> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut parts = Parts::default();
    FeatureInto {
        reader: &mut Reader::quick(),
        parts: &mut parts,
    }
    .deserialize(&mut de)
    .ok()?;
    // Where the value ended: the stream that would read on starts there.
    let end = de.into_iter::<serde::de::IgnoredAny>().byte_offset();
    then(&mut parts, text.get(..end)?);
    Some(end)
}

/// A file that is one bare geometry, read as one feature without properties.
///
/// # Errors
/// The deserializer's (the text has been checked to be JSON).
pub(super) fn bare<'t>(
    r: &mut Reader<'t>,
    raw: &'t RawValue,
) -> Result<Parts<'t>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let found = GeometrySeed {
        located: true,
        depth: 0,
    }
    .deserialize(&mut de)?;
    let mut parts = Parts::bare(None, Vec::new());
    if let Some(placed) = found.read::<serde_json::Error>(r, Some(raw), "")? {
        parts.place(placed);
    }
    Ok(parts)
}

/// Reads one Feature object into [`Parts`].
pub(super) struct FeatureSeed<'r, 't> {
    pub reader: &'r mut Reader<'t>,
}

impl<'t> DeserializeSeed<'t> for FeatureSeed<'_, 't> {
    type Value = Parts<'t>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Parts<'t>, D::Error> {
        let mut parts = Parts::default();
        FeatureInto {
            reader: self.reader,
            parts: &mut parts,
        }
        .deserialize(d)?;
        Ok(parts)
    }
}

/// Reads one Feature object into the [`Parts`] given (empty), where they lie: the quick
/// reading's way, as a feature's parts are large.
pub(super) struct FeatureInto<'r, 'p, 't> {
    pub reader: &'r mut Reader<'t>,
    pub parts: &'p mut Parts<'t>,
}

impl<'t> DeserializeSeed<'t> for FeatureInto<'_, '_, 't> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'t> Visitor<'t> for FeatureInto<'_, '_, 't> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Feature object")
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<(), A::Error> {
        let r = self.reader;
        let located = r.located;
        let first_warning = r.warnings.len();
        let parts = self.parts;
        let mut id_raw = None;
        while let Some(member) = next_member(&mut map)? {
            match member {
                FeatureMember::Type => parts.type_name = Some(next_str(&mut map, located)?.0),
                FeatureMember::Id => id_raw = Some(map.next_value::<&'t RawValue>()?),
                FeatureMember::Geometry => {
                    let (found, raw) =
                        next_value(&mut map, located, GeometrySeed { located, depth: 0 })?;
                    if let Some(placed) = found.read(r, raw, "geometry")? {
                        parts.place(placed);
                    }
                }
                FeatureMember::Properties => {
                    let seed = PropertiesSeed {
                        reader: &mut *r,
                        parts: &mut *parts,
                    };
                    let (found, raw) = next_value(&mut map, located, seed)?;
                    if let Some(kind) = found {
                        r.warn(
                            raw,
                            || "properties".to_owned(),
                            || {
                                format!(
                                    "\"properties\" must be an object or null, found {}",
                                    kind.describe()
                                )
                            },
                        )?;
                        keep(&mut parts.foreign_members, "properties", raw);
                    }
                }
                FeatureMember::Other(other) => {
                    if located {
                        let raw: &RawValue = map.next_value()?;
                        keep(&mut parts.foreign_members, &other, Some(raw));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        // The id last (JSON's last-wins rule), its warning first, and every other warning
        // naming it.
        let mut id_warnings = Vec::new();
        if let Some(raw) = id_raw {
            let index = r.index;
            let before = r.warnings.len();
            match JsonKind::of(raw) {
                JsonKind::String => match unescaped(raw) {
                    Some(id) if id.is_empty() => r.warn(
                        Some(raw),
                        || "id".to_owned(),
                        || format!("an empty id cannot be linked to; using #{index}"),
                    )?,
                    id => parts.id = id,
                },
                JsonKind::Number => parts.id = Some(Cow::Borrowed(raw.get())),
                kind => {
                    r.warn(
                        Some(raw),
                        || "id".to_owned(),
                        || {
                            format!(
                                "an id must be a string or a number, found {}; using #{index}",
                                kind.describe()
                            )
                        },
                    )?;
                    parts
                        .foreign_members
                        .insert(0, ("id".to_owned(), to_value(raw)));
                }
            }
            id_warnings = r.warnings.split_off(before);
        }
        if let Some(id) = &parts.id {
            for w in r.warnings.get_mut(first_warning..).into_iter().flatten() {
                w.feature_id = Some(id.to_string());
            }
        }
        let rest = r.warnings.split_off(first_warning);
        r.warnings.extend(id_warnings);
        r.warnings.extend(rest);
        if !located && parts.type_error().is_some() {
            return Err(de::Error::custom(REFUSED));
        }
        Ok(())
    }
}

/// The members of a Feature object.
enum FeatureMember<'t> {
    Type,
    Id,
    Geometry,
    Properties,
    Other(Cow<'t, str>),
}

impl<'t> Member<'t> for FeatureMember<'t> {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "type" => Self::Type,
            "id" => Self::Id,
            "geometry" => Self::Geometry,
            "properties" => Self::Properties,
            _ => return None,
        })
    }
    fn other(key: Cow<'t, str>) -> Self {
        Self::Other(key)
    }
}
