//! Wall-clock helpers. The sim formats dates itself because Entra and Graph use three different
//! layouts and a date crate would cost more compile time than these few lines.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch. A clock before 1970 is treated as the epoch rather than failing a request.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Milliseconds since the Unix epoch, for budgets that refill within seconds (throttling).
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// One sim's clock: the wall clock plus an offset a test can move forward, so secret and token
/// expiry or a throttling window can be crossed without sleeping. Per state, not global, because
/// tests run many sims in one process. Clones share the offset (the Assets store keeps one).
#[derive(Debug, Default, Clone)]
pub struct SimClock {
    offset_millis: Arc<AtomicI64>,
}

impl SimClock {
    /// Moves this sim's time forward (or back, for negative values) by `secs`.
    pub fn advance(&self, secs: i64) {
        self.advance_millis(secs.saturating_mul(1000));
    }

    pub fn advance_millis(&self, millis: i64) {
        self.offset_millis.fetch_add(millis, Ordering::Relaxed);
    }

    pub fn now_millis(&self) -> u64 {
        let offset = self.offset_millis.load(Ordering::Relaxed);
        now_millis().saturating_add_signed(offset)
    }

    pub fn now_unix(&self) -> u64 {
        self.now_millis() / 1000
    }
}

/// Broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl UtcTime {
    pub fn from_unix(secs: u64) -> Self {
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// `2024-01-31 10:00:00Z`: the identity platform's `timestamp` (a space, not ISO's `T`).
    pub fn entra_timestamp(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2021-05-18T19:12:36`: Graph's `innerError.date`, which carries no zone.
    pub fn graph_error_date(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2021-05-18T19:12:36Z`: Graph's `DateTimeOffset` properties such as `createdDateTime`.
    pub fn iso8601(&self) -> String {
        format!("{}Z", self.graph_error_date())
    }

    /// `2021-05-18T19:12:36.1234567Z`: Intune's timestamps, with seven fractional digits (`ticks`
    /// are the 100 ns units below the second, 0..10,000,000).
    pub fn iso8601_ticks(&self, ticks: u32) -> String {
        format!("{}.{:07}Z", self.graph_error_date(), ticks % 10_000_000)
    }
}

/// `2024-01-31`, `2024/01/31`, `2024-01-31 10:00`, `2024-01-31 10:00:00` or
/// `2024-01-31T10:00:00.123Z` (UTC) to Unix seconds; `None` for anything else.
pub fn parse_datetime(text: &str) -> Option<u64> {
    let text = text.trim().trim_end_matches(['Z', 'z']);
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.split(['-', '/']);
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (year, month, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if y.len() != 4 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = 0u64;
    if let Some(time) = time {
        let time = time.split('.').next()?;
        let fields: Vec<&str> = time.split(':').collect();
        if !(2..=3).contains(&fields.len()) {
            return None;
        }
        let mut unit = 3600;
        for field in fields {
            let value: u64 = field.parse().ok()?;
            if value >= if unit == 3600 { 24 } else { 60 } {
                return None;
            }
            secs += value * unit;
            unit /= 60;
        }
    }
    let days = days_from_civil(year, month, day);
    u64::try_from(days).ok().map(|d| d * 86_400 + secs)
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from(if month > 2 { month - 3 } else { month + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_formats_and_the_short_forms() {
        for secs in [0, 1_621_365_156, 1_709_208_000, 4_102_444_799] {
            assert_eq!(
                parse_datetime(&UtcTime::from_unix(secs).iso8601()),
                Some(secs)
            );
        }
        assert_eq!(parse_datetime("2021-05-18"), Some(1_621_296_000));
        assert_eq!(parse_datetime("2021/05/18 19:12"), Some(1_621_365_120));
        assert_eq!(
            parse_datetime("2021-05-18T19:12:36.284Z"),
            Some(1_621_365_156)
        );
        for bad in [
            "",
            "yesterday",
            "2021-13-01",
            "2021-05-18 25:00",
            "21-05-18",
            "2021-05",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(UtcTime::from_unix(0).iso8601(), "1970-01-01T00:00:00Z");
        // 2021-05-18T19:12:36Z, the date in Graph's error documentation.
        let t = UtcTime::from_unix(1_621_365_156);
        assert_eq!(t.graph_error_date(), "2021-05-18T19:12:36");
        assert_eq!(t.entra_timestamp(), "2021-05-18 19:12:36Z");
        // A leap day.
        assert_eq!(
            UtcTime::from_unix(1_709_208_000).iso8601(),
            "2024-02-29T12:00:00Z"
        );
    }
}
