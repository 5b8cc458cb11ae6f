//! The edits over a dataset's file, as data. A feature's record ([`Core`]) is small and
//! copied whole, so an edit step is the records it replaced and the records it put in their
//! place: undo puts the old ones back, redo the new ones. A feature changed in Sortie has its
//! text in [`History::edited`] (flag [`EDITED`] on its start); a deleted one keeps its slot,
//! flagged [`DELETED`], so that no other feature's index moves. Knows the store; nothing of
//! the formats.

use std::collections::{BTreeMap, HashMap};

use super::diagnostic::Diagnostic;
use super::model::Source;
use super::store::Core;

/// In [`Core::start`]: the span is in [`History::edited`], not in the file's text.
pub(crate) const EDITED: u64 = 1 << 63;
/// In [`Core::start`]: the feature is deleted (its slot stays, so indices do not move).
pub(crate) const DELETED: u64 = 1 << 62;

/// How many steps undo goes back at most; older steps are forgotten.
pub(crate) const MAX_STEPS: usize = 10_000;

/// One feature's record before and after a step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Change {
    /// The feature's index.
    pub index: u32,
    pub before: Core,
    pub after: Core,
}

/// What one gesture changed, undone and redone whole.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    /// What the step did, for the Edit menu ("move Deir ez-Zor").
    pub label: String,
    /// The records replaced, in the order they were.
    pub changes: Vec<Change>,
    /// The source registry before and after, when the step changed it.
    pub registry: Option<Box<[Vec<Source>; 2]>>,
}

/// The steps done and undone, and the texts of features changed in Sortie.
#[derive(Clone, Debug)]
pub(crate) struct History {
    /// Steps done, the latest last.
    pub done: Vec<Step>,
    /// Steps undone, the latest undone last (redo takes it).
    pub undone: Vec<Step>,
    /// How many steps were done when the dataset was last saved or opened; `None` once that
    /// state cannot be reached by undo or redo.
    pub saved_at: Option<usize>,
    /// Texts of features as changed in Sortie, one after another (never shrinks: an old
    /// text stays for the step that undoes back to it).
    pub edited: String,
    /// How many features the file had (the slots after them are features added in Sortie).
    pub file_features: usize,
    /// The record each of the file's features had in the file, for those changed since.
    pub originals: HashMap<u32, Core>,
    /// (hash of a source id, feature index) for sources that changed features define.
    pub sources: Vec<(u64, u32)>,
    /// The warnings of each feature an edit touched (or whose route ends it moved), as it
    /// now is: they replace the load's warnings naming it.
    pub warnings: BTreeMap<u32, Vec<Diagnostic>>,
    /// The features the load's warnings name, sorted (found on first use).
    pub load_warned: std::sync::OnceLock<Vec<u32>>,
    /// The file's source registry, kept when a step first changes it.
    pub file_registry: Option<Vec<Source>>,
}

impl Default for History {
    fn default() -> Self {
        Self {
            done: Vec::new(),
            undone: Vec::new(),
            saved_at: Some(0),
            edited: String::new(),
            file_features: 0,
            originals: HashMap::new(),
            sources: Vec::new(),
            warnings: BTreeMap::new(),
            load_warned: std::sync::OnceLock::new(),
            file_registry: None,
        }
    }
}

impl History {
    /// Whether any step was ever done.
    pub fn has_edits(&self) -> bool {
        !self.done.is_empty()
            || !self.undone.is_empty()
            || !self.originals.is_empty()
            || self.file_registry.is_some()
    }

    /// Records a step done (forgetting what was undone, and the oldest step past
    /// [`MAX_STEPS`]).
    pub fn push(&mut self, step: Step) {
        if self.saved_at.is_some_and(|s| s > self.done.len()) {
            // The saved state was among the steps undone, which this step forgets.
            self.saved_at = None;
        }
        self.undone.clear();
        self.done.push(step);
        if self.done.len() > MAX_STEPS {
            self.done.remove(0);
            self.saved_at = self.saved_at.and_then(|s| s.checked_sub(1));
        }
    }

    /// Whether the state differs from the one last saved (or opened).
    pub fn is_modified(&self) -> bool {
        self.saved_at != Some(self.done.len())
    }
}

/// Whether a record is of a feature that is there (not deleted).
pub(crate) fn is_live(core: &Core) -> bool {
    core.start & DELETED == 0
}
