//! The one font every back end draws with: egui's own proportional face (Ubuntu Light,
//! shipped by `epaint_default_fonts` under the Ubuntu Font Licence), so a label measured
//! here is the size the window draws it, and a figure's PDF embeds the same face. For the
//! characters it lacks (arrows, box drawing) figures fall back to egui's monospace face
//! (Hack, MIT licence); the window draws those from its own fallbacks, so a label holding
//! one may be measured a little differently from how the window draws it.
//! Measures a line of text and gives glyph outlines for the rasterizer.

use std::sync::OnceLock;

use egui::{Vec2, vec2};

/// Name of the face, for SVG's `font-family` (with fallbacks) and messages.
pub const FAMILY: &str = "Ubuntu";

/// A parsed font: the main face and a fallback for characters it lacks.
pub struct Font {
    face: ttf_parser::Face<'static>,
    data: &'static [u8],
    units_per_em: f32,
    fallback: Option<(ttf_parser::Face<'static>, &'static [u8], f32)>,
    /// Advances of printable ASCII, in font units, looked up once.
    ascii: [f32; 95],
    notdef: f32,
}

/// Which face a glyph is drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaceId {
    /// The main face.
    Main,
    /// The fallback.
    Fallback,
}

impl Font {
    /// The shared font, parsed on first use.
    ///
    /// # Panics
    /// Never in practice: the face is compiled in, and a test parses it.
    #[allow(clippy::expect_used)]
    pub fn shared() -> &'static Self {
        static FONT: OnceLock<Font> = OnceLock::new();
        FONT.get_or_init(|| {
            let mut font =
                Self::parse(epaint_default_fonts::UBUNTU_LIGHT).expect("the bundled face parses");
            font.fallback = ttf_parser::Face::parse(epaint_default_fonts::HACK_REGULAR, 0)
                .ok()
                .map(|f| {
                    let upm = f32::from(f.units_per_em().max(1));
                    (f, epaint_default_fonts::HACK_REGULAR, upm)
                });
            font
        })
    }

    /// Parses a TrueType face.
    pub fn parse(data: &'static [u8]) -> Option<Self> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let units_per_em = f32::from(face.units_per_em().max(1));
        let notdef = f32::from(
            face.glyph_hor_advance(ttf_parser::GlyphId(0))
                .unwrap_or(500),
        );
        let mut ascii = [notdef; 95];
        for (slot, c) in ascii.iter_mut().zip(' '..='~') {
            if let Some(a) = face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)) {
                *slot = f32::from(a);
            }
        }
        Some(Self {
            face,
            data,
            units_per_em,
            fallback: None,
            ascii,
            notdef,
        })
    }

    /// A face's bytes (for embedding in a PDF).
    pub fn data(&self, face: FaceId) -> &'static [u8] {
        match (face, &self.fallback) {
            (FaceId::Fallback, Some((_, data, _))) => data,
            _ => self.data,
        }
    }

    /// The face and glyph a character is drawn with.
    pub fn glyph(&self, c: char) -> Option<(FaceId, ttf_parser::GlyphId)> {
        if let Some(g) = self.face.glyph_index(c) {
            return Some((FaceId::Main, g));
        }
        let (fallback, _, _) = self.fallback.as_ref()?;
        Some((FaceId::Fallback, fallback.glyph_index(c)?))
    }

    /// The advance of one character at `size` points.
    pub fn advance(&self, c: char, size: f32) -> f32 {
        let code = c as u32;
        if (0x20..0x7f).contains(&code) {
            return self.ascii[(code - 0x20) as usize] * size / self.units_per_em;
        }
        match self.glyph(c) {
            Some((FaceId::Main, g)) => {
                f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) * size / self.units_per_em
            }
            Some((FaceId::Fallback, g)) => self.fallback.as_ref().map_or(0.0, |(f, _, upm)| {
                f32::from(f.glyph_hor_advance(g).unwrap_or(0)) * size / upm
            }),
            None => self.notdef * size / self.units_per_em,
        }
    }

    /// Height of a line at `size` points (ascent + descent + gap, as egui lays out a row).
    pub fn row_height(&self, size: f32) -> f32 {
        let units = f32::from(self.face.ascender()) - f32::from(self.face.descender())
            + f32::from(self.face.line_gap());
        units * size / self.units_per_em
    }

    /// Distance from the top of a row to its baseline at `size` points.
    pub fn ascent(&self, size: f32) -> f32 {
        f32::from(self.face.ascender()) * size / self.units_per_em
    }

    /// Width and row height of a line of text at `size` points.
    pub fn measure(&self, text: &str, size: f32) -> Vec2 {
        let width: f32 = text.chars().map(|c| self.advance(c, size)).sum();
        vec2(width, self.row_height(size))
    }

    /// Splits a line into runs drawn from one face each: (face, text, pen position of the
    /// run's start in points), for back ends that set text run by run.
    pub fn runs<'t>(&self, text: &'t str, size: f32) -> Vec<(FaceId, &'t str, f32)> {
        let mut runs: Vec<(FaceId, &'t str, f32)> = Vec::new();
        let mut x = 0.0;
        let mut start = 0;
        let mut face = None;
        for (at, c) in text.char_indices() {
            let this = self.glyph(c).map_or(FaceId::Main, |(f, _)| f);
            if face.is_some_and(|f| f != this) {
                runs.push((face.unwrap_or(FaceId::Main), &text[start..at], x));
                start = at;
            }
            if face != Some(this) {
                x = self.measure(&text[..at], size).x;
            }
            face = Some(this);
        }
        if let Some(face) = face {
            runs.push((face, &text[start..], x));
        }
        runs
    }

    /// Calls `glyph` for each character with its face, glyph and pen position (in points
    /// from the start of the line), for back ends that draw glyph by glyph.
    pub fn layout(
        &self,
        text: &str,
        size: f32,
        mut glyph: impl FnMut(FaceId, ttf_parser::GlyphId, f32),
    ) {
        let mut x = 0.0;
        for c in text.chars() {
            if let Some((face, g)) = self.glyph(c) {
                glyph(face, g, x);
            }
            x += self.advance(c, size);
        }
    }

    /// Traces a glyph's outline at `size` points with its origin (on the baseline) at
    /// `origin`, y down.
    pub fn outline(
        &self,
        face: FaceId,
        glyph: ttf_parser::GlyphId,
        size: f32,
        origin: [f32; 2],
        path: &mut tiny_skia::PathBuilder,
    ) {
        let (face, upm) = match (face, &self.fallback) {
            (FaceId::Fallback, Some((f, _, upm))) => (f, *upm),
            _ => (&self.face, self.units_per_em),
        };
        let mut sink = Outline {
            path,
            scale: size / upm,
            origin,
        };
        face.outline_glyph(glyph, &mut sink);
    }
}

/// Glyph outlines (font units, y up) into a tiny-skia path (points, y down).
struct Outline<'a> {
    path: &'a mut tiny_skia::PathBuilder,
    scale: f32,
    origin: [f32; 2],
}

impl Outline<'_> {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.origin[0] + x * self.scale,
            self.origin[1] - y * self.scale,
        )
    }
}

impl ttf_parser::OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.path.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.path.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.path.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_face_measures_text() {
        let font = Font::shared();
        let one = font.measure("Deir ez-Zor", 12.0);
        let two = font.measure("Deir ez-ZorDeir ez-Zor", 12.0);
        assert!(one.x > 40.0 && one.x < 100.0, "{one:?}");
        assert!((two.x - 2.0 * one.x).abs() < 1e-3);
        assert!(one.y > 12.0 && one.y < 16.0, "{one:?}");
        assert_eq!(font.measure("", 12.0).x, 0.0);
        // Beyond ASCII: found in the face, not the fallback box.
        assert!(font.advance('é', 12.0) > 0.0);
    }

    #[test]
    fn arrows_come_from_the_fallback_face() {
        let font = Font::shared();
        assert_eq!(font.glyph('a').map(|g| g.0), Some(FaceId::Main));
        assert_eq!(font.glyph('→').map(|g| g.0), Some(FaceId::Fallback));
        let runs = font.runs("Nojeh → Aleppo", 10.0);
        let faces: Vec<FaceId> = runs.iter().map(|r| r.0).collect();
        assert_eq!(faces, [FaceId::Main, FaceId::Fallback, FaceId::Main]);
        assert_eq!(runs[1].1, "→");
        let before = font.measure("Nojeh ", 10.0).x;
        assert!((runs[1].2 - before).abs() < 1e-4);
    }

    #[test]
    fn the_window_measures_text_as_we_do() {
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
        let ours = Font::shared().measure("Hamedan (Nojeh) air base", 12.5);
        let theirs = ctx.fonts_mut(|f| {
            f.layout_no_wrap(
                "Hamedan (Nojeh) air base".to_owned(),
                egui::FontId::proportional(12.5),
                egui::Color32::WHITE,
            )
            .size()
        });
        assert!(
            (ours.x - theirs.x).abs() < 0.03 * theirs.x,
            "{ours:?} {theirs:?}"
        );
        assert!(
            (ours.y - theirs.y).abs() < 0.1 * theirs.y,
            "{ours:?} {theirs:?}"
        );
    }
}
