//! Reading a feature's evidence: `claims` (what is claimed, by whom, how far established,
//! citing which sources) and `sources` (who published what, when, where). A claim or a
//! source that cannot be read is a warning and is kept as found among the feature's
//! properties; a field of the wrong type is a warning and is kept with the source.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::capture::captures;
use super::citation::{AppendIds, CitationParts, citations};
use super::raw::{Found, Got, JsonKind, Member, next_element, next_got, next_member, next_str};
use super::reader::{Reader, keep, to_value};
use crate::dataset::{Capture, Claim, ClaimStatus, DateExpr, Source};

/// One claim as read.
#[derive(Debug)]
pub(super) struct ClaimParts<'t> {
    text: Cow<'t, str>,
    by: Option<Cow<'t, str>>,
    status: Option<ClaimStatus>,
    date: Option<Cow<'t, str>>,
    /// The sources it cites.
    pub citations: Vec<CitationParts<'t>>,
    other: Vec<(String, Value)>,
}

impl ClaimParts<'_> {
    /// The claim, owned.
    pub fn into_claim(self) -> Claim {
        Claim {
            text: self.text.into_owned(),
            by: self.by.map(Cow::into_owned),
            status: self.status,
            date: self.date.map(Cow::into_owned),
            citations: self
                .citations
                .into_iter()
                .map(CitationParts::into_citation)
                .collect(),
            other: self.other,
        }
    }
}

/// One source as read.
#[derive(Debug, Default)]
pub(super) struct SourceParts<'t> {
    /// The id claims cite it by.
    pub id: Option<Cow<'t, str>>,
    publisher: Option<Cow<'t, str>>,
    title: Option<Cow<'t, str>>,
    author: Option<Cow<'t, str>>,
    published: Option<Cow<'t, str>>,
    url: Option<Cow<'t, str>>,
    quote: Option<Cow<'t, str>>,
    accessed: Option<Cow<'t, str>>,
    archived: Option<Cow<'t, str>>,
    captures: Vec<Capture>,
    other: Vec<(String, Value)>,
}

impl SourceParts<'_> {
    /// The source, owned.
    pub fn into_source(self) -> Source {
        let own = |s: Option<Cow<'_, str>>| s.map(Cow::into_owned);
        Source {
            id: own(self.id),
            publisher: own(self.publisher),
            title: own(self.title),
            author: own(self.author),
            published: own(self.published),
            url: own(self.url),
            quote: own(self.quote),
            accessed: own(self.accessed),
            archived: own(self.archived),
            captures: self.captures,
            other: self.other,
        }
    }
}

/// A string or a list of strings (`aircraft`, a claim's `sources`), or the kind of value
/// found instead.
#[derive(Debug)]
pub(super) enum Strs<'t> {
    /// The strings.
    List(Vec<Cow<'t, str>>),
    /// Something else.
    Not(JsonKind),
}

impl<'de: 't, 't> de::Deserialize<'de> for Strs<'t> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Strs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Strs<'de>, E> {
                Ok(Strs::List(vec![Cow::Borrowed(v)]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Strs<'de>, E> {
                Ok(Strs::List(vec![Cow::Owned(v.to_owned())]))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Strs<'de>, E> {
                Ok(Strs::Not(JsonKind::Bool))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Strs<'de>, E> {
                Ok(Strs::Not(JsonKind::Number))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Strs<'de>, E> {
                Ok(Strs::Not(JsonKind::Number))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Strs<'de>, E> {
                Ok(Strs::Not(JsonKind::Number))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Strs<'de>, E> {
                Ok(Strs::Not(JsonKind::Null))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strs<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Strs::Not(JsonKind::Object))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strs<'de>, A::Error> {
                let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(64));
                let mut all_strings = true;
                while let Some(item) = seq.next_element::<Got<'de>>()? {
                    match item {
                        Got::Str(s) if all_strings => list.push(s),
                        _ => all_strings = false,
                    }
                }
                Ok(if all_strings {
                    Strs::List(list)
                } else {
                    Strs::Not(JsonKind::Array)
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Any string, whose text is not kept; anything else is an error.
struct AnyStr;

impl<'de> de::Deserialize<'de> for AnyStr {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyStr, E> {
                Ok(AnyStr)
            }
        }
        d.deserialize_str(V)
    }
}

/// Claims or sources as read, and the items kept as found (`claims[2]`).
pub(super) struct Read<T> {
    /// What was read (reading located).
    pub items: Vec<T>,
    /// Items that could not be read, under their property name.
    pub kept: Vec<(String, Value)>,
}

impl<T> Read<T> {
    fn new() -> Self {
        Self {
            items: Vec::new(),
            kept: Vec::new(),
        }
    }
}

/// The members of a claim.
enum ClaimMember<'t> {
    Text,
    By,
    Status,
    Date,
    Sources,
    Other(Cow<'t, str>),
}

impl<'t> Member<'t> for ClaimMember<'t> {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "text" => Self::Text,
            "by" => Self::By,
            "status" => Self::Status,
            "date" => Self::Date,
            "sources" => Self::Sources,
            _ => return None,
        })
    }
    fn other(key: Cow<'t, str>) -> Self {
        Self::Other(key)
    }
}

/// A source's fields, in the order [`SourceMember::Field`] numbers them.
const SOURCE_FIELDS: [&str; 9] = [
    "id",
    "publisher",
    "title",
    "author",
    "published",
    "url",
    "quote",
    "accessed",
    "archived",
];

/// The members of a source.
enum SourceMember<'t> {
    /// One of [`SOURCE_FIELDS`].
    Field(usize),
    /// `captures`, the saved copies.
    Captures,
    Other(Cow<'t, str>),
}

impl<'t> Member<'t> for SourceMember<'t> {
    fn of(key: &str) -> Option<Self> {
        Some(Self::Field(match key {
            "id" => 0,
            "publisher" => 1,
            "title" => 2,
            "author" => 3,
            "published" => 4,
            "url" => 5,
            "quote" => 6,
            "accessed" => 7,
            "archived" => 8,
            "captures" => return Some(Self::Captures),
            _ => return None,
        }))
    }
    fn other(key: Cow<'t, str>) -> Self {
        Self::Other(key)
    }
}

/// Reads a `claims` array; gives the kind of value found when it is no array.
pub(super) struct ClaimsSeed<'r, 't> {
    reader: &'r mut Reader<'t>,
    /// The array's path below the feature.
    path: &'r str,
    /// Where the ids the claims cite go, reading quickly.
    cited: &'r mut Vec<Cow<'t, str>>,
}

impl<'r, 't> ClaimsSeed<'r, 't> {
    /// Reads the claims at `path` (below the feature); reading quickly, the ids they cite
    /// are added to `cited`.
    pub fn new(
        reader: &'r mut Reader<'t>,
        path: &'r str,
        cited: &'r mut Vec<Cow<'t, str>>,
    ) -> Self {
        Self {
            reader,
            path,
            cited,
        }
    }
}

/// A claim object's members as found (the last of a repeated member).
#[derive(Default)]
struct ClaimFound<'t> {
    text: Option<Got<'t>>,
    by: Option<Found<'t, Got<'t>>>,
    status: Option<Found<'t, Got<'t>>>,
    date: Option<Found<'t, Got<'t>>>,
    /// `sources`' raw slice, reading located (reading quickly, the ids went to `cited`).
    sources: Option<&'t RawValue>,
    /// Members the format does not define, reading located.
    other: Vec<(String, Value)>,
}

/// Reads one claim as found; `None` when it is no object. Reading quickly, the ids it
/// cites go straight to `cited`.
struct ClaimSeed<'r, 't> {
    located: bool,
    cited: &'r mut Vec<Cow<'t, str>>,
}

impl<'t> DeserializeSeed<'t> for ClaimSeed<'_, 't> {
    type Value = Option<ClaimFound<'t>>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// The visits of a value that is neither an array nor an object, for seeds that want one
/// of those: each gives `$none(kind)`.
macro_rules! scalars_are {
    ($value:ty, $none:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$value, E> {
            Ok($none(JsonKind::Bool))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$value, E> {
            Ok($none(JsonKind::Number))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$value, E> {
            Ok($none(JsonKind::Number))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$value, E> {
            Ok($none(JsonKind::Number))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<$value, E> {
            Ok($none(JsonKind::String))
        }
        fn visit_unit<E: de::Error>(self) -> Result<$value, E> {
            Ok($none(JsonKind::Null))
        }
    };
}

impl<'t> Visitor<'t> for ClaimSeed<'_, 't> {
    type Value = Option<ClaimFound<'t>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a claim")
    }
    scalars_are!(Self::Value, |_| None);
    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let located = self.located;
        let mut claim = ClaimFound::default();
        while let Some(member) = next_member(&mut map)? {
            match member {
                ClaimMember::Text if !located => {
                    // Reading quickly, only whether the text is a string matters.
                    map.next_value::<AnyStr>()?;
                    claim.text = Some(Got::Str(Cow::Borrowed("")));
                }
                ClaimMember::Text => claim.text = Some(next_str(&mut map, located)?.0),
                ClaimMember::By if !located => {
                    // Reading quickly, who made the claim is not kept.
                    map.next_value::<AnyStr>()?;
                }
                ClaimMember::By => claim.by = Some(next_got(&mut map, located)?),
                ClaimMember::Status => claim.status = Some(next_str(&mut map, located)?),
                ClaimMember::Date => claim.date = Some(next_str(&mut map, located)?),
                ClaimMember::Sources if !located => {
                    map.next_value_seed(AppendIds(&mut *self.cited))?;
                }
                ClaimMember::Sources => claim.sources = Some(map.next_value::<&'t RawValue>()?),
                ClaimMember::Other(key) if located => {
                    let raw: &'t RawValue = map.next_value()?;
                    claim.other.push((key.into_owned(), to_value(raw)));
                }
                ClaimMember::Other(_) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(claim))
    }
}

impl<'t> DeserializeSeed<'t> for ClaimsSeed<'_, 't> {
    type Value = Result<Read<ClaimParts<'t>>, JsonKind>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for ClaimsSeed<'_, 't> {
    type Value = Result<Read<ClaimParts<'t>>, JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of claims")
    }
    scalars_are!(Self::Value, Err);
    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Object))
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (r, path, cited) = (self.reader, self.path, self.cited);
        let located = r.located;
        let mut read = Read::new();
        let mut i = 0;
        loop {
            let seed = ClaimSeed {
                located,
                cited: &mut *cited,
            };
            let Some((found, raw)) = next_element(&mut seq, located, seed)? else {
                break;
            };
            let item = || format!("{path}[{i}]");
            match found {
                Some(ClaimFound {
                    text: Some(Got::Str(text)),
                    by,
                    status,
                    date,
                    sources,
                    mut other,
                }) => {
                    let status = match status {
                        None => None,
                        Some((got, at)) => {
                            let parsed = got.into_str().as_deref().and_then(ClaimStatus::parse);
                            if parsed.is_none() {
                                keep(&mut other, "status", at);
                                r.warn(
                                    at,
                                    || format!("{}.status", item()),
                                    || "status must be reported, claimed, confirmed, disputed, denied or inferred".to_owned(),
                                )?;
                            }
                            parsed
                        }
                    };
                    let by = match by {
                        None => None,
                        Some((got, at)) => {
                            let kind = got.kind();
                            let by = got.into_str();
                            if by.is_none() {
                                r.wrong_type(at, || format!("{}.by", item()), "a string", kind)?;
                                keep(&mut other, "by", at);
                            }
                            by
                        }
                    };
                    let date = match date {
                        None => None,
                        Some((got, at)) => {
                            let kind = got.kind();
                            match got.into_str() {
                                Some(d) => {
                                    if let Err(message) = DateExpr::when_of(&d) {
                                        r.warn(
                                            at,
                                            || format!("{}.date", item()),
                                            || format!("{message}; shown as written"),
                                        )?;
                                    }
                                    Some(d)
                                }
                                None => {
                                    r.wrong_type(
                                        at,
                                        || format!("{}.date", item()),
                                        "a date string",
                                        kind,
                                    )?;
                                    keep(&mut other, "date", at);
                                    None
                                }
                            }
                        }
                    };
                    let citations = match sources {
                        None => Vec::new(),
                        Some(raw) => {
                            let (citations, kept) =
                                citations(r, raw, &format!("{}.sources", item()))?;
                            other.extend(kept);
                            citations
                        }
                    };
                    if located {
                        read.items.push(ClaimParts {
                            text,
                            by,
                            status,
                            date,
                            citations,
                            other,
                        });
                    }
                }
                _ => {
                    r.warn(raw, item, || {
                        "a claim must be an object with a \"text\"; kept as found".to_owned()
                    })?;
                    keep(&mut read.kept, &format!("claims[{i}]"), raw);
                }
            }
            i += 1;
        }
        Ok(Ok(read))
    }
}

/// Reads a `sources` array; gives the kind of value found when it is no array.
pub(super) struct SourcesSeed<'r, 't> {
    reader: &'r mut Reader<'t>,
    /// The array's path below the feature.
    path: &'r str,
    /// Where the sources' ids go.
    ids: &'r mut Vec<Cow<'t, str>>,
}

impl<'r, 't> SourcesSeed<'r, 't> {
    /// Reads the sources at `path` (below the feature), adding their ids to `ids`.
    pub fn new(reader: &'r mut Reader<'t>, path: &'r str, ids: &'r mut Vec<Cow<'t, str>>) -> Self {
        Self { reader, path, ids }
    }
}

impl<'t> DeserializeSeed<'t> for SourcesSeed<'_, 't> {
    type Value = Result<Read<SourceParts<'t>>, JsonKind>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for SourcesSeed<'_, 't> {
    type Value = Result<Read<SourceParts<'t>>, JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of sources")
    }
    scalars_are!(Self::Value, Err);
    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Object))
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (r, path, ids) = (self.reader, self.path, self.ids);
        let located = r.located;
        let mut read = Read::new();
        let mut i = 0;
        loop {
            let seed = SourceSeed {
                reader: &mut *r,
                path,
                i,
                ids: &mut *ids,
                items: &mut read.items,
            };
            let Some((is_object, raw)) = next_element(&mut seq, located, seed)? else {
                break;
            };
            if !is_object {
                r.warn(
                    raw,
                    || format!("{path}[{i}]"),
                    || "a source must be an object; kept as found".to_owned(),
                )?;
                keep(&mut read.kept, &format!("sources[{i}]"), raw);
            }
            i += 1;
        }
        Ok(Ok(read))
    }
}

/// Reads one source, warning about each field as it goes: its id goes to `ids`, and
/// (reading located) the source to `items`. Gives whether it is an object.
struct SourceSeed<'r, 't> {
    reader: &'r mut Reader<'t>,
    /// The sources' path below the feature.
    path: &'r str,
    /// This source's index among them.
    i: usize,
    ids: &'r mut Vec<Cow<'t, str>>,
    items: &'r mut Vec<SourceParts<'t>>,
}

impl<'t> DeserializeSeed<'t> for SourceSeed<'_, 't> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for SourceSeed<'_, 't> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a source")
    }
    scalars_are!(bool, |_| false);
    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<bool, A::Error> {
        let (r, path, i) = (self.reader, self.path, self.i);
        let located = r.located;
        let mut source = SourceParts::default();
        while let Some(member) = next_member(&mut map)? {
            let field = match member {
                SourceMember::Field(field) => field,
                SourceMember::Captures => {
                    // Rare: read located only.
                    r.located_only()?;
                    let raw: &'t RawValue = map.next_value()?;
                    let (captures, kept) = captures(r, raw, &format!("{path}[{i}].captures"))?;
                    source.captures = captures;
                    source.other.extend(kept);
                    continue;
                }
                SourceMember::Other(other) => {
                    if located {
                        let raw: &'t RawValue = map.next_value()?;
                        source.other.push((other.into_owned(), to_value(raw)));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                    continue;
                }
            };
            if !located && matches!(field, 1 | 2 | 3 | 5 | 6 | 8) {
                // Reading quickly, only whether the text is a string matters.
                map.next_value::<AnyStr>()?;
                continue;
            }
            let key = SOURCE_FIELDS.get(field).copied().unwrap_or("");
            let slot = match field {
                0 => &mut source.id,
                1 => &mut source.publisher,
                2 => &mut source.title,
                3 => &mut source.author,
                4 => &mut source.published,
                5 => &mut source.url,
                6 => &mut source.quote,
                7 => &mut source.accessed,
                _ => &mut source.archived,
            };
            let (got, raw) = next_str(&mut map, located)?;
            let path_of_field = || format!("{path}[{i}].{key}");
            let kind = got.kind();
            match got.into_str() {
                Some(s) => *slot = Some(s),
                None => {
                    r.wrong_type(raw, path_of_field, "a string", kind)?;
                    keep(&mut source.other, key, raw);
                }
            }
            if matches!(key, "published" | "accessed")
                && let Some(s) = slot.as_deref()
                && let Err(message) = DateExpr::when_of(s)
            {
                r.warn(raw, path_of_field, || {
                    format!("{message}; shown as written")
                })?;
            }
        }
        if located {
            self.ids.extend(source.id.clone());
            self.items.push(source);
        } else {
            self.ids.extend(source.id);
        }
        Ok(true)
    }
}
