//! Limits every reader holds its input to, so that no file can drive a reader's recursion
//! past the stack: shared by the GeoJSON, WKT and KML readers (and the stores to come).

/// How deeply geometry collections may nest inside one another: GeoJSON's
/// `GeometryCollection`, WKT's `GEOMETRYCOLLECTION`, KML's `MultiGeometry` (GDAL's limit
/// too). A feature whose geometry nests deeper is kept without its geometry, with a warning
/// naming where and this limit.
pub const MAX_GEOMETRY_NESTING: usize = 32;

/// The words of the warning for a geometry nested past [`MAX_GEOMETRY_NESTING`]: `what` is
/// the format's name for collections, in the plural.
pub fn nested_too_deep(what: &str) -> String {
    format!("{what} nested deeper than {MAX_GEOMETRY_NESTING} levels")
}
