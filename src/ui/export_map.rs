//! File > Export map: the figure's format, size, title, parts and theme, then a Save dialog.

use egui::Ui;

use crate::action::Action;
use crate::figure::{FigureFormat, Parts};

/// How big the figure is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeChoice {
    /// The map's size in the window.
    Window,
    /// Width × height in points (pixels at 1×).
    Custom,
    /// A paper size, in points.
    Paper(Paper),
}

/// Paper sizes for a PDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// A4 landscape.
    A4Landscape,
    /// A4 portrait.
    A4Portrait,
    /// A3 landscape.
    A3Landscape,
    /// US Letter landscape.
    LetterLandscape,
}

impl Paper {
    const ALL: [Self; 4] = [
        Self::A4Landscape,
        Self::A4Portrait,
        Self::A3Landscape,
        Self::LetterLandscape,
    ];

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            Self::A4Landscape => "A4 landscape",
            Self::A4Portrait => "A4 portrait",
            Self::A3Landscape => "A3 landscape",
            Self::LetterLandscape => "Letter landscape",
        }
    }

    /// Its size in points.
    pub fn size(self) -> egui::Vec2 {
        match self {
            Self::A4Landscape => egui::vec2(841.89, 595.28),
            Self::A4Portrait => egui::vec2(595.28, 841.89),
            Self::A3Landscape => egui::vec2(1190.55, 841.89),
            Self::LetterLandscape => egui::vec2(792.0, 612.0),
        }
    }
}

/// The dialog's choices, kept between uses.
#[derive(Clone, Debug)]
pub struct ExportMapDialog {
    /// Shown.
    pub open: bool,
    /// PNG, SVG or PDF.
    pub format: FigureFormat,
    /// How big.
    pub size: SizeChoice,
    /// Custom width, in points.
    pub width: f32,
    /// Custom height, in points.
    pub height: f32,
    /// Pixels per point of a PNG.
    pub scale: f32,
    /// The title (the dataset's name when empty).
    pub title: String,
    /// What to draw besides the map.
    pub parts: Parts,
    /// Dark theme.
    pub dark: bool,
}

impl Default for ExportMapDialog {
    fn default() -> Self {
        Self {
            open: false,
            format: FigureFormat::Png,
            size: SizeChoice::Custom,
            width: 1600.0,
            height: 1000.0,
            scale: 2.0,
            title: String::new(),
            parts: Parts::default(),
            dark: false,
        }
    }
}

/// The Export map window.
pub fn export_map_ui(ctx: &egui::Context, dialog: &mut ExportMapDialog, actions: &mut Vec<Action>) {
    let mut open = dialog.open;
    egui::Window::new("Export map")
        .open(&mut open)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| dialog_body(ui, dialog, actions));
    dialog.open = open && dialog.open;
}

fn dialog_body(ui: &mut Ui, d: &mut ExportMapDialog, actions: &mut Vec<Action>) {
    egui::Grid::new("export-map")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label("Format");
            ui.horizontal(|ui| {
                for (format, label, hint) in [
                    (FigureFormat::Png, "PNG", "Pixels, for the web and slides"),
                    (FigureFormat::Svg, "SVG", "Vectors and text, for a graphics desk"),
                    (
                        FigureFormat::Pdf,
                        "PDF",
                        "Vectors, embedded fonts, clickable sources; long source lists continue on further pages",
                    ),
                ] {
                    if ui
                        .selectable_label(d.format == format, label)
                        .on_hover_text(hint)
                        .clicked()
                    {
                        d.format = format;
                        if format == FigureFormat::Pdf && d.size == SizeChoice::Custom {
                            d.size = SizeChoice::Paper(Paper::A4Landscape);
                        }
                    }
                }
            });
            ui.end_row();

            ui.label("Size");
            ui.vertical(|ui| {
                ui.radio_value(&mut d.size, SizeChoice::Window, "The map as in the window");
                ui.horizontal(|ui| {
                    let custom = ui.radio_value(&mut d.size, SizeChoice::Custom, "Width × height");
                    ui.add_enabled(
                        d.size == SizeChoice::Custom,
                        egui::DragValue::new(&mut d.width).range(200.0..=20_000.0),
                    )
                    .labelled_by(custom.id)
                    .on_hover_text("Width in points (pixels at 1×)");
                    ui.label("×");
                    ui.add_enabled(
                        d.size == SizeChoice::Custom,
                        egui::DragValue::new(&mut d.height).range(150.0..=20_000.0),
                    )
                    .labelled_by(custom.id)
                    .on_hover_text("Height in points (pixels at 1×)");
                });
                ui.horizontal(|ui| {
                    for paper in Paper::ALL {
                        ui.radio_value(&mut d.size, SizeChoice::Paper(paper), paper.label());
                    }
                });
            });
            ui.end_row();

            if d.format == FigureFormat::Png {
                ui.label("Scale");
                ui.horizontal(|ui| {
                    for scale in [1.0, 2.0, 4.0] {
                        ui.radio_value(&mut d.scale, scale, format!("{scale:.0}×"));
                    }
                });
                ui.end_row();
            }

            ui.label("Title");
            ui.add(
                egui::TextEdit::singleline(&mut d.title)
                    .hint_text("the dataset's name")
                    .desired_width(320.0),
            );
            ui.end_row();

            ui.label("Include");
            ui.vertical(|ui| {
                ui.checkbox(&mut d.parts.legend, "Legend");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut d.parts.scale_bar, "Scale bar");
                    ui.add_enabled(
                        d.parts.scale_bar,
                        egui::Checkbox::new(&mut d.parts.nautical, "in nautical miles too"),
                    );
                });
                ui.checkbox(&mut d.parts.north_arrow, "North arrow");
                ui.checkbox(&mut d.parts.footnotes, "Numbered source footnotes");
                ui.checkbox(&mut d.parts.date_range, "Date range (when the timeline sets one)");
            });
            ui.end_row();

            ui.label("Theme");
            ui.horizontal(|ui| {
                ui.radio_value(&mut d.dark, false, "Light");
                ui.radio_value(&mut d.dark, true, "Dark");
            });
            ui.end_row();
        });
    ui.separator();
    ui.label(
        egui::RichText::new(
            "The figure shows the map's current view, the features in the timeline's range, \
             and the selected feature, on the basemap the map shows (OpenStreetMap's or a \
             PMTiles archive's tiles are fetched when the figure is written).",
        )
        .weak()
        .small(),
    );
    ui.horizontal(|ui| {
        if ui.button("Export…").clicked() {
            actions.push(Action::ShowExportMapDialog);
        }
        if ui.button("Cancel").clicked() {
            d.open = false;
        }
    });
}
