//! `GET /v1.0/subscribedSkus` (subscribedsku-list): unpaged, `$select` only.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Caller;
use super::error::GraphError;
use super::query;
use super::roles;
use super::schema::{Object, Prop, Schema, string};
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{Sku, Tenant};

const fn p(name: &'static str, get: fn(&Tenant, &Sku) -> Value) -> Prop<Sku> {
    Prop { name, get }
}

const PROPS: &[Prop<Sku>] = &[
    // The billing account; a directly billed tenant is its own account.
    p("accountName", |t, _| string(&t.display_name)),
    p("accountId", |t, _| string(&t.id.to_string())),
    p("appliesTo", |_, s| string(s.applies_to)),
    p("capabilityStatus", |_, s| string(s.capability_status)),
    p("consumedUnits", |_, s| json!(s.consumed_units)),
    p("id", |t, s| Value::String(format!("{}_{}", t.id, s.sku_id))),
    p("prepaidUnits", |_, s| {
        json!({
            "enabled": s.prepaid.enabled,
            "lockedOut": s.prepaid.locked_out,
            "suspended": s.prepaid.suspended,
            "warning": s.prepaid.warning,
        })
    }),
    p("servicePlans", |t, s| {
        s.service_plans
            .iter()
            .filter_map(|plan| {
                let catalogue = t.service_plans.get(usize::from(plan.plan))?;
                Some(json!({
                    "servicePlanId": catalogue.id.to_string(),
                    "servicePlanName": catalogue.name,
                    "provisioningStatus": plan.provisioning_status,
                    "appliesTo": plan.applies_to,
                }))
            })
            .collect()
    }),
    p("skuId", |_, s| string(&s.sku_id.to_string())),
    p("skuPartNumber", |_, s| string(s.part_number)),
    p("subscriptionIds", |_, s| {
        json!([s.subscription_id.to_string()])
    }),
];

const SKU: Schema<Sku> = Schema {
    type_name: "microsoft.graph.subscribedSku",
    odata_type: "#microsoft.graph.subscribedSku",
    props: PROPS,
    defaults: None,
    filter_eq: &[],
    filter_startswith: &[],
};

pub async fn list(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::SUBSCRIBED_SKUS)?;
    let options = query::parse(raw.as_deref())?;
    if options.top.is_some()
        || options.skiptoken.is_some()
        || options.filter.is_some()
        || options.expand.is_some()
        || options.count
    {
        return Err(GraphError::RequestBadRequest(
            "subscribedSkus supports only the $select query option.".to_string(),
        ));
    }
    let props = SKU.resolve(options.select.as_deref())?;
    let tenant = &state.tenant();
    let context = match &options.select {
        Some(_) => format!(
            "/v1.0/$metadata#subscribedSkus({})",
            props.iter().map(|p| p.name).collect::<Vec<_>>().join(",")
        ),
        None => "/v1.0/$metadata#subscribedSkus".to_string(),
    };
    let value: Vec<Object> = tenant
        .skus
        .iter()
        .map(|sku| SKU.render(tenant, sku, &props))
        .collect();
    Ok(Json(json!({"@odata.context": base.join(&context), "value": value})).into_response())
}
