//! The audit trail: who saved settings or started, confirmed, cancelled or resynced a run, and when.
//!
//! KVS is metered per request and per 10 KB (forge.md), so the trail is a ring of small pages:
//! `audit:page:<n mod PAGES>` holds up to [`PAGE_ENTRIES`] entries of page `n`, and `audit:head`
//! names the page being filled. An append reads the head and its page and writes one page (and the
//! head when a new page starts): about one read and one write unit per action, whatever the
//! trail's length. Listing reads every page once. [`PAGES`] pages keep at least [`AUDIT_KEEP`]
//! entries, because the oldest page is overwritten only when a new one starts.

mod entry;

use serde::{Deserialize, Serialize};

pub use entry::{AuditAction, AuditEntry, AuditInput};

use crate::sync::{KvStore, StoreError, StoreErrorKind};

/// Entries the trail keeps at least.
pub const AUDIT_KEEP: usize = 200;
/// Entries per page: an entry is a few hundred bytes, so a page stays within one 10 KB unit.
pub const PAGE_ENTRIES: usize = 20;
/// Full pages for [`AUDIT_KEEP`] entries plus the one being filled.
pub const PAGES: u64 = (AUDIT_KEEP / PAGE_ENTRIES) as u64 + 1;

pub const HEAD_KEY: &str = "audit:head";

fn page_key(n: u64) -> String {
    format!("audit:page:{}", n % PAGES)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Head {
    page: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Page {
    /// The page's number; a slot holding another number is an older page, to be overwritten.
    n: u64,
    entries: Vec<AuditEntry>,
}

/// Reads what is stored under `key`; a damaged value counts as absent (the trail is a record,
/// never a reason for an admin's action to fail).
async fn load<T: serde::de::DeserializeOwned>(
    store: &impl KvStore,
    key: &str,
) -> Result<Option<T>, StoreError> {
    Ok(store
        .get(key)
        .await?
        .and_then(|v| serde_json::from_value(v).ok()))
}

async fn save<T: Serialize>(store: &impl KvStore, key: &str, value: &T) -> Result<(), StoreError> {
    let value = serde_json::to_value(value).map_err(|e| StoreError {
        operation: "set",
        key: key.to_string(),
        message: e.to_string(),
        kind: StoreErrorKind::Failed,
    })?;
    store.set(key, &value).await
}

/// The page being filled: the head's, or the next one when the head's is full (or was already
/// started by an append whose head write was lost).
async fn current(store: &impl KvStore) -> Result<(u64, Page, bool), StoreError> {
    let head: Head = load(store, HEAD_KEY).await?.unwrap_or_default();
    let page = load::<Page>(store, &page_key(head.page))
        .await?
        .filter(|p| p.n == head.page)
        .unwrap_or(Page {
            n: head.page,
            entries: Vec::new(),
        });
    if page.entries.len() < PAGE_ENTRIES {
        return Ok((head.page, page, false));
    }
    let next = head.page + 1;
    let started = load::<Page>(store, &page_key(next))
        .await?
        .filter(|p| p.n == next && p.entries.len() < PAGE_ENTRIES)
        .unwrap_or(Page {
            n: next,
            entries: Vec::new(),
        });
    Ok((next, started, true))
}

/// Appends one entry built from `input`; returns it.
pub async fn record(store: &impl KvStore, input: AuditInput) -> Result<AuditEntry, StoreError> {
    let entry = AuditEntry::from_input(input);
    let (n, mut page, moved) = current(store).await?;
    page.entries.push(entry.clone());
    // The page first: a lost head write is found again by `current`, never loses an entry.
    save(store, &page_key(n), &page).await?;
    if moved {
        save(store, HEAD_KEY, &Head { page: n }).await?;
    }
    Ok(entry)
}

/// The newest [`AUDIT_KEEP`] entries, newest first.
pub async fn list(store: &impl KvStore) -> Result<Vec<AuditEntry>, StoreError> {
    let head: Head = load(store, HEAD_KEY).await?.unwrap_or_default();
    let mut entries = Vec::new();
    // The head's page and the one after it (started by an append whose head write was lost).
    for n in (head.page.saturating_sub(PAGES - 1)..=head.page + 1).rev() {
        if let Some(page) = load::<Page>(store, &page_key(n)).await? {
            if page.n == n {
                entries.extend(page.entries.into_iter().rev());
            }
        }
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
    entries.truncate(AUDIT_KEEP);
    Ok(entries)
}

#[cfg(test)]
mod tests;
