//! Side panels, menu and status bar. Each `*_ui` function draws and returns (or pushes)
//! [`Action`](crate::app::Action)s; none changes the app's state directly.

pub mod details;
pub mod list;
pub mod menu;
pub mod status;
