//! What the panels ask of the app ([`Action`], applied at the end of a frame) and the state
//! they name: the [`Settings`] remembered between runs and the left panel's [`LeftTab`].
//! Below `ui` and `app` alike, so panels return actions without knowing the app.

use std::path::PathBuf;

use crate::map::Basemap;

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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dark_mode: false,
            basemap: Basemap::Offline,
            show_timeline: true,
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
