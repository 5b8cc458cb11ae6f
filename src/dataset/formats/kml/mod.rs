//! KML and KMZ, as Google Earth writes them: read ([`read`], [`unzip`]) and written
//! ([`write`]).

mod kmz;
mod placemark;
mod read;
pub(crate) mod write;

pub(crate) use kmz::unzip;
pub(crate) use read::read;

/// The `ExtendedData` entry under which Sortie's KML keeps a feature's id when it cannot be
/// the Placemark's XML id.
pub(crate) const ID_DATA: &str = "sortie:id";
/// The `ExtendedData` entry under which Sortie's KML keeps a route's own vertices (its
/// LineString is densified along the geodesic), as a GeoJSON geometry.
pub(crate) const GEOMETRY_DATA: &str = "sortie:geometry";
/// The `ExtendedData` entry under which Sortie's KML keeps a feature's properties as one
/// JSON object, their types exact (the other entries are text, for Google Earth to show).
pub(crate) const PROPERTIES_DATA: &str = "sortie:properties";
/// The Document's `ExtendedData` entry that marks KML written by Sortie: its description
/// balloons and styles are then derived from the properties, which are read instead.
pub(crate) const FORMAT_DATA: &str = "sortie_format";
/// The `ExtendedData` entry of the Document that keeps the source registry (JSON).
pub(crate) const REGISTRY_DATA: &str = "sortie:registry";
/// The `ExtendedData` entry of the Document that keeps the file's other top-level members.
pub(crate) const MEMBERS_DATA: &str = "sortie:members";
