//! Reading a claim's `sources`: the citations. Each is a source id (`"tass-895515"`) or an
//! object `{"id": …, "quote": …, "locator": …}`, and `sources` may be one of them or an
//! array of them. Read quickly, only the cited ids are kept ([`AppendIds`]); read located,
//! the citations in full ([`citations`]), and what cannot be read is a warning and is kept
//! with the claim, as found.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::raw::{Got, JsonKind, Key, Member, RawObject, next_member};
use super::reader::{REFUSED, Reader, keep, to_value};
use crate::dataset::Citation;

/// One citation as read.
#[derive(Debug)]
pub(super) struct CitationParts<'t> {
    /// The cited source's id.
    pub id: Cow<'t, str>,
    quote: Option<Cow<'t, str>>,
    locator: Option<Cow<'t, str>>,
    other: Vec<(String, Value)>,
}

impl CitationParts<'_> {
    /// The citation, owned.
    pub fn into_citation(self) -> Citation {
        Citation {
            id: self.id.into_owned(),
            quote: self.quote.map(Cow::into_owned),
            locator: self.locator.map(Cow::into_owned),
            other: self.other,
        }
    }
}

/// Values kept as found, by name.
type Kept = Vec<(String, Value)>;

/// Reads a claim's `sources` (`raw`, at `path` below the feature) located: the citations,
/// and the entries that are none, kept as found under `sources[j]` (or `sources`).
///
/// # Errors
/// As [`Reader::warn`] (never, as the reading is located).
pub(super) fn citations<'t, E: de::Error>(
    r: &mut Reader<'t>,
    raw: &'t RawValue,
    path: &str,
) -> Result<(Vec<CitationParts<'t>>, Kept), E> {
    let mut read = Vec::new();
    let mut kept = Vec::new();
    match JsonKind::of(raw) {
        JsonKind::String | JsonKind::Object => {
            if let Some(c) = citation(r, raw, path)? {
                read.push(c);
            } else {
                keep(&mut kept, "sources", Some(raw));
            }
        }
        JsonKind::Array => {
            let items: Vec<&'t RawValue> = serde_json::from_str(raw.get()).unwrap_or_default();
            for (j, item) in items.into_iter().enumerate() {
                let at = format!("{path}[{j}]");
                if let Some(c) = citation(r, item, &at)? {
                    read.push(c);
                } else {
                    keep(&mut kept, &format!("sources[{j}]"), Some(item));
                }
            }
        }
        kind => {
            r.wrong_type(
                Some(raw),
                || path.to_owned(),
                "an array of source ids or citations",
                kind,
            )?;
            keep(&mut kept, "sources", Some(raw));
        }
    }
    Ok((read, kept))
}

/// One citation at `path`; `None` (after a warning) when it is neither an id nor an object
/// with one.
fn citation<'t, E: de::Error>(
    r: &mut Reader<'t>,
    raw: &'t RawValue,
    path: &str,
) -> Result<Option<CitationParts<'t>>, E> {
    const EXPECTED: &str = "a citation must be a source id or {\"id\": …, \"quote\": …, \"locator\": …}; kept as found";
    if let Some(id) = Got::of_raw(raw).into_str() {
        return Ok(Some(CitationParts {
            id,
            quote: None,
            locator: None,
            other: Vec::new(),
        }));
    }
    let object = match serde_json::from_str::<RawObject<'t>>(raw.get()) {
        Ok(object)
            if object
                .get("id")
                .is_some_and(|v| JsonKind::of(v) == JsonKind::String) =>
        {
            object
        }
        _ => {
            r.warn(Some(raw), || path.to_owned(), || EXPECTED.to_owned())?;
            return Ok(None);
        }
    };
    let mut id = Cow::Borrowed("");
    let mut quote = None;
    let mut locator = None;
    let mut other = Vec::new();
    for (key, value) in &object.members {
        let slot = match key.as_ref() {
            "id" => None,
            "quote" => Some(&mut quote),
            "locator" => Some(&mut locator),
            _ => {
                other.push((key.to_string(), to_value(value)));
                continue;
            }
        };
        let got = Got::of_raw(value);
        let kind = got.kind();
        match (slot, got.into_str()) {
            (None, Some(s)) => id = s,
            (Some(slot), Some(s)) => *slot = Some(s),
            (_, None) => {
                r.wrong_type(Some(value), || format!("{path}.{key}"), "a string", kind)?;
                keep(&mut other, key, Some(value));
            }
        }
    }
    Ok(Some(CitationParts {
        id,
        quote,
        locator,
        other,
    }))
}

/// Reading quickly, appends the ids a claim's `sources` cites to a list: a string, an
/// object with a string `id` (its `quote` and `locator` strings too), or an array of these.
/// Anything else stops the quick reading, and the located one warns.
pub(super) struct AppendIds<'r, 't>(pub &'r mut Vec<Cow<'t, str>>);

impl<'t> DeserializeSeed<'t> for AppendIds<'_, 't> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for AppendIds<'_, 't> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("source ids or citations")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'t str) -> Result<(), E> {
        OneId(self.0).visit_borrowed_str(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        OneId(self.0).visit_str(v)
    }
    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(OneId(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'t>>(self, map: A) -> Result<(), A::Error> {
        OneId(self.0).visit_map(map)
    }
}

/// One element of a quick `sources` array: an id or a citation object.
struct OneId<'r, 't>(&'r mut Vec<Cow<'t, str>>);

impl<'t> DeserializeSeed<'t> for OneId<'_, 't> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for OneId<'_, 't> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a source id or a citation")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'t str) -> Result<(), E> {
        self.0.push(Cow::Borrowed(v));
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push(Cow::Owned(v.to_owned()));
        Ok(())
    }
    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<(), A::Error> {
        let mut id = None;
        while let Some(member) = next_member(&mut map)? {
            match member {
                CitationMember::Id => id = Some(map.next_value::<Key<'t>>()?.0),
                CitationMember::Text => {
                    map.next_value::<Key<'t>>()?;
                }
                CitationMember::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::custom(REFUSED))?;
        self.0.push(id);
        Ok(())
    }
}

/// The members of a citation object.
enum CitationMember {
    Id,
    /// `quote` or `locator`.
    Text,
    Other,
}

impl Member<'_> for CitationMember {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "id" => Self::Id,
            "quote" | "locator" => Self::Text,
            _ => return None,
        })
    }
    fn other(_: Cow<'_, str>) -> Self {
        Self::Other
    }
}
