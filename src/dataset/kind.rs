//! What a feature stands for: the one enum every layer of the dataset names. A leaf.

use std::fmt;

/// What a feature stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureKind {
    /// An air base or airfield that aircraft fly from.
    Base,
    /// A place reported struck.
    Target,
    /// A place named for context.
    Place,
    /// An event of a conflict-event dataset (ACLED, UCDP) other than a strike on a place:
    /// a battle, a protest, an explosion.
    Event,
    /// A flight from a base to a target.
    Route,
    /// A feature with no Sortie kind (plain GeoJSON).
    #[default]
    Other,
}

impl FeatureKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [Self; 6] = [
        Self::Base,
        Self::Target,
        Self::Event,
        Self::Route,
        Self::Place,
        Self::Other,
    ];

    /// Parses the `kind` property's value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "base" => Some(Self::Base),
            "target" => Some(Self::Target),
            "place" => Some(Self::Place),
            "event" => Some(Self::Event),
            "route" => Some(Self::Route),
            _ => None,
        }
    }

    /// The word used in the file (`other` for features without a kind).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Target => "target",
            Self::Place => "place",
            Self::Event => "event",
            Self::Route => "route",
            Self::Other => "other",
        }
    }

    /// A plural heading for lists ("Bases").
    pub fn plural_label(self) -> &'static str {
        match self {
            Self::Base => "Bases",
            Self::Target => "Targets",
            Self::Place => "Places",
            Self::Event => "Events",
            Self::Route => "Routes",
            Self::Other => "Other features",
        }
    }
}

impl fmt::Display for FeatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
