//! Scenes as the pages of a PDF, with krilla: shapes as vector paths, text as text in the
//! embedded (subset) face, so it can be selected and searched, and every linked text a link
//! annotation. One point of the scene is one PDF point.

use egui::Color32;
use krilla::Document;
use krilla::geom::{Path, PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, StrokeDash};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::font::{FaceId, Font};
use super::{Scene, Seg, Shape, Stroke, rgb_alpha};

/// The PDF of `pages`, each its own page of its scene's size.
///
/// # Errors
/// A message when a page has no area or krilla cannot write the document.
pub fn to_pdf(pages: &[Scene], title: &str) -> Result<Vec<u8>, String> {
    let main = krilla::text::Font::new(Font::shared().data(FaceId::Main).into(), 0)
        .ok_or("the bundled face cannot be embedded")?;
    let fallback = krilla::text::Font::new(Font::shared().data(FaceId::Fallback).into(), 0)
        .ok_or("the bundled fallback face cannot be embedded")?;
    let fonts = [main, fallback];
    let mut document = Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .creator(concat!("Sortie ", env!("CARGO_PKG_VERSION")).to_owned()),
    );
    for (n, scene) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(scene.size.x, scene.size.y)
            .ok_or_else(|| format!("page {} has no area", n + 1))?;
        let mut page = document.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = page.surface();
            let mut clipped = false;
            for item in &scene.items {
                if let Shape::Clip(rect) = &item.shape {
                    if std::mem::take(&mut clipped) {
                        surface.pop();
                    }
                    if let Some(clip) = rect.and_then(|r| path(&super::rounded_rect(r, 0.0))) {
                        surface.push_clip_path(&clip, &FillRule::NonZero);
                        clipped = true;
                    }
                    continue;
                }
                draw(&mut surface, &item.shape, &fonts, &mut links);
            }
            if clipped {
                surface.pop();
            }
            surface.finish();
        }
        for (rect, url) in links {
            let Some(rect) =
                krilla::geom::Rect::from_ltrb(rect.left(), rect.top(), rect.right(), rect.bottom())
            else {
                continue;
            };
            let link = krilla::annotation::LinkAnnotation::new(
                rect,
                krilla::annotation::Target::Action(
                    krilla::action::LinkAction::new(url.clone()).into(),
                ),
            );
            page.add_annotation(krilla::annotation::Annotation::new_link(link, Some(url)));
        }
        page.finish();
    }
    document
        .finish()
        .map_err(|e| format!("the PDF could not be written: {e:?}"))
}

fn draw(
    surface: &mut Surface<'_>,
    shape: &Shape,
    fonts: &[krilla::text::Font; 2],
    links: &mut Vec<(egui::Rect, String)>,
) {
    if let Shape::Text(text) = shape {
        draw_text(surface, text, fonts, links);
        return;
    }
    if let Shape::Image { rect, image } = shape {
        draw_image(surface, *rect, image);
        return;
    }
    let Some((segs, fill, stroke)) = super::outline(shape) else {
        return;
    };
    if let Some(path) = path(&segs) {
        paint(surface, &path, fill, stroke);
    }
}

/// Draws `image` stretched over `rect`, interpolated (a basemap of tiles).
fn draw_image(surface: &mut Surface<'_>, rect: egui::Rect, image: &super::Image) {
    let Ok(png) = image.png() else {
        log::warn!("an image could not be encoded for the PDF");
        return;
    };
    let image = match krilla::image::Image::from_png(png.into(), true) {
        Ok(image) => image,
        Err(e) => {
            log::warn!("an image left out of the PDF: {e}");
            return;
        }
    };
    let Some(size) = krilla::geom::Size::from_wh(rect.width(), rect.height()) else {
        return;
    };
    surface.push_transform(&krilla::geom::Transform::from_translate(
        rect.left(),
        rect.top(),
    ));
    surface.draw_image(image, size);
    surface.pop();
}

fn draw_text(
    surface: &mut Surface<'_>,
    text: &super::Text,
    fonts: &[krilla::text::Font; 2],
    links: &mut Vec<(egui::Rect, String)>,
) {
    let ([r, g, b], a) = rgb_alpha(text.color);
    surface.set_stroke(None);
    surface.set_fill(Some(Fill {
        paint: krilla::color::rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::new(a).unwrap_or(NormalizedF32::ONE),
        rule: FillRule::NonZero,
    }));
    let measure = Font::shared();
    let baseline = text.pos.y + measure.ascent(text.size);
    // Run by run, each at the pen position the measure gives, so that the text fills the
    // box the layout placed.
    for (face, run, x) in measure.runs(&text.text, text.size) {
        let font = match face {
            FaceId::Main => &fonts[0],
            FaceId::Fallback => &fonts[1],
        };
        surface.draw_text(
            Point::from_xy(text.pos.x + x, baseline),
            font.clone(),
            text.size,
            run,
            false,
            TextDirection::LeftToRight,
        );
    }
    if let Some(url) = &text.link {
        let size = measure.measure(&text.text, text.size);
        links.push((egui::Rect::from_min_size(text.pos, size), url.clone()));
    }
}

fn path(segs: &[Seg]) -> Option<Path> {
    let mut path = PathBuilder::new();
    super::trace(segs, &mut path);
    path.finish()
}

super::path_sink!(PathBuilder);

fn paint(surface: &mut Surface<'_>, path: &Path, fill: Color32, stroke: &Stroke) {
    let ([r, g, b], a) = rgb_alpha(fill);
    surface.set_fill((a > 0.0).then(|| Fill {
        paint: krilla::color::rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::new(a).unwrap_or(NormalizedF32::ONE),
        rule: FillRule::EvenOdd,
    }));
    surface.set_stroke(stroke.is_visible().then(|| {
        let ([r, g, b], a) = rgb_alpha(stroke.color);
        krilla::paint::Stroke {
            paint: krilla::color::rgb::Color::new(r, g, b).into(),
            width: stroke.width,
            line_cap: if stroke.round {
                LineCap::Round
            } else {
                LineCap::Butt
            },
            line_join: if stroke.round {
                LineJoin::Round
            } else {
                LineJoin::Miter
            },
            opacity: NormalizedF32::new(a).unwrap_or(NormalizedF32::ONE),
            dash: stroke.dash.map(|[on, off]| StrokeDash {
                array: vec![on, off],
                offset: 0.0,
            }),
            ..krilla::paint::Stroke::default()
        }
    }));
    surface.draw_path(path);
}
