//! The `microsoft.graph.group` properties, with every key of the documented list response
//! (`groups_list.json`), including the ones a cloud-only tenant leaves null or empty.

use serde_json::{Value, json};

use super::schema::{Prop, Schema, iso, string};
use crate::tenant::{Group, TENANT_DOMAIN, Tenant};

const fn p(name: &'static str, get: fn(&Tenant, &Group) -> Value) -> Prop<Group> {
    Prop { name, get }
}

const PROPS: &[Prop<Group>] = &[
    p("id", |_, g| string(&g.id.to_string())),
    p("deletedDateTime", |_, _| Value::Null),
    p("classification", |_, _| Value::Null),
    p("createdDateTime", |_, g| iso(g.created)),
    p("description", |_, g| {
        g.description.clone().map_or(Value::Null, Value::String)
    }),
    p("displayName", |_, g| string(&g.display_name)),
    p("expirationDateTime", |_, _| Value::Null),
    p("groupTypes", |_, g| json!(g.group_types())),
    p("isAssignableToRole", |_, _| Value::Null),
    p("mail", |_, g| {
        if g.mail_enabled() {
            Value::String(format!("{}@{TENANT_DOMAIN}", g.mail_nickname))
        } else {
            Value::Null
        }
    }),
    p("mailEnabled", |_, g| Value::Bool(g.mail_enabled())),
    p("mailNickname", |_, g| string(&g.mail_nickname)),
    p("membershipRule", |_, g| {
        g.membership_rule.clone().map_or(Value::Null, Value::String)
    }),
    p("membershipRuleProcessingState", |_, g| {
        if g.is_dynamic() {
            string("On")
        } else {
            Value::Null
        }
    }),
    p("onPremisesLastSyncDateTime", |_, _| Value::Null),
    p("onPremisesSecurityIdentifier", |_, _| Value::Null),
    p("onPremisesSyncEnabled", |_, _| Value::Null),
    p("preferredDataLocation", |_, _| Value::Null),
    p("preferredLanguage", |_, _| Value::Null),
    p("proxyAddresses", |_, g| {
        if g.mail_enabled() {
            json!([format!("SMTP:{}@{TENANT_DOMAIN}", g.mail_nickname)])
        } else {
            json!([])
        }
    }),
    p("renewedDateTime", |_, g| iso(g.created)),
    p("resourceBehaviorOptions", |_, _| json!([])),
    p("resourceProvisioningOptions", |_, g| {
        if g.mail_enabled() && g.description.is_some() {
            json!(["Team"])
        } else {
            json!([])
        }
    }),
    p("securityEnabled", |_, g| Value::Bool(g.security_enabled())),
    p("theme", |_, _| Value::Null),
    p("visibility", |_, g| {
        g.visibility.map_or(Value::Null, string)
    }),
    p("onPremisesProvisioningErrors", |_, _| json!([])),
];

pub const GROUP: Schema<Group> = Schema {
    type_name: "microsoft.graph.group",
    odata_type: "#microsoft.graph.group",
    props: PROPS,
    defaults: None,
    filter_eq: &[
        "securityEnabled",
        "mailEnabled",
        "id",
        "displayName",
        "mailNickname",
    ],
    filter_startswith: &["displayName", "mailNickname", "mail"],
};
