//! The sync engine: resumable steps that read Entra ID through Graph, plan against the committed
//! index, write through the Assets import API and commit only after Assets is done.

pub mod assets;
pub mod assets_held;
pub mod assets_reads;
pub mod budget;
pub mod checkpoint;
mod control;
pub mod datasets;
mod delta_link;
pub mod destination;
mod error;
pub mod expiry;
pub mod filter;
mod graph_access;
pub mod guard;
mod heal;
pub mod index;
pub mod lifecycle;
pub mod mapping_doc;
mod outbox;
pub mod pacing;
mod phase;
pub mod report;
mod run;
pub mod run_state;
pub mod skipped;
pub mod staging;
mod step;
pub mod store;
mod sweep;
pub mod transient;

pub use assets::Destination;
pub use budget::Budget;
pub use checkpoint::{Checkpoint, Phase};
pub use control::{Command, CommandError};
pub use destination::{DestinationError, check_destination};
pub use error::{FilterProblem, SyncError};
pub use guard::{DeletionPolicy, Guard, GuardQuestion};
pub use report::{Outcome, Progress, RunReport};
pub use run::{Selection, begin_run, check_filter, filterable};
pub use step::{Host, StepResult, StepStatus, step};
pub use store::{KeyPage, KvStore, MemoryStore, StoreError, StoreErrorKind};
