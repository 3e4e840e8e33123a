//! The sync engine: resumable steps that read Entra ID through Graph, plan against the committed
//! index, write through the Assets import API and commit only after Assets is done.

pub mod assets;
pub mod budget;
pub mod checkpoint;
pub mod datasets;
pub mod engine;
pub mod filter;
pub mod index;
pub mod mapping_doc;
pub mod report;
pub mod store;

pub use assets::Destination;
pub use budget::Budget;
pub use checkpoint::{Checkpoint, Phase};
pub use engine::{
    Host, Selection, StepResult, StepStatus, SyncError, begin_run, check_filter, filterable, step,
};
pub use report::{Outcome, Progress, RunReport};
pub use store::{KvStore, MemoryStore, StoreError};
