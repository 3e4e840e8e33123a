//! The date values AQL compares `Created` and `Updated` with: a date (`"2024-01-31"`,
//! `"2024-01-31 10:00"`, ISO 8601) or a function relative to now: `now()`, `startOfDay()`,
//! `endOfDay()`, each with an optional offset such as `now(-2h 15m)` or `startOfDay(-1d)` (units w,
//! d, h, m, s; the sign applies to the whole offset).

use crate::time::parse_datetime;

const DAY: i64 = 86_400;

/// A comparison bound, resolved against the sim clock when a search runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    At(u64),
    Now(i64),
    StartOfDay(i64),
    EndOfDay(i64),
}

impl DateValue {
    /// `value` as the parser keeps it: a literal, or `name(args)` for a function.
    pub fn parse(value: &str) -> Option<Self> {
        if let Some(at) = parse_datetime(value) {
            return Some(DateValue::At(at));
        }
        let (name, args) = value.strip_suffix(')')?.split_once('(')?;
        let offset = offset(args)?;
        match name.trim().to_ascii_lowercase().as_str() {
            "now" => Some(DateValue::Now(offset)),
            "startofday" => Some(DateValue::StartOfDay(offset)),
            "endofday" => Some(DateValue::EndOfDay(offset)),
            _ => None,
        }
    }

    pub fn resolve(self, now: u64) -> i64 {
        let now = now as i64;
        let midnight = now.div_euclid(DAY) * DAY;
        match self {
            DateValue::At(at) => at as i64,
            DateValue::Now(offset) => now + offset,
            DateValue::StartOfDay(offset) => midnight + offset,
            DateValue::EndOfDay(offset) => midnight + DAY - 1 + offset,
        }
    }
}

/// `-2h 15m` to -8,100 seconds; empty is 0.
fn offset(args: &str) -> Option<i64> {
    let args = args.trim();
    let (sign, rest) = match args.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, args.strip_prefix('+').unwrap_or(args)),
    };
    let mut total = 0i64;
    for part in rest.split_whitespace() {
        let unit = part.chars().last()?;
        let number: i64 = part[..part.len() - unit.len_utf8()].parse().ok()?;
        total += number
            * match unit {
                'w' => 7 * DAY,
                'd' => DAY,
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => return None,
            };
    }
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_literals_and_relative_functions() {
        let now = 1_621_365_156; // 2021-05-18T19:12:36Z
        let at = |v: &str| DateValue::parse(v).map(|d| d.resolve(now));
        assert_eq!(at("2021-05-18"), Some(1_621_296_000));
        assert_eq!(at("now()"), Some(now as i64));
        assert_eq!(at("now(-2h 15m)"), Some(now as i64 - 8_100));
        assert_eq!(at("startOfDay(-1d)"), Some(1_621_296_000 - DAY));
        assert_eq!(at("endOfDay()"), Some(1_621_296_000 + DAY - 1));
        assert_eq!(at("yesterday()"), None);
        assert_eq!(at("now(-2x)"), None);
        assert_eq!(at("soon"), None);
    }
}
