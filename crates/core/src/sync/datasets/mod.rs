//! The data sets Entra Sync reads. Each knows its first request, the object types it produces and how
//! one Graph item becomes objects to write or ids to retire. A data set may produce several types
//! (groups also yield their memberships).

mod applications;
mod data_set;
mod devices;
mod diagnosis;
mod groups;
mod licences;
mod managed_devices;
mod registry;
mod service_principals;
mod users;

pub use data_set::DataSet;
pub use diagnosis::Diagnosis;
pub use registry::{SPECS, Spec};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::index::{Index, IndexEntry};
use crate::model::{AssetsObject, Carry, ExpiryClock, ObjectType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Dataset {
    Users,
    Devices,
    ManagedDevices,
    Licences,
    Groups,
    Applications,
    ServicePrincipals,
}

/// What one Graph item means for Assets.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Upsert {
        object: AssetsObject,
        /// State to keep in the index that later delta rounds may not repeat.
        carry: Option<Carry>,
    },
    Removed {
        object_type: ObjectType,
        id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Microsoft Graph returned a {dataset:?} item Entra Sync cannot read: {problem}")]
pub struct ItemError {
    pub dataset: Dataset,
    pub problem: ItemProblem,
}

/// Why one Graph item cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemProblem {
    #[error("{0} has no id")]
    NoId(&'static str),
    /// A property of the wrong type or shape (serde's own words).
    #[error("{0}")]
    Shape(String),
    #[error("members@delta is not a list")]
    MembersNotAList,
    #[error("a member entry: {0}")]
    Member(String),
    #[error("a subscribed SKU has an empty skuId")]
    EmptySkuId,
}

impl From<serde_json::Error> for ItemProblem {
    fn from(error: serde_json::Error) -> Self {
        ItemProblem::Shape(error.to_string())
    }
}

/// What parsing may consult: whether this is a full round, and the committed index entries.
pub struct ParseContext<'a> {
    /// A full round lists everything, so an absent relationship means "none"; in an incremental
    /// round it means "unchanged".
    pub full: bool,
    pub indexes: &'a HashMap<ObjectType, Index>,
    /// The run's start and warning window: credentials' days left and state are as of then.
    pub clock: ExpiryClock,
    /// The signed-in tenant's id (the token's `tid`), which tells the tenant's own apps apart.
    pub tenant: Option<&'a str>,
}

impl ParseContext<'_> {
    pub fn known(&self, object_type: ObjectType, id: &str) -> Option<&IndexEntry> {
        self.indexes.get(&object_type)?.entries.get(id)
    }
}

impl Dataset {
    /// The order a run reads them in, from each registry entry's `run` position (the page lists
    /// them in [`SPECS`] order).
    pub const ALL: [Dataset; SPECS.len()] = registry::run_order();

    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// The object types this data set writes, referenced types first.
    pub fn object_types(self) -> &'static [ObjectType] {
        self.spec().object_types
    }

    /// The requests of a full or an incremental round ([`Spec::pages`]).
    pub fn pages(self, full: bool) -> crate::graph::Pages {
        self.spec().pages(full)
    }

    /// Whether the data set has delta queries; without, every run is a full round.
    pub fn has_delta(self) -> bool {
        self.spec().delta
    }

    pub fn parse(self, item: Value, context: &ParseContext) -> Result<Vec<Item>, ItemError> {
        let error = |problem: ItemProblem| ItemError {
            dataset: self,
            problem,
        };
        self.spec().reader.parse(item, context).map_err(error)
    }
}

/// Object types whose identity several Graph records may claim in one run (a re-enrolled machine's
/// old and new Intune records share a serial). For these, an upsert's carry is its
/// [`crate::model::Rank`], higher wins. The engine keeps only the best-ranked record per id over the whole run, deciding at
/// plan time, and counts the others as skipped.
pub fn ranked(object_type: ObjectType) -> bool {
    matches!(object_type, ObjectType::ManagedDevice)
}

/// A delta `@removed` entry's id, if the item is one.
pub fn removed_id(item: &Value) -> Option<Result<String, ItemProblem>> {
    item.get("@removed")?;
    Some(
        item.get("id")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .ok_or(ItemProblem::NoId("a removed item")),
    )
}
