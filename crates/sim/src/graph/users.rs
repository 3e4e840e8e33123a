//! `GET /v1.0/users` (user-list): default properties, `$select`, `$top` and `$skiptoken` paging.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::auth::Caller;
use super::error::GraphError;
use super::paging::{Cursor, Page, window};
use super::query;
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::User;

/// Application permissions that allow listing users, least privileged first (user-list, "Permissions").
const READ_ROLES: [&str; 4] = [
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

const DEFAULT_PAGE_SIZE: u32 = 100;
const MAX_PAGE_SIZE: u32 = 999;

pub async fn list(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(&READ_ROLES)?;
    let options = query::parse(raw.as_deref())?;
    let cursor = options
        .skiptoken
        .as_deref()
        .map(|token| Cursor::decode(token, "users"))
        .transpose()?;
    // Options sent alongside a skiptoken override the ones it carries.
    let select = options
        .select
        .or_else(|| cursor.as_ref().and_then(|c| c.select.clone()));
    let top = options
        .top
        .or(cursor.as_ref().map(|c| c.top))
        .unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&top) {
        return Err(GraphError::RequestBadRequest(format!(
            "Invalid page size specified: '{top}'. Must be between 1 and {MAX_PAGE_SIZE} inclusive."
        )));
    }
    let properties = match &select {
        Some(names) => {
            let mut properties = Vec::with_capacity(names.len());
            for name in names {
                let property = UserProperty::lookup(name)?;
                // A JSON object cannot hold a name twice, so `$select=id,id` yields `id` once.
                if !properties.contains(&property) {
                    properties.push(property);
                }
            }
            properties
        }
        None => UserProperty::DEFAULT.to_vec(),
    };

    let users = &state.tenant().users;
    let (range, next_offset) = window(users.len(), cursor.as_ref().map_or(0, |c| c.offset), top);
    let next_link = next_offset.map(|offset| {
        let cursor = Cursor {
            resource: "users".to_string(),
            offset,
            top,
            select: select
                .as_ref()
                .map(|_| properties.iter().map(|p| p.name().to_string()).collect()),
        };
        base.join(&format!("/v1.0/users?$skiptoken={}", cursor.encode()))
    });
    let context = match &select {
        Some(_) => {
            let names: Vec<&str> = properties.iter().map(|p| p.name()).collect();
            format!("/v1.0/$metadata#users({})", names.join(","))
        }
        None => "/v1.0/$metadata#users".to_string(),
    };
    let page = Page {
        context: base.join(&context),
        next_link,
        value: users[range]
            .iter()
            .map(|user| Projection {
                user,
                properties: &properties,
            })
            .collect(),
    };
    Ok(Json(page).into_response())
}

/// The `microsoft.graph.user` properties the sim knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserProperty {
    Id,
    AccountEnabled,
    BusinessPhones,
    CompanyName,
    CreatedDateTime,
    Department,
    DisplayName,
    EmployeeId,
    GivenName,
    JobTitle,
    Mail,
    MobilePhone,
    OfficeLocation,
    OnPremisesImmutableId,
    OnPremisesSyncEnabled,
    PreferredLanguage,
    Surname,
    UsageLocation,
    UserPrincipalName,
    UserType,
}

impl UserProperty {
    pub const ALL: [UserProperty; 20] = [
        UserProperty::Id,
        UserProperty::AccountEnabled,
        UserProperty::BusinessPhones,
        UserProperty::CompanyName,
        UserProperty::CreatedDateTime,
        UserProperty::Department,
        UserProperty::DisplayName,
        UserProperty::EmployeeId,
        UserProperty::GivenName,
        UserProperty::JobTitle,
        UserProperty::Mail,
        UserProperty::MobilePhone,
        UserProperty::OfficeLocation,
        UserProperty::OnPremisesImmutableId,
        UserProperty::OnPremisesSyncEnabled,
        UserProperty::PreferredLanguage,
        UserProperty::Surname,
        UserProperty::UsageLocation,
        UserProperty::UserPrincipalName,
        UserProperty::UserType,
    ];

    /// What Graph returns without `$select`, in the documented order (note: no `accountEnabled`).
    pub const DEFAULT: [UserProperty; 11] = [
        UserProperty::BusinessPhones,
        UserProperty::DisplayName,
        UserProperty::GivenName,
        UserProperty::JobTitle,
        UserProperty::Mail,
        UserProperty::MobilePhone,
        UserProperty::OfficeLocation,
        UserProperty::PreferredLanguage,
        UserProperty::Surname,
        UserProperty::UserPrincipalName,
        UserProperty::Id,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UserProperty::Id => "id",
            UserProperty::AccountEnabled => "accountEnabled",
            UserProperty::BusinessPhones => "businessPhones",
            UserProperty::CompanyName => "companyName",
            UserProperty::CreatedDateTime => "createdDateTime",
            UserProperty::Department => "department",
            UserProperty::DisplayName => "displayName",
            UserProperty::EmployeeId => "employeeId",
            UserProperty::GivenName => "givenName",
            UserProperty::JobTitle => "jobTitle",
            UserProperty::Mail => "mail",
            UserProperty::MobilePhone => "mobilePhone",
            UserProperty::OfficeLocation => "officeLocation",
            UserProperty::OnPremisesImmutableId => "onPremisesImmutableId",
            UserProperty::OnPremisesSyncEnabled => "onPremisesSyncEnabled",
            UserProperty::PreferredLanguage => "preferredLanguage",
            UserProperty::Surname => "surname",
            UserProperty::UsageLocation => "usageLocation",
            UserProperty::UserPrincipalName => "userPrincipalName",
            UserProperty::UserType => "userType",
        }
    }

    /// Graph matches property names case-insensitively and answers with the canonical spelling.
    pub fn lookup(name: &str) -> Result<Self, GraphError> {
        UserProperty::ALL
            .into_iter()
            .find(|property| property.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                GraphError::RequestBadRequest(format!(
                    "Could not find a property named '{name}' on type 'microsoft.graph.user'."
                ))
            })
    }

    fn value(self, user: &User) -> Value {
        let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::String);
        match self {
            UserProperty::Id => Value::String(user.id.clone()),
            UserProperty::AccountEnabled => Value::Bool(user.account_enabled),
            UserProperty::BusinessPhones => user
                .business_phones
                .iter()
                .cloned()
                .map(Value::String)
                .collect(),
            UserProperty::CompanyName => text(&user.company_name),
            UserProperty::CreatedDateTime => Value::String(user.created_date_time.clone()),
            UserProperty::Department => text(&user.department),
            UserProperty::DisplayName => Value::String(user.display_name.clone()),
            UserProperty::EmployeeId => text(&user.employee_id),
            UserProperty::GivenName => text(&user.given_name),
            UserProperty::JobTitle => text(&user.job_title),
            UserProperty::Mail => text(&user.mail),
            UserProperty::MobilePhone => text(&user.mobile_phone),
            UserProperty::OfficeLocation => text(&user.office_location),
            // The generated tenant is cloud-only: nothing is synchronised from on-premises AD.
            UserProperty::OnPremisesImmutableId | UserProperty::OnPremisesSyncEnabled => {
                Value::Null
            }
            UserProperty::PreferredLanguage => text(&user.preferred_language),
            UserProperty::Surname => text(&user.surname),
            UserProperty::UsageLocation => text(&user.usage_location),
            UserProperty::UserPrincipalName => Value::String(user.user_principal_name.clone()),
            UserProperty::UserType => Value::String(user.user_type.as_str().to_string()),
        }
    }
}

/// A user reduced to the requested properties, written in the order they were requested.
struct Projection<'a> {
    user: &'a User,
    properties: &'a [UserProperty],
}

impl Serialize for Projection<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.properties.len()))?;
        for property in self.properties {
            map.serialize_entry(property.name(), &property.value(self.user))?;
        }
        map.end()
    }
}
