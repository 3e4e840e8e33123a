//! Civil dates and ISO 8601 timestamps, without a date library: the core writes one format and
//! reads Graph's timestamps into one canonical UTC form.

/// `2026-11-22T12:34:56.789Z` for `ms` since the Unix epoch.
pub fn iso_utc(ms: u64) -> String {
    let seconds = ms / 1000;
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        ms % 1000
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Howard Hinnant's civil-to-days algorithm (proleptic Gregorian calendar).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2017-01-01T00:02:49.3205976-08:00` → `2017-01-01T08:02:49.3205976Z`: UTC, seven fractional
/// digits, so text order is time order. No zone means UTC. `None` when it is not such a timestamp.
pub fn utc_ticks(text: &str) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 19
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction = String::new();
    if let Some(after) = rest.strip_prefix('.') {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction = after[..digits].chars().take(7).collect();
        rest = &after[digits..];
    }
    while fraction.len() < 7 {
        fraction.push('0');
    }
    let offset_minutes = match rest {
        "" | "Z" | "z" => 0,
        zone if zone.len() == 6
            && zone.is_ascii()
            && matches!(&zone[..1], "+" | "-")
            && &zone[3..4] == ":" =>
        {
            let hours: i64 = zone[1..3].parse().ok()?;
            let minutes: i64 = zone[4..6].parse().ok()?;
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (hours * 60 + minutes)
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month as u32, day as u32) * 86_400
        + hour * 3600
        + minute * 60
        + second.min(59)
        - offset_minutes * 60;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    ))
}

/// Milliseconds since the Unix epoch of an ISO 8601 timestamp (any offset), `None` when it is not
/// one. Before 1970 is negative.
pub fn unix_ms(text: &str) -> Option<i64> {
    let canonical = utc_ticks(text)?;
    let number = |range: std::ops::Range<usize>| canonical.get(range)?.parse::<i64>().ok();
    let days = days_from_civil(number(0..4)?, number(5..7)? as u32, number(8..10)? as u32);
    let seconds = days * 86_400 + number(11..13)? * 3600 + number(14..16)? * 60 + number(17..19)?;
    Some(seconds * 1000 + number(20..23)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso_utc(1_795_350_896_789), "2026-11-22T12:34:56.789Z");
    }

    #[test]
    fn timestamps_become_canonical_utc() {
        assert_eq!(
            utc_ticks("2016-12-31T23:59:43.797191-08:00").as_deref(),
            Some("2017-01-01T07:59:43.7971910Z")
        );
        assert_eq!(
            utc_ticks("2000-02-29T00:30:00+01:00").as_deref(),
            Some("2000-02-28T23:30:00.0000000Z")
        );
        assert_eq!(
            utc_ticks("0001-01-01T00:00:00Z").as_deref(),
            Some("0001-01-01T00:00:00.0000000Z")
        );
        assert_eq!(utc_ticks("yesterday"), None);
        assert_eq!(
            unix_ms("2026-11-22T13:34:56.789+01:00"),
            Some(1_795_350_896_789)
        );
        assert_eq!(unix_ms("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(unix_ms("soon"), None);
        assert_eq!(utc_ticks("2025-13-01T00:00:00Z"), None);
    }
}
