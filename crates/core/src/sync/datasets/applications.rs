//! App registrations, through `/applications/delta`, with their credentials: one Entra Application
//! and one App Credential per secret or certificate. Delta rounds repeat the credential lists only
//! for applications that changed, so the index keeps each application's credentials in its carry:
//! those that disappear (a rotated secret) are retired, and every run's expiry warnings are read
//! from it (`sync/expiry.rs`).

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext, removed_id};
use crate::model::{
    AppCarry, Application, Carry, CredentialBrief, ObjectType, application_object, credential_id,
    credential_object,
};

super::data_set::data_set!(Applications);

pub fn parse(item: Value, context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    if let Some(id) = removed_id(&item) {
        let id = id?;
        let known = known_carry(context, &id);
        let mut items = vec![Item::Removed {
            object_type: ObjectType::Application,
            id: id.clone(),
        }];
        items.extend(known.credentials.iter().map(|c| Item::Removed {
            object_type: ObjectType::AppCredential,
            id: credential_id(&id, &c.key_id),
        }));
        return Ok(items);
    }
    let app: Application = serde_json::from_value(item)?;
    let id = app.id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Err(ItemProblem::NoId("an application"));
    }
    let known = known_carry(context, &id);
    let read = app.credentials();
    let briefs: Vec<CredentialBrief> = match &read {
        Some(credentials) => credentials.iter().map(CredentialBrief::of).collect(),
        // A full round lists every application with its credentials: absent means none.
        None if context.full => Vec::new(),
        None => known.credentials.clone(),
    };
    let carry = AppCarry {
        name: app.display_name.clone().filter(|n| !n.trim().is_empty()),
        credentials: briefs.clone(),
    };
    let mut items = vec![Item::Upsert {
        object: application_object(&app, &briefs, context.clock),
        carry: (!carry.credentials.is_empty()).then_some(Carry::App(carry)),
    }];
    let Some(credentials) = read else {
        return Ok(items);
    };
    items.extend(credentials.iter().map(|credential| Item::Upsert {
        object: credential_object(&id, app.display_name.as_deref(), credential, context.clock),
        carry: None,
    }));
    // Credentials the index knows that the application no longer has (a full round finds these
    // itself, by absence).
    if !context.full {
        items.extend(
            known
                .credentials
                .iter()
                .filter(|old| !briefs.iter().any(|b| b.key_id == old.key_id))
                .map(|old| Item::Removed {
                    object_type: ObjectType::AppCredential,
                    id: credential_id(&id, &old.key_id),
                }),
        );
    }
    Ok(items)
}

fn known_carry(context: &ParseContext, id: &str) -> AppCarry {
    context
        .known(ObjectType::Application, id)
        .and_then(|entry| entry.carry.as_ref())
        .and_then(Carry::as_app)
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::model::{ExpiryClock, Fingerprint};
    use crate::sync::index::{Index, IndexEntry};
    use crate::time::unix_ms;

    fn clock() -> ExpiryClock {
        ExpiryClock {
            now_ms: unix_ms("2026-11-22T12:00:00Z").expect("time") as u64,
            warn_days: 30,
        }
    }

    fn keys(items: &[Item]) -> (Vec<String>, Vec<String>) {
        let mut upserts = Vec::new();
        let mut removed = Vec::new();
        for item in items {
            match item {
                Item::Upsert { object, .. } => {
                    upserts.push(format!("{}:{}", object.object_type.key(), object.id))
                }
                Item::Removed { object_type, id } => {
                    removed.push(format!("{}:{id}", object_type.key()))
                }
            }
        }
        (upserts, removed)
    }

    fn app(secrets: Value) -> Value {
        json!({"id": "A1", "appId": "C1", "displayName": "Payroll",
               "passwordCredentials": secrets, "keyCredentials": []})
    }

    fn secret(key: &str, end: &str) -> Value {
        json!({"keyId": key, "hint": "abc", "displayName": key, "endDateTime": end})
    }

    #[test]
    fn a_rotated_secret_retires_the_old_credential_in_a_delta_round() {
        let indexes = HashMap::new();
        let full = ParseContext {
            full: true,
            indexes: &indexes,
            clock: clock(),
            tenant: None,
        };
        let first = parse(app(json!([secret("K1", "2026-12-01T00:00:00Z")])), &full).expect("app");
        assert_eq!(
            keys(&first),
            (
                vec!["application:a1".into(), "appCredential:a1:k1".into()],
                vec![]
            )
        );
        let Item::Upsert { object, carry } = &first[0] else {
            panic!("application first");
        };
        assert_eq!(object.record["credentialStatus"], "Expiring");
        let mut index = Index::default();
        index.entries.insert(
            "a1".into(),
            IndexEntry {
                fingerprint: Fingerprint::of(object),
                carry: carry.clone(),
            },
        );
        let indexes = HashMap::from([(ObjectType::Application, index)]);
        let delta = ParseContext {
            full: false,
            indexes: &indexes,
            clock: clock(),
            tenant: None,
        };
        let rotated =
            parse(app(json!([secret("K2", "2028-12-01T00:00:00Z")])), &delta).expect("app");
        assert_eq!(
            keys(&rotated),
            (
                vec!["application:a1".into(), "appCredential:a1:k2".into()],
                vec!["appCredential:a1:k1".into()]
            )
        );
        // Unrepeated credentials are the ones the index remembers.
        let renamed = parse(json!({"id": "A1", "displayName": "Pay"}), &delta).expect("app");
        assert_eq!(keys(&renamed), (vec!["application:a1".into()], vec![]));
        let Item::Upsert { object, .. } = &renamed[0] else {
            panic!("application");
        };
        assert_eq!(object.record["credentialCount"], 1);
        // A removed application takes its credentials with it.
        let removed = parse(
            json!({"id": "A1", "@removed": {"reason": "changed"}}),
            &delta,
        )
        .expect("removed");
        assert_eq!(keys(&removed).1, ["application:a1", "appCredential:a1:k1"]);
        assert!(parse(json!({"id": " "}), &delta).is_err());
    }
}
