//! A scene into pixels with tiny-skia, on the CPU: no display, no GPU. Text is drawn from
//! the font's glyph outlines.

use egui::{Color32, Pos2};
use tiny_skia::{
    FillRule, LineCap, LineJoin, Mask, Paint, PathBuilder, Pixmap, StrokeDash, Transform,
};

use super::font::Font;
use super::{Scene, Seg, Shape, Stroke, Text, rgb_alpha};

/// Renders `scene` at `scale` pixels per point onto a new pixmap of the scene's size.
///
/// Returns `None` when the size in pixels is zero or too large for a pixmap.
pub fn render(scene: &Scene, scale: f32) -> Option<Pixmap> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (w, h) = (
        (scene.size.x * scale).round() as u32,
        (scene.size.y * scale).round() as u32,
    );
    let mut pixmap = Pixmap::new(w, h)?;
    draw(scene, &mut pixmap, Transform::from_scale(scale, scale));
    Some(pixmap)
}

/// Draws `scene` onto `pixmap` through `transform` (points → pixels).
pub fn draw(scene: &Scene, pixmap: &mut Pixmap, transform: Transform) {
    let mut mask: Option<Mask> = None;
    for item in &scene.items {
        let (segs, fill, stroke) = match &item.shape {
            Shape::Text(text) => {
                draw_text(pixmap, text, transform, mask.as_ref());
                continue;
            }
            Shape::Clip(rect) => {
                mask = rect.and_then(|r| clip_mask(pixmap, r, transform));
                continue;
            }
            Shape::Image { rect, image } => {
                draw_image(pixmap, *rect, image, transform, mask.as_ref());
                continue;
            }
            shape => match super::outline(shape) {
                Some(outline) => outline,
                None => continue,
            },
        };
        let Some(path) = path(&segs) else { continue };
        // Cells that tile the plane (line density) are filled without antialiasing, so
        // that their shared edges leave no seams.
        let tiles = matches!(item.shape, Shape::Rect { corner, .. } if corner <= 0.0)
            && !stroke.is_visible();
        fill_path(pixmap, &path, fill, transform, mask.as_ref(), !tiles);
        stroke_path(pixmap, &path, stroke, transform, mask.as_ref());
    }
}

/// Draws `image` stretched over `rect` (points, through `t`), filtered bilinearly.
fn draw_image(
    pixmap: &mut Pixmap,
    rect: egui::Rect,
    image: &super::Image,
    t: Transform,
    mask: Option<&Mask>,
) {
    let Some(source) = image.pixmap() else {
        return;
    };
    #[allow(clippy::cast_precision_loss)]
    let (sx, sy) = (
        rect.width() / image.width as f32,
        rect.height() / image.height as f32,
    );
    let paint = tiny_skia::PixmapPaint {
        quality: tiny_skia::FilterQuality::Bilinear,
        ..tiny_skia::PixmapPaint::default()
    };
    let place = t.pre_translate(rect.left(), rect.top()).pre_scale(sx, sy);
    pixmap.draw_pixmap(0, 0, source, &paint, place, mask);
}

fn path(segs: &[Seg]) -> Option<tiny_skia::Path> {
    let mut path = PathBuilder::new();
    super::trace(segs, &mut path);
    path.finish()
}

super::path_sink!(PathBuilder);

fn paint(color: Color32) -> Option<Paint<'static>> {
    let ([r, g, b], a) = rgb_alpha(color);
    if a <= 0.0 {
        return None;
    }
    let mut paint = Paint::default();
    paint.set_color(tiny_skia::Color::from_rgba8(r, g, b, 255));
    paint.shader.apply_opacity(a);
    paint.anti_alias = true;
    Some(paint)
}

/// A mask letting through only `rect` (points, through `t`).
fn clip_mask(pixmap: &Pixmap, rect: egui::Rect, t: Transform) -> Option<Mask> {
    let mut mask = Mask::new(pixmap.width(), pixmap.height())?;
    let r = tiny_skia::Rect::from_ltrb(rect.left(), rect.top(), rect.right(), rect.bottom())?;
    mask.fill_path(&PathBuilder::from_rect(r), FillRule::Winding, true, t);
    Some(mask)
}

fn fill_path(
    pixmap: &mut Pixmap,
    path: &tiny_skia::Path,
    color: Color32,
    t: Transform,
    mask: Option<&Mask>,
    anti_alias: bool,
) {
    if let Some(mut paint) = paint(color) {
        paint.anti_alias = anti_alias;
        pixmap.fill_path(path, &paint, FillRule::EvenOdd, t, mask);
    }
}

fn stroke_path(
    pixmap: &mut Pixmap,
    path: &tiny_skia::Path,
    stroke: &Stroke,
    t: Transform,
    mask: Option<&Mask>,
) {
    if !stroke.is_visible() {
        return;
    }
    let Some(paint) = paint(stroke.color) else {
        return;
    };
    let (line_cap, line_join) = if stroke.round {
        (LineCap::Round, LineJoin::Round)
    } else {
        (LineCap::Butt, LineJoin::Miter)
    };
    let style = tiny_skia::Stroke {
        width: stroke.width,
        line_cap,
        line_join,
        dash: stroke
            .dash
            .and_then(|[on, off]| StrokeDash::new(vec![on, off], 0.0)),
        ..tiny_skia::Stroke::default()
    };
    pixmap.stroke_path(path, &paint, &style, t, mask);
}

fn draw_text(pixmap: &mut Pixmap, text: &Text, transform: Transform, mask: Option<&Mask>) {
    let Some(paint) = paint(text.color) else {
        return;
    };
    let font = Font::shared();
    let baseline = text.pos.y + font.ascent(text.size);
    let mut path = PathBuilder::new();
    font.layout(&text.text, text.size, |face, glyph, x| {
        font.outline(
            face,
            glyph,
            text.size,
            [text.pos.x + x, baseline],
            &mut path,
        );
    });
    if let Some(path) = path.finish() {
        pixmap.fill_path(&path, &paint, FillRule::Winding, transform, mask);
    }
}

/// The colour of a pixel, unmultiplied, or `None` outside the pixmap.
pub fn pixel(pixmap: &Pixmap, at: Pos2) -> Option<[u8; 4]> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let c = pixmap.pixel(at.x as u32, at.y as u32)?.demultiply();
    Some([c.red(), c.green(), c.blue(), c.alpha()])
}

#[cfg(test)]
mod tests {
    use egui::{Align2, pos2, vec2};

    use super::super::Tag;
    use super::*;

    #[test]
    fn shapes_and_text_land_where_the_scene_says() {
        let mut scene = Scene::new(vec2(200.0, 100.0));
        scene.rect(
            Tag::Background,
            egui::Rect::from_min_size(Pos2::ZERO, scene.size),
            0.0,
            Color32::WHITE,
            Stroke::NONE,
        );
        scene.circle(
            Tag::Cluster,
            pos2(30.0, 30.0),
            10.0,
            Color32::RED,
            Stroke::NONE,
        );
        let rect = scene.text(
            Tag::Title,
            pos2(100.0, 60.0),
            Align2::LEFT_TOP,
            "MMMM",
            20.0,
            Color32::BLACK,
        );
        let pixmap = render(&scene, 2.0).expect("size");
        assert_eq!((pixmap.width(), pixmap.height()), (400, 200));
        assert_eq!(
            pixel(&pixmap, pos2(60.0, 60.0)),
            Some([255, 0, 0, 255]),
            "the circle's centre, at twice the scale"
        );
        assert_eq!(
            pixel(&pixmap, pos2(10.0, 190.0)),
            Some([255, 255, 255, 255])
        );
        // Some ink inside the text's box, none just outside it.
        let dark = |x0: f32, x1: f32, y0: f32, y1: f32| {
            let mut n = 0;
            let mut y = y0;
            while y < y1 {
                let mut x = x0;
                while x < x1 {
                    if pixel(&pixmap, pos2(x * 2.0, y * 2.0)).is_some_and(|p| p[0] < 128) {
                        n += 1;
                    }
                    x += 0.5;
                }
                y += 0.5;
            }
            n
        };
        assert!(dark(rect.left(), rect.right(), rect.top(), rect.bottom()) > 50);
        assert_eq!(
            dark(rect.right() + 2.0, 200.0, rect.top(), rect.bottom()),
            0
        );
    }
}
