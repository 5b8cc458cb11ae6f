//! Lenient, borrowed views of JSON for the GeoJSON reader, and the two ways it takes a value.
//!
//! None of these types fails on a type mismatch: they record what they found ([`Got`],
//! [`Coords`]), so the reader can warn and go on. [`next_value`] and [`next_element`] read
//! a value straight from the text when reading quickly, or first as its borrowed
//! [`RawValue`] slice when reading located, so that a warning can name where the value is
//! and a value at fault can be kept as found. [`RawObject`] is the careful view of the top
//! level.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
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
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((key.0, value));
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

/// A string borrowed from the text when it has no escapes, else unescaped: a key, or a
/// string value.
pub struct Key<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A value read where the format wants a scalar: what was found. Strings are borrowed from
/// the text when they have no escapes; arrays and objects are skipped over.
#[derive(Clone, Debug, PartialEq)]
pub enum Got<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// A number; `None` when it does not fit an f64.
    Number(Option<f64>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An array, skipped.
    Array,
    /// An object, skipped.
    Object,
}

impl<'a> Got<'a> {
    /// What was found, read from its raw slice; never fails (a number too large for an f64
    /// is `Number(None)`).
    pub fn of_raw(raw: &'a RawValue) -> Self {
        let kind = JsonKind::of(raw);
        serde_json::from_str(raw.get()).unwrap_or(match kind {
            JsonKind::Number => Self::Number(None),
            JsonKind::Null => Self::Null,
            JsonKind::Array => Self::Array,
            JsonKind::Object => Self::Object,
            JsonKind::Bool => Self::Bool(raw.get() == "true"),
            JsonKind::String => Self::Str(Cow::Borrowed("")),
        })
    }

    /// The kind of value found.
    pub fn kind(&self) -> JsonKind {
        match self {
            Self::Str(_) => JsonKind::String,
            Self::Number(_) => JsonKind::Number,
            Self::Bool(_) => JsonKind::Bool,
            Self::Null => JsonKind::Null,
            Self::Array => JsonKind::Array,
            Self::Object => JsonKind::Object,
        }
    }

    /// The string, if a string was found.
    pub fn into_str(self) -> Option<Cow<'a, str>> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if a finite number was found.
    pub fn number(&self) -> Option<f64> {
        match self {
            Self::Number(Some(v)) if v.is_finite() => Some(*v),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Got<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Got<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Got<'de>, E> {
                Ok(Got::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Got<'de>, E> {
                Ok(Got::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Got<'de>, E> {
                Ok(Got::Number(Some(v)))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Got<'de>, E> {
                Ok(Got::Number(Some(v as f64)))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Got<'de>, E> {
                Ok(Got::Number(Some(v as f64)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Got<'de>, E> {
                Ok(Got::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Got<'de>, E> {
                Ok(Got::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Got<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Got::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Got<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Got::Object)
            }
        }
        d.deserialize_any(V)
    }
}

/// A coordinate tree as found: numbers, nested arrays, or something else. A short array of
/// numbers (a position) is kept inline, so a Point costs no allocation.
#[derive(Clone, Debug, PartialEq)]
pub enum Coords {
    /// A number.
    Number(f64),
    /// An array of one to three numbers: `values[..len]`.
    Numbers {
        /// The numbers.
        values: [f64; 3],
        /// How many there are.
        len: u8,
    },
    /// Any other array.
    Array(Vec<Coords>),
    /// Anything else; the text says what it was ("a string", "null").
    Other(&'static str),
}

/// One element of a coordinate array.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    /// A number.
    Number(f64),
    /// An array.
    Array(&'a Coords),
    /// Anything else.
    Other(&'static str),
}

impl Coords {
    /// The tree's root as an element.
    pub fn node(&self) -> Node<'_> {
        match self {
            Self::Number(v) => Node::Number(*v),
            Self::Other(found) => Node::Other(found),
            array => Node::Array(array),
        }
    }

    /// How many elements an array has.
    pub fn len(&self) -> usize {
        match self {
            Self::Numbers { len, .. } => usize::from(*len),
            Self::Array(items) => items.len(),
            _ => 0,
        }
    }

    /// Element `i` of an array.
    pub fn child(&self, i: usize) -> Option<Node<'_>> {
        match self {
            Self::Numbers { values, len } => (i < usize::from(*len))
                .then(|| values.get(i).copied().map(Node::Number))
                .flatten(),
            Self::Array(items) => items.get(i).map(Self::node),
            _ => None,
        }
    }
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
                let mut values = [0.0; 3];
                let mut len = 0u8;
                // Numbers stay inline while there are at most three of them.
                let first_other = loop {
                    match seq.next_element::<Coords>()? {
                        None => return Ok(Coords::Numbers { values, len }),
                        Some(Coords::Number(v)) if len < 3 => {
                            if let Some(slot) = values.get_mut(usize::from(len)) {
                                *slot = v;
                            }
                            len += 1;
                        }
                        Some(other) => break other,
                    }
                };
                let hint = seq.size_hint().unwrap_or(2).min(4096);
                let mut items = Vec::with_capacity(usize::from(len) + 1 + hint);
                items.extend(
                    values
                        .iter()
                        .take(usize::from(len))
                        .map(|&v| Coords::Number(v)),
                );
                items.push(first_other);
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
/// Both must come from the same allocation; the reader only calls this with slices that
/// `serde_json` borrowed from `text`.
pub fn offset_in(text: &str, raw: &RawValue) -> usize {
    (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// A value read, and its raw slice when it was read located.
pub type Found<'de, T> = (T, Option<&'de RawValue>);

/// Reads `seed` from its raw slice (a located reading).
fn from_raw<'de, S: DeserializeSeed<'de>, E: de::Error>(
    raw: &'de RawValue,
    seed: S,
) -> Result<S::Value, E> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let value = seed.deserialize(&mut de).map_err(E::custom)?;
    de.end().map_err(E::custom)?;
    Ok(value)
}

/// The next member's value: straight from the text, or (`located`) first as its raw slice,
/// which is given too.
///
/// # Errors
/// The deserializer's.
pub fn next_value<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: &mut A,
    located: bool,
    seed: S,
) -> Result<Found<'de, S::Value>, A::Error> {
    if located {
        let raw: &'de RawValue = map.next_value()?;
        Ok((from_raw(raw, seed)?, Some(raw)))
    } else {
        Ok((map.next_value_seed(seed)?, None))
    }
}

/// The next element of an array, as [`next_value`] reads a member's.
///
/// # Errors
/// The deserializer's.
pub fn next_element<'de, A: SeqAccess<'de>, S: DeserializeSeed<'de>>(
    seq: &mut A,
    located: bool,
    seed: S,
) -> Result<Option<Found<'de, S::Value>>, A::Error> {
    if located {
        let Some(raw) = seq.next_element::<&'de RawValue>()? else {
            return Ok(None);
        };
        Ok(Some((from_raw(raw, seed)?, Some(raw))))
    } else {
        Ok(seq.next_element_seed(seed)?.map(|v| (v, None)))
    }
}

/// The members an object may have, as an enum: the one match on a key, made while serde
/// reads it (as serde's derived field identifiers are).
pub trait Member<'t>: Sized {
    /// The member named `key`; `None` for one the format does not define.
    fn of(key: &str) -> Option<Self>;
    /// A member the format does not define, by name.
    fn other(key: Cow<'t, str>) -> Self;
}

/// An object's key, read as the member it names.
pub struct MemberKey<M>(pub M);

impl<'de: 't, 't, M: Member<'t>> Deserialize<'de> for MemberKey<M> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<M>(PhantomData<M>);
        impl<'de: 't, 't, M: Member<'t>> Visitor<'de> for V<M> {
            type Value = MemberKey<M>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MemberKey(
                    M::of(v).unwrap_or_else(|| M::other(Cow::Borrowed(v))),
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MemberKey(
                    M::of(v).unwrap_or_else(|| M::other(Cow::Owned(v.to_owned()))),
                ))
            }
        }
        d.deserialize_identifier(V(PhantomData))
    }
}

/// The next key of an object, as the member it names.
///
/// # Errors
/// The deserializer's.
pub fn next_member<'de: 't, 't, A: MapAccess<'de>, M: Member<'t>>(
    map: &mut A,
) -> Result<Option<M>, A::Error> {
    Ok(map.next_key::<MemberKey<M>>()?.map(|k| k.0))
}

/// A string value: reading quickly, only a string is taken (anything else stops the
/// reading, which the located one then words); reading located, whatever was found.
///
/// # Errors
/// The deserializer's, and a value that is no string, reading quickly.
pub fn next_str<'de, A: MapAccess<'de>>(
    map: &mut A,
    located: bool,
) -> Result<Found<'de, Got<'de>>, A::Error> {
    if located {
        next_got(map, true)
    } else {
        Ok((Got::Str(map.next_value::<Key<'de>>()?.0), None))
    }
}

/// A value found where a scalar is wanted: read leniently, from its raw slice when there is
/// one (so a number too large for an f64 is not an error there).
///
/// # Errors
/// The deserializer's, reading quickly.
pub fn next_got<'de, A: MapAccess<'de>>(
    map: &mut A,
    located: bool,
) -> Result<Found<'de, Got<'de>>, A::Error> {
    if located {
        let raw: &'de RawValue = map.next_value()?;
        Ok((Got::of_raw(raw), Some(raw)))
    } else {
        Ok((map.next_value()?, None))
    }
}

/// A seed for a plain `Deserialize` type.
pub fn plain<T>() -> PhantomData<T> {
    PhantomData
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
        let c: Coords = serde_json::from_str(r#"[1, "x", null, [2.5, {"a": 1}], [1, 2, 3]]"#)?;
        assert_eq!(
            c,
            Coords::Array(vec![
                Coords::Number(1.0),
                Coords::Other("a string"),
                Coords::Other("null"),
                Coords::Array(vec![Coords::Number(2.5), Coords::Other("an object")]),
                Coords::Numbers {
                    values: [1.0, 2.0, 3.0],
                    len: 3
                },
            ])
        );
        let long: Coords = serde_json::from_str("[1, 2, 3, 4]")?;
        assert_eq!(long.len(), 4);
        assert!(matches!(long.child(3), Some(Node::Number(v)) if v == 4.0));
        Ok(())
    }

    #[test]
    fn kinds_are_judged_from_the_first_byte() -> Result<(), serde_json::Error> {
        let v: Vec<&RawValue> = serde_json::from_str(r#"[null, true, -1, "s", [], {}]"#)?;
        let kinds: Vec<JsonKind> = v.iter().map(|r| JsonKind::of(r)).collect();
        use JsonKind::*;
        assert_eq!(kinds, [Null, Bool, Number, String, Array, Object]);
        let got: Vec<JsonKind> = v.into_iter().map(|r| Got::of_raw(r).kind()).collect();
        assert_eq!(got, kinds);
        let huge: &RawValue = serde_json::from_str("1e400")?;
        assert_eq!(Got::of_raw(huge), Got::Number(None));
        Ok(())
    }
}
