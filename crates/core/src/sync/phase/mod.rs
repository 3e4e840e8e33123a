//! The phases of a run, in the order they run. Each adds methods to [`super::step::Step`].

pub(super) mod alone;
mod commit;
mod import;
mod plan;
mod ranked;
mod read;
mod retire;
