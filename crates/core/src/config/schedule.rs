//! The Schedule section: how often the hourly trigger starts a run, and whether it does at all.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{ConfigField, ConfigProblem, problem};
use super::input::{flag, section, text};
use crate::settings::shown;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Interval {
    Hour,
    SixHours,
    Day,
}

impl Interval {
    pub fn millis(self) -> u64 {
        match self {
            Interval::Hour => 3_600_000,
            Interval::SixHours => 6 * 3_600_000,
            Interval::Day => 24 * 3_600_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub interval: Interval,
    pub enabled: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: Interval::Day,
            enabled: true,
        }
    }
}

/// Scheduled triggers fire hourly and drift a little; a run that comes this much early is on time.
const SCHEDULE_SLACK_MS: u64 = 5 * 60_000;

impl Schedule {
    /// Whether an hourly trigger firing at `now_ms` should start a run, given when the last
    /// scheduled run started. Missed runs never pile up: however long ago the last one was, one
    /// trigger starts one run.
    pub fn due(&self, last_started_ms: Option<u64>, now_ms: u64) -> bool {
        self.enabled
            && last_started_ms.is_none_or(|last| {
                now_ms.saturating_add(SCHEDULE_SLACK_MS)
                    >= last.saturating_add(self.interval.millis())
            })
    }
}

pub(super) fn schedule_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Schedule> {
    let map = section(value, ConfigField::Schedule, problems)?;
    let interval = text(
        map.get("interval"),
        &ConfigField::ScheduleInterval,
        problems,
    );
    let interval = match interval.as_deref() {
        None => None,
        Some("hour") => Some(Interval::Hour),
        Some("sixHours") => Some(Interval::SixHours),
        Some("day") => Some(Interval::Day),
        Some(other) => {
            problems.push(problem(
                ConfigField::ScheduleInterval,
                if other.is_empty() {
                    "Choose how often to sync: every hour, every 6 hours or daily.".to_string()
                } else {
                    format!("\"{}\" is not an interval Entra Sync offers. Choose every hour, every 6 hours or daily.", shown(other))
                },
            ));
            None
        }
    };
    let enabled = match (map.get("enabled"), flag(map.get("enabled"))) {
        (_, Some(on)) => Some(on),
        (None | Some(Value::Null), None) => Some(true),
        (Some(_), None) => {
            problems.push(problem(
                ConfigField::ScheduleEnabled,
                "Scheduled sync must be switched on or off (true or false).",
            ));
            None
        }
    };
    Some(Schedule {
        interval: interval?,
        enabled: enabled?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_due_only_when_enabled_and_the_interval_passed() {
        let hour = 3_600_000;
        let daily = Schedule {
            interval: Interval::Day,
            enabled: true,
        };
        assert!(daily.due(None, 0));
        assert!(!daily.due(Some(0), hour));
        assert!(!daily.due(Some(0), 23 * hour - 6 * 60_000));
        assert!(
            daily.due(Some(0), 24 * hour - 60_000),
            "a trigger a minute early is on time"
        );
        assert!(
            daily.due(Some(0), 100 * 24 * hour),
            "a long gap gives one run, not many"
        );
        let off = Schedule {
            enabled: false,
            ..daily
        };
        assert!(!off.due(None, 0));
    }
}
