//! The command line: `sortie [FILE]`, `sortie check FILE`, `sortie info FILE`,
//! `sortie convert IN OUT`, `sortie synth OUT`.
//!
//! `check` and `info` use the same library calls as the window and write to any
//! [`Write`], so tests read what a user would see. On top of the house, beside the app;
//! nothing imports it.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::dataset::{DAY_S, time::iso};
use crate::dataset::{
    Dataset, DateExpr, Diagnostic, DiagnosticKind, Feature, InRange, LoadError, RangeMode,
    TimeFilter, TimeIndex, When, load_path,
};
use crate::geometry::units::KM_PER_NMI;
use crate::routes::airspace::AirspaceIndex;

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

/// The options of `sortie render`.
#[derive(clap::Args, Debug, Clone)]
pub struct RenderArgs {
    /// The file: GeoJSON, an ACLED or UCDP export, a CSV with coordinates, KML or KMZ.
    pub file: PathBuf,
    /// Where to write the figure: .png, .svg or .pdf.
    #[arg(long)]
    pub out: PathBuf,
    /// The format (default: from --out's extension).
    #[arg(long, value_parser = ["png", "svg", "pdf"])]
    pub format: Option<String>,
    /// Show this box: west,south,east,north in degrees (e.g. 34,28,52,40).
    #[arg(
        long,
        value_name = "W,S,E,N",
        conflicts_with = "fit",
        allow_hyphen_values = true
    )]
    pub bbox: Option<String>,
    /// Fit every feature, as the window's first view does (the default).
    #[arg(long)]
    pub fit: bool,
    /// The page: WIDTHxHEIGHT in points (a PNG's pixels at --scale 1), or a paper size:
    /// a4, a3, letter (landscape; add -portrait). Default: 1600x1000, A4 landscape for PDF.
    #[arg(long)]
    pub size: Option<String>,
    /// Pixels per point of a PNG (1, 2, 4…).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// Light or dark.
    #[arg(long, default_value = "light", value_parser = ["light", "dark"])]
    pub theme: String,
    /// The basemap: offline (Natural Earth, the default), none (a graticule), osm
    /// (OpenStreetMap's tiles, through the window's tile cache), or a raster .pmtiles file.
    #[arg(long, default_value = "offline", value_name = "offline|none|osm|PATH.pmtiles", value_parser = crate::map::Basemap::parse)]
    pub basemap: crate::map::Basemap,
    /// The title (default: the dataset's).
    #[arg(long)]
    pub title: Option<String>,
    /// Draw this feature (by id) as selected.
    #[arg(long, value_name = "ID")]
    pub select: Option<String>,
    /// Leave out the source numbers and their list.
    #[arg(long)]
    pub no_footnotes: bool,
    /// Leave out the legend.
    #[arg(long)]
    pub no_legend: bool,
    /// Leave out the scale bar.
    #[arg(long)]
    pub no_scale_bar: bool,
    /// Leave out the north arrow.
    #[arg(long)]
    pub no_north_arrow: bool,
    /// Add a scale bar in nautical miles.
    #[arg(long)]
    pub nautical: bool,
}

/// A page size: `WxH` in points, or a paper name.
///
/// # Errors
/// A message naming what is accepted.
pub fn parse_page_size(text: &str) -> Result<egui::Vec2, String> {
    let lower = text.trim().to_ascii_lowercase();
    let (name, portrait) = match lower.strip_suffix("-portrait") {
        Some(name) => (name, true),
        None => (lower.strip_suffix("-landscape").unwrap_or(&lower), false),
    };
    let paper = match name {
        "a4" => Some((841.89, 595.28)),
        "a3" => Some((1190.55, 841.89)),
        "letter" => Some((792.0, 612.0)),
        _ => None,
    };
    if let Some((w, h)) = paper {
        return Ok(if portrait {
            egui::vec2(h, w)
        } else {
            egui::vec2(w, h)
        });
    }
    let bad = || {
        format!(
            "--size {text:?}: give WIDTHxHEIGHT (1600x1000) or a paper size (a4, a3, letter, \
             with -portrait)"
        )
    };
    let (w, h) = lower.split_once('x').ok_or_else(bad)?;
    let (w, h): (f32, f32) = (
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    );
    if !(200.0..=20_000.0).contains(&w) || !(150.0..=20_000.0).contains(&h) {
        return Err(format!(
            "--size {text:?}: the width must lie between 200 and 20000, the height between 150 \
             and 20000"
        ));
    }
    Ok(egui::vec2(w, h))
}

/// Runs `render`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn render(args: &RenderArgs, out: &mut dyn Write) -> std::io::Result<u8> {
    use crate::figure::{Extent, Figure, FigureFormat, FigureOptions, Parts};
    let Some(format) = args
        .format
        .as_deref()
        .and_then(FigureFormat::parse)
        .or_else(|| FigureFormat::from_path(&args.out))
    else {
        writeln!(
            out,
            "error: cannot tell the format to write from {:?}: name it .png, .svg or .pdf, or \
             pass --format",
            args.out.display().to_string()
        )?;
        return Ok(EXIT_UNREADABLE);
    };
    let extent = match args.bbox.as_deref().map(Extent::from_bbox) {
        None => Extent::Fit,
        Some(Ok(extent)) => extent,
        Some(Err(e)) => {
            writeln!(out, "error: {e}")?;
            return Ok(EXIT_UNREADABLE);
        }
    };
    let size = match args.size.as_deref().map(parse_page_size) {
        None if format == FigureFormat::Pdf => crate::figure::A4_LANDSCAPE,
        None => egui::vec2(1600.0, 1000.0),
        Some(Ok(size)) => size,
        Some(Err(e)) => {
            writeln!(out, "error: {e}")?;
            return Ok(EXIT_UNREADABLE);
        }
    };
    if !(args.scale.is_finite() && (0.25..=8.0).contains(&args.scale)) {
        writeln!(
            out,
            "error: --scale {}: give a factor between 0.25 and 8",
            args.scale
        )?;
        return Ok(EXIT_UNREADABLE);
    }
    let started = std::time::Instant::now();
    let dataset = match load_path(&args.file) {
        Ok(dataset) => dataset,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(exit_status(&Err(e)));
        }
    };
    let selected = match &args.select {
        None => None,
        Some(id) => match dataset.index_of(id) {
            Some(i) => Some(i),
            None => {
                writeln!(
                    out,
                    "error: --select {id:?}: no feature of {} has that id",
                    args.file.display()
                )?;
                return Ok(EXIT_UNREADABLE);
            }
        },
    };
    let loaded = started.elapsed();
    let layers = crate::map::MapLayers::new(&dataset);
    let options = FigureOptions {
        size,
        extent,
        dark: args.theme == "dark",
        basemap: (&args.basemap).into(),
        title: args.title.clone(),
        parts: Parts {
            legend: !args.no_legend,
            scale_bar: !args.no_scale_bar,
            nautical: args.nautical,
            north_arrow: !args.no_north_arrow,
            footnotes: !args.no_footnotes,
            date_range: true,
        },
        selected,
        date_range: None,
        // A selected route's countries are tinted, as in the window.
        tinted_countries: selected
            .filter(|&i| dataset.route(i).is_some())
            .and_then(|i| dataset.route_vertices().into_iter().find(|(j, _)| *j == i))
            .map(|(_, vertices)| {
                crate::routes::airspace::AirspaceIndex::shared()
                    .airspace(&vertices)
                    .into_iter()
                    .filter_map(|row| row.country)
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut figure = match Figure::build(&dataset, &layers, &options, format) {
        Ok(figure) => figure,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(EXIT_UNREADABLE);
        }
    };
    let px_per_pt = if format == FigureFormat::Png {
        args.scale
    } else {
        crate::figure::VECTOR_BASEMAP_PX_PER_PT
    };
    match figure.fetch_basemap(px_per_pt) {
        Ok(Some(mosaic)) => {
            if let Some(problem) = &mosaic.problem {
                writeln!(
                    out,
                    "warning: basemap: {} of {} tiles drawn, the rest from the offline \
                     basemap: {problem}",
                    mosaic.drawn, mosaic.tiles
                )?;
            }
        }
        Ok(None) => {}
        Err(e) => {
            writeln!(out, "error: --basemap: {e}")?;
            return Ok(EXIT_UNREADABLE);
        }
    }
    if let Err(e) = figure.write(&args.out, format, args.scale) {
        writeln!(out, "error: {e}")?;
        return Ok(EXIT_UNREADABLE);
    }
    let bytes = std::fs::metadata(&args.out).map_or(0, |m| m.len());
    writeln!(
        out,
        "{}: {} of {}: {} markers, {} lines, {} labels, {} clusters, {} sources numbered, {} \
         page{} ({bytes} bytes) in {:.2?} (loading {:.2?})",
        args.out.display(),
        format.extension().to_uppercase(),
        args.file.display(),
        figure.map.markers,
        figure.map.lines,
        figure.map.labels,
        figure.map.clusters,
        figure.footnotes.notes.len(),
        if format == FigureFormat::Pdf {
            figure.pages.len()
        } else {
            1
        },
        if format == FigureFormat::Pdf && figure.pages.len() > 1 {
            "s"
        } else {
            ""
        },
        started.elapsed(),
        loaded
    )?;
    Ok(EXIT_OK)
}

fn parse_date(text: &str) -> Result<When, String> {
    DateExpr::parse(text).map(|d| d.when())
}

/// The range `info --from/--to [--definite]` asks for, if any.
///
/// # Errors
/// When `--from` comes after `--to`, or `--definite` has no range to apply to.
pub fn range_of(
    from: Option<When>,
    to: Option<When>,
    definite: bool,
) -> Result<Option<TimeFilter>, String> {
    if from.is_none() && to.is_none() {
        return if definite {
            Err("--definite needs a range: give --from, --to or both".to_owned())
        } else {
            Ok(None)
        };
    }
    let (start, end) = (
        from.map_or(i64::MIN, |w| w.start),
        to.map_or(i64::MAX, |w| w.end),
    );
    if start >= end {
        return Err("--from is after --to: the range is empty".to_owned());
    }
    Ok(Some(TimeFilter {
        from: start,
        to: end,
        mode: if definite {
            RangeMode::Definite
        } else {
            RangeMode::Possible
        },
        show_undated: false,
    }))
}

/// Exit status: the file loaded.
pub const EXIT_OK: u8 = 0;
/// Exit status: the file is not valid GeoJSON.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: the file could not be read, or the usage is wrong.
pub const EXIT_UNREADABLE: u8 = 2;

/// Runs `check`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn check(path: &Path, as_json: bool, strict: bool, out: &mut dyn Write) -> std::io::Result<u8> {
    let result = load_path(path);
    let mut out = std::io::BufWriter::new(out);
    let dataset = match &result {
        Ok(dataset) => dataset,
        Err(error) => {
            if as_json {
                write_report(
                    &mut out,
                    [error.diagnostic()].into_iter(),
                    std::iter::empty(),
                )?;
            } else {
                writeln!(out, "error: {error}")?;
            }
            out.flush()?;
            return Ok(exit_status(&result));
        }
    };
    // Kept compact, and worded a block at a time as they are written: a million findings
    // are never all in memory as messages.
    let findings = crate::dataset::evidence_findings(dataset);
    if log::log_enabled!(log::Level::Debug)
        && let Ok(status) = std::fs::read_to_string("/proc/self/status")
    {
        let memory: Vec<&str> = status
            .lines()
            .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
            .collect();
        log::debug!("memory after the evidence checks: {}", memory.join(", "));
    }
    // With --strict, the evidence warnings (the load's and the checks') are errors.
    let is_error = |w: &&Diagnostic| strict && w.kind == Some(DiagnosticKind::Evidence);
    let errors = || {
        let found = strict
            .then(|| findings.diagnostics(dataset))
            .into_iter()
            .flatten();
        dataset
            .warnings
            .iter()
            .filter(is_error)
            .cloned()
            .chain(found)
    };
    let warnings = || {
        let found = (!strict)
            .then(|| findings.diagnostics(dataset))
            .into_iter()
            .flatten();
        let loaded = dataset.warnings.iter().filter(|w| !is_error(w)).cloned();
        loaded.chain(found)
    };
    let ok = !(strict && (!findings.is_empty() || dataset.warnings.iter().any(|w| is_error(&w))));
    if as_json {
        write_report(&mut out, errors(), warnings())?;
    } else {
        let summary = dataset.summary_with(findings.len());
        writeln!(out, "{}: {summary}", path.display())?;
        for error in errors() {
            writeln!(out, "{}:{error} (error: --strict)", path.display())?;
        }
        for warning in warnings() {
            writeln!(out, "{}:{warning}", path.display())?;
        }
    }
    out.flush()?;
    Ok(if ok { EXIT_OK } else { EXIT_INVALID })
}

/// Writes `check --json`'s report, `{"ok", "errors", "warnings"}` as `serde_json` would
/// print it, one diagnostic at a time: `ok` is whether there are no errors.
fn write_report(
    out: &mut impl Write,
    errors: impl Iterator<Item = Diagnostic>,
    warnings: impl Iterator<Item = Diagnostic>,
) -> std::io::Result<()> {
    let mut errors = errors.peekable();
    let ok = errors.peek().is_none();
    write!(out, "{{\n  \"ok\": {ok},\n  \"errors\": ")?;
    write_array(out, errors)?;
    write!(out, ",\n  \"warnings\": ")?;
    write_array(out, warnings)?;
    writeln!(out, "\n}}")
}

/// A JSON array of diagnostics as the second level of a pretty-printed object.
fn write_array(
    out: &mut impl Write,
    items: impl Iterator<Item = Diagnostic>,
) -> std::io::Result<()> {
    let mut empty = true;
    for item in items {
        out.write_all(if empty { b"[\n    " } else { b",\n    " })?;
        // Strings in JSON hold no raw line breaks: each break is one of the layout's.
        let text = serde_json::to_string_pretty(&item).map_err(std::io::Error::other)?;
        out.write_all(text.replace('\n', "\n    ").as_bytes())?;
        empty = false;
    }
    out.write_all(if empty { b"[]" } else { b"\n  ]" })
}

/// Runs `synth`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn synth(
    path: &Path,
    spec: crate::synth::SynthSpec,
    acled: bool,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let written = crate::dataset::formats::write_atomically(path, |writer| {
        if acled {
            crate::synth::write_acled_csv(spec, writer)
        } else {
            crate::synth::write_dataset(spec, writer)
        }
    });
    match written {
        Ok(()) => {
            let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
            writeln!(
                out,
                "{}: {} points, {} routes, {bytes} bytes",
                path.display(),
                spec.points,
                if acled { 0 } else { spec.routes }
            )?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            writeln!(out, "error: {e}")?;
            Ok(EXIT_UNREADABLE)
        }
    }
}

/// Runs `convert`: reads `input` in whatever format it is, writes `output` in `format` (or
/// the one its extension names); returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn convert(
    input: &Path,
    output: &Path,
    format: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    use crate::dataset::formats::{ExportFormat, export};
    let Some(format) = format
        .and_then(ExportFormat::parse)
        .or_else(|| ExportFormat::of_path(output))
    else {
        writeln!(
            out,
            "error: cannot tell the format to write from {:?}: name it .geojson, .kml or .kmz, \
             or pass --format",
            output.display().to_string()
        )?;
        return Ok(EXIT_UNREADABLE);
    };
    let dataset = match load_path(input) {
        Ok(dataset) => dataset,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(exit_status(&Err(e)));
        }
    };
    for warning in &dataset.warnings {
        writeln!(out, "{}:{warning}", input.display())?;
    }
    let started = std::time::Instant::now();
    match export(&dataset, output, format) {
        Ok(()) => {
            let bytes = std::fs::metadata(output).map_or(0, |m| m.len());
            writeln!(
                out,
                "{}: {} feature{} from {} written as {format} ({bytes} bytes) in {:.2?}",
                output.display(),
                dataset.len(),
                if dataset.len() == 1 { "" } else { "s" },
                dataset.format(),
                started.elapsed()
            )?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            writeln!(out, "error: {e}")?;
            Ok(EXIT_UNREADABLE)
        }
    }
}

/// Runs `info`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn info(
    path: &Path,
    as_json: bool,
    range: Option<TimeFilter>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let mut result = load_path(path);
    if let Ok(dataset) = &mut result {
        AirspaceIndex::shared().fill(dataset);
    }
    let in_range = match (&result, range) {
        (Ok(dataset), Some(range)) => Some(TimeIndex::new(dataset).filter(range)),
        _ => None,
    };
    match &result {
        Ok(dataset) if as_json => {
            let text = serde_json::to_string_pretty(&info_json(dataset, in_range.as_ref()))
                .unwrap_or_default();
            writeln!(out, "{text}")?;
        }
        Ok(dataset) => info_table(dataset, in_range.as_ref(), out)?,
        Err(error) if as_json => {
            let report = json!({"ok": false, "errors": [error.diagnostic()]});
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )?;
        }
        Err(error) => writeln!(out, "error: {error}")?,
    }
    Ok(exit_status(&result))
}

fn exit_status(result: &Result<Dataset, LoadError>) -> u8 {
    match result {
        Ok(_) => EXIT_OK,
        Err(LoadError::Invalid { .. }) => EXIT_INVALID,
        Err(LoadError::Read { .. } | LoadError::Cancelled) => EXIT_UNREADABLE,
    }
}

/// The JSON that `info --json` prints: every feature, or those `in_range` shows.
pub fn info_json(dataset: &Dataset, in_range: Option<&InRange>) -> Value {
    let all = listed(dataset, in_range);
    let features: Vec<Value> = all.iter().map(|f| feature_json(dataset, f)).collect();
    let routes: Vec<Value> = all
        .iter()
        .filter_map(|f| {
            let route = f.route.as_ref()?;
            let metrics = route.metrics.as_ref();
            let vertices: Vec<[f64; 2]> = match &f.geometry {
                Some(geo_types::Geometry::LineString(l)) => {
                    l.0.iter().map(|c| [c.x, c.y]).collect()
                }
                Some(geo_types::Geometry::MultiLineString(m)) => {
                    m.0.iter()
                        .flat_map(|l| l.0.iter().map(|c| [c.x, c.y]))
                        .collect()
                }
                _ => Vec::new(),
            };
            let legs: Vec<Value> = metrics.map_or_else(Vec::new, |m| {
                m.legs_m
                    .iter()
                    .zip(vertices.windows(2))
                    .map(|(l, w)| json!({"from": w[0], "to": w[1], "km": round(l / 1000.0, 3)}))
                    .collect()
            });
            let airspace: Option<Vec<Value>> = route.airspace.as_ref().map(|rows| {
                rows.iter()
                    .map(|r| {
                        json!({
                            "country": r.country,
                            "km": round(r.km, 3),
                            "entry": [round(r.entry[0], 5), round(r.entry[1], 5)],
                            "exit": [round(r.exit[0], 5), round(r.exit[1], 5)],
                        })
                    })
                    .collect()
            });
            let flight_times: Vec<Value> = route
                .flight_times_h(&dataset.aircraft_cruise_kmh)
                .into_iter()
                .map(|(label, hours)| json!({"basis": label, "hours": round(hours, 3)}))
                .collect();
            Some(json!({
                "id": f.id,
                "name": f.name,
                "from": route.from,
                "to": route.to,
                "length_km": metrics.map(|m| round(m.length_km(), 3)),
                "length_nmi": metrics.map(|m| round(m.length_km() / KM_PER_NMI, 3)),
                "initial_bearing_deg": metrics.map(|m| round(m.initial_bearing_deg, 2)),
                "final_bearing_deg": metrics.map(|m| round(m.final_bearing_deg, 2)),
                "legs": legs,
                "airspace": airspace,
                "flight_times": flight_times,
                "aircraft": route.aircraft,
                "schematic": route.schematic,
                "date": f.date.as_ref().map(DateExpr::written),
            }))
        })
        .collect();
    let mut info = json!({
        "title": dataset.title,
        "features": features,
        "routes": routes,
        "warnings": dataset.warnings,
    });
    if let Some(filter) = in_range.and_then(|r| r.filter) {
        // As the features' bounds: days where the range falls on midnights, else instants;
        // the end as the last day (or second) inside.
        let timed = filter.from.rem_euclid(DAY_S) != 0 || filter.to.rem_euclid(DAY_S) != 0;
        let bound =
            |t: i64, back: i64| (t != i64::MIN && t != i64::MAX).then(|| iso(t - back, timed));
        info["range"] = json!({
            "from": bound(filter.from, 0),
            "to": bound(filter.to, if timed { 1 } else { DAY_S }),
            "mode": match filter.mode {
                RangeMode::Possible => "possible",
                RangeMode::Definite => "definite",
            },
            "features_in_range": all.len(),
            "features": dataset.len(),
        });
    }
    if !dataset.registry.is_empty() {
        info["sources"] = dataset.registry.iter().map(source_json).collect();
    }
    info
}

/// A feature as `info --json` writes it; its `sources` are every source it rests on (its
/// own, then those its claims cite from the registry or other features).
fn feature_json(dataset: &Dataset, f: &Feature) -> Value {
    let point = f.point();
    let sources: Vec<Value> = dataset.sources_of(f).iter().map(source_json).collect();
    let claims: Vec<Value> = f
        .claims
        .iter()
        .map(|c| {
            let mut claim = json!({
                "text": c.text, "by": c.by, "status": c.status.map(|s| s.as_str()),
                "sources": c.source_ids().collect::<Vec<_>>(),
            });
            if let Some(date) = &c.date {
                claim["date"] = json!(date);
            }
            if c.citations
                .iter()
                .any(|c| c.quote.is_some() || c.locator.is_some())
            {
                claim["citations"] = c
                    .citations
                    .iter()
                    .map(|c| json!({"id": c.id, "quote": c.quote, "locator": c.locator}))
                    .collect();
            }
            claim
        })
        .collect();
    json!({
        "id": f.id,
        "index": f.index,
        "name": f.name,
        "kind": f.kind.as_str(),
        "lon": point.map(|p| p.x()),
        "lat": point.map(|p| p.y()),
        "date": f.date.as_ref().map(DateExpr::written),
        "date_end_written": f.date_end.as_ref().map(DateExpr::written),
        "date_start": f.when.and_then(|w| w.start_iso()),
        "date_end": f.when.and_then(|w| w.end_iso()),
        "date_certainty": f.when.map(|w| w.certainty.as_str()),
        "location_precision": f.location_precision.map(|p| p.level.as_str()),
        "claims": claims,
        "sources": sources,
    })
}

/// A source as `info --json` writes it.
fn source_json(s: &crate::dataset::Source) -> Value {
    let mut source = json!({
        "id": s.id, "publisher": s.publisher, "title": s.title, "author": s.author,
        "published": s.published, "url": s.url, "quote": s.quote, "accessed": s.accessed,
    });
    if let Some(archived) = &s.archived {
        source["archived"] = json!(archived);
    }
    source
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// The features `info` lists, fully read: all of them, or those in range.
fn listed(dataset: &Dataset, in_range: Option<&InRange>) -> Vec<Feature> {
    match in_range {
        None => dataset.full_features().collect(),
        Some(r) => (0..dataset.len())
            .filter(|&i| r.shown.get(i))
            .filter_map(|i| dataset.feature(i))
            .collect(),
    }
}

fn info_table(
    dataset: &Dataset,
    in_range: Option<&InRange>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "{}: {}", dataset.title, dataset.summary())?;
    if let Some(r) = in_range {
        writeln!(out, "{} of {} features in range", r.count, dataset.len())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<26} {:<7} {:<40} {:>10} {:>10} {:<32} {:>7}",
        "ID", "KIND", "NAME", "LON", "LAT", "DATE", "SOURCES"
    )?;
    let all = listed(dataset, in_range);
    for f in &all {
        let (lon, lat) = f
            .point()
            .map_or((String::from("-"), String::from("-")), |p| {
                (format!("{:.5}", p.x()), format!("{:.5}", p.y()))
            });
        let date = match (&f.date, &f.date_end) {
            (Some(d), Some(e)) => d.describe_until(e),
            (Some(d), None) | (None, Some(d)) => d.describe(),
            (None, None) => "-".to_owned(),
        };
        writeln!(
            out,
            "{:<26} {:<7} {:<40} {lon:>10} {lat:>10} {:<32} {:>7}",
            clip(&f.id, 26),
            f.kind.as_str(),
            clip(&f.name, 40),
            // Never clipped: a date's qualifier is part of it.
            date,
            dataset.sources_of(f).len()
        )?;
    }
    let routes: Vec<&Feature> = all.iter().filter(|f| f.route.is_some()).collect();
    if !routes.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<26} {:<14} {:<14} {:>10} {:>10} {:>9}",
            "ROUTE", "FROM", "TO", "LENGTH km", "BEARING °", "SCHEMATIC"
        )?;
        for f in routes {
            let Some(route) = &f.route else { continue };
            let (length, bearing) =
                route
                    .metrics
                    .as_ref()
                    .map_or((String::from("-"), String::from("-")), |m| {
                        (
                            format!("{:.1}", m.length_km()),
                            format!("{:.1}", m.initial_bearing_deg),
                        )
                    });
            writeln!(
                out,
                "{:<26} {:<14} {:<14} {length:>10} {bearing:>10} {:>9}",
                clip(&f.id, 26),
                clip(route.from.as_deref().unwrap_or("-"), 14),
                clip(route.to.as_deref().unwrap_or("-"), 14),
                if route.schematic { "yes" } else { "no" }
            )?;
            for row in route.airspace.iter().flatten() {
                writeln!(
                    out,
                    "    over {:<24} {:>8.1} km   entry {:>9.4}, {:>8.4}   exit {:>9.4}, {:>8.4}",
                    clip(row.country.as_deref().unwrap_or("open sea"), 24),
                    row.km,
                    row.entry[0],
                    row.entry[1],
                    row.exit[0],
                    row.exit[1]
                )?;
            }
        }
    }
    Ok(())
}

/// Cuts text to `width` characters, marking the cut with an ellipsis.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}
