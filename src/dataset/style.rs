//! simplestyle-spec 1.1.0 properties (`marker-color`, `stroke`, …) as typed values.

use super::kind::FeatureKind;
use std::fmt;

/// An sRGB colour from a `#RGB` or `#RRGGBB` string (the `#` is optional, per the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Parses `#RGB`, `#RRGGBB`, `RGB` or `RRGGBB` (hex digits, either case).
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#').unwrap_or(text);
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| hex.get(i..=i).and_then(|d| u8::from_str_radix(d, 16).ok());
        match hex.len() {
            3 => Some(Self([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
            6 => {
                let byte = |i: usize| {
                    hex.get(i..i + 2)
                        .and_then(|d| u8::from_str_radix(d, 16).ok())
                };
                Some(Self([byte(0)?, byte(2)?, byte(4)?]))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

/// simplestyle's `marker-size`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MarkerSize {
    /// `"small"`
    Small,
    /// `"medium"`, the spec's default.
    #[default]
    Medium,
    /// `"large"`
    Large,
}

impl MarkerSize {
    /// Parses the spec's three words.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "small" => Some(Self::Small),
            "medium" => Some(Self::Medium),
            "large" => Some(Self::Large),
            _ => None,
        }
    }
}

/// The simplestyle properties of one feature.
///
/// Colours are `None` where the file gives none: a feature of one of Sortie's kinds is then
/// drawn in its kind's colour, any other feature in the spec's default (`SPEC_MARKER_COLOR`,
/// `SPEC_STROKE`, `SPEC_FILL`). Numbers hold the spec's defaults when absent.
#[derive(Clone, Debug, PartialEq)]
pub struct SimpleStyle {
    /// `marker-color`.
    pub marker_color: Option<Rgb>,
    /// `marker-size`.
    pub marker_size: MarkerSize,
    /// `marker-symbol`: an icon name, a digit or a letter; shown as text when one character.
    pub marker_symbol: Option<String>,
    /// `stroke`.
    pub stroke: Option<Rgb>,
    /// `stroke-width` in screen points; default 2.
    pub stroke_width: f64,
    /// `stroke-opacity` from 0 to 1; default 1.
    pub stroke_opacity: f64,
    /// `fill`.
    pub fill: Option<Rgb>,
    /// `fill-opacity` from 0 to 1; default 0.6.
    pub fill_opacity: f64,
}

/// The spec's default `marker-color` (#7e7e7e).
pub const SPEC_MARKER_COLOR: Rgb = Rgb([0x7e, 0x7e, 0x7e]);

/// The colour a feature of `kind` takes when the file gives none (on screen, in figures and
/// in exported KML).
pub fn kind_rgb(kind: FeatureKind) -> Rgb {
    match kind {
        FeatureKind::Base => Rgb([0x1f, 0x5f, 0xbf]),
        FeatureKind::Target => Rgb([0xd0, 0x2b, 0x2b]),
        FeatureKind::Event => Rgb([0x8e, 0x44, 0xad]),
        FeatureKind::Place => Rgb([0x6b, 0x72, 0x80]),
        FeatureKind::Route => Rgb([0xe0, 0x5a, 0x00]),
        FeatureKind::Other => SPEC_MARKER_COLOR,
    }
}
/// The spec's default `stroke` (#555555).
pub const SPEC_STROKE: Rgb = Rgb([0x55, 0x55, 0x55]);
/// The spec's default `fill` (#555555).
pub const SPEC_FILL: Rgb = Rgb([0x55, 0x55, 0x55]);

impl Default for SimpleStyle {
    fn default() -> Self {
        Self {
            marker_color: None,
            marker_size: MarkerSize::Medium,
            marker_symbol: None,
            stroke: None,
            stroke_width: 2.0,
            stroke_opacity: 1.0,
            fill: None,
            fill_opacity: 0.6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_in_every_spec_form() {
        assert_eq!(Rgb::parse("#ff0000"), Some(Rgb([255, 0, 0])));
        assert_eq!(Rgb::parse("FF0000"), Some(Rgb([255, 0, 0])));
        assert_eq!(Rgb::parse("#f00"), Some(Rgb([255, 0, 0])));
        assert_eq!(Rgb::parse("abc"), Some(Rgb([0xaa, 0xbb, 0xcc])));
        assert_eq!(
            Rgb::parse("#7e7e7e").map(|c| c.to_string()).as_deref(),
            Some("#7e7e7e")
        );
    }

    #[test]
    fn named_and_malformed_colours_are_refused() {
        for bad in ["red", "#ff00", "#gg0000", "", "#", "rgba(0,0,0,1)", "#ffé"] {
            assert_eq!(Rgb::parse(bad), None, "{bad:?}");
        }
    }
}
