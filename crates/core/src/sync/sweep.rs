//! Run data left behind: the staged chunks and retire lists (`run:<id>:chunk:<n>`,
//! `run:<id>:retire:<n>`) of runs that are no longer active, because a crash or a failed cleanup
//! kept them from being removed. Only one run is active at a time, and a run's first step comes
//! before it stages anything, so there every staged key of another run id is an orphan. The run
//! sweeps them before it reads, through the paced store (KVS meters the listing by the values it
//! returns, and each delete as a write), a page of keys at a time, across steps if there are many.

use super::checkpoint::Checkpoint;
use super::error::SyncError;
use super::step::Step;
use super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;

const PREFIX: &str = "run:";

/// Whether `key` is staged data of a run other than `run_id`: `run:<id>:<chunk|retire>:<n>`.
/// Anything else under `run:` (the active run, a cancel request, shapes this code does not
/// write) is left alone.
pub fn orphaned(key: &str, run_id: &str) -> bool {
    let parts: Vec<&str> = key.split(':').collect();
    matches!(parts.as_slice(), ["run", id, "chunk" | "retire", n]
        if *id != run_id && !id.is_empty() && n.parse::<u32>().is_ok())
}

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Deletes orphaned run data until none is left (true) or the step's budget is spent (false;
    /// the next step lists again from the start, as KVS cursors do not outlive an invocation).
    pub(super) async fn sweep(&mut self, cp: &mut Checkpoint) -> Result<bool, SyncError> {
        let mut cursor: Option<String> = None;
        loop {
            if !self.has_time(0) {
                return Ok(false);
            }
            self.units += 1;
            let page = self.store.list(PREFIX, cursor.as_deref()).await?;
            for key in page.keys.iter().filter(|k| orphaned(k, &cp.run_id)) {
                self.store.delete(key).await?;
                cp.swept_keys += 1;
            }
            cursor = page.cursor;
            if cursor.is_none() {
                break;
            }
        }
        if cp.swept_keys > 0 {
            cp.warn(format!(
                "Removed {} stored values that earlier runs staged and did not clean up (a crash or a failed cleanup left them under run:<id>:).",
                cp.swept_keys
            ));
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::orphaned;

    #[test]
    fn only_staged_data_of_other_runs_is_orphaned() {
        let own = "run-2";
        assert!(orphaned("run:run-1:chunk:0", own));
        assert!(orphaned("run:run-1:retire:12", own));
        for kept in [
            "run:run-2:chunk:0",
            "run:run-2:retire:3",
            "run:active",
            "run:cancel",
            "run:run-1:chunk:x",
            "run:run-1:other:1",
            "run::chunk:1",
            "runs:run-1:chunk:1",
            "run:run-1:chunk:1:extra",
        ] {
            assert!(!orphaned(kept, own), "{kept}");
        }
    }
}
