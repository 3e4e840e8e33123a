//! The phases of a run, in the order they run. Each adds methods to [`super::step::Step`].

mod alone;
mod commit;
mod import;
mod plan;
mod ranked;
mod read;
mod retire;
