//! `sortie render FILE --out FIGURE`: the map published as PNG, SVG or PDF, as the window's
//! Export map writes it.

use std::io::Write;
use std::path::PathBuf;

use super::common::{EXIT_OK, EXIT_UNREADABLE, exit_status};
use crate::dataset::load_path;

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

/// The format, extent and page size `args` ask for, checked (with `--scale`).
fn page_of(
    args: &RenderArgs,
) -> Result<
    (
        crate::figure::FigureFormat,
        crate::figure::Extent,
        egui::Vec2,
    ),
    String,
> {
    use crate::figure::{Extent, FigureFormat};
    let format = args
        .format
        .as_deref()
        .and_then(FigureFormat::parse)
        .or_else(|| FigureFormat::from_path(&args.out))
        .ok_or_else(|| {
            format!(
                "cannot tell the format to write from {:?}: name it .png, .svg or .pdf, or \
                 pass --format",
                args.out.display().to_string()
            )
        })?;
    let extent = match args.bbox.as_deref() {
        None => Extent::Fit,
        Some(bbox) => Extent::from_bbox(bbox)?,
    };
    let size = match args.size.as_deref() {
        None if format == FigureFormat::Pdf => crate::figure::A4_LANDSCAPE,
        None => egui::vec2(1600.0, 1000.0),
        Some(size) => parse_page_size(size)?,
    };
    if !(args.scale.is_finite() && (0.25..=8.0).contains(&args.scale)) {
        return Err(format!(
            "--scale {}: give a factor between 0.25 and 8",
            args.scale
        ));
    }
    Ok((format, extent, size))
}

/// The countries route `index` crosses (none when it is no route), tinted as in the window.
fn countries_crossed(dataset: &crate::dataset::Dataset, index: usize) -> Vec<String> {
    if dataset.route(index).is_none() {
        return Vec::new();
    }
    let Some((_, vertices)) = dataset
        .route_vertices(Some(&[index]), |_, _| true)
        .into_iter()
        .next()
    else {
        return Vec::new();
    };
    crate::routes::airspace::AirspaceIndex::shared()
        .airspace(&vertices)
        .into_iter()
        .filter_map(|row| row.country)
        .collect()
}

/// Runs `render`; returns the exit status.
///
/// # Errors
/// Only when writing to `out` fails.
pub fn render(args: &RenderArgs, out: &mut dyn Write) -> std::io::Result<u8> {
    use crate::figure::{Figure, FigureFormat, FigureOptions, Parts};
    let (format, extent, size) = match page_of(args) {
        Ok(page) => page,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(EXIT_UNREADABLE);
        }
    };
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
            .map(|i| countries_crossed(&dataset, i))
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
