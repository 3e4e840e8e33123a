//! Delta queries: `/users/delta`, `/groups/delta`, `/devices/delta` (graph-api.md §5).

mod controls;

pub use controls::{DeltaControls, DeltaResetMode};
