//! Passing causes never fail a run: a step whose Graph, token or Assets request still fails after
//! the retry policy (no answer, throttling, server errors), or whose waits would pass its budget,
//! ends at its last safe point, and the next step goes on from there, honouring any wait the
//! service named. Only a run that makes no progress at all for [`STALL_LIMIT_MS`] fails, naming
//! the last failure.

use serde::{Deserialize, Serialize};

use super::checkpoint::Checkpoint;
use super::error::SyncError;
use super::report::RunError;

/// How long a run may go without progress before a passing cause is taken as lasting.
pub const STALL_LIMIT_MS: u64 = 30 * 60_000;

/// Clock times before which Graph (and the token endpoint) and Assets are not sent anything: a
/// `Retry-After` (or our back-off) told in one step holds in the next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paused {
    pub graph_until_ms: u64,
    pub assets_until_ms: u64,
}

/// A run that has made no progress since `since_ms`; `last` is the failure that ended its last
/// step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stall {
    pub since_ms: u64,
    pub steps: u64,
    pub last: RunError,
}

/// What a step that failed for a passing cause leaves: `Ok` to go on in the next step (the
/// checkpoint is already back at the safe point), or the error that ends the run.
pub(super) fn pause(
    cp: &mut Checkpoint,
    safe: Option<Checkpoint>,
    progress_ms: Option<u64>,
    step_started_ms: u64,
    now_ms: u64,
    error: SyncError,
) -> Result<(), SyncError> {
    // Progress in this step restarts the count from the last safe point it reached; otherwise
    // the stall goes on from the step (or the earlier stall) before.
    let (since_ms, steps) = match (&cp.stall, progress_ms) {
        (_, Some(at)) => (at, 1),
        (Some(stall), None) => (stall.since_ms, stall.steps + 1),
        (None, None) => (step_started_ms, 1),
    };
    let last = RunError::run(error.to_string(), error.request_id().map(str::to_string));
    if now_ms.saturating_sub(since_ms) >= STALL_LIMIT_MS {
        return Err(SyncError::Stalled {
            minutes: now_ms.saturating_sub(since_ms) / 60_000,
            last: last.message,
            request_id: last.request_id,
        });
    }
    if let Some(safe) = safe {
        let tally = cp.tally.clone();
        *cp = safe;
        cp.tally = tally;
    }
    cp.tally.transient_paused_steps += 1;
    cp.warn(format!(
        "A step ended early and the next one went on from its last saved point: {}",
        last.message
    ));
    cp.stall = Some(Stall {
        since_ms,
        steps,
        last,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::TransportError;

    fn reset() -> SyncError {
        SyncError::Token(crate::auth::TokenError::Transport(TransportError {
            url: "https://login.microsoftonline.com/t/oauth2/v2.0/token".into(),
            message: "connection reset".into(),
        }))
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint::new("r".into(), "test".into(), false, 0, &[])
    }

    #[test]
    fn a_run_without_progress_fails_only_after_the_stall_limit() {
        let mut cp = checkpoint();
        let mut now = 1_000;
        // Steps that fail at once, a minute apart, for 29 minutes: the run goes on.
        while now < STALL_LIMIT_MS {
            pause(&mut cp, None, None, now, now + 1_000, reset()).expect("goes on");
            now += 60_000;
        }
        let stall = cp.stall.clone().expect("stalled");
        assert_eq!(stall.since_ms, 1_000);
        assert!(stall.last.message.contains("connection reset"));
        assert_eq!(cp.tally.transient_paused_steps, stall.steps);
        let error = pause(&mut cp, None, None, now, now + 1_000, reset()).expect_err("30 min");
        assert!(
            matches!(error, SyncError::Stalled { minutes: 30, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("connection reset"), "{error}");
    }

    #[test]
    fn progress_restarts_the_count_and_the_step_resumes_from_its_safe_point() {
        let mut cp = checkpoint();
        cp.stall = Some(Stall {
            since_ms: 0,
            steps: 40,
            last: RunError::run("old".into(), None),
        });
        let mut safe = cp.clone();
        safe.chunks = 3;
        cp.chunks = 4;
        cp.tally.graph_requests = 9;
        pause(
            &mut cp,
            Some(safe),
            Some(STALL_LIMIT_MS + 5_000),
            0,
            STALL_LIMIT_MS + 10_000,
            reset(),
        )
        .expect("progress was made");
        assert_eq!(cp.chunks, 3, "back at the safe point");
        assert_eq!(cp.tally.graph_requests, 9, "what was sent still counts");
        let stall = cp.stall.expect("stalled since the progress");
        assert_eq!((stall.since_ms, stall.steps), (STALL_LIMIT_MS + 5_000, 1));
    }
}
