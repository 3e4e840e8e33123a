//! SKU and licence-assignment generator. SKU ids are drawn from the seed, not copied from Microsoft's
//! catalogue: the app must not depend on well-known GUIDs, and invented ids cannot be mistaken for
//! real ones. Part numbers and plan names are real, so screens look familiar.

use rand::Rng;
use rand::seq::index;

use super::ids;
use super::preset::PresetSpec;
use super::sku::{AssignedLicense, PrepaidUnits, ServicePlan, Sku, SkuPlan};
use super::user::{User, UserType};

const PART_NUMBERS: &[&str] = &[
    "SPE_E3",
    "SPE_E5",
    "ENTERPRISEPACK",
    "SPE_F1",
    "EMS",
    "AAD_PREMIUM_P2",
    "POWER_BI_PRO",
    "FLOW_FREE",
    "ENTERPRISEPREMIUM",
    "EMSPREMIUM",
    "AAD_PREMIUM",
    "INTUNE_A",
    "EXCHANGESTANDARD",
    "EXCHANGEENTERPRISE",
    "STANDARDPACK",
    "DESKLESSPACK",
    "O365_BUSINESS_ESSENTIALS",
    "O365_BUSINESS_PREMIUM",
    "SPB",
    "POWER_BI_STANDARD",
    "PBI_PREMIUM_PER_USER",
    "POWERAPPS_VIRAL",
    "PROJECTPREMIUM",
    "PROJECTPROFESSIONAL",
    "VISIOCLIENT",
    "VISIOONLINE_PLAN1",
    "TEAMS_EXPLORATORY",
    "MCOMEETADV",
    "MCOEV",
    "PHONESYSTEM_VIRTUALUSER",
    "WIN_DEF_ATP",
    "ATP_ENTERPRISE",
    "THREAT_INTELLIGENCE",
    "RIGHTSMANAGEMENT",
    "STREAM",
    "WINDOWS_STORE",
    "MEETING_ROOM",
    "DYN365_ENTERPRISE_PLAN1",
    "CRMSTANDARD",
    "WIN10_VDA_E3",
    "Win10_VDA_E5",
    "SHAREPOINTSTORAGE",
];

const PLAN_NAMES: &[&str] = &[
    "EXCHANGE_S_ENTERPRISE",
    "EXCHANGE_S_STANDARD",
    "SHAREPOINTENTERPRISE",
    "SHAREPOINTWAC",
    "MCOSTANDARD",
    "TEAMS1",
    "OFFICESUBSCRIPTION",
    "INTUNE_A",
    "AAD_PREMIUM",
    "AAD_PREMIUM_P2",
    "RMS_S_ENTERPRISE",
    "MFA_PREMIUM",
    "YAMMER_ENTERPRISE",
    "SWAY",
    "FORMS_PLAN_E3",
    "STREAM_O365_E3",
    "POWERAPPS_O365_P2",
    "FLOW_O365_P2",
    "BI_AZURE_P2",
    "PROJECTWORKMANAGEMENT",
    "WINDEFATP",
    "ATP_ENTERPRISE",
    "ADALLOM_S_O365",
    "MCOEV",
    "MCOMEETADV",
    "VISIO_CLIENT_SUBSCRIPTION",
    "PROJECT_CLIENT_SUBSCRIPTION",
    "EXCHANGE_S_FOUNDATION",
    "WHITEBOARD_PLAN2",
];

/// How many SKUs are base suites (most people get exactly one); the rest are add-ons.
const BASE_SKUS: usize = 3;

pub struct Licensing {
    pub skus: Vec<Sku>,
    pub service_plans: Vec<ServicePlan>,
    /// Per user, in `users` order.
    pub assignments: Vec<Vec<AssignedLicense>>,
}

pub fn generate(spec: PresetSpec, seed: u64, users: &[User]) -> Licensing {
    let mut rng = ids::rng(seed, ids::Stream::Skus);
    let service_plans: Vec<ServicePlan> = PLAN_NAMES
        .iter()
        .map(|&name| ServicePlan {
            id: ids::guid(&mut rng),
            name,
        })
        .collect();
    let count = spec.skus.min(PART_NUMBERS.len());
    let mut skus: Vec<Sku> = PART_NUMBERS[..count]
        .iter()
        .map(|&part_number| {
            let plans = rng.random_range(2..=8usize).min(PLAN_NAMES.len());
            let mut chosen: Vec<usize> =
                index::sample(&mut rng, PLAN_NAMES.len(), plans).into_vec();
            chosen.sort_unstable();
            Sku {
                sku_id: ids::guid(&mut rng),
                part_number,
                applies_to: "User",
                capability_status: "Enabled",
                consumed_units: 0,
                prepaid: PrepaidUnits::default(),
                service_plans: chosen
                    .into_iter()
                    .map(|plan| SkuPlan {
                        plan: plan as u16,
                        provisioning_status: if rng.random_ratio(1, 10) {
                            "PendingActivation"
                        } else {
                            "Success"
                        },
                        // Some plans are tenant-wide features even inside per-user SKUs.
                        applies_to: if rng.random_ratio(1, 6) {
                            "Company"
                        } else {
                            "User"
                        },
                    })
                    .collect(),
                subscription_id: ids::guid(&mut rng),
            }
        })
        .collect();

    let assignments = assign(seed, users, &skus);
    for licenses in &assignments {
        for license in licenses {
            if let Some(sku) = skus.get_mut(usize::from(license.sku)) {
                sku.consumed_units += 1;
            }
        }
    }
    for (index, sku) in skus.iter_mut().enumerate() {
        let headroom = sku.consumed_units / 10 + rng.random_range(0..25);
        let seats = sku.consumed_units + headroom;
        // The last add-on expired and is in its grace period; the one before lapsed entirely.
        sku.prepaid = if index + 1 == count && count > BASE_SKUS + 1 {
            sku.capability_status = "Warning";
            PrepaidUnits {
                warning: seats,
                ..PrepaidUnits::default()
            }
        } else if index + 2 == count && count > BASE_SKUS + 2 {
            sku.capability_status = "Suspended";
            PrepaidUnits {
                suspended: seats,
                ..PrepaidUnits::default()
            }
        } else {
            PrepaidUnits {
                enabled: seats,
                ..PrepaidUnits::default()
            }
        };
    }
    Licensing {
        skus,
        service_plans,
        assignments,
    }
}

fn assign(seed: u64, users: &[User], skus: &[Sku]) -> Vec<Vec<AssignedLicense>> {
    let mut rng = ids::rng(seed, ids::Stream::Licenses);
    let base = skus.len().min(BASE_SKUS);
    users
        .iter()
        .map(|user| {
            let mut licenses = Vec::new();
            // Guests and room mailboxes carry no licence; a few members were never licensed.
            if user.user_type == UserType::Guest || user.given_name.is_none() || base == 0 {
                return licenses;
            }
            if rng.random_ratio(9, 10) {
                let sku = rng.random_range(0..base);
                licenses.push(license(&mut rng, skus, sku));
            }
            if skus.len() > base && rng.random_ratio(3, 10) {
                let sku = rng.random_range(base..skus.len());
                licenses.push(license(&mut rng, skus, sku));
            }
            licenses
        })
        .collect()
}

pub(super) fn license(rng: &mut impl Rng, skus: &[Sku], sku: usize) -> AssignedLicense {
    let plans = &skus[sku].service_plans;
    // An admin switched one plan off (often Teams or Yammer) for some users.
    let disabled_plans = if !plans.is_empty() && rng.random_ratio(1, 10) {
        vec![plans[rng.random_range(0..plans.len())].plan]
    } else {
        Vec::new()
    };
    AssignedLicense {
        sku: sku as u16,
        disabled_plans,
    }
}
