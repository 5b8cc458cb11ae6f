//! The command line: `sortie [FILE]`, `sortie check FILE`, `sortie info FILE`,
//! `sortie convert IN OUT`, `sortie render FILE`, `sortie synth OUT`: a file per
//! subcommand, and here the arguments they take.
//!
//! The subcommands use the same library calls as the window and write to any [`Write`], so
//! tests read what a user would see. On top of the house, beside the app; nothing imports
//! it.

mod check;
mod common;
mod convert;
mod info;
mod render;
mod synth;

#[cfg(doc)]
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use check::check;
pub use common::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, range_of};
pub use convert::convert;
pub use info::{info, info_json};
pub use render::{RenderArgs, parse_page_size, render};
pub use synth::synth;

use crate::dataset::When;
use common::parse_date;

/// Sortie: a map of airstrike routes in which every feature carries its evidence.
#[derive(Debug, Parser)]
#[command(name = "sortie", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// File to open in the window: GeoJSON, an ACLED or UCDP export, a CSV with coordinates,
    /// KML or KMZ (default: the bundled Hamedan dataset).
    pub file: Option<PathBuf>,
    /// Basemap for the window: offline (default), osm, none, or a raster .pmtiles file.
    /// Remembered for the next run.
    #[arg(long, value_name = "offline|osm|none|PATH.pmtiles", value_parser = crate::map::Basemap::parse)]
    pub basemap: Option<crate::map::Basemap>,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a dataset file (any format Sortie reads) and its evidence, and print a
    /// one-line summary and the warnings.
    ///
    /// Exit status: 0 when the file loads (even with warnings), 1 when it is invalid (or,
    /// with --strict, when its evidence is wanting), 2 when it cannot be read or the usage
    /// is wrong.
    Check {
        /// The file: GeoJSON, an ACLED or UCDP export, a CSV with coordinates, KML or KMZ.
        file: PathBuf,
        /// Print {"ok", "errors", "warnings"} as JSON; evidence findings carry
        /// "kind": "evidence".
        #[arg(long)]
        json: bool,
        /// Treat the evidence warnings (a feature or claim without a source, a claim
        /// without its author, a source defined twice differently, …) as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Write a synthetic dataset (points and routes with sources) from a fixed seed, for
    /// trying Sortie at scale.
    Synth {
        /// Where to write the GeoJSON.
        out: PathBuf,
        /// Point features.
        #[arg(long, default_value_t = 1_000_000)]
        points: usize,
        /// Routes between them.
        #[arg(long, default_value_t = 100_000)]
        routes: usize,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// What to write: `geojson` (Sortie's dataset format), or `acled-csv` (an export in
        /// ACLED's current 31 columns, one row per point; no routes).
        #[arg(long, default_value = "geojson", value_parser = ["geojson", "acled-csv"])]
        format: String,
    },
    /// Convert a file Sortie reads (GeoJSON, ACLED or UCDP CSV, any CSV with coordinates,
    /// KML, KMZ) to GeoJSON (dataset format v1), KML or KMZ.
    ///
    /// The output is written to a temporary file and renamed into place: a failed write
    /// leaves an existing OUT untouched. Exit status as for `check`.
    Convert {
        /// The file to read.
        input: PathBuf,
        /// The file to write.
        output: PathBuf,
        /// The output format (default: from OUT's extension).
        #[arg(long, value_parser = ["geojson", "kml", "kmz"])]
        format: Option<String>,
    },
    /// Publish the map as a figure (PNG, SVG or PDF) with a legend, a scale bar, the
    /// attribution and numbered source footnotes, drawn as the window draws it. Needs no
    /// display and no GPU.
    ///
    /// The figure is written to a temporary file and renamed into place. Exit status as
    /// for `check`.
    Render(RenderArgs),
    /// Print a file's features and routes as a table.
    ///
    /// Exit status as for `check`.
    Info {
        /// The file: GeoJSON, an ACLED or UCDP export, a CSV with coordinates, KML or KMZ.
        file: PathBuf,
        /// Print {"features": […], "routes": […]} as JSON.
        #[arg(long)]
        json: bool,
        /// List only features that may fall on or after this date (ISO 8601 or EDTF; its
        /// earliest day counts: --from 2016-08 starts on 1 August). Undated features are
        /// left out of a range.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: Option<When>,
        /// List only features that may fall on or before this date (its latest day counts:
        /// --to 2016-08 takes in all of August).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<When>,
        /// With --from/--to: only features whose whole span lies inside the range, not
        /// those that merely overlap it.
        #[arg(long)]
        definite: bool,
    },
}
