//! Side panels, menu and status bar. Each `*_ui` function draws and returns (or pushes)
//! [`Action`](crate::action::Action)s; none changes the app's state directly. Panels read the
//! model and the map's state; they know nothing of the command line or how files are read.

pub mod claims;
pub mod details;
pub mod edit;
pub mod export_map;
pub mod list;
pub mod menu;
pub mod properties;
pub mod sources;
pub mod status;
pub mod timeline;
