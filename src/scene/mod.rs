//! A scene: what to draw, as paths, circles, rectangles, text and links in points (y down),
//! each tagged with what it stands for. The window and the published figure build the same
//! scene with the same code (the map's drawing and the basemap's); small back ends turn
//! it into egui shapes ([`painter`]), pixels ([`raster`]), SVG ([`svg`]) or PDF ([`pdf`]).
//! Text is measured with the one font every back end draws with ([`font`]), so that labels
//! are placed once for all of them.
//!
//! A leaf of the drawing layer: knows egui's geometry and colour types, nothing of the
//! dataset or the map.

pub mod font;
pub mod painter;
pub mod pdf;
pub mod raster;
pub mod svg;

use egui::{Color32, Pos2, Rect, Vec2, pos2, vec2};

/// What an item stands for: lets back ends group what belongs together (SVG layers), and
/// tests count what was drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// The canvas or map background.
    Background,
    /// Land, water, rivers and borders of the basemap.
    Basemap,
    /// A tinted country (crossed by the selected route).
    Tint,
    /// The graticule and its labels.
    Graticule,
    /// Line density cells.
    Density,
    /// A feature's polygon, by feature index.
    Polygon(usize),
    /// A feature's line (a route's track, arrowheads), by feature index.
    Line(usize),
    /// A feature's marker (and its uncertainty circle and emphasis rings), by feature index.
    Marker(usize),
    /// A disc standing for a cluster of points.
    Cluster,
    /// A feature's label, by feature index.
    Label(usize),
    /// A basemap name (country, city).
    PlaceName,
    /// The figure's title and subtitle.
    Title,
    /// The legend.
    Legend,
    /// The scale bar and north arrow.
    Scale,
    /// Attribution and credit.
    Attribution,
    /// The numbered source list.
    Footnotes,
}

impl Tag {
    /// A name for the group of items this tag belongs to (SVG `<g>` classes).
    pub fn group(self) -> &'static str {
        match self {
            Self::Background => "background",
            Self::Basemap | Self::Tint | Self::Graticule => "basemap",
            Self::Density | Self::Polygon(_) | Self::Line(_) | Self::Marker(_) | Self::Cluster => {
                "features"
            }
            Self::Label(_) => "labels",
            Self::PlaceName => "place-names",
            Self::Title => "title",
            Self::Legend => "legend",
            Self::Scale => "scale",
            Self::Attribution => "attribution",
            Self::Footnotes => "footnotes",
        }
    }
}

/// How a path, circle or rectangle is outlined. A width of zero draws no outline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Width in points.
    pub width: f32,
    /// Colour (premultiplied, as egui's).
    pub color: Color32,
    /// Dash and gap lengths in points, for a dashed line.
    pub dash: Option<[f32; 2]>,
    /// Round joins and caps (features); mitred joins and butt caps (the basemap's many
    /// short lines, which stroke faster so).
    pub round: bool,
}

impl Stroke {
    /// No outline.
    pub const NONE: Self = Self {
        width: 0.0,
        color: Color32::TRANSPARENT,
        dash: None,
        round: true,
    };

    /// A solid outline.
    pub fn new(width: f32, color: Color32) -> Self {
        Self {
            width,
            color,
            dash: None,
            round: true,
        }
    }

    /// Whether it draws anything.
    pub fn is_visible(&self) -> bool {
        self.width > 0.0 && self.color.a() > 0
    }
}

impl From<egui::Stroke> for Stroke {
    fn from(s: egui::Stroke) -> Self {
        Self::new(s.width, s.color)
    }
}

/// How a text is set.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The top left corner of its box.
    pub pos: Pos2,
    /// The text, on one line.
    pub text: String,
    /// Font size in points.
    pub size: f32,
    /// Colour.
    pub color: Color32,
    /// A link the text leads to (SVG `<a>`, a PDF link annotation).
    pub link: Option<String>,
}

/// One thing to draw.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Polylines or rings: closed ones are filled (even-odd within the item) and outlined.
    Path {
        /// The parts, each a list of points.
        parts: Vec<Vec<Pos2>>,
        /// Whether the parts are rings.
        closed: bool,
        /// Fill of closed parts.
        fill: Color32,
        /// Outline.
        stroke: Stroke,
    },
    /// A circle.
    Circle {
        /// Centre.
        center: Pos2,
        /// Radius in points.
        radius: f32,
        /// Fill.
        fill: Color32,
        /// Outline.
        stroke: Stroke,
    },
    /// A rectangle, its corners rounded by `corner` points.
    Rect {
        /// The rectangle.
        rect: Rect,
        /// Corner radius.
        corner: f32,
        /// Fill.
        fill: Color32,
        /// Outline.
        stroke: Stroke,
    },
    /// One line of text.
    Text(Text),
    /// A raster image (a basemap of tiles) stretched over `rect`.
    Image {
        /// Where it is drawn, in points.
        rect: Rect,
        /// Its pixels.
        image: std::sync::Arc<Image>,
    },
    /// From here on, draw only inside the rectangle (`None`: everywhere again). Not nested.
    Clip(Option<Rect>),
}

/// A raster image: `width × height` pixels, RGBA, premultiplied by alpha (as tiny-skia's).
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, row by row, four bytes each.
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({} × {})", self.width, self.height)
    }
}

impl Image {
    /// The pixels as a tiny-skia pixmap, borrowed; `None` when they do not match the size.
    pub fn pixmap(&self) -> Option<tiny_skia::PixmapRef<'_>> {
        tiny_skia::PixmapRef::from_bytes(&self.rgba, self.width, self.height)
    }

    /// The image as a PNG file.
    ///
    /// # Errors
    /// When the size does not match the pixels or the encoder fails.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        let size =
            tiny_skia::IntSize::from_wh(self.width, self.height).ok_or("an image has no pixels")?;
        let pixmap = tiny_skia::Pixmap::from_vec(self.rgba.clone(), size)
            .ok_or("an image's pixels do not match its size")?;
        pixmap
            .encode_png()
            .map_err(|e| format!("an image could not be encoded as PNG: {e}"))
    }
}

/// A shape and what it stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// What it stands for.
    pub tag: Tag,
    /// What to draw.
    pub shape: Shape,
}

/// Everything to draw, in order, on a canvas of `size` points.
#[derive(Clone, Debug, Default)]
pub struct Scene {
    /// Canvas size in points (the window's scene uses screen coordinates and leaves it zero).
    pub size: Vec2,
    /// Items, bottom first.
    pub items: Vec<Item>,
    /// The opacity applied to the colours of items added from now on.
    opacity: f32,
}

impl Scene {
    /// An empty scene for a canvas of `size` points.
    pub fn new(size: Vec2) -> Self {
        Self {
            size,
            items: Vec::new(),
            opacity: 1.0,
        }
    }

    /// Sets the opacity the colours of items added next are drawn with (features only
    /// possibly in the timeline's range are faded).
    pub fn set_opacity(&mut self, opacity: f32) {
        self.opacity = opacity.clamp(0.0, 1.0);
    }

    fn fade(&self, color: Color32) -> Color32 {
        if self.opacity < 1.0 {
            color.gamma_multiply(self.opacity)
        } else {
            color
        }
    }

    fn fade_stroke(&self, stroke: Stroke) -> Stroke {
        Stroke {
            color: self.fade(stroke.color),
            ..stroke
        }
    }

    /// Adds a shape as it is (its colours faded by the current opacity).
    pub fn push(&mut self, tag: Tag, shape: Shape) {
        let shape = match shape {
            Shape::Path {
                parts,
                closed,
                fill,
                stroke,
            } => Shape::Path {
                parts,
                closed,
                fill: self.fade(fill),
                stroke: self.fade_stroke(stroke),
            },
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => Shape::Circle {
                center,
                radius,
                fill: self.fade(fill),
                stroke: self.fade_stroke(stroke),
            },
            Shape::Rect {
                rect,
                corner,
                fill,
                stroke,
            } => Shape::Rect {
                rect,
                corner,
                fill: self.fade(fill),
                stroke: self.fade_stroke(stroke),
            },
            Shape::Text(t) => Shape::Text(Text {
                color: self.fade(t.color),
                ..t
            }),
            other @ (Shape::Clip(_) | Shape::Image { .. }) => other,
        };
        self.items.push(Item { tag, shape });
    }

    /// An open polyline.
    pub fn line(&mut self, tag: Tag, points: Vec<Pos2>, stroke: Stroke) {
        if points.len() >= 2 && stroke.is_visible() {
            self.push(
                tag,
                Shape::Path {
                    parts: vec![points],
                    closed: false,
                    fill: Color32::TRANSPARENT,
                    stroke,
                },
            );
        }
    }

    /// A filled and outlined ring.
    pub fn polygon(&mut self, tag: Tag, points: Vec<Pos2>, fill: Color32, stroke: Stroke) {
        if points.len() >= 3 {
            self.push(
                tag,
                Shape::Path {
                    parts: vec![points],
                    closed: true,
                    fill,
                    stroke,
                },
            );
        }
    }

    /// A circle.
    pub fn circle(&mut self, tag: Tag, center: Pos2, radius: f32, fill: Color32, stroke: Stroke) {
        self.push(
            tag,
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            },
        );
    }

    /// A rectangle.
    pub fn rect(&mut self, tag: Tag, rect: Rect, corner: f32, fill: Color32, stroke: Stroke) {
        self.push(
            tag,
            Shape::Rect {
                rect,
                corner,
                fill,
                stroke,
            },
        );
    }

    /// A line of text whose box has its `align` point at `anchor`; returns the box.
    pub fn text(
        &mut self,
        tag: Tag,
        anchor: Pos2,
        align: egui::Align2,
        text: impl Into<String>,
        size: f32,
        color: Color32,
    ) -> Rect {
        let text = text.into();
        let rect = align.anchor_size(anchor, font::Font::shared().measure(&text, size));
        self.push(
            tag,
            Shape::Text(Text {
                pos: rect.min,
                text,
                size,
                color,
                link: None,
            }),
        );
        rect
    }

    /// Makes the last item, if it is a text, a link to `url`.
    pub fn link_last(&mut self, url: &str) {
        if let Some(Item {
            shape: Shape::Text(t),
            ..
        }) = self.items.last_mut()
        {
            t.link = Some(url.to_owned());
        }
    }

    /// Appends another scene's items (drawn above these).
    pub fn extend(&mut self, other: Self) {
        self.items.extend(other.items);
    }

    /// How many distinct things with tags matching `pick` were drawn: distinct feature
    /// indices for tags that carry one, items otherwise.
    pub fn count(&self, pick: impl Fn(Tag) -> bool) -> usize {
        let mut seen = std::collections::HashSet::new();
        let mut loose = 0;
        for item in self.items.iter().filter(|i| pick(i.tag)) {
            match item.tag {
                Tag::Polygon(i) | Tag::Line(i) | Tag::Marker(i) | Tag::Label(i) => {
                    seen.insert((std::mem::discriminant(&item.tag), i));
                }
                _ => loose += 1,
            }
        }
        seen.len() + loose
    }

    /// How many markers, lines, polygons, labels and clusters were drawn.
    pub fn stats(&self) -> SceneStats {
        SceneStats {
            markers: self.count(|t| matches!(t, Tag::Marker(_))),
            lines: self.count(|t| matches!(t, Tag::Line(_))),
            polygons: self.count(|t| matches!(t, Tag::Polygon(_))),
            labels: self.count(|t| matches!(t, Tag::Label(_))),
            clusters: self
                .items
                .iter()
                .filter(|i| i.tag == Tag::Cluster && matches!(i.shape, Shape::Circle { .. }))
                .count(),
        }
    }

    /// The texts of the items with tags matching `pick`, in order.
    pub fn texts(&self, pick: impl Fn(Tag) -> bool) -> Vec<&str> {
        self.items
            .iter()
            .filter(|i| pick(i.tag))
            .filter_map(|i| match &i.shape {
                Shape::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Counts of what a scene draws, by feature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SceneStats {
    /// Features drawn with a marker.
    pub markers: usize,
    /// Features drawn as lines.
    pub lines: usize,
    /// Features drawn as polygons.
    pub polygons: usize,
    /// Features labelled.
    pub labels: usize,
    /// Cluster discs.
    pub clusters: usize,
}

/// An arrowhead pointing along `dir` (a unit vector) with its tip at `tip`.
pub fn arrowhead(tip: Pos2, dir: Vec2, length: f32) -> Vec<Pos2> {
    let back = tip - dir * length;
    let side = vec2(-dir.y, dir.x) * length * 0.45;
    vec![tip, back + side, back - side]
}

/// The outline, fill and stroke of a shape drawn as a path (all but text and clips).
pub fn outline(shape: &Shape) -> Option<(Vec<Seg>, Color32, &Stroke)> {
    match shape {
        Shape::Path {
            parts,
            closed,
            fill,
            stroke,
        } => Some((
            polyline(parts, *closed),
            if *closed { *fill } else { Color32::TRANSPARENT },
            stroke,
        )),
        Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        } => Some((circle(*center, *radius), *fill, stroke)),
        Shape::Rect {
            rect,
            corner,
            fill,
            stroke,
        } => Some((rounded_rect(*rect, *corner), *fill, stroke)),
        Shape::Text(_) | Shape::Clip(_) | Shape::Image { .. } => None,
    }
}

/// One step of an outline, for back ends to feed their own path builders.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Seg {
    /// Starts a part.
    Move(Pos2),
    /// A straight line to a point.
    Line(Pos2),
    /// A quadratic curve through a control point to a point.
    Quad(Pos2, Pos2),
    /// A cubic curve through two control points to a point.
    Cubic(Pos2, Pos2, Pos2),
    /// Closes the part.
    Close,
}

/// A path builder of some back end.
pub trait PathSink {
    /// Starts a part.
    fn move_to(&mut self, x: f32, y: f32);
    /// A straight line.
    fn line_to(&mut self, x: f32, y: f32);
    /// A quadratic curve.
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32);
    /// A cubic curve.
    fn cubic_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32);
    /// Closes the part.
    fn close(&mut self);
}

/// Implements [`PathSink`] for a path builder with the usual five methods.
macro_rules! path_sink {
    ($builder:ty) => {
        impl $crate::scene::PathSink for $builder {
            fn move_to(&mut self, x: f32, y: f32) {
                <$builder>::move_to(self, x, y);
            }
            fn line_to(&mut self, x: f32, y: f32) {
                <$builder>::line_to(self, x, y);
            }
            fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
                <$builder>::quad_to(self, x1, y1, x, y);
            }
            fn cubic_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
                <$builder>::cubic_to(self, x1, y1, x2, y2, x, y);
            }
            fn close(&mut self) {
                <$builder>::close(self);
            }
        }
    };
}
pub(crate) use path_sink;

/// Feeds an outline to a back end's path builder.
pub fn trace(segs: &[Seg], sink: &mut impl PathSink) {
    for seg in segs {
        match *seg {
            Seg::Move(p) => sink.move_to(p.x, p.y),
            Seg::Line(p) => sink.line_to(p.x, p.y),
            Seg::Quad(c, p) => sink.quad_to(c.x, c.y, p.x, p.y),
            Seg::Cubic(c1, c2, p) => sink.cubic_to(c1.x, c1.y, c2.x, c2.y, p.x, p.y),
            Seg::Close => sink.close(),
        }
    }
}

/// The outline of a rectangle with corners rounded by `corner` points.
pub fn rounded_rect(rect: Rect, corner: f32) -> Vec<Seg> {
    let r = corner
        .min(rect.width() / 2.0)
        .min(rect.height() / 2.0)
        .max(0.0);
    let (l, t, rr, b) = (rect.left(), rect.top(), rect.right(), rect.bottom());
    vec![
        Seg::Move(pos2(l + r, t)),
        Seg::Line(pos2(rr - r, t)),
        Seg::Quad(pos2(rr, t), pos2(rr, t + r)),
        Seg::Line(pos2(rr, b - r)),
        Seg::Quad(pos2(rr, b), pos2(rr - r, b)),
        Seg::Line(pos2(l + r, b)),
        Seg::Quad(pos2(l, b), pos2(l, b - r)),
        Seg::Line(pos2(l, t + r)),
        Seg::Quad(pos2(l, t), pos2(l + r, t)),
        Seg::Close,
    ]
}

/// The outline of a circle, as four cubic arcs.
pub fn circle(c: Pos2, r: f32) -> Vec<Seg> {
    const K: f32 = 0.552_284_8;
    let k = r * K;
    vec![
        Seg::Move(pos2(c.x + r, c.y)),
        Seg::Cubic(
            pos2(c.x + r, c.y + k),
            pos2(c.x + k, c.y + r),
            pos2(c.x, c.y + r),
        ),
        Seg::Cubic(
            pos2(c.x - k, c.y + r),
            pos2(c.x - r, c.y + k),
            pos2(c.x - r, c.y),
        ),
        Seg::Cubic(
            pos2(c.x - r, c.y - k),
            pos2(c.x - k, c.y - r),
            pos2(c.x, c.y - r),
        ),
        Seg::Cubic(
            pos2(c.x + k, c.y - r),
            pos2(c.x + r, c.y - k),
            pos2(c.x + r, c.y),
        ),
        Seg::Close,
    ]
}

/// The outline of a path's parts.
pub fn polyline(parts: &[Vec<Pos2>], closed: bool) -> Vec<Seg> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts.iter().filter(|p| !p.is_empty()) {
        out.push(Seg::Move(part[0]));
        out.extend(part[1..].iter().map(|&p| Seg::Line(p)));
        if closed {
            out.push(Seg::Close);
        }
    }
    out
}

/// The points of a circle as a polygon of `n` sides (for back ends with no circles).
pub fn circle_points(center: Pos2, radius: f32, n: usize) -> Vec<Pos2> {
    #[allow(clippy::cast_precision_loss)]
    (0..n)
        .map(|k| {
            let a = std::f32::consts::TAU * k as f32 / n as f32;
            pos2(center.x + radius * a.cos(), center.y + radius * a.sin())
        })
        .collect()
}

/// A colour as `[r, g, b]` and an alpha in 0..=1, unmultiplied.
pub fn rgb_alpha(color: Color32) -> ([u8; 3], f32) {
    let [r, g, b, a] = color.to_srgba_unmultiplied();
    ([r, g, b], f32::from(a) / 255.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(scene: &mut Scene, tag: Tag) {
        scene.circle(tag, pos2(1.0, 1.0), 1.0, Color32::RED, Stroke::NONE);
    }

    #[test]
    fn opacity_fades_what_is_added_after_it() {
        let mut scene = Scene::new(vec2(10.0, 10.0));
        dot(&mut scene, Tag::Cluster);
        scene.set_opacity(0.5);
        dot(&mut scene, Tag::Cluster);
        let fills: Vec<u8> = scene
            .items
            .iter()
            .filter_map(|i| match i.shape {
                Shape::Circle { fill, .. } => Some(fill.a()),
                _ => None,
            })
            .collect();
        assert_eq!(fills[0], 255);
        assert!(fills[1] < 200, "{fills:?}");
    }

    #[test]
    fn counts_are_by_feature() {
        let mut scene = Scene::new(vec2(10.0, 10.0));
        for _ in 0..3 {
            dot(&mut scene, Tag::Marker(4));
        }
        dot(&mut scene, Tag::Marker(5));
        dot(&mut scene, Tag::Cluster);
        assert_eq!(scene.count(|t| matches!(t, Tag::Marker(_))), 2);
        assert_eq!(scene.count(|t| t == Tag::Cluster), 1);
    }
}
