//! The `microsoft.graph.device` properties (device-list). `devices_list.json` spells `Manufacturer` and
//! `Model` with capitals, a docs artefact; Graph and the v1.0 schema use `manufacturer` and `model`.

use serde_json::{Value, json};

use super::schema::{Prop, Schema, iso, string};
use crate::tenant::{Device, Tenant};

const fn p(name: &'static str, get: fn(&Tenant, &Device) -> Value) -> Prop<Device> {
    Prop { name, get }
}

const PROPS: &[Prop<Device>] = &[
    p("id", |_, d| string(&d.id.to_string())),
    p("deletedDateTime", |_, _| Value::Null),
    p("accountEnabled", |_, d| Value::Bool(d.account_enabled)),
    p("approximateLastSignInDateTime", |_, d| {
        d.last_sign_in.map_or(Value::Null, iso)
    }),
    p("complianceExpirationDateTime", |_, _| Value::Null),
    p("createdDateTime", |_, d| iso(d.registered)),
    p("deviceId", |_, d| string(&d.device_id.to_string())),
    p("deviceOwnership", |_, d| {
        string(if d.trust_type == "Workplace" {
            "Personal"
        } else {
            "Company"
        })
    }),
    p("deviceVersion", |_, _| json!(2)),
    p("displayName", |_, d| string(&d.display_name)),
    p("isCompliant", |_, d| {
        d.is_compliant.map_or(Value::Null, Value::Bool)
    }),
    p("isManaged", |_, d| {
        d.is_managed.map_or(Value::Null, Value::Bool)
    }),
    p("manufacturer", |_, d| string(d.manufacturer)),
    p("mdmAppId", |_, d| {
        // Intune's well-known MDM application id, on devices Intune manages.
        d.is_managed.map_or(Value::Null, |_| {
            string("0000000a-0000-0000-c000-000000000000")
        })
    }),
    p("model", |_, d| string(d.model)),
    p("onPremisesLastSyncDateTime", |_, _| Value::Null),
    p("onPremisesSyncEnabled", |_, d| {
        if d.trust_type == "ServerAd" {
            Value::Bool(true)
        } else {
            Value::Null
        }
    }),
    p("operatingSystem", |_, d| string(d.os.directory_name())),
    p("operatingSystemVersion", |_, d| string(&d.os_version)),
    p("physicalIds", |_, _| json!([])),
    p("profileType", |_, d| {
        string(if d.trust_type == "Workplace" {
            "RegisteredDevice"
        } else {
            "Unknown"
        })
    }),
    p("registrationDateTime", |_, d| iso(d.registered)),
    p("systemLabels", |_, _| json!([])),
    p("trustType", |_, d| string(d.trust_type)),
];

pub const DEVICE: Schema<Device> = Schema {
    type_name: "microsoft.graph.device",
    odata_type: "#microsoft.graph.device",
    props: PROPS,
    defaults: None,
    filter_eq: &[
        "operatingSystem",
        "accountEnabled",
        "trustType",
        "deviceId",
        "id",
        "displayName",
    ],
    filter_startswith: &["displayName"],
};
