//! A directory user as the sim stores it: the subset of `microsoft.graph.user` that Entra Sync reads.

use super::sku::AssignedLicense;

/// Property values are kept as Graph would return them, `None` standing for JSON `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub user_principal_name: String,
    pub mail: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub company_name: Option<String>,
    pub office_location: Option<String>,
    pub business_phones: Vec<String>,
    pub mobile_phone: Option<String>,
    pub preferred_language: Option<String>,
    pub usage_location: Option<String>,
    pub employee_id: Option<String>,
    pub account_enabled: bool,
    pub user_type: UserType,
    /// ISO 8601 with `Z`, as Graph returns `DateTimeOffset` values.
    pub created_date_time: String,
    /// Index into `Tenant::users`; `None` at the top of the org chart, for guests and rooms, and for
    /// some people HR never assigned. Drawn from its own stream, after the users.
    pub manager: Option<u32>,
    /// Drawn from the licence stream, after the users.
    pub assigned_licenses: Vec<AssignedLicense>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    Member,
    Guest,
}

impl UserType {
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Member => "Member",
            UserType::Guest => "Guest",
        }
    }
}
