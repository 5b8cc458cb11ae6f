//! Lenient, borrowed views of JSON used while parsing GeoJSON.
//!
//! The loader first splits the text into borrowed [`RawValue`] slices (a fast scan, no
//! allocation per value), then reads each member into typed data. These types never fail
//! on a type mismatch: they record what they found, so the loader can warn and go on.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON object read as its members in file order, each value left as raw text.
#[derive(Debug, Default)]
pub struct RawObject<'a> {
    /// Members in file order; a repeated key appears twice.
    pub members: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> RawObject<'a> {
    /// The last value given for `key` (JSON's usual rule for repeated keys).
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawObject<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((key, value));
                }
                Ok(RawObject { members })
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// What kind of JSON value a raw slice holds, judged from its first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    /// The kind of a raw value.
    pub fn of(raw: &RawValue) -> Self {
        match raw.get().as_bytes().first() {
            Some(b'n') => Self::Null,
            Some(b't' | b'f') => Self::Bool,
            Some(b'"') => Self::String,
            Some(b'[') => Self::Array,
            Some(b'{') => Self::Object,
            _ => Self::Number,
        }
    }

    /// How the kind reads in a message ("a string", "an array").
    pub fn describe(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
        }
    }
}

/// A coordinate tree as found: numbers, nested arrays, or something else.
#[derive(Clone, Debug, PartialEq)]
pub enum Coords {
    /// A number.
    Number(f64),
    /// An array of further coordinates.
    Array(Vec<Coords>),
    /// Anything else; the text says what it was ("a string", "null").
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Coords {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CoordsVisitor;
        impl<'de> Visitor<'de> for CoordsVisitor {
            type Value = Coords;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("GeoJSON coordinates")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Coords, E> {
                Ok(Coords::Number(v))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Coords, E> {
                Ok(Coords::Number(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Coords, E> {
                Ok(Coords::Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Coords, E> {
                Ok(Coords::Other("a string"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Coords, E> {
                Ok(Coords::Other("a boolean"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Coords, E> {
                Ok(Coords::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coords, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(2).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Coords::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Coords, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Coords::Other("an object"))
            }
        }
        deserializer.deserialize_any(CoordsVisitor)
    }
}

/// Byte offset of a raw slice within the text it was borrowed from.
///
/// Both must come from the same allocation; the loader only calls this with slices that
/// `serde_json` borrowed from `text`.
pub fn offset_in(text: &str, raw: &RawValue) -> usize {
    (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_member_order_and_escaped_keys() -> Result<(), serde_json::Error> {
        let obj: RawObject<'_> = serde_json::from_str(r#"{"b":1,"a\u0041":[2],"b":"x"}"#)?;
        let keys: Vec<&str> = obj.members.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["b", "aA", "b"]);
        assert_eq!(obj.get("b").map(RawValue::get), Some("\"x\""));
        Ok(())
    }

    #[test]
    fn coords_accept_anything() -> Result<(), serde_json::Error> {
        let c: Coords = serde_json::from_str(r#"[1, "x", null, [2.5, {"a": 1}]]"#)?;
        assert_eq!(
            c,
            Coords::Array(vec![
                Coords::Number(1.0),
                Coords::Other("a string"),
                Coords::Other("null"),
                Coords::Array(vec![Coords::Number(2.5), Coords::Other("an object")]),
            ])
        );
        Ok(())
    }

    #[test]
    fn kinds_are_judged_from_the_first_byte() -> Result<(), serde_json::Error> {
        let v: Vec<&RawValue> = serde_json::from_str(r#"[null, true, -1, "s", [], {}]"#)?;
        let kinds: Vec<JsonKind> = v.into_iter().map(JsonKind::of).collect();
        use JsonKind::*;
        assert_eq!(kinds, [Null, Bool, Number, String, Array, Object]);
        Ok(())
    }
}
