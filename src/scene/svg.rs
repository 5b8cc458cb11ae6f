//! A scene as an SVG document: every shape a path, circle or rect, every text a `<text>`
//! (selectable, searchable), links as `<a>`, and items grouped by what they stand for
//! (`<g class="basemap">`, `features`, `labels`, `legend`…), so that a graphics desk can
//! restyle or hide a layer.

use std::fmt::Write as _;

use egui::{Color32, Pos2};

use super::font::{FAMILY, Font};
use super::{Scene, Shape, Stroke, rgb_alpha};

/// The SVG text of `scene`, one point to one SVG user unit.
pub fn to_svg(scene: &Scene, title: &str) -> String {
    let mut out = String::with_capacity(64 * scene.items.len() + 512);
    let (w, h) = (num(scene.size.x), num(scene.size.y));
    let _ = writeln!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FAMILY}, 'Helvetica Neue', Arial, sans-serif" font-weight="300">
<title>{}</title>"#,
        escape(title)
    );
    let mut group: Option<&str> = None;
    let mut clips = 0;
    let mut clipped = false;
    for item in &scene.items {
        if let Shape::Clip(rect) = &item.shape {
            if group.take().is_some() {
                out.push_str("</g>\n");
            }
            if std::mem::take(&mut clipped) {
                out.push_str("</g>\n");
            }
            if let Some(r) = rect {
                clips += 1;
                let _ = writeln!(
                    out,
                    r#"<clipPath id="clip{clips}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>
<g clip-path="url(#clip{clips})">"#,
                    num(r.left()),
                    num(r.top()),
                    num(r.width()),
                    num(r.height())
                );
                clipped = true;
            }
            continue;
        }
        let g = item.tag.group();
        if group != Some(g) {
            if group.is_some() {
                out.push_str("</g>\n");
            }
            let _ = writeln!(out, r#"<g class="{g}">"#);
            group = Some(g);
        }
        shape(&mut out, &item.shape);
    }
    if group.is_some() {
        out.push_str("</g>\n");
    }
    if clipped {
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

fn shape(out: &mut String, shape: &Shape) {
    match shape {
        Shape::Path { closed, .. } => {
            let Some((segs, fill, stroke)) = super::outline(shape) else {
                return;
            };
            let mut d = String::new();
            super::trace(&segs, &mut d);
            if d.is_empty() {
                return;
            }
            // Open paths have no fill; closed ones fill even-odd, as the rasterizer and the
            // PDF do.
            let rule = if *closed {
                r#" fill-rule="evenodd""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<path d="{d}"{}{rule}{}/>"#,
                paint("fill", fill),
                stroke_attrs(stroke)
            );
        }
        Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        } => {
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}"{}{}/>"#,
                num(center.x),
                num(center.y),
                num(*radius),
                paint("fill", *fill),
                stroke_attrs(stroke)
            );
        }
        Shape::Rect {
            rect,
            corner,
            fill,
            stroke,
        } => {
            // Cells that tile the plane are drawn crisp, so their shared edges leave no seams.
            let rx = if *corner > 0.0 {
                format!(r#" rx="{}""#, num(*corner))
            } else if !stroke.is_visible() {
                r#" shape-rendering="crispEdges""#.to_owned()
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}"{rx}{}{}/>"#,
                num(rect.left()),
                num(rect.top()),
                num(rect.width()),
                num(rect.height()),
                paint("fill", *fill),
                stroke_attrs(stroke)
            );
        }
        Shape::Text(text) => {
            let baseline = Pos2::new(text.pos.x, text.pos.y + Font::shared().ascent(text.size));
            let element = format!(
                r#"<text x="{}" y="{}" font-size="{}"{} xml:space="preserve">{}</text>"#,
                num(baseline.x),
                num(baseline.y),
                num(text.size),
                paint("fill", text.color),
                escape(&text.text)
            );
            match &text.link {
                Some(url) => {
                    let url = escape(url);
                    let _ = writeln!(
                        out,
                        r#"<a href="{url}" xlink:href="{url}" target="_blank">{element}</a>"#
                    );
                }
                None => {
                    let _ = writeln!(out, "{element}");
                }
            }
        }
        Shape::Image { rect, image } => match image.png() {
            Ok(png) => {
                let _ = writeln!(
                    out,
                    r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" href="data:image/png;base64,{}"/>"#,
                    num(rect.left()),
                    num(rect.top()),
                    num(rect.width()),
                    num(rect.height()),
                    base64(&png)
                );
            }
            Err(e) => log::warn!("an image left out of the SVG: {e}"),
        },
        Shape::Clip(_) => {}
    }
}

/// Standard base64 with padding (RFC 4648), for images inlined as data URLs.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// SVG path data.
impl super::PathSink for String {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self, "M{} {}", num(x), num(y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self, "L{} {}", num(x), num(y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let _ = write!(self, "Q{} {} {} {}", num(x1), num(y1), num(x), num(y));
    }
    fn cubic_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let _ = write!(
            self,
            "C{} {} {} {} {} {}",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            num(x),
            num(y)
        );
    }
    fn close(&mut self) {
        self.push('Z');
    }
}

/// ` fill="#rrggbb"` (with an opacity when not opaque), or `fill="none"`.
fn paint(attr: &str, color: Color32) -> String {
    let ([r, g, b], a) = rgb_alpha(color);
    if a <= 0.0 {
        return format!(r#" {attr}="none""#);
    }
    let mut s = format!(r##" {attr}="#{r:02x}{g:02x}{b:02x}""##);
    if a < 1.0 {
        let _ = write!(s, r#" {attr}-opacity="{}""#, num(a));
    }
    s
}

fn stroke_attrs(stroke: &Stroke) -> String {
    if !stroke.is_visible() {
        return String::new();
    }
    let mut s = paint("stroke", stroke.color);
    let _ = write!(s, r#" stroke-width="{}""#, num(stroke.width));
    if stroke.round {
        s.push_str(r#" stroke-linejoin="round" stroke-linecap="round""#);
    }
    if let Some([on, off]) = stroke.dash {
        let _ = write!(s, r#" stroke-dasharray="{} {}""#, num(on), num(off));
    }
    s
}

/// A number with at most two decimals and no trailing zeros.
fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Text escaped for XML content and attributes; characters XML forbids are left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use egui::{Align2, pos2, vec2};

    use super::super::Tag;
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
    }

    #[test]
    fn groups_text_and_links() {
        let mut scene = Scene::new(vec2(100.0, 50.0));
        scene.circle(
            Tag::Marker(0),
            pos2(5.0, 5.0),
            3.0,
            Color32::RED,
            Stroke::NONE,
        );
        scene.text(
            Tag::Footnotes,
            pos2(0.0, 0.0),
            Align2::LEFT_TOP,
            "1. A & B <c>",
            10.0,
            Color32::BLACK,
        );
        scene.link_last("https://example.org/?a=1&b=2");
        let svg = to_svg(&scene, "T\u{1}");
        assert!(svg.contains(r#"<g class="features">"#), "{svg}");
        assert!(svg.contains("1. A &amp; B &lt;c&gt;"), "{svg}");
        assert!(
            svg.contains(r#"href="https://example.org/?a=1&amp;b=2""#),
            "{svg}"
        );
        assert!(svg.contains("<title>T</title>"), "{svg}");
        assert_eq!(svg.matches("<g ").count(), svg.matches("</g>").count());
    }
}
