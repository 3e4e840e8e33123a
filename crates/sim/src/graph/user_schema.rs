//! The `microsoft.graph.user` properties the sim knows, and how each is read from a generated user.

use serde_json::{Value, json};

use super::schema::{Prop, Schema, string, text};
use crate::tenant::{Tenant, User};

/// What Graph returns without `$select`, in the documented order (note: no `accountEnabled`).
const DEFAULTS: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

const fn p(name: &'static str, get: fn(&Tenant, &User) -> Value) -> Prop<User> {
    Prop { name, get }
}

const PROPS: &[Prop<User>] = &[
    p("id", |_, u| string(&u.id)),
    p("accountEnabled", |_, u| Value::Bool(u.account_enabled)),
    p("assignedLicenses", assigned_licenses),
    p("businessPhones", |_, u| json!(u.business_phones)),
    p("companyName", |_, u| text(&u.company_name)),
    p("createdDateTime", |_, u| string(&u.created_date_time)),
    p("department", |_, u| text(&u.department)),
    p("displayName", |_, u| string(&u.display_name)),
    p("employeeId", |_, u| text(&u.employee_id)),
    p("givenName", |_, u| text(&u.given_name)),
    p("jobTitle", |_, u| text(&u.job_title)),
    p("mail", |_, u| text(&u.mail)),
    p("mobilePhone", |_, u| text(&u.mobile_phone)),
    p("officeLocation", |_, u| text(&u.office_location)),
    // The generated tenant is cloud-only: nothing is synchronised from on-premises AD.
    p("onPremisesImmutableId", |_, _| Value::Null),
    p("onPremisesSyncEnabled", |_, _| Value::Null),
    p("preferredLanguage", |_, u| text(&u.preferred_language)),
    p("surname", |_, u| text(&u.surname)),
    p("usageLocation", |_, u| text(&u.usage_location)),
    p("userPrincipalName", |_, u| string(&u.user_principal_name)),
    p("userType", |_, u| string(u.user_type.as_str())),
];

pub const USER: Schema<User> = Schema {
    type_name: "microsoft.graph.user",
    odata_type: "#microsoft.graph.user",
    props: PROPS,
    defaults: Some(DEFAULTS),
    filter_eq: &[
        "accountEnabled",
        "userType",
        "id",
        "userPrincipalName",
        "mail",
        "displayName",
    ],
    filter_startswith: &[
        "displayName",
        "userPrincipalName",
        "mail",
        "givenName",
        "surname",
    ],
};

fn assigned_licenses(tenant: &Tenant, user: &User) -> Value {
    user.assigned_licenses
        .iter()
        .filter_map(|license| {
            let sku = tenant.skus.get(usize::from(license.sku))?;
            let disabled: Vec<String> = license
                .disabled_plans
                .iter()
                .filter_map(|plan| tenant.service_plans.get(usize::from(*plan)))
                .map(|plan| plan.id.to_string())
                .collect();
            Some(json!({"disabledPlans": disabled, "skuId": sku.sku_id.to_string()}))
        })
        .collect()
}
