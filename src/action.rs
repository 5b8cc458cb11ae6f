//! What the panels ask of the app ([`Action`], applied at the end of a frame) and the state
//! they name: the [`Settings`] remembered between runs and the left panel's [`LeftTab`].
//! Below `ui` and `app` alike, so panels return actions without knowing the app.

use std::path::PathBuf;

use crate::dataset::FeatureKind;
use crate::map::{Basemap, RouteClick, Tool};

/// Settings remembered between runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Dark theme on.
    pub dark_mode: bool,
    /// Tiles under the map.
    pub basemap: Basemap,
    /// The timeline shown (when the dataset has dates), and the map filtered by it.
    pub show_timeline: bool,
    /// Who the user is, recorded on the captures they keep (`captured_by`).
    pub editor_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dark_mode: false,
            basemap: Basemap::Offline,
            show_timeline: true,
            editor_name: String::new(),
        }
    }
}

/// Something a panel asks for; applied at the end of the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Select a feature, or clear the selection.
    Select(Option<usize>),
    /// Select a feature and centre the map on it.
    SelectAndCenter(usize),
    /// Move the selection through the list by this many rows.
    MoveSelection(isize),
    /// Fit every feature in view.
    FitAll,
    /// Zoom by whole steps.
    Zoom(f64),
    /// Show the native Open dialog.
    ShowOpenDialog,
    /// Show the native dialog to pick a `.pmtiles` basemap.
    ShowPmTilesDialog,
    /// Open a file.
    Open(PathBuf),
    /// Stop loading the file being loaded; the dataset on screen stays.
    CancelLoad,
    /// Hide the error message.
    DismissMessage,
    /// Show or hide the warnings window.
    ToggleWarnings,
    /// Switch the theme.
    SetDarkMode(bool),
    /// Switch the basemap.
    SetBasemap(Basemap),
    /// Show the features or the sources in the left panel.
    ShowTab(LeftTab),
    /// Select a source (an index into [`crate::dataset::Dataset::source_uses`]): every feature citing it
    /// is highlighted, and the details panel shows what rests on it. `None` clears it.
    SelectSource(Option<usize>),
    /// Show the source with this id in the Sources tab, selected.
    ShowSource(String),
    /// Show or hide the timeline (and filter the map by it, or not).
    SetTimeline(bool),
    /// Show the native Save dialog to export the dataset.
    ShowExportDialog,
    /// Write the dataset to a file, in the format its extension names (GeoJSON when none).
    Export(PathBuf),
    /// Show the Export map window.
    OpenExportMap,
    /// Show the native Save dialog for the figure the Export map window describes.
    ShowExportMapDialog,
    /// Write the figure the Export map window describes to a file.
    ExportMap(PathBuf),
    /// Turn editing on or off.
    ToggleEditing,
    /// Pick the editing tool (turning editing on).
    SetTool(Tool),
    /// Add a point feature of this kind at (longitude, latitude).
    AddPoint(FeatureKind, f64, f64),
    /// Move point feature `index` to (longitude, latitude).
    MoveFeature(usize, f64, f64),
    /// Move waypoint (vertex) `1` of route `0` to longitude `2`, latitude `3` (one step).
    MoveWaypoint(usize, usize, f64, f64),
    /// The route tool clicked: starts a route at a feature, adds a waypoint, or ends the
    /// route at a feature.
    RouteClick(RouteClick),
    /// End the route being drawn at its last vertex.
    FinishRoute,
    /// Stop drawing the route, adding nothing.
    CancelRoute,
    /// Put `feature` in place of feature `index` (a property edited), as the step `label`.
    ReplaceFeature {
        /// The feature's index.
        index: usize,
        /// What the step did ("rename Aleppo to Halab").
        label: String,
        /// The feature as edited.
        feature: Box<crate::dataset::Feature>,
    },
    /// Put `source` in place of source `id` wherever it is defined (its citations follow a
    /// new id).
    EditSource {
        /// The source's id now.
        id: String,
        /// The record as edited.
        source: Box<crate::dataset::Source>,
    },
    /// Add a new source to the registry (accessed today; with this address and the
    /// publisher guessed from its host, when given) and show it, editing on.
    AddSource(Option<String>),
    /// Ask for a file to keep as a capture of the source with this id.
    ShowAttachDialog(String),
    /// Keep `file` as a capture of source `source`: hashed and copied into the captures
    /// folder on another thread, then recorded on the source as one step.
    AttachCapture {
        /// The source's id.
        source: String,
        /// The file to keep.
        file: PathBuf,
    },
    /// Stop keeping the capture being copied.
    CancelCapture,
    /// Open a capture's file (as recorded, relative to the dataset's folder) with the
    /// system's viewer.
    OpenCapture(String),
    /// Set the name recorded on the captures the user keeps.
    SetEditorName(String),
    /// Delete the source with this id (refused while claims cite it).
    DeleteSource(String),
    /// Merge source `merged` into source `keep` (two records of one report).
    MergeSources {
        /// The id kept.
        keep: String,
        /// The id merged into it.
        merged: String,
    },
    /// Delete the selected feature, asking first when routes start or end at it.
    DeleteSelected,
    /// Delete these features, as one step (the first is the one named in the step).
    DeleteFeatures(Vec<usize>),
    /// Undo the latest edit.
    Undo,
    /// Redo the latest edit undone.
    Redo,
    /// Save the dataset to its file (or ask where, for a file Sortie does not overwrite).
    Save,
    /// Show the native Save dialog to save the dataset as GeoJSON under another name.
    ShowSaveAsDialog,
    /// Save the dataset as GeoJSON to this file, which it is then saved to.
    SaveAs(PathBuf),
    /// Ask the user before going on (unsaved edits, a delete that unlinks routes).
    Ask(Question),
    /// Close the question asked.
    Dismiss,
    /// Save, then do what waited (if the save succeeded).
    SaveThen(Pending),
    /// Forget the unsaved edits and do what waited.
    DiscardThen(Pending),
    /// Apply the edits a crash left in the recovery journal.
    RestoreJournal,
    /// Forget the edits a crash left in the recovery journal.
    DiscardJournal,
}

/// What waits on an answer about unsaved edits.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Open this file.
    Open(PathBuf),
    /// Show the Open dialog.
    ShowOpenDialog,
    /// Close the window.
    Quit,
}

/// A question a dialog asks before an action.
#[derive(Clone, Debug, PartialEq)]
pub enum Question {
    /// Unsaved edits would be lost: save, discard, or cancel.
    Unsaved(Pending),
    /// A crash left edits of this file unsaved: restore them, or discard them.
    Restore {
        /// How many steps the journal holds.
        steps: usize,
    },
    /// Feature `index` is an end of these routes: delete it alone, with them, or cancel.
    DeleteWithRoutes {
        /// The feature.
        index: usize,
        /// The routes that start or end at it.
        routes: Vec<usize>,
    },
}

/// Whether the window edits, and with which tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Editing {
    /// Editing is on (the window opens read-only).
    pub on: bool,
    /// The tool in hand.
    pub tool: Tool,
    /// The kind the point tool adds (kept while another tool is in hand).
    pub point_kind: FeatureKind,
}

impl Default for Editing {
    fn default() -> Self {
        Self {
            on: false,
            tool: Tool::Select,
            point_kind: FeatureKind::Target,
        }
    }
}

impl Editing {
    /// The tool the map uses: `None` while not editing.
    pub fn map_tool(&self) -> Option<Tool> {
        self.on.then_some(self.tool)
    }
}

/// What the left panel lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LeftTab {
    /// The features, grouped by kind.
    #[default]
    Features,
    /// The sources, with what rests on each.
    Sources,
}
