//! A directory group as the sim stores it. Members are indexes into the tenant's vectors rather than
//! ids, so a million memberships cost eight bytes each.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: Uuid,
    pub display_name: String,
    pub description: Option<String>,
    /// Unique per tenant; the local part of `mail` for Microsoft 365 groups.
    pub mail_nickname: String,
    pub kind: GroupKind,
    /// Entra's rule syntax, e.g. `(user.department -eq "Sales") and (user.usageLocation -eq "DE")`;
    /// `Some` makes the group dynamic (`groupTypes` gains `DynamicMembership`).
    pub membership_rule: Option<String>,
    /// Unix seconds.
    pub created: u64,
    /// `Public`/`Private` for Microsoft 365 groups; security groups have none.
    pub visibility: Option<&'static str>,
    /// Direct members, in the order Graph lists them.
    pub members: Vec<MemberRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// `securityEnabled: true, mailEnabled: false, groupTypes: []`.
    Security,
    /// Microsoft 365 group: `groupTypes: ["Unified"]`, mail-enabled, not security-enabled.
    Unified,
}

/// A direct member: an index into `Tenant::users`, `Tenant::groups` or `Tenant::devices`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberRef {
    User(u32),
    Group(u32),
    Device(u32),
}

impl Group {
    pub fn is_dynamic(&self) -> bool {
        self.membership_rule.is_some()
    }

    pub fn security_enabled(&self) -> bool {
        self.kind == GroupKind::Security
    }

    pub fn mail_enabled(&self) -> bool {
        self.kind == GroupKind::Unified
    }

    /// `groupTypes`, in the order Graph writes them.
    pub fn group_types(&self) -> Vec<&'static str> {
        let mut types = Vec::with_capacity(2);
        if self.kind == GroupKind::Unified {
            types.push("Unified");
        }
        if self.is_dynamic() {
            types.push("DynamicMembership");
        }
        types
    }
}
