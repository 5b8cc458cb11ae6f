//! How sure a date is: EDTF's `?` (uncertain), `~` (approximate) and `%` (both).

/// How sure a date is, from its EDTF qualifiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Certainty {
    /// No qualifier.
    #[default]
    Certain,
    /// `?`: the source is not sure of it.
    Uncertain,
    /// `~`: roughly this date.
    Approximate,
    /// `%`: both.
    UncertainApproximate,
}

impl Certainty {
    /// The word `info --json` writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certain => "certain",
            Self::Uncertain => "uncertain",
            Self::Approximate => "approximate",
            Self::UncertainApproximate => "uncertain-approximate",
        }
    }

    /// The certainty of a date with the qualifiers given.
    pub(super) fn of(uncertain: bool, approximate: bool) -> Self {
        match (uncertain, approximate) {
            (false, false) => Self::Certain,
            (true, false) => Self::Uncertain,
            (false, true) => Self::Approximate,
            (true, true) => Self::UncertainApproximate,
        }
    }

    pub(super) fn is_uncertain(self) -> bool {
        matches!(self, Self::Uncertain | Self::UncertainApproximate)
    }

    pub(super) fn is_approximate(self) -> bool {
        matches!(self, Self::Approximate | Self::UncertainApproximate)
    }

    /// Both dates' doubts.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        Self::of(
            self.is_uncertain() || other.is_uncertain(),
            self.is_approximate() || other.is_approximate(),
        )
    }
}
