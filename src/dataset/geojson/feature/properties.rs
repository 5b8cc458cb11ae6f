//! A feature's `properties`: the ones Sortie reads (kind, name, dates, style, route ends,
//! claims and sources) into the feature's [`Parts`], each checked; any other property is
//! kept as found (reading located). Part of the one feature reader, in both its ways.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::super::evidence::{ClaimsSeed, SourcesSeed, Strs};
use super::super::geometry::location_precision;
use super::super::parts::Parts;
use super::super::raw::{
    Got, JsonKind, Member, next_got, next_member, next_str, next_value, plain,
};
use super::super::reader::{Reader, keep};
use crate::dataset::{DateExpr, FeatureKind, MarkerSize, Rgb};
/// Reads `properties` into the feature's parts; gives the kind of value found when it is
/// neither an object nor null.
pub(super) struct PropertiesSeed<'r, 'p, 't> {
    pub reader: &'r mut Reader<'t>,
    pub parts: &'p mut Parts<'t>,
}

impl<'t> DeserializeSeed<'t> for PropertiesSeed<'_, '_, 't> {
    type Value = Option<JsonKind>;
    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for PropertiesSeed<'_, '_, 't> {
    type Value = Option<JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(JsonKind::String))
    }
    fn visit_seq<A: de::SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(JsonKind::Array))
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (r, parts) = (self.reader, self.parts);
        let located = r.located;
        while let Some(member) = next_member::<_, Property<'t>>(&mut map)? {
            let key = member.name();
            let path = || format!("properties.{key}");
            // Whether the value is kept as found (a value at fault, or one Sortie does not
            // read), with its raw slice.
            let kept: Option<Option<&'t RawValue>> = match member {
                Property::Claims => {
                    let seed = ClaimsSeed::new(r, "properties.claims", &mut parts.cited);
                    let (found, raw) = next_value(&mut map, located, seed)?;
                    match found {
                        Ok(claims) => {
                            parts.claims.extend(claims.items);
                            parts.other_properties.extend(claims.kept);
                            None
                        }
                        Err(kind) => {
                            r.wrong_type(raw, path, "an array of claims", kind)?;
                            Some(raw)
                        }
                    }
                }
                Property::Sources => {
                    let seed = SourcesSeed::new(r, "properties.sources", &mut parts.source_ids);
                    let (found, raw) = next_value(&mut map, located, seed)?;
                    match found {
                        Ok(sources) => {
                            parts.sources.extend(sources.items);
                            parts.other_properties.extend(sources.kept);
                            None
                        }
                        Err(kind) => {
                            r.wrong_type(raw, path, "an array of sources", kind)?;
                            Some(raw)
                        }
                    }
                }
                Property::LocationPrecision => {
                    let raw: &'t RawValue = map.next_value()?;
                    match location_precision(raw) {
                        Ok(p) => {
                            parts.location_precision = Some(p);
                            None
                        }
                        Err(m) => {
                            r.warn(Some(raw), path, || m)?;
                            Some(Some(raw))
                        }
                    }
                }
                Property::Aircraft => {
                    let (found, raw) = next_value(&mut map, located, plain::<Strs<'t>>())?;
                    match found {
                        Strs::List(list) => {
                            parts.route.aircraft = list;
                            keep(&mut parts.route.members, key, raw);
                            None
                        }
                        Strs::Not(kind) => {
                            r.wrong_type(raw, path, "a string or an array of strings", kind)?;
                            Some(raw)
                        }
                    }
                }
                Property::Scalar(which) => {
                    let (got, raw) = if which.is_text() {
                        next_str(&mut map, located)?
                    } else {
                        next_got(&mut map, located)?
                    };
                    scalar(r, parts, which, key, got, raw)?.then_some(raw)
                }
                Property::Other(_) => {
                    if located {
                        Some(Some(map.next_value::<&'t RawValue>()?))
                    } else {
                        map.next_value::<IgnoredAny>()?;
                        None
                    }
                }
            };
            if let Some(raw) = kept {
                keep(&mut parts.other_properties, key, raw);
            }
        }
        Ok(None)
    }
}

/// The properties whose value is a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    Kind,
    Name,
    Title,
    Description,
    Date,
    DateEnd,
    From,
    To,
    CruiseKmh,
    Schematic,
    MarkerColor,
    Stroke,
    Fill,
    MarkerSize,
    MarkerSymbol,
    StrokeWidth,
    StrokeOpacity,
    FillOpacity,
}

/// The members of `properties`.
enum Property<'t> {
    Claims,
    Sources,
    LocationPrecision,
    Aircraft,
    Scalar(Scalar),
    Other(Cow<'t, str>),
}

impl<'t> Member<'t> for Property<'t> {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "claims" => Self::Claims,
            "sources" => Self::Sources,
            "location_precision" => Self::LocationPrecision,
            "aircraft" => Self::Aircraft,
            _ => Self::Scalar(Scalar::of(key)?),
        })
    }
    fn other(key: Cow<'t, str>) -> Self {
        Self::Other(key)
    }
}

impl Property<'_> {
    /// The property's name.
    fn name(&self) -> &str {
        match self {
            Self::Claims => "claims",
            Self::Sources => "sources",
            Self::LocationPrecision => "location_precision",
            Self::Aircraft => "aircraft",
            Self::Scalar(s) => s.name(),
            Self::Other(key) => key,
        }
    }
}

impl Scalar {
    /// Whether the value is a string (reading quickly, anything else is left to the
    /// located reading).
    fn is_text(self) -> bool {
        !matches!(
            self,
            Self::CruiseKmh
                | Self::Schematic
                | Self::StrokeWidth
                | Self::StrokeOpacity
                | Self::FillOpacity
        )
    }

    /// The property's name.
    fn name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Name => "name",
            Self::Title => "title",
            Self::Description => "description",
            Self::Date => "date",
            Self::DateEnd => "date_end",
            Self::From => "from",
            Self::To => "to",
            Self::CruiseKmh => "cruise_kmh",
            Self::Schematic => "schematic",
            Self::MarkerColor => "marker-color",
            Self::Stroke => "stroke",
            Self::Fill => "fill",
            Self::MarkerSize => "marker-size",
            Self::MarkerSymbol => "marker-symbol",
            Self::StrokeWidth => "stroke-width",
            Self::StrokeOpacity => "stroke-opacity",
            Self::FillOpacity => "fill-opacity",
        }
    }

    /// The property named `key`, if it is one of these.
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "kind" => Self::Kind,
            "name" => Self::Name,
            "title" => Self::Title,
            "description" => Self::Description,
            "date" => Self::Date,
            "date_end" => Self::DateEnd,
            "from" => Self::From,
            "to" => Self::To,
            "cruise_kmh" => Self::CruiseKmh,
            "schematic" => Self::Schematic,
            "marker-color" => Self::MarkerColor,
            "stroke" => Self::Stroke,
            "fill" => Self::Fill,
            "marker-size" => Self::MarkerSize,
            "marker-symbol" => Self::MarkerSymbol,
            "stroke-width" => Self::StrokeWidth,
            "stroke-opacity" => Self::StrokeOpacity,
            "fill-opacity" => Self::FillOpacity,
            _ => return None,
        })
    }
}

/// Reads property `key`, `which` of the scalars; gives whether the value is kept as found.
fn scalar<'t, E: de::Error>(
    r: &mut Reader<'t>,
    parts: &mut Parts<'t>,
    which: Scalar,
    key: &str,
    got: Got<'t>,
    raw: Option<&'t RawValue>,
) -> Result<bool, E> {
    let path = || format!("properties.{key}");
    let kind = got.kind();
    let number = got.number();
    let flag = got == Got::Bool(true);
    let text = got.into_str();
    match which {
        Scalar::Kind => {
            match text.as_deref().map(|s| (s, FeatureKind::parse(s))) {
                Some((_, Some(k))) => parts.kind = Some(k),
                Some((s, None)) => {
                    r.warn(raw, path, || {
                    format!("unknown kind {s:?} (expected base, target, place or route); shown as other")
                })?;
                    return Ok(true);
                }
                None => return r.wrong_type(raw, path, "a string", kind).map(|()| true),
            }
        }
        Scalar::Name | Scalar::Title | Scalar::Description => match text {
            Some(s) => match which {
                Scalar::Name => parts.name = Some(s),
                Scalar::Title => parts.title = Some(s),
                _ => parts.description = Some(s),
            },
            None => return r.wrong_type(raw, path, "a string", kind).map(|()| true),
        },
        Scalar::Date | Scalar::DateEnd => match text.map(|s| (DateExpr::when_of(&s), s)) {
            Some((Ok(when), s)) => {
                let (slot, other) = if which == Scalar::Date {
                    (
                        &mut parts.date,
                        parts.date_end.as_ref().map(|d| (when, d.1)),
                    )
                } else {
                    (
                        &mut parts.date_end,
                        parts.date.as_ref().map(|d| (d.1, when)),
                    )
                };
                *slot = Some((s, when));
                if let Some((start, end)) = other
                    && start.until(end).is_none()
                {
                    r.warn(raw, path, || {
                        "date_end is before date; the feature is dated by date alone".to_owned()
                    })?;
                    parts.date_end = None;
                    return Ok(true);
                }
            }
            Some((Err(message), _)) => {
                r.warn(raw, path, || {
                    format!("{message}; the feature is kept undated")
                })?;
                if which == Scalar::Date {
                    parts.date_unreadable = true;
                }
                return Ok(true);
            }
            None => {
                return r
                    .wrong_type(raw, path, "a date string", kind)
                    .map(|()| true);
            }
        },
        Scalar::From | Scalar::To => match text {
            Some(s) => {
                if which == Scalar::From {
                    parts.route.from = Some(s);
                } else {
                    parts.route.to = Some(s);
                }
                keep(&mut parts.route.members, key, raw);
            }
            None => {
                return r
                    .wrong_type(raw, path, "a feature id (string)", kind)
                    .map(|()| true);
            }
        },
        Scalar::CruiseKmh => match number.filter(|v| *v > 0.0) {
            Some(v) => {
                parts.route.cruise_kmh = Some(v);
                keep(&mut parts.route.members, key, raw);
            }
            None => {
                return r
                    .wrong_type(raw, path, "a speed in km/h above 0", kind)
                    .map(|()| true);
            }
        },
        Scalar::Schematic => match kind {
            JsonKind::Bool => {
                parts.route.schematic = flag;
                keep(&mut parts.route.members, key, raw);
            }
            _ => {
                return r
                    .wrong_type(raw, path, "true or false", kind)
                    .map(|()| true);
            }
        },
        Scalar::MarkerColor | Scalar::Stroke | Scalar::Fill => {
            match text.as_deref().map(|s| (Rgb::parse(s), s)) {
                Some((Some(color), _)) => match which {
                    Scalar::MarkerColor => parts.style.marker_color = Some(color),
                    Scalar::Stroke => parts.style.stroke = Some(color),
                    _ => parts.style.fill = Some(color),
                },
                Some((None, s)) => {
                    r.warn(raw, path, || {
                        format!("{s:?} is not a colour (#RGB or #RRGGBB); the default is used")
                    })?;
                    return Ok(true);
                }
                None => {
                    return r
                        .wrong_type(raw, path, "a colour string", kind)
                        .map(|()| true);
                }
            }
        }
        Scalar::MarkerSize => match text.as_deref().and_then(MarkerSize::parse) {
            Some(size) => parts.style.marker_size = size,
            None => {
                r.warn(raw, path, || {
                    "marker-size must be \"small\", \"medium\" or \"large\"; medium is used"
                        .to_owned()
                })?;
                return Ok(true);
            }
        },
        Scalar::MarkerSymbol => match (text, kind) {
            (Some(s), _) => {
                parts.style.marker_symbol = Some(s.into_owned()).filter(|s| !s.is_empty())
            }
            (None, JsonKind::Number) => {
                // Kept as written, which only a located reading has.
                r.located_only()?;
                parts.style.marker_symbol = raw.map(|r| r.get().to_owned());
            }
            (None, kind) => return r.wrong_type(raw, path, "a string", kind).map(|()| true),
        },
        Scalar::StrokeWidth | Scalar::StrokeOpacity | Scalar::FillOpacity => {
            let max = if which == Scalar::StrokeWidth {
                f64::MAX
            } else {
                1.0
            };
            match number.filter(|v| (0.0..=max).contains(v)) {
                Some(v) => match which {
                    Scalar::StrokeWidth => parts.style.stroke_width = v,
                    Scalar::StrokeOpacity => parts.style.stroke_opacity = v,
                    _ => parts.style.fill_opacity = v,
                },
                None => {
                    let range = if which == Scalar::StrokeWidth {
                        "a number ≥ 0"
                    } else {
                        "a number from 0 to 1"
                    };
                    r.warn(raw, path, || {
                        format!("{key} must be {range}; the default is used")
                    })?;
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}
