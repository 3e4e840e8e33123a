//! Group name pools, mixing the naming habits of real tenants: prefixed security groups, project and
//! team workspaces, and some names outside ASCII.

/// Security group stems; a department or place is appended.
pub const SECURITY_STEMS: &[&str] = &[
    "SG-App-Readers",
    "SG-App-Admins",
    "SG-VPN-Users",
    "SG-Printers",
    "SG-File-Share",
    "SG-MFA-Exempt",
    "SG-Conditional-Access-Pilot",
    "SG-Licensing",
    "SG-Wi-Fi-Corp",
    "SG-Jira-Agents",
];

/// Microsoft 365 group stems, written as people name their teams.
pub const UNIFIED_STEMS: &[&str] = &[
    "Project Falcon",
    "Project Aurora",
    "Project Nimbus",
    "Team",
    "Community: Running",
    "Community: Book Club",
    "Leadership",
    "Onboarding",
    "Équipe Produit",
    "Öffentlichkeitsarbeit",
    "営業チーム",
    "Zespół Wsparcia",
];

/// Device group stems: policy targets for Intune.
pub const DEVICE_STEMS: &[&str] = &[
    "Devices - Windows Autopilot",
    "Devices - Kiosk",
    "Devices - Pilot Ring",
    "Devices - BitLocker",
];

/// Qualifiers appended to a stem.
pub const PLACES: &[&str] = &[
    "Sales",
    "Marketing",
    "Engineering",
    "IT",
    "Finance",
    "HR",
    "Operations",
    "Legal",
    "Redmond",
    "München",
    "Kraków",
    "Tokyo",
    "São Paulo",
];

/// Lower-case ASCII slug of a display name, for `mailNickname` (which Entra restricts to ASCII
/// letters, digits and a few marks).
pub fn slug(display: &str) -> String {
    let mut out = String::with_capacity(display.len());
    for c in display.chars() {
        let mapped = match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'é' | 'É' => Some('e'),
            'ö' | 'Ö' => Some('o'),
            'ó' => Some('o'),
            'ę' => Some('e'),
            'ã' => Some('a'),
            'ü' => Some('u'),
            'ł' => Some('l'),
            '-' | ' ' | ':' => Some('-'),
            _ => None,
        };
        if let Some(m) = mapped {
            if !(m == '-' && (out.is_empty() || out.ends_with('-'))) {
                out.push(m);
            }
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "group".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Équipe Produit München"), "equipe-produit-munchen");
        assert_eq!(slug("営業チーム"), "group");
        assert_eq!(slug("Community: Running"), "community-running");
    }
}
