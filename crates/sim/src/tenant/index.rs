//! Id lookups for `/users/{id}`, `/groups/{id}/…` and the like. Built once after generation.

use std::collections::HashMap;

use uuid::Uuid;

use super::device::Device;
use super::group::Group;
use super::user::User;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TenantIndex {
    users_by_id: HashMap<Uuid, u32>,
    users_by_upn: HashMap<String, u32>,
    groups_by_id: HashMap<Uuid, u32>,
    devices_by_id: HashMap<Uuid, u32>,
}

impl TenantIndex {
    pub fn build(users: &[User], groups: &[Group], devices: &[Device]) -> Self {
        let mut index = Self::default();
        for (i, user) in users.iter().enumerate() {
            if let Ok(id) = Uuid::parse_str(&user.id) {
                index.users_by_id.insert(id, i as u32);
            }
            index
                .users_by_upn
                .insert(user.user_principal_name.to_ascii_lowercase(), i as u32);
        }
        for (i, group) in groups.iter().enumerate() {
            index.groups_by_id.insert(group.id, i as u32);
        }
        for (i, device) in devices.iter().enumerate() {
            index.devices_by_id.insert(device.id, i as u32);
        }
        index
    }

    /// `/users/{id | userPrincipalName}`, as Graph accepts either (UPNs case-insensitively).
    pub fn user(&self, key: &str) -> Option<u32> {
        match Uuid::parse_str(key) {
            Ok(id) => self.users_by_id.get(&id).copied(),
            Err(_) => self.users_by_upn.get(&key.to_ascii_lowercase()).copied(),
        }
    }

    pub fn group(&self, key: &str) -> Option<u32> {
        Uuid::parse_str(key)
            .ok()
            .and_then(|id| self.groups_by_id.get(&id).copied())
    }

    pub fn device(&self, key: &str) -> Option<u32> {
        Uuid::parse_str(key)
            .ok()
            .and_then(|id| self.devices_by_id.get(&id).copied())
    }
}
