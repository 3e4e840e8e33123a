//! What a Graph request costs, per graph-api.md §6 (throttling-limits, "Identity and access" and
//! "Intune devices"): directory reads draw resource units from one bucket, Intune device calls count
//! requests in another.

/// The budget a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Identity and access: resource units per app+tenant per 10 s.
    Directory,
    /// Intune devices (`deviceManagement/...`): requests per app+tenant per 20 s.
    Intune,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub bucket: Bucket,
    pub units: u32,
}

/// The cost of `method path?query`, `path` relative to `/v1.0`; `None` for what is not charged
/// (the `$batch` envelope: its items are charged one by one).
pub fn cost(method: &str, path: &str, query: Option<&str>) -> Option<Cost> {
    let path = path.trim_end_matches('/');
    if path == "/$batch" {
        return None;
    }
    if path == "/deviceManagement" || path.starts_with("/deviceManagement/") {
        return Some(Cost {
            bucket: Bucket::Intune,
            units: 1,
        });
    }
    // Writes have their own (unsimulated) limits; they cost the base unit here.
    let base = if method.eq_ignore_ascii_case("GET") {
        base_read_cost(path)
    } else {
        1
    };
    let mut units = i64::from(base);
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        // v1.0 accepts system query options with or without the `$`.
        match name.trim_start_matches('$') {
            "select" => units -= 1,
            "expand" => units += 1,
            "top" if value.trim().parse::<u32>().is_ok_and(|top| top < 20) => units -= 1,
            _ => {}
        }
    }
    Some(Cost {
        bucket: Bucket::Directory,
        units: u32::try_from(units.max(1)).unwrap_or(1),
    })
}

/// `GET users` 2, `groups/{id}/members` 3, `transitiveMembers` 5, `subscribedSkus` 3, others
/// (groups, devices, delta, …) 1.
fn base_read_cost(path: &str) -> u32 {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["users", "delta", ..] => 1,
        ["users", ..] => 2,
        ["groups", _, "members", ..] => 3,
        ["groups", _, "transitiveMembers", ..] => 5,
        ["subscribedSkus", ..] => 3,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(path: &str, query: Option<&str>) -> u32 {
        cost("GET", path, query).map_or(0, |c| c.units)
    }

    #[test]
    fn follows_the_documented_table() {
        assert_eq!(units("/users", None), 2);
        assert_eq!(units("/users", Some("$select=id")), 1);
        assert_eq!(units("/users", Some("%24select=id&%24expand=manager")), 2);
        assert_eq!(units("/users", Some("$select=id&$top=5")), 1, "minimum 1");
        assert_eq!(units("/users", Some("$top=20")), 2);
        assert_eq!(units("/users/delta", None), 1);
        assert_eq!(units("/groups", None), 1);
        assert_eq!(units("/groups/x/members", Some("$top=999")), 3);
        assert_eq!(units("/groups/x/transitiveMembers", Some("$top=10")), 4);
        assert_eq!(units("/subscribedSkus", None), 3);
        assert_eq!(
            cost("GET", "/deviceManagement/managedDevices", Some("$top=5")),
            Some(Cost {
                bucket: Bucket::Intune,
                units: 1
            })
        );
        assert_eq!(cost("POST", "/$batch", None), None);
    }
}
