//! The user generator. Proportions come from the preset; everything else from the seed's user stream.

use std::collections::HashSet;

use rand::Rng;
use rand::seq::SliceRandom;

use super::ids;
use super::names::{self, Name};
use super::preset::PresetSpec;
use super::user::{User, UserType};
use crate::time::UtcTime;

/// 2016-01-01T00:00:00Z .. 2024-12-31T00:00:00Z: accounts of a tenant that has been in use for years.
const CREATED_RANGE: std::ops::Range<u64> = 1_451_606_400..1_735_603_200;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Member,
    Guest,
    Room,
}

pub fn generate(spec: PresetSpec, seed: u64, domain: &str) -> Vec<User> {
    let mut rng = ids::rng(seed, ids::Stream::Users);
    let total = spec.users;
    let rooms = (total * spec.resource_accounts_per_100 / 100).min(total);
    let guests = (total * spec.guests_per_100 / 100).min(total - rooms);
    let disabled = total * spec.disabled_per_100 / 100;

    // Exact counts, shuffled, so every tenant of a preset has the same mix and tests can rely on it.
    let mut kinds: Vec<Kind> = std::iter::repeat_n(Kind::Room, rooms)
        .chain(std::iter::repeat_n(Kind::Guest, guests))
        .chain(std::iter::repeat_n(Kind::Member, total - rooms - guests))
        .collect();
    kinds.shuffle(&mut rng);
    let mut disabled_slots: Vec<bool> = (0..total).map(|i| i < disabled).collect();
    disabled_slots.shuffle(&mut rng);

    let mut upns = HashSet::new();
    let mut room_names = names::ROOMS.iter().cycle();
    kinds
        .into_iter()
        .zip(disabled_slots)
        .enumerate()
        .map(|(index, (kind, disabled))| {
            let mut user = match kind {
                Kind::Member => member(&mut rng, domain, &mut upns, index),
                Kind::Guest => guest(&mut rng, domain, &mut upns),
                // Room mailboxes are disabled accounts in Entra: nobody signs in as a room.
                Kind::Room => room(
                    &mut rng,
                    domain,
                    &mut upns,
                    room_names.next().copied().unwrap_or("Room"),
                ),
            };
            user.account_enabled = kind != Kind::Room && !disabled;
            user
        })
        .collect()
}

struct Person {
    given: &'static Name,
    surname: &'static Name,
    display: String,
}

fn person(rng: &mut impl Rng) -> Person {
    // Roughly one in twenty-five has a name entirely outside the Latin script.
    if rng.random_ratio(1, 25) {
        let (given, surname, display) =
            &names::NON_LATIN_PEOPLE[rng.random_range(0..names::NON_LATIN_PEOPLE.len())];
        return Person {
            given,
            surname,
            display: (*display).to_string(),
        };
    }
    let given = &names::GIVEN_NAMES[rng.random_range(0..names::GIVEN_NAMES.len())];
    let surname = &names::SURNAMES[rng.random_range(0..names::SURNAMES.len())];
    Person {
        given,
        surname,
        display: format!("{} {}", given.display, surname.display),
    }
}

/// Entra refuses duplicate UPNs, and admins resolve clashes with a number, as this does. The number
/// goes on `stem`, before `suffix`; returns the numbered stem.
fn unique_stem(taken: &mut HashSet<String>, stem: &str, suffix: &str) -> String {
    let mut candidate = stem.to_string();
    let mut n = 2;
    while !taken.insert(format!("{candidate}{suffix}").to_ascii_lowercase()) {
        candidate = format!("{stem}{n}");
        n += 1;
    }
    candidate
}

fn created(rng: &mut impl Rng) -> String {
    UtcTime::from_unix(rng.random_range(CREATED_RANGE)).iso8601()
}

/// `items` are the non-empty constant pools of `names`.
fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn phone(rng: &mut impl Rng, area: &str) -> String {
    format!("+1 {area} 555 0{:03}", rng.random_range(100..1000))
}

pub(super) fn member(
    rng: &mut impl Rng,
    domain: &str,
    upns: &mut HashSet<String>,
    index: usize,
) -> User {
    let p = person(rng);
    let local = unique_stem(upns, &format!("{}.{}", p.given.ascii, p.surname.ascii), "");
    let upn = format!("{local}@{domain}");
    let (department, job_title) = if rng.random_ratio(85, 100) {
        let (department, titles) = pick(rng, names::DEPARTMENTS);
        (
            Some(department.to_string()),
            Some(pick(rng, titles).to_string()),
        )
    } else {
        (None, None)
    };
    User {
        id: ids::guid(rng).to_string(),
        display_name: p.display,
        given_name: Some(p.given.display.to_string()),
        surname: Some(p.surname.display.to_string()),
        // Accounts without an Exchange mailbox have no `mail`, so a sync must not key on it.
        mail: rng.random_ratio(9, 10).then(|| upn.clone()),
        user_principal_name: upn,
        job_title,
        department,
        company_name: rng.random_ratio(7, 10).then(|| "Contoso".to_string()),
        office_location: rng
            .random_ratio(6, 10)
            .then(|| pick(rng, names::OFFICES).to_string()),
        business_phones: rng
            .random_ratio(6, 10)
            .then(|| phone(rng, "425"))
            .into_iter()
            .collect(),
        mobile_phone: rng.random_ratio(4, 10).then(|| phone(rng, "206")),
        preferred_language: rng
            .random_ratio(1, 2)
            .then(|| pick(rng, names::LANGUAGES).to_string()),
        usage_location: rng
            .random_ratio(8, 10)
            .then(|| pick(rng, names::USAGE_LOCATIONS).to_string()),
        employee_id: rng
            .random_ratio(7, 10)
            .then(|| format!("E{:05}", 1000 + index)),
        account_enabled: true,
        user_type: UserType::Member,
        created_date_time: created(rng),
        manager: None,
        assigned_licenses: Vec::new(),
    }
}

fn guest(rng: &mut impl Rng, domain: &str, upns: &mut HashSet<String>) -> User {
    let p = person(rng);
    let home = pick(rng, names::GUEST_DOMAINS);
    // A clash numbers the address (`jo.li2@home`), never the `#EXT#` tag.
    let email_local = unique_stem(
        upns,
        &format!("{}.{}", p.given.ascii, p.surname.ascii),
        &format!("_{home}"),
    );
    // B2B invitations turn `name@home` into `name_home#EXT#@tenant`.
    let local = format!("{email_local}_{home}#EXT#");
    User {
        id: ids::guid(rng).to_string(),
        display_name: p.display,
        given_name: Some(p.given.display.to_string()),
        surname: Some(p.surname.display.to_string()),
        user_principal_name: format!("{local}@{domain}"),
        mail: Some(format!("{email_local}@{home}")),
        job_title: None,
        department: None,
        company_name: None,
        office_location: None,
        business_phones: Vec::new(),
        mobile_phone: None,
        preferred_language: None,
        usage_location: None,
        employee_id: None,
        account_enabled: true,
        user_type: UserType::Guest,
        created_date_time: created(rng),
        manager: None,
        assigned_licenses: Vec::new(),
    }
}

fn room(rng: &mut impl Rng, domain: &str, upns: &mut HashSet<String>, name: &str) -> User {
    let short = name.rsplit(' ').next().unwrap_or(name);
    let local = unique_stem(upns, short, "");
    let upn = format!("{local}@{domain}");
    User {
        id: ids::guid(rng).to_string(),
        display_name: name.to_string(),
        given_name: None,
        surname: None,
        mail: Some(upn.clone()),
        user_principal_name: upn,
        job_title: None,
        department: None,
        company_name: None,
        office_location: None,
        business_phones: Vec::new(),
        mobile_phone: None,
        preferred_language: None,
        usage_location: None,
        employee_id: None,
        account_enabled: false,
        user_type: UserType::Member,
        created_date_time: created(rng),
        manager: None,
        assigned_licenses: Vec::new(),
    }
}
