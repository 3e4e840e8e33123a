//! What the Assets side stores. Ids are numbers internally and strings on the wire, as in Assets.

use std::collections::BTreeMap;

/// A `referenced_object` or plain attribute: the import schema's type names, which map onto REST's
/// `type`/`defaultTypeId` pairs in [`crate::assets::render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrKind {
    /// `text`, `integer`, `boolean`, ... kept as the import schema spells it.
    Default(String),
    /// Points at objects of one object type.
    Reference { target_type: u64 },
    /// `status`, with the allowed values when the schema limited them.
    Status(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSchema {
    pub id: u64,
    pub name: String,
    pub key: String,
    pub description: String,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectType {
    pub id: u64,
    pub schema_id: u64,
    pub parent: Option<u64>,
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    pub position: u32,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub id: u64,
    pub object_type_id: u64,
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    pub kind: AttrKind,
    pub label: bool,
    pub minimum_cardinality: i64,
    pub maximum_cardinality: i64,
    pub unique: bool,
    pub position: u32,
}

/// One attribute value: text for everything but references, which hold the referenced object's id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Text(String),
    Ref(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub id: u64,
    pub object_type_id: u64,
    /// Identity for imports: the `externalIdPart` values of the entry that created it.
    pub external_id: Option<String>,
    /// Attribute id → values; an attribute without values is absent.
    pub values: BTreeMap<u64, Vec<Value>>,
    pub created: String,
    pub updated: String,
}

/// What an import does with objects of a mapped type that an execution did not send (§2.7 of the
/// reference). Not part of the mapping JSON in Assets either: set through [`crate::assets::AssetsState`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    #[default]
    Ignore,
    Remove,
    /// Sets `attribute` (by name) to `value` on each missing object.
    Update {
        attribute: String,
        value: String,
    },
}
