//! Name pools. Each entry pairs the name as displayed with the ASCII form an admin would put in a UPN,
//! because Entra UPNs are ASCII while display names are not: a sync that keys on either must cope.

pub struct Name {
    pub display: &'static str,
    pub ascii: &'static str,
}

const fn n(display: &'static str, ascii: &'static str) -> Name {
    Name { display, ascii }
}

pub const GIVEN_NAMES: &[Name] = &[
    n("Adele", "adele"),
    n("Alex", "alex"),
    n("Ana", "ana"),
    n("Ben", "ben"),
    n("Björn", "bjorn"),
    n("Chloé", "chloe"),
    n("Christie", "christie"),
    n("Diego", "diego"),
    n("Emily", "emily"),
    n("Fatima", "fatima"),
    n("François", "francois"),
    n("Grady", "grady"),
    n("Hana", "hana"),
    n("Isaiah", "isaiah"),
    n("İlkay", "ilkay"),
    n("Johanna", "johanna"),
    n("José", "jose"),
    n("Lee", "lee"),
    n("Lidia", "lidia"),
    n("Łukasz", "lukasz"),
    n("Lynne", "lynne"),
    n("Małgorzata", "malgorzata"),
    n("Megan", "megan"),
    n("Miriam", "miriam"),
    n("Nestor", "nestor"),
    n("Ngozi", "ngozi"),
    n("Oğuz", "oguz"),
    n("Patti", "patti"),
    n("Pradeep", "pradeep"),
    n("Renée", "renee"),
    n("Siobhán", "siobhan"),
    n("Søren", "soren"),
    n("Yūki", "yuki"),
    n("Zoë", "zoe"),
    n("Đorđe", "djordje"),
    n("Aarav", "aarav"),
];

pub const SURNAMES: &[Name] = &[
    n("Åberg", "aberg"),
    n("Chen", "chen"),
    n("Çelik", "celik"),
    n("Dvořák", "dvorak"),
    n("García", "garcia"),
    n("Gupta", "gupta"),
    n("Johansson", "johansson"),
    n("Kowalski", "kowalski"),
    n("Lefèvre", "lefevre"),
    n("Müller", "muller"),
    n("Nguyễn", "nguyen"),
    n("Núñez", "nunez"),
    n("O'Brien", "obrien"),
    n("Okafor", "okafor"),
    n("Østergaard", "ostergaard"),
    n("Papadopoulos", "papadopoulos"),
    n("Patel", "patel"),
    n("Schäfer", "schafer"),
    n("Smith", "smith"),
    n("Tanaka", "tanaka"),
    n("Vance", "vance"),
    n("Wilber", "wilber"),
    n("Zhang", "zhang"),
];

/// People whose whole name is in a non-Latin script; `(given, surname, display)` with the display in the
/// order the culture uses, which is not always "given surname".
pub const NON_LATIN_PEOPLE: &[(Name, Name, &str)] = &[
    (n("伟", "wei"), n("李", "li"), "李伟"),
    (n("さくら", "sakura"), n("佐藤", "sato"), "佐藤 さくら"),
    (
        n("Дмитрий", "dmitry"),
        n("Иванов", "ivanov"),
        "Дмитрий Иванов",
    ),
    (
        n("Αλέξανδρος", "alexandros"),
        n("Παπαδόπουλος", "papadopoulos"),
        "Αλέξανδρος Παπαδόπουλος",
    ),
    (
        n("محمد", "mohammed"),
        n("الفارسي", "alfarsi"),
        "محمد الفارسي",
    ),
];

pub const ROOMS: &[&str] = &[
    "Conf Room Adams",
    "Conf Room Baker",
    "Conf Room Crystal",
    "Conf Room Hood",
    "Conf Room Rainier",
    "Conf Room Stevens",
];

pub const GUEST_DOMAINS: &[&str] = &[
    "fabrikam.com",
    "northwindtraders.com",
    "gmail.com",
    "outlook.com",
];

pub const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "Sales",
        &["Account Executive", "Sales Manager", "Sales Representative"],
    ),
    (
        "Marketing",
        &["Marketing Manager", "Content Strategist", "Brand Designer"],
    ),
    (
        "Engineering",
        &[
            "Software Engineer",
            "Senior Software Engineer",
            "Engineering Manager",
            "QA Engineer",
        ],
    ),
    (
        "IT",
        &[
            "IT Administrator",
            "Helpdesk Technician",
            "Systems Engineer",
        ],
    ),
    (
        "Finance",
        &["Accountant", "Financial Analyst", "Controller"],
    ),
    ("Human Resources", &["HR Generalist", "Recruiter"]),
    (
        "Operations",
        &["Operations Manager", "Logistics Coordinator"],
    ),
    ("Legal", &["Counsel", "Paralegal"]),
];

pub const OFFICES: &[&str] = &["18/2111", "20/1101", "131/1104", "24/1106", "Home office"];

pub const LANGUAGES: &[&str] = &["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pl-PL"];

pub const USAGE_LOCATIONS: &[&str] = &["US", "GB", "DE", "FR", "JP", "PL"];
