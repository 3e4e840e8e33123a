//! Import records on their way to the open Assets import execution. Records are never stored in
//! KVS: they are sent as they are read, one data chunk at a time, sized for Assets (and Forge's
//! 5 MB invocation payload), not for KVS values.

use serde_json::{Map, Value};

use crate::model::ObjectType;

/// A page's records go as one data chunk, sent when the page is taken (`phase/read.rs`).
#[derive(Debug, Default)]
pub struct Outbox {
    data: Map<String, Value>,
    /// Records held, and their estimated size as sent.
    pub records: usize,
    pub bytes: usize,
}

impl Outbox {
    pub fn push(&mut self, object_type: ObjectType, record: Value) {
        self.bytes += record.to_string().len() + 1;
        self.records += 1;
        let list = self
            .data
            .entry(object_type.selector().to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            list.push(record);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// The chunk's `data` (`{selector: [records]}`); the outbox starts empty again.
    pub fn take(&mut self) -> Value {
        self.records = 0;
        self.bytes = 0;
        Value::Object(std::mem::take(&mut self.data))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn records_are_grouped_by_selector_and_taken_whole() {
        let mut outbox = Outbox::default();
        assert!(outbox.is_empty());
        outbox.push(ObjectType::User, json!({"id": "u1"}));
        outbox.push(ObjectType::Group, json!({"id": "g1"}));
        outbox.push(ObjectType::User, json!({"id": "u2"}));
        assert_eq!(outbox.records, 3);
        let data = outbox.take();
        let users = ObjectType::User.selector();
        let groups = ObjectType::Group.selector();
        assert_eq!(data[users], json!([{"id": "u1"}, {"id": "u2"}]));
        assert_eq!(data[groups], json!([{"id": "g1"}]));
        assert!(outbox.is_empty() && outbox.bytes == 0);
    }
}
