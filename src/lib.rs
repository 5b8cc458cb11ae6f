//! Sortie: a desktop map of airstrike routes in which every feature carries its evidence.
//!
//! The library holds everything; `main.rs` only dispatches. Dependencies point one way:
//! [`app`], [`map`] and [`ui`] use [`dataset`] and [`routes`]; the model knows no screen.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod basemap;
pub mod cli;
pub mod dataset;
pub mod geometry;
pub mod map;
pub mod parallel;
pub mod routes;
pub mod synth;
pub mod theme;
pub mod ui;
