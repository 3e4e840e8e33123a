//! The tenant's change log, which delta queries answer from. Every change to the directory happens at
//! a version; a delta token remembers the version it was issued at, and the next round reports what
//! the log holds after it. Removed objects stay in the log as tombstones, with the reason Graph gives.

use std::collections::HashMap;

use uuid::Uuid;

/// The directory object types that have delta queries. Intune's managed devices have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    User,
    Group,
    Device,
    Application,
    ServicePrincipal,
}

impl ObjectKind {
    /// `@odata.type` in `members@delta`.
    pub fn odata_type(self) -> &'static str {
        match self {
            ObjectKind::User => "#microsoft.graph.user",
            ObjectKind::Group => "#microsoft.graph.group",
            ObjectKind::Device => "#microsoft.graph.device",
            ObjectKind::Application => "#microsoft.graph.application",
            ObjectKind::ServicePrincipal => "#microsoft.graph.servicePrincipal",
        }
    }
}

/// `@removed.reason`: `changed` for a soft delete (restorable for 30 days), `deleted` for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemovalReason {
    Changed,
    Deleted,
}

impl RemovalReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalReason::Changed => "changed",
            RemovalReason::Deleted => "deleted",
        }
    }
}

/// A directory object by type and id, independent of where it sits in the tenant's vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: ObjectKind,
    pub id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Created, or any property (manager and licences included) changed.
    Upserted(ObjectRef),
    Removed(ObjectRef, RemovalReason),
    /// A direct member joined (`added`) or left `group`.
    Member {
        group: Uuid,
        member: ObjectRef,
        added: bool,
    },
}

/// The net state of an object after a range of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetChange {
    Upserted,
    Removed(RemovalReason),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeLog {
    version: u64,
    /// In version order.
    events: Vec<(u64, Change)>,
    /// Version of each object's last change (removal included).
    last: HashMap<Uuid, u64>,
}

impl ChangeLog {
    /// The version of the latest change; 0 for a freshly generated tenant.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Opens the next version: every change recorded until the next call carries it.
    pub fn begin(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    pub fn record(&mut self, change: Change) {
        let id = match change {
            Change::Upserted(object) | Change::Removed(object, _) => object.id,
            Change::Member { group, .. } => group,
        };
        self.last.insert(id, self.version);
        self.events.push((self.version, change));
    }

    /// The version at which the object last changed; `None` if it never did since generation.
    pub fn last_change(&self, id: Uuid) -> Option<u64> {
        self.last.get(&id).copied()
    }

    /// Changes after version `after` up to and including `upto`, in order.
    pub fn between(&self, after: u64, upto: u64) -> &[(u64, Change)] {
        let start = self.events.partition_point(|(v, _)| *v <= after);
        let end = self.events.partition_point(|(v, _)| *v <= upto);
        &self.events[start..end.max(start)]
    }

    /// Objects of `kind` that changed in `(after, upto]`, each once with its final state, ordered by
    /// their last change. Membership changes count as a change of the group.
    pub fn net_objects(&self, kind: ObjectKind, after: u64, upto: u64) -> Vec<(Uuid, NetChange)> {
        let mut order: Vec<(Uuid, NetChange)> = Vec::new();
        let mut at: HashMap<Uuid, usize> = HashMap::new();
        let mut put = |id: Uuid, net: NetChange| {
            if let Some(&slot) = at.get(&id) {
                // Only the final state counts; a removal is final.
                if !matches!(order[slot].1, NetChange::Removed(_)) {
                    order[slot].1 = net;
                }
            } else {
                at.insert(id, order.len());
                order.push((id, net));
            }
        };
        for (_, change) in self.between(after, upto) {
            match *change {
                Change::Upserted(o) if o.kind == kind => put(o.id, NetChange::Upserted),
                Change::Removed(o, reason) if o.kind == kind => {
                    put(o.id, NetChange::Removed(reason))
                }
                Change::Member { group, .. } if kind == ObjectKind::Group => {
                    put(group, NetChange::Upserted)
                }
                _ => {}
            }
        }
        order
    }

    /// Net membership changes of each group in `(after, upto]`: a member that joined and left again
    /// (or left and rejoined) is not reported. Members keep the order of their first change.
    pub fn net_members(&self, after: u64, upto: u64) -> HashMap<Uuid, Vec<(ObjectRef, bool)>> {
        let mut firsts: HashMap<(Uuid, ObjectRef), (usize, bool, bool)> = HashMap::new();
        for (n, (_, change)) in self.between(after, upto).iter().enumerate() {
            if let Change::Member {
                group,
                member,
                added,
            } = *change
            {
                firsts
                    .entry((group, member))
                    .and_modify(|e| e.2 = added)
                    .or_insert((n, added, added));
            }
        }
        let mut ordered: Vec<_> = firsts.into_iter().collect();
        ordered.sort_by_key(|(_, (n, _, _))| *n);
        let mut out: HashMap<Uuid, Vec<(ObjectRef, bool)>> = HashMap::new();
        for ((group, member), (_, first, last)) in ordered {
            if first == last {
                out.entry(group).or_default().push((member, last));
            }
        }
        out
    }

    /// Objects of `kind` whose last change up to `upto` removed them: the tombstones a first delta
    /// round also reports.
    pub fn tombstones(&self, kind: ObjectKind, upto: u64) -> Vec<(Uuid, RemovalReason)> {
        self.net_objects(kind, 0, upto)
            .into_iter()
            .filter_map(|(id, net)| match net {
                NetChange::Removed(reason) => Some((id, reason)),
                NetChange::Upserted => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u128) -> ObjectRef {
        ObjectRef {
            kind: ObjectKind::User,
            id: Uuid::from_u128(n),
        }
    }

    #[test]
    fn net_changes_keep_the_final_state_and_drop_membership_round_trips() {
        let mut log = ChangeLog::default();
        let group = Uuid::from_u128(100);
        log.begin();
        log.record(Change::Upserted(user(1)));
        log.record(Change::Member {
            group,
            member: user(1),
            added: true,
        });
        log.begin();
        log.record(Change::Removed(user(1), RemovalReason::Changed));
        log.record(Change::Member {
            group,
            member: user(1),
            added: false,
        });
        log.record(Change::Member {
            group,
            member: user(2),
            added: false,
        });
        assert_eq!(
            log.net_objects(ObjectKind::User, 0, 2),
            vec![(user(1).id, NetChange::Removed(RemovalReason::Changed))]
        );
        assert_eq!(
            log.net_objects(ObjectKind::User, 1, 2),
            vec![(user(1).id, NetChange::Removed(RemovalReason::Changed))]
        );
        let members = log.net_members(0, 2);
        assert_eq!(members[&group], vec![(user(2), false)]);
        assert_eq!(log.net_members(1, 2)[&group].len(), 2);
        assert_eq!(log.last_change(user(1).id), Some(2));
        assert_eq!(log.last_change(user(2).id), None);
        assert!(log.between(2, 2).is_empty());
    }
}
