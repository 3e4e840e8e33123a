//! Entra Sync's own app registration as the directory shows it: the first of the tenant's
//! applications, whose `passwordCredentials` and `keyCredentials` are those the token endpoint
//! checks. Every credential control publishes them again, as a change delta rounds report.

use crate::state::SimState;
use crate::tenant::{
    AppCertificate, AppSecret, Change, ObjectKind, ObjectRef, Tenant, devices_epoch,
};

impl SimState {
    /// Puts the generated applications' dates on the sim clock and mirrors the credentials, without
    /// a change-log entry (a freshly created or reset sim).
    pub(crate) fn settle_applications(&self) {
        let now = self.clock().now_unix();
        self.update_tenant(|tenant| {
            tenant.app_dates_shift = now as i64 - devices_epoch() as i64;
            mirror(self, tenant);
        });
    }

    /// After a credential changed: the application shows it and delta rounds report the application.
    pub(crate) fn publish_own_credentials(&self) {
        self.update_tenant(|tenant| {
            tenant.changes.begin();
            if let Some(id) = mirror(self, tenant) {
                tenant.changes.record(Change::Upserted(ObjectRef {
                    kind: ObjectKind::Application,
                    id,
                }));
            }
        });
    }
}

/// Copies the credential store onto the tenant's first application; returns its object id.
fn mirror(state: &SimState, tenant: &mut Tenant) -> Option<uuid::Uuid> {
    let shift = tenant.app_dates_shift;
    let back = |secs: u64| secs.saturating_add_signed(-shift);
    let credentials = state.credentials().read();
    let client_id = tenant.app.client_id;
    let app = tenant
        .applications
        .iter_mut()
        .find(|a| a.app_id == client_id)?;
    app.secrets = credentials
        .passwords
        .iter()
        .map(|p| AppSecret {
            key_id: p.key_id,
            display_name: p.display_name.clone(),
            hint: p.hint(),
            start: back(p.start),
            end: back(p.end),
        })
        .collect();
    app.certificates = credentials
        .certificates
        .iter()
        .map(|c| {
            let mut thumbprint = [0u8; 20];
            thumbprint.copy_from_slice(&c.sha1_thumbprint());
            AppCertificate {
                key_id: c.key_id,
                display_name: c.display_name.clone(),
                thumbprint,
                start: back(c.start),
                end: back(c.end),
                usage: "Verify",
            }
        })
        .collect();
    if let Some(first) = app.secrets.iter().map(|s| s.start).min() {
        app.created = first;
    }
    Some(app.id)
}
