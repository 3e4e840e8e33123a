//! Churn of the app inventory: secrets rotated (a new one added, the oldest removed), credentials
//! added and removed, app registrations created and deleted with their service principals, SAML
//! signing certificates renewed. Entra Sync's own registration (the first) is left to the
//! credential controls. Changes go to the log under the churn's version.

use std::collections::{BTreeMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha20Rng;
use uuid::Uuid;

use crate::tenant::application::{AppCertificate, ServicePrincipal};
use crate::tenant::applications::{certificate, secret};
use crate::tenant::changes::{Change, ObjectKind, ObjectRef, RemovalReason};
use crate::tenant::{Collection, Tenant, ids};

const DAY: u64 = 86_400;

#[derive(Debug, Clone, Copy)]
enum AppOp {
    RotateSecret,
    AddSecret,
    RemoveCredential,
    AddCertificate,
    CreateApp,
    DeleteApp,
    RenewSaml,
}

const MIX: [(AppOp, u32, &str); 7] = [
    (AppOp::RotateSecret, 30, "secret rotations"),
    (AppOp::AddSecret, 15, "secrets added"),
    (AppOp::RemoveCredential, 15, "credentials removed"),
    (AppOp::AddCertificate, 10, "certificates added"),
    (AppOp::CreateApp, 12, "applications created"),
    (AppOp::DeleteApp, 8, "applications deleted"),
    (AppOp::RenewSaml, 10, "SAML certificates renewed"),
];

pub(super) struct AppChurn<'a> {
    pub tenant: &'a mut Tenant,
    pub rng: ChaCha20Rng,
    pub now: u64,
    pub created: &'a mut HashSet<Uuid>,
}

impl AppChurn<'_> {
    /// About `percent`% of the app registrations in changes, at least one.
    pub fn run(&mut self, percent: f64, operations: &mut BTreeMap<&'static str, usize>) {
        let count =
            ((self.tenant.applications.len() as f64 * percent / 100.0).round() as usize).max(1);
        for _ in 0..count {
            let total: u32 = MIX.iter().map(|m| m.1).sum();
            let mut roll = self.rng.random_range(0..total);
            let Some(&(op, _, name)) = MIX.iter().find(|(_, weight, _)| {
                let hit = roll < *weight;
                roll = roll.saturating_sub(*weight);
                hit
            }) else {
                continue;
            };
            if self.apply(op) {
                *operations.entry(name).or_default() += 1;
            }
        }
    }

    fn apply(&mut self, op: AppOp) -> bool {
        match op {
            AppOp::CreateApp => self.create_app(),
            AppOp::RenewSaml => self.renew_saml(),
            other => match self.pick_app() {
                Some(i) => self.change_app(other, i),
                None => false,
            },
        }
    }

    /// Any registration but Entra Sync's own (index 0).
    fn pick_app(&mut self) -> Option<usize> {
        let len = self.tenant.applications.len();
        (len > 1).then(|| self.rng.random_range(1..len))
    }

    fn record(&mut self, kind: ObjectKind, id: Uuid) {
        self.tenant
            .changes
            .record(Change::Upserted(ObjectRef { kind, id }));
    }

    fn change_app(&mut self, op: AppOp, i: usize) -> bool {
        let (now, rng) = (self.now, &mut self.rng);
        let app = &mut self.tenant.applications[i];
        match op {
            AppOp::RotateSecret => {
                let mut fresh = secret(rng, now);
                fresh.start = now;
                fresh.end = now + 730 * DAY;
                app.secrets.push(fresh);
                if app.secrets.len() > 1 {
                    let oldest = (0..app.secrets.len())
                        .min_by_key(|&k| app.secrets[k].end)
                        .unwrap_or(0);
                    app.secrets.remove(oldest);
                }
            }
            AppOp::AddSecret => {
                let mut fresh = secret(rng, now);
                fresh.start = now;
                fresh.end = now + 365 * DAY;
                app.secrets.push(fresh);
            }
            AppOp::RemoveCredential => {
                if !app.secrets.is_empty() {
                    let k = rng.random_range(0..app.secrets.len());
                    app.secrets.remove(k);
                } else if !app.certificates.is_empty() {
                    let k = rng.random_range(0..app.certificates.len());
                    app.certificates.remove(k);
                } else {
                    return false;
                }
            }
            AppOp::AddCertificate => {
                let mut cert = certificate(rng, &format!("CN={}", app.display_name), "Verify", 365);
                cert.start = now;
                cert.end = now + 365 * DAY;
                app.certificates.push(cert);
            }
            AppOp::DeleteApp => {
                let removed = self.tenant.applications.remove(i);
                self.tenant
                    .removals
                    .record(Collection::Applications, vec![i as u32]);
                // Deleted registrations sit in the recycle bin for 30 days: `changed`, as for users.
                self.tenant.changes.record(Change::Removed(
                    ObjectRef {
                        kind: ObjectKind::Application,
                        id: removed.id,
                    },
                    RemovalReason::Changed,
                ));
                if let Some(sp) = self
                    .tenant
                    .service_principals
                    .iter()
                    .position(|sp| sp.app_id == removed.app_id)
                {
                    self.tenant
                        .removals
                        .record(Collection::ServicePrincipals, vec![sp as u32]);
                    let sp = self.tenant.service_principals.remove(sp);
                    self.tenant.changes.record(Change::Removed(
                        ObjectRef {
                            kind: ObjectKind::ServicePrincipal,
                            id: sp.id,
                        },
                        RemovalReason::Deleted,
                    ));
                }
                return true;
            }
            AppOp::CreateApp | AppOp::RenewSaml => return false,
        }
        let id = app.id;
        self.record(ObjectKind::Application, id);
        true
    }

    fn create_app(&mut self) -> bool {
        let domain = self.tenant.domain.clone();
        let mut app = crate::tenant::applications::application(&mut self.rng, &domain);
        app.created = self.now;
        let sp = ServicePrincipal {
            id: ids::guid(&mut self.rng),
            app_id: app.app_id,
            display_name: app.display_name.clone(),
            kind: "Application",
            account_enabled: true,
            owner_tenant: self.tenant.id,
            certificates: Vec::new(),
            tags: vec!["WindowsAzureActiveDirectoryIntegratedApp"],
        };
        self.created.insert(app.id);
        self.created.insert(sp.id);
        self.record(ObjectKind::Application, app.id);
        self.record(ObjectKind::ServicePrincipal, sp.id);
        self.tenant.applications.push(app);
        self.tenant.service_principals.push(sp);
        true
    }

    /// A SAML app's signing certificate replaced by a new three-year one (Sign and Verify twins).
    fn renew_saml(&mut self) -> bool {
        let saml: Vec<usize> = (0..self.tenant.service_principals.len())
            .filter(|&k| {
                self.tenant.service_principals[k]
                    .certificates
                    .iter()
                    .any(|c| c.usage == "Sign")
            })
            .collect();
        if saml.is_empty() {
            return false;
        }
        let k = saml[self.rng.random_range(0..saml.len())];
        let mut sign = certificate(
            &mut self.rng,
            "CN=Microsoft Azure Federated SSO Certificate",
            "Sign",
            3 * 365,
        );
        sign.start = self.now;
        sign.end = self.now + 3 * 365 * DAY;
        let verify = AppCertificate {
            key_id: ids::guid(&mut self.rng),
            usage: "Verify",
            ..sign.clone()
        };
        let sp = &mut self.tenant.service_principals[k];
        sp.certificates = vec![sign, verify];
        let id = sp.id;
        self.record(ObjectKind::ServicePrincipal, id);
        true
    }
}
