//! Route analysis: the airspace a route crosses, against the world's country boundaries.
//! Uses the model ([`crate::dataset`]), the world data ([`crate::world`]) and geodesy
//! ([`crate::geometry::geodesic`]); knows no screen.

pub mod airspace;
