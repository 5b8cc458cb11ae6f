//! Sortie: a desktop map of airstrike routes in which every feature carries its evidence.
//!
//! The library holds everything; `main.rs` only dispatches. The modules form layers, and
//! every import points down (`docs/ARCHITECTURE.md` draws them, `tests/layers.rs` holds
//! them):
//! - leaves: [`geometry`] (Web Mercator, the screen transform, geodesics, units),
//!   [`world`] (Natural Earth and GeoNames), [`parallel`], [`synth`], [`scene`] (what to
//!   draw, and its back ends: window, PNG, SVG, PDF);
//! - the model and its readers: [`dataset`];
//! - the analysis: [`routes`];
//! - what draws: [`basemap`] (the world only), [`theme`], [`map`], [`figure`] (the map
//!   published);
//! - on top: [`action`] (what panels ask of the app), [`ui`] (the panels), [`app`] (state,
//!   jobs, actions applied), [`cli`].

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod action;
pub mod app;
pub mod basemap;
pub mod cli;
pub mod dataset;
pub mod figure;
pub mod geometry;
pub mod map;
pub mod parallel;
pub mod routes;
pub mod scene;
pub mod synth;
pub mod theme;
pub mod ui;
pub mod world;
