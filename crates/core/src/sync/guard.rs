//! What a run may remove: the deletion policy, and the mass-deletion guard that stops a run before
//! it removes more than the admin expects.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeletionPolicy {
    /// Objects gone from Entra stay in Assets with status "Deleted in Entra".
    Retire,
    /// Objects gone from Entra are deleted from Assets.
    Delete,
}

/// The deletion policy and the mass-deletion guard: a run that would retire more than
/// `max(percent % of the known objects of a type, minimum)` stops and asks for confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guard {
    pub policy: DeletionPolicy,
    pub percent: u8,
    pub minimum: u64,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            policy: DeletionPolicy::Retire,
            percent: 5,
            minimum: 500,
        }
    }
}

impl Guard {
    /// The most objects of a type with `known` committed objects that may go without confirmation.
    pub fn threshold(&self, known: u64) -> u64 {
        (known.saturating_mul(u64::from(self.percent)) / 100).max(self.minimum)
    }
}

/// Names shown per object type in the guard's question.
pub const QUESTION_SAMPLES: usize = 10;
/// Longest name shown; Assets labels are free text.
const SAMPLE_MAX_CHARS: usize = 120;

impl DeletionPolicy {
    /// The verb the admin confirms with: the policy's own action.
    pub fn verb(self) -> &'static str {
        match self {
            DeletionPolicy::Retire => "Retire",
            DeletionPolicy::Delete => "Delete",
        }
    }
}

/// What the mass-deletion guard asks: every object the run would retire or delete, per object
/// type, with a few names each. `total` is exactly what the run then removes once confirmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardQuestion {
    pub verb: String,
    pub total: u64,
    pub types: Vec<TypeRemoval>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeRemoval {
    /// The object type's key (`user`, `groupMembership`, ...).
    #[serde(rename = "type")]
    pub object_type: String,
    /// Its name in Assets.
    pub label: String,
    pub count: u64,
    /// Up to [`QUESTION_SAMPLES`] names (Assets labels, else the Entra id).
    pub samples: Vec<String>,
}

impl GuardQuestion {
    pub fn new(policy: DeletionPolicy) -> Self {
        GuardQuestion {
            verb: policy.verb().to_string(),
            total: 0,
            types: Vec::new(),
        }
    }

    /// Adds one object type's removals; `ids` are its first ids, shown until names replace them.
    pub fn add(&mut self, key: &str, label: &str, count: u64, ids: &[String]) {
        if count == 0 {
            return;
        }
        self.total += count;
        self.types.push(TypeRemoval {
            object_type: key.to_string(),
            label: label.to_string(),
            count,
            samples: ids
                .iter()
                .take(QUESTION_SAMPLES)
                .map(|id| shorten(id))
                .collect(),
        });
    }
}

pub(crate) fn shorten(name: &str) -> String {
    if name.chars().count() <= SAMPLE_MAX_CHARS {
        return name.to_string();
    }
    let mut short: String = name.chars().take(SAMPLE_MAX_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_counts_every_type_and_shows_at_most_ten_names_each() {
        let mut question = GuardQuestion::new(DeletionPolicy::Delete);
        let ids: Vec<String> = (0..14).map(|n| format!("id-{n}")).collect();
        question.add("user", "Entra User", 4, &ids[..4]);
        question.add("groupMembership", "Entra Group Membership", 14, &ids);
        question.add("licence", "Licence", 0, &[]);
        assert_eq!(question.verb, "Delete");
        assert_eq!(question.total, 18, "every type counts, not the largest");
        assert_eq!(
            question.types.len(),
            2,
            "types with nothing to remove are left out"
        );
        assert_eq!(question.types[1].samples.len(), QUESTION_SAMPLES);
        assert_eq!(question.types[0].samples.len(), 4);
    }

    #[test]
    fn long_names_are_shortened() {
        let long = "x".repeat(500);
        assert_eq!(shorten(&long).chars().count(), SAMPLE_MAX_CHARS);
    }
}
