//! The Assets data behind one lock: schemas, types, attributes, objects and the import bookkeeping.
//! Handlers and control methods borrow it through [`crate::assets::AssetsState`]; everything here is
//! synchronous and never blocks, so a `std` mutex is enough.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::execution::{Execution, ImportSource};
use super::model::{Attribute, Object, ObjectSchema, ObjectType, Value};
use super::rate_limit::RateLimiter;
use super::value_index::ValueIndexes;
use crate::time::{SimClock, UtcTime};

/// The workspace every fresh sim has (the id of the IBU `info.json` fixture).
pub const DEMO_WORKSPACE_ID: &str = "514fd9bb-dedc-4512-b251-d72f56a09dc5";
/// The seeded object schema, named like the one Entra Sync's mapping creates types in.
pub const DEMO_SCHEMA_ID: u64 = 1;
pub const DEMO_SCHEMA_KEY: &str = "ENTRA";
/// The seeded schema's import source (Forge mode: one per schema).
pub const DEMO_IMPORT_SOURCE_ID: &str = "97344de6-2269-4254-91e0-6ffabb210309";
/// The name of each schema's first import, as an admin would call an Entra Sync import.
pub const DEMO_IMPORT_NAME: &str = "Microsoft Entra ID & Intune";
/// A container token bound to [`DEMO_IMPORT_SOURCE_ID`], for token mode (`/jsm/assets/v1/imports/info`).
pub const DEMO_IMPORT_TOKEN: &str = "ATCTT3xFfGN0-entra-sync-sim-demo-import-token";
/// The account the local Forge runtime acts as; Jira admin unless configured otherwise.
pub const LOCAL_ADMIN_ACCOUNT_ID: &str = "local-admin";

pub(crate) struct Store {
    pub workspace_id: String,
    pub schemas: BTreeMap<u64, ObjectSchema>,
    pub types: BTreeMap<u64, ObjectType>,
    pub attributes: BTreeMap<u64, Attribute>,
    pub objects: BTreeMap<u64, Object>,
    pub sources: BTreeMap<String, ImportSource>,
    pub executions: BTreeMap<String, Execution>,
    /// Import token → import source id.
    pub tokens: BTreeMap<String, String>,
    /// Account ids answered `havePermission: true` for `ADMINISTER`.
    pub admins: BTreeSet<String>,
    pub rate: RateLimiter,
    /// How many status reads show `PROCESSING` after the last chunk before `DONE`.
    pub processing_reads: u32,
    /// One counter for every numeric id, so ids never collide across kinds (as in Assets' global ids).
    next_id: u64,
    /// Objects per type, kept as objects come and go: every rendered object type carries its
    /// `objectCount`, and counting a million objects for each rendered object would make the sim,
    /// not the client, the slow part of a large run.
    type_counts: BTreeMap<u64, usize>,
    /// AQL's value indexes; behind a `RefCell` because searches only read the store.
    pub value_indexes: RefCell<ValueIndexes>,
    /// The sim's clock: `created`/`updated` are on it, so moving it moves what AQL on dates sees.
    pub clock: SimClock,
}

impl Store {
    pub fn seeded(clock: SimClock) -> Self {
        let mut store = Self {
            clock,
            workspace_id: DEMO_WORKSPACE_ID.to_string(),
            schemas: BTreeMap::new(),
            types: BTreeMap::new(),
            attributes: BTreeMap::new(),
            objects: BTreeMap::new(),
            sources: BTreeMap::new(),
            executions: BTreeMap::new(),
            tokens: BTreeMap::new(),
            admins: BTreeSet::from([LOCAL_ADMIN_ACCOUNT_ID.to_string()]),
            rate: RateLimiter::default(),
            processing_reads: 1,
            next_id: DEMO_SCHEMA_ID,
            type_counts: BTreeMap::new(),
            value_indexes: RefCell::default(),
        };
        store.add_schema_with_source(
            "Entra ID",
            DEMO_SCHEMA_KEY,
            "Synced by Entra Sync",
            DEMO_IMPORT_SOURCE_ID.to_string(),
        );
        store.tokens.insert(
            DEMO_IMPORT_TOKEN.to_string(),
            DEMO_IMPORT_SOURCE_ID.to_string(),
        );
        store
    }

    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A schema and its import source; returns the schema id.
    pub fn add_schema_with_source(
        &mut self,
        name: &str,
        key: &str,
        description: &str,
        source_id: String,
    ) -> u64 {
        let id = self.next_id();
        self.schemas.insert(
            id,
            ObjectSchema {
                id,
                name: name.to_string(),
                key: key.to_string(),
                description: description.to_string(),
                created: self.now_iso(),
            },
        );
        let created = self.now_iso();
        self.sources
            .insert(source_id, ImportSource::new(id, DEMO_IMPORT_NAME, created));
        id
    }

    /// A further import source in an existing schema; `None` for an unknown schema.
    pub fn add_source(&mut self, schema_id: u64, name: &str) -> Option<String> {
        if !self.schemas.contains_key(&schema_id) {
            return None;
        }
        let id = Self::new_source_id();
        let created = self.now_iso();
        self.sources
            .insert(id.clone(), ImportSource::new(schema_id, name, created));
        Some(id)
    }

    pub fn new_source_id() -> String {
        Uuid::new_v4().to_string()
    }

    /// Types of a schema in position order.
    pub fn types_of(&self, schema_id: u64) -> Vec<&ObjectType> {
        let mut types: Vec<_> = self
            .types
            .values()
            .filter(|t| t.schema_id == schema_id)
            .collect();
        types.sort_by_key(|t| (t.position, t.id));
        types
    }

    /// Attributes of a type in position order.
    pub fn attributes_of(&self, type_id: u64) -> Vec<&Attribute> {
        let mut attrs: Vec<_> = self
            .attributes
            .values()
            .filter(|a| a.object_type_id == type_id)
            .collect();
        attrs.sort_by_key(|a| (a.position, a.id));
        attrs
    }

    pub fn objects_of(&self, type_id: u64) -> impl Iterator<Item = &Object> {
        self.objects
            .values()
            .filter(move |o| o.object_type_id == type_id)
    }

    pub fn schema_of_type(&self, type_id: u64) -> Option<&ObjectSchema> {
        self.types
            .get(&type_id)
            .and_then(|t| self.schemas.get(&t.schema_id))
    }

    /// `ENTRA-12`: schema key and object id, like Assets' object keys.
    pub fn object_key(&self, object: &Object) -> String {
        let key = self
            .schema_of_type(object.object_type_id)
            .map_or("OBJ", |s| s.key.as_str());
        format!("{key}-{}", object.id)
    }

    /// The label attribute's first value; Assets falls back to the key when a type has no label.
    pub fn label(&self, object: &Object) -> String {
        self.attributes_of(object.object_type_id)
            .into_iter()
            .find(|a| a.label)
            .and_then(|a| object.values.get(&a.id))
            .and_then(|values| values.first())
            .map(|value| self.display(value))
            .unwrap_or_else(|| self.object_key(object))
    }

    pub fn display(&self, value: &Value) -> String {
        match value {
            Value::Text(text) => text.clone(),
            Value::Ref(id) => self
                .objects
                .get(id)
                .map_or_else(|| id.to_string(), |o| self.label(o)),
        }
    }

    /// Adds (or replaces) an object; the only way objects come in, so the per-type counts hold.
    pub fn insert_object(&mut self, object: Object) {
        self.value_indexes.get_mut().objects_changed();
        *self.type_counts.entry(object.object_type_id).or_default() += 1;
        if let Some(old) = self.objects.insert(object.id, object) {
            self.uncount(old.object_type_id);
        }
    }

    pub fn object_count(&self, type_id: u64) -> usize {
        self.type_counts.get(&type_id).copied().unwrap_or(0)
    }

    fn uncount(&mut self, type_id: u64) {
        if let Some(n) = self.type_counts.get_mut(&type_id) {
            *n = n.saturating_sub(1);
        }
    }

    /// Deletes an object and every reference to it, so no attribute points at a deleted object.
    pub fn delete_object(&mut self, id: u64) -> bool {
        let Some(old) = self.objects.remove(&id) else {
            return false;
        };
        self.value_indexes.get_mut().objects_changed();
        self.uncount(old.object_type_id);
        for object in self.objects.values_mut() {
            for values in object.values.values_mut() {
                values.retain(|v| v != &Value::Ref(id));
            }
            object.values.retain(|_, values| !values.is_empty());
        }
        true
    }
}

impl Store {
    /// `2021-02-16T18:04:31Z` on the sim clock, the layout of Assets' `created`/`updated`.
    pub fn now_iso(&self) -> String {
        UtcTime::from_unix(self.clock.now_unix()).iso8601()
    }
}
