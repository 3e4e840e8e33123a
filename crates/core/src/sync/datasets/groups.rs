//! Groups and their direct memberships, through `/groups/delta` with `members` selected, so each
//! group item carries `members@delta` (docs/graph-notes.md, "Delta queries"):
//!
//! - A full round lists every member of every group as an addition. A large group recurs on several
//!   items (possibly on several pages), each with part of its members; so an item only ever *adds*
//!   edges. Edges nobody listed in a full round are retired by the engine's full-round rule.
//! - An incremental round lists changes only: added members, and members with `@removed`, which
//!   retire that one edge. A group whose members changed but whose properties did not comes back
//!   with the same properties, so its fingerprint is equal and it is not written again.
//! - A group item without `displayName` (always set on a live group) is taken as a pure membership
//!   continuation and yields only edges, never a group record with empty properties.
//! - A removed group (`@removed` on the group) is retired; Graph does not list the members of a
//!   deleted group (the simulator follows it: "a group being removed reports none"), and removed
//!   members have been reported missing from delta (docs-contrib#5855). So in incremental rounds the
//!   removal also retires every committed edge of that group, and every committed edge that has the
//!   group as *member*: both are found in the GroupMembership index (ids `"<group>:<member>"`), which
//!   the engine already gives parsing. This stays inside the data set: the engine's plan step only
//!   retires ids that are in the index and not also seen or updated in the run, so an edge re-added
//!   in the same round (a restored group) wins over the expansion. In a full round nothing needs
//!   expanding: unlisted edges are retired anyway.
//!
//! Repeated items of one group (the same edge twice, the group record on every continuation item)
//! are de-duplicated by the engine while staging (first occurrence wins; see `ChunkBuffer::first`).

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext, removed_id};
use crate::model::{DirectoryRef, Group, ObjectType, group_object, membership_object};

super::data_set::data_set!(Groups);

pub fn parse(item: Value, context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    if let Some(id) = removed_id(&item) {
        let id = id?;
        let mut items = Vec::new();
        if !context.full {
            items.extend(edges_of_removed(&id, context));
        }
        items.push(Item::Removed {
            object_type: ObjectType::Group,
            id,
        });
        return Ok(items);
    }
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .ok_or(ItemProblem::NoId("a group"))?;
    let members = members_of(&item)?;
    let mut items = Vec::with_capacity(members.len() + 1);
    if item.get("displayName").is_some() {
        let group: Group = serde_json::from_value(item)?;
        items.push(Item::Upsert {
            object: group_object(&group),
            carry: None,
        });
    }
    for (member, removed) in members {
        if removed {
            items.push(Item::Removed {
                object_type: ObjectType::GroupMembership,
                id: crate::model::membership_id(&id, &member.id),
            });
        } else {
            items.push(Item::Upsert {
                object: membership_object(&id, &member),
                carry: None,
            });
        }
    }
    Ok(items)
}

/// The item's member entries, each with whether it carries `@removed`. `members@delta` in delta
/// rounds; a plain `members` list is read the same way.
fn members_of(item: &Value) -> Result<Vec<(DirectoryRef, bool)>, ItemProblem> {
    let list = match item.get("members@delta").or_else(|| item.get("members")) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(ItemProblem::MembersNotAList),
    };
    list.iter()
        .map(|entry| {
            let removed = entry.get("@removed").is_some();
            let member: DirectoryRef = serde_json::from_value(entry.clone())
                .map_err(|e| ItemProblem::Member(e.to_string()))?;
            Ok((member, removed))
        })
        .collect()
}

/// Committed edges of a removed group: those of its members and those where it is a member.
fn edges_of_removed(group: &str, context: &ParseContext) -> Vec<Item> {
    let Some(index) = context.indexes.get(&ObjectType::GroupMembership) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = index
        .entries
        .keys()
        .filter(|edge| match edge.split_once(':') {
            Some((of, member)) => of == group || member == group,
            None => false,
        })
        .cloned()
        .collect();
    ids.sort();
    ids.into_iter()
        .map(|id| Item::Removed {
            object_type: ObjectType::GroupMembership,
            id,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::model::{AssetsObject, Fingerprint};
    use crate::sync::index::{Index, IndexEntry};

    fn upserts(items: &[Item]) -> Vec<&AssetsObject> {
        items
            .iter()
            .filter_map(|item| match item {
                Item::Upsert { object, .. } => Some(object),
                Item::Removed { .. } => None,
            })
            .collect()
    }

    fn removed(items: &[Item]) -> Vec<(ObjectType, &str)> {
        items
            .iter()
            .filter_map(|item| match item {
                Item::Removed { object_type, id } => Some((*object_type, id.as_str())),
                Item::Upsert { .. } => None,
            })
            .collect()
    }

    fn indexes(edges: &[&str]) -> HashMap<ObjectType, Index> {
        let mut index = Index::default();
        for edge in edges {
            index.entries.insert(
                edge.to_string(),
                IndexEntry {
                    fingerprint: Fingerprint(1),
                    carry: None,
                },
            );
        }
        HashMap::from([
            (ObjectType::Group, Index::default()),
            (ObjectType::GroupMembership, index),
        ])
    }

    #[test]
    fn reads_the_documented_members_delta_page() {
        let page: Value = serde_json::from_str(include_str!(
            "../../../../../fixtures/graph-examples/groups_delta_page1_members_delta.json"
        ))
        .expect("page");
        let indexes = indexes(&[]);
        let context = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let mut all = Vec::new();
        for item in page["value"].as_array().expect("value").clone() {
            all.extend(parse(item, &context).expect("item"));
        }
        let objects = upserts(&all);
        let groups: Vec<&&AssetsObject> = objects
            .iter()
            .filter(|o| o.object_type == ObjectType::Group)
            .collect();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].id, "c2f798fd-f95d-4623-8824-63aec21fffff");
        assert_eq!(groups[0].record["displayName"], "TestGroup1");
        assert_eq!(groups[0].record["description"], "Employees in test group 1");
        assert_eq!(
            groups[0].record["groupType"], "Distribution",
            "the sample selects neither groupTypes nor securityEnabled"
        );
        let edges: Vec<&str> = objects
            .iter()
            .filter(|o| o.object_type == ObjectType::GroupMembership)
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(
            edges,
            vec![
                "c2f798fd-f95d-4623-8824-63aec21fffff:693acd06-2877-4339-8ade-b704261fe7a0",
                "c2f798fd-f95d-4623-8824-63aec21fffff:49320844-be99-4164-8167-87ff5d047ace",
            ]
        );
        assert!(removed(&all).is_empty());
    }

    #[test]
    fn removed_members_retire_their_edge_and_continuations_add_edges_only() {
        let indexes = indexes(&[]);
        let context = ParseContext {
            full: false,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let items = parse(
            json!({
                "id": "G1",
                "displayName": "Sales",
                "members@delta": [
                    {"@odata.type": "#microsoft.graph.user", "id": "U1"},
                    {"@odata.type": "#microsoft.graph.user", "id": "U2", "@removed": {"reason": "deleted"}},
                    {"@odata.type": "#microsoft.graph.device", "id": "D1"},
                ]
            }),
            &context,
        )
        .expect("item");
        assert_eq!(
            removed(&items),
            vec![(ObjectType::GroupMembership, "g1:u2")]
        );
        let objects = upserts(&items);
        assert_eq!(objects.len(), 3, "the group and two edges");
        let device = objects.iter().find(|o| o.id == "g1:d1").expect("device");
        assert_eq!(device.record["memberType"], "device");
        assert_eq!(device.record["memberId"], "d1");

        // A continuation item of a large group: only its edges, no group record.
        let items = parse(
            json!({"id": "G1", "members@delta": [{"@odata.type": "#microsoft.graph.group", "id": "G2"}]}),
            &context,
        )
        .expect("item");
        let objects = upserts(&items);
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].object_type, ObjectType::GroupMembership);
        assert_eq!(objects[0].record["memberGroupId"], "g2");

        // Members changed, properties did not: the group record is the same object as before.
        let before = parse(json!({"id": "G1", "displayName": "Sales"}), &context).expect("item");
        let after = parse(
            json!({"id": "g1", "displayName": "Sales", "members@delta": [{"@odata.type": "#microsoft.graph.user", "id": "U9"}]}),
            &context,
        )
        .expect("item");
        assert_eq!(
            Fingerprint::of(upserts(&before)[0]),
            Fingerprint::of(upserts(&after)[0])
        );
        assert_eq!(
            parse(json!({"displayName": "no id"}), &context),
            Err(ItemProblem::NoId("a group"))
        );
        assert_eq!(
            parse(json!({"id": "g", "members@delta": 5}), &context),
            Err(ItemProblem::MembersNotAList)
        );
    }

    #[test]
    fn a_removed_group_retires_its_edges_in_incremental_rounds() {
        let indexes = indexes(&["g1:u1", "g1:u2", "g2:g1", "g2:u1", "g10:u1"]);
        let incremental = ParseContext {
            full: false,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let items = parse(
            json!({"id": "G1", "@removed": {"reason": "deleted"}}),
            &incremental,
        )
        .expect("item");
        assert_eq!(
            removed(&items),
            vec![
                (ObjectType::GroupMembership, "g1:u1"),
                (ObjectType::GroupMembership, "g1:u2"),
                (ObjectType::GroupMembership, "g2:g1"),
                (ObjectType::Group, "g1"),
            ]
        );
        let full = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        assert_eq!(
            removed(
                &parse(
                    json!({"id": "g1", "@removed": {"reason": "changed"}}),
                    &full
                )
                .expect("item")
            ),
            vec![(ObjectType::Group, "g1")],
            "a full round retires unlisted edges by itself"
        );
    }
}
