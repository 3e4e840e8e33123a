//! Enterprise applications (service principals), through `/servicePrincipals/delta`. Nothing to
//! carry: a changed service principal comes with its selected properties.

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext, removed_id};
use crate::model::{ObjectType, ServicePrincipal, service_principal_object};

super::data_set::data_set!(ServicePrincipals);

pub fn parse(item: Value, context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    if let Some(id) = removed_id(&item) {
        return Ok(vec![Item::Removed {
            object_type: ObjectType::ServicePrincipal,
            id: id?,
        }]);
    }
    let sp: ServicePrincipal = serde_json::from_value(item)?;
    if sp.id.trim().is_empty() {
        return Err(ItemProblem::NoId("a service principal"));
    }
    Ok(vec![Item::Upsert {
        object: service_principal_object(&sp, context.tenant),
        carry: None,
    }])
}
