//! Settings validation: every field, every problem at once, each with its fix.

use super::*;

fn input(tenant: &str, client: &str, secret: &str) -> SettingsInput {
    SettingsInput {
        tenant_id: Some(tenant.into()),
        client_id: Some(client.into()),
        client_secret: Some(ClientSecret::new(secret)),
        ..SettingsInput::default()
    }
}

const CLIENT: &str = "00001111-aaaa-2222-bbbb-3333cccc4444";

#[test]
fn accepts_guid_and_domain_tenants() {
    let ok = input(
        " 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ",
        CLIENT,
        "abc8Q~x\n",
    )
    .validate()
    .expect("valid settings");
    assert_eq!(
        ok.tenant.as_path_segment(),
        "72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
    assert_eq!(
        ok.credential,
        Credential::Secret(ClientSecret::new("abc8Q~x"))
    );
    let domain = input("Contoso.onmicrosoft.com", CLIENT, "abc8Q~x")
        .validate()
        .expect("valid settings");
    assert_eq!(
        domain.tenant,
        Tenant::Domain("contoso.onmicrosoft.com".into())
    );
}

#[test]
fn reports_every_bad_field_at_once() {
    let errors = SettingsInput::default().validate().unwrap_err();
    assert_eq!(
        errors,
        vec![
            SettingsError::TenantMissing,
            SettingsError::ClientMissing,
            SettingsError::SecretMissing
        ]
    );
    let fields: Vec<Field> = errors.iter().map(SettingsError::field).collect();
    assert_eq!(
        fields,
        vec![Field::TenantId, Field::ClientId, Field::ClientSecret]
    );
}

#[test]
fn rejects_malformed_values_with_a_fix() {
    let errors = input("not a tenant", "12345", "x").validate().unwrap_err();
    assert_eq!(
        errors,
        vec![
            SettingsError::TenantMalformed("not a tenant".into()),
            SettingsError::ClientMalformed("12345".into()),
        ]
    );
    assert!(errors[0].to_string().contains("Directory (tenant) ID"));
    let alias = input("common", CLIENT, "x").validate().unwrap_err();
    assert_eq!(alias, vec![SettingsError::TenantAlias("common".into())]);
    for bad in ["contoso", "-x.com", "a..com", "contoso.c0m"] {
        assert!(parse_tenant(Some(bad)).is_err(), "{bad} must be rejected");
    }
}

#[test]
fn spots_a_pasted_secret_id() {
    let errors = input(CLIENT, CLIENT, "d0a7d5c6-2b63-4b39-9a7e-2f1d1d0c0e11")
        .validate()
        .unwrap_err();
    assert_eq!(errors, vec![SettingsError::SecretIsSecretId]);
    assert!(errors[0].to_string().contains("Value"));
}

#[test]
fn wrong_json_types_are_field_errors_beside_the_other_problems() {
    let errors = SettingsInput::validate_json(&serde_json::json!({
        "tenantId": 42,
        "clientId": "12345",
        "clientSecret": {"value": "x"},
    }))
    .unwrap_err();
    let fields: Vec<Field> = errors.iter().map(SettingsError::field).collect();
    assert_eq!(
        fields,
        vec![Field::TenantId, Field::ClientId, Field::ClientSecret]
    );
    assert_eq!(
        errors[0].to_string(),
        "Tenant ID must be text, not a number. Type or paste the value into the field."
    );
    assert!(matches!(errors[1], SettingsError::ClientMalformed(_)));
    assert!(errors[2].to_string().contains("not an object"));
    let absent = SettingsInput::validate_json(&serde_json::json!({"tenantId": null}));
    assert!(absent.unwrap_err().contains(&SettingsError::TenantMissing));
}

#[test]
fn bounds_the_secret_and_quotes_long_values_briefly() {
    let huge = "x".repeat(140 * 1024);
    let errors = input(CLIENT, CLIENT, &huge).validate().unwrap_err();
    assert_eq!(errors, vec![SettingsError::SecretTooLong(140 * 1024)]);
    assert!(
        input(CLIENT, CLIENT, &"x".repeat(SECRET_MAX_CHARS))
            .validate()
            .is_ok()
    );
    let errors = input(&huge, &huge, "abc8Q~x").validate().unwrap_err();
    for error in &errors {
        assert!(
            error.to_string().len() < 600,
            "{} is readable",
            error.field()
        );
    }
}

mod certificate {
    use super::*;
    use crate::auth::{Lifetime, NewCertificate, create_certificate};

    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    fn created() -> NewCertificate {
        create_certificate(Lifetime::OneYear, 1_796_000_000, &mut rand_core::OsRng)
            .expect("created")
    }

    fn with(
        made: &NewCertificate,
        key: &NewCertificate,
        new: bool,
        checked: Option<CheckedFor>,
    ) -> Result<ConnectionSettings, Vec<SettingsError>> {
        SettingsInput {
            credential: Some("certificate".into()),
            private_key: Some(PrivateKeyText::new(key.private_key.expose_pem())),
            certificate: Some(made.certificate.pem()),
            certificate_new: new,
            certificate_checked: checked,
            ..input(TENANT, CLIENT, "")
        }
        .validate()
    }

    #[test]
    fn a_new_certificate_needs_a_passing_check_for_the_same_ids() {
        let made = created();
        assert!(
            with(&made, &made, false, None).is_ok(),
            "the certificate in use needs no new check"
        );
        let unchecked = with(&made, &made, true, None).unwrap_err();
        assert_eq!(
            unchecked,
            vec![SettingsError::Certificate(CertificateError::NotChecked)]
        );
        assert_eq!(unchecked[0].field(), Field::Certificate);
        assert!(unchecked[0].to_string().contains("Check connection"));
        // The ids as the page sent them: the same tenant and client in another spelling count.
        let same = CheckedFor {
            tenant_id: format!(" {} ", TENANT.to_uppercase()),
            client_id: CLIENT.to_uppercase(),
        };
        assert!(with(&made, &made, true, Some(same)).is_ok());
        let other = CheckedFor {
            tenant_id: TENANT.into(),
            client_id: "11112222-bbbb-3333-cccc-4444dddd5555".into(),
        };
        assert_eq!(
            with(&made, &made, true, Some(other)).unwrap_err(),
            vec![SettingsError::Certificate(CertificateError::NotChecked)]
        );
    }

    #[test]
    fn a_key_of_another_certificate_or_none_is_refused_with_the_fix() {
        let made = created();
        let other = created();
        assert_eq!(
            with(&made, &other, false, None).unwrap_err(),
            vec![SettingsError::Certificate(CertificateError::KeyMismatch)]
        );
        let missing = SettingsInput {
            credential: Some("certificate".into()),
            ..input(TENANT, CLIENT, "")
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            missing,
            vec![SettingsError::Certificate(CertificateError::Missing)]
        );
        assert!(missing[0].to_string().contains("Create certificate"));
        let unknown = SettingsInput {
            credential: Some("password".into()),
            ..input(TENANT, CLIENT, "abc8Q~x")
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            unknown,
            vec![SettingsError::CredentialUnknown("password".into())]
        );
        assert_eq!(unknown[0].field(), Field::Credential);
    }
}
