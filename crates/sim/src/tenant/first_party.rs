//! Microsoft's first-party applications as every tenant holds their service principals. The first
//! ones carry their real, well-known app ids; the rest are named after real services and get seeded
//! ids, because a tenant holds hundreds and no client may depend on their ids.

/// `(appId, displayName)` of well-known first-party apps.
pub const WELL_KNOWN: &[(&str, &str)] = &[
    ("00000003-0000-0000-c000-000000000000", "Microsoft Graph"),
    (
        "00000002-0000-0ff1-ce00-000000000000",
        "Office 365 Exchange Online",
    ),
    (
        "00000003-0000-0ff1-ce00-000000000000",
        "Office 365 SharePoint Online",
    ),
    (
        "00000004-0000-0ff1-ce00-000000000000",
        "Skype for Business Online",
    ),
    ("00000007-0000-0000-c000-000000000000", "Dataverse"),
    ("00000009-0000-0000-c000-000000000000", "Power BI Service"),
    ("0000000a-0000-0000-c000-000000000000", "Microsoft Intune"),
    (
        "00000006-0000-0ff1-ce00-000000000000",
        "Microsoft Office 365 Portal",
    ),
    (
        "797f4846-ba00-4fd7-ba43-dac1f8f63013",
        "Windows Azure Service Management API",
    ),
    ("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams"),
    (
        "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe",
        "Microsoft Teams Services",
    ),
    ("d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office"),
    (
        "00000012-0000-0000-c000-000000000000",
        "Microsoft Rights Management Services",
    ),
    ("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal"),
    ("de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer"),
    (
        "14d82eec-204b-4c2f-b7e8-296a70dab67e",
        "Microsoft Graph Command Line Tools",
    ),
    (
        "1b730954-1685-4b74-9bfd-dac224a7b894",
        "Azure Active Directory PowerShell",
    ),
    (
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        "Microsoft Azure CLI",
    ),
    (
        "00b41c95-dab0-4487-9791-b9d2c32c80f2",
        "Office 365 Management",
    ),
    ("fc780465-2017-40d4-a0c5-307022471b92", "WindowsDefenderATP"),
];

/// Service names the further first-party principals are named after (with a suffix each).
pub const SERVICES: &[&str] = &[
    "Azure Monitor",
    "Azure Key Vault",
    "Azure Storage",
    "Azure DevOps",
    "Microsoft Defender for Cloud Apps",
    "Microsoft Purview",
    "Microsoft Stream Service",
    "Microsoft Forms",
    "Microsoft To-Do",
    "Microsoft Planner",
    "OneNote",
    "Yammer",
    "Power Automate",
    "Power Apps Service",
    "Dynamics 365 Business Central",
    "Microsoft Edge",
    "Windows Update for Business Deployment Service",
    "Microsoft Exchange Online Protection",
    "Office Delve",
    "Microsoft Information Protection Sync Service",
    "Azure Resource Graph",
    "Microsoft Bookings",
    "Microsoft Whiteboard Services",
    "Microsoft Mobile Application Management",
    "Microsoft Substrate Management",
];

/// Gallery apps from other publishers, often set up for SAML single sign-on: `(name, publisher domain)`.
pub const GALLERY: &[&str] = &[
    "Salesforce",
    "ServiceNow",
    "Zoom",
    "Slack",
    "Atlassian Cloud",
    "Workday",
    "Dropbox Business",
    "Box",
    "DocuSign",
    "Adobe Identity Management",
    "GitHub Enterprise Cloud",
    "Cisco Webex",
    "AWS IAM Identity Center",
    "Google Cloud / G Suite Connector",
    "SAP Concur",
    "Miro",
    "Figma",
    "Zscaler Internet Access",
    "Okta",
    "Tableau Online",
];
