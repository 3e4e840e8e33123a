//! Delta queries: `/users/delta`, `/groups/delta`, `/devices/delta` (graph-api.md §5), answered from
//! the tenant's change log.

mod controls;
mod endpoints;
mod options;
mod round;
mod token;

pub use controls::{DeltaControls, DeltaResetMode};
pub use endpoints::{devices, groups, users};
