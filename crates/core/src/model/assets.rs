//! The Assets side: object types with stable external ids, attribute values, status.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ObjectType {
    User,
    Group,
    Device,
    ManagedDevice,
    Licence,
}

impl ObjectType {
    /// The object type's name in the Assets schema Entra Sync maintains.
    pub fn name(self) -> &'static str {
        match self {
            ObjectType::User => "Entra User",
            ObjectType::Group => "Entra Group",
            ObjectType::Device => "Entra Device",
            ObjectType::ManagedDevice => "Intune Managed Device",
            ObjectType::Licence => "Licence",
        }
    }

    /// Prefix of external ids, so an id names its type and ids of different types never collide.
    pub fn id_prefix(self) -> &'static str {
        match self {
            ObjectType::User => "entra-user",
            ObjectType::Group => "entra-group",
            ObjectType::Device => "entra-device",
            ObjectType::ManagedDevice => "intune-device",
            ObjectType::Licence => "licence",
        }
    }

    pub fn external_id(self, id: &str) -> String {
        format!("{}:{}", self.id_prefix(), id.to_ascii_lowercase())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Active,
    Disabled,
    #[serde(rename = "Deleted in Entra")]
    Deleted,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Disabled => "Disabled",
            Status::Deleted => "Deleted in Entra",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value")]
pub enum AttrValue {
    Text(String),
    Bool(bool),
    /// References to other objects by external id; resolved by Assets after all chunks arrive.
    Refs(ObjectType, Vec<String>),
}

/// One object as Entra Sync wants it in Assets. Attributes are ordered, so equal objects serialise
/// (and fingerprint) equally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetsObject {
    pub object_type: ObjectType,
    pub external_id: String,
    pub label: String,
    pub attributes: BTreeMap<&'static str, AttrValue>,
}
