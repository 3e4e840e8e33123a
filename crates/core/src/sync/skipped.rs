//! Graph items a run cannot read (no id, a property of the wrong type, a bad value): each is skipped
//! and listed in the run log with where it was, and the run goes on. Too many of one data set means
//! something is wrong beyond one item, and the data set fails (`SyncError::TooManySkipped`).
//!
//! The list travels in the checkpoint, which travels in a queue event (≤ 100 KB): only the first
//! [`MAX_LISTED`] items are listed, each with its reason cut short; every one is counted.

use serde::{Deserialize, Serialize};

use super::datasets::{Dataset, ItemError};

/// Items listed in the run log; the rest are counted only.
pub const MAX_LISTED: usize = 20;
/// A data set may skip this many items whatever its size…
pub const ALLOWED: u64 = 10;
/// …and, beyond that, up to this share of the items it read (in percent).
pub const ALLOWED_PERCENT: u64 = 1;

const MAX_REASON_CHARS: usize = 240;
const MAX_ID_CHARS: usize = 80;

/// One item that was skipped, and where Graph sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedItem {
    pub dataset: Dataset,
    /// What is wrong with it, in the reader's words.
    pub reason: String,
    /// The item's id when it has a readable one: its object is kept as it is (not retired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The page of the data set's round (1 for the first) and the item's place on it (0 first).
    pub page: u64,
    pub index: u64,
    /// The page's Graph `request-id`, for a Microsoft support case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl SkippedItem {
    pub fn new(
        error: &ItemError,
        id: Option<&str>,
        page: u64,
        index: u64,
        request_id: Option<&str>,
    ) -> Self {
        SkippedItem {
            dataset: error.dataset,
            reason: shorten(&error.problem.to_string(), MAX_REASON_CHARS),
            id: id.map(|id| shorten(id, MAX_ID_CHARS)),
            page,
            index,
            request_id: request_id.map(|id| shorten(id, MAX_ID_CHARS)),
        }
    }
}

/// Whether `skipped` unreadable items out of `items` read are more than a data set may skip:
/// more than [`ALLOWED`] and more than [`ALLOWED_PERCENT`] of the items.
pub fn too_many(skipped: u64, items: u64) -> bool {
    skipped > ALLOWED && skipped.saturating_mul(100) > items.saturating_mul(ALLOWED_PERCENT)
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::datasets::ItemProblem;

    #[test]
    fn a_data_set_may_skip_ten_items_or_one_percent() {
        assert!(!too_many(10, 10));
        assert!(too_many(11, 20));
        assert!(!too_many(11, 1_100), "exactly 1 %");
        assert!(too_many(12, 1_100));
        assert!(!too_many(1_000, 200_000));
    }

    #[test]
    fn long_reasons_and_ids_are_cut_short() {
        let error = ItemError {
            dataset: Dataset::Groups,
            problem: ItemProblem::Shape("x".repeat(1_000)),
        };
        let item = SkippedItem::new(&error, Some(&"i".repeat(500)), 3, 7, Some("r"));
        assert_eq!(item.reason.chars().count(), MAX_REASON_CHARS);
        assert_eq!(item.id.as_deref().map(|id| id.chars().count()), Some(80));
        assert_eq!((item.page, item.index), (3, 7));
    }
}
