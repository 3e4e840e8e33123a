//! What an admin may do to a run in flight: confirm the retirements the mass-deletion guard
//! stopped for, or cancel it. The handlers store the checkpoint this hands back; they never edit
//! its fields themselves.

use serde::Deserialize;

use super::checkpoint::{Checkpoint, Phase};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Command {
    Confirm,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("That run is not waiting for a confirmation.")]
    NotAwaitingConfirmation,
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NotAwaitingConfirmation => "notAwaitingConfirmation",
        }
    }
}

impl Checkpoint {
    /// Applies an admin's command; the next step acts on it (a cancel ends the run there).
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        match command {
            Command::Confirm if matches!(self.phase, Phase::AwaitingConfirmation { .. }) => {
                self.confirmed = true;
            }
            Command::Confirm => return Err(CommandError::NotAwaitingConfirmation),
            Command::Cancel => self.cancel_requested = true,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::datasets::Dataset;

    fn checkpoint() -> Checkpoint {
        Checkpoint::new(
            "run-1".into(),
            "manual".into(),
            false,
            0,
            &[(Dataset::Users, None, None)],
        )
    }

    #[test]
    fn only_a_run_stopped_by_the_guard_can_be_confirmed() {
        let mut reading = checkpoint();
        assert_eq!(
            reading.apply(Command::Confirm),
            Err(CommandError::NotAwaitingConfirmation)
        );
        assert!(!reading.confirmed);
        let mut waiting = checkpoint();
        waiting.phase = Phase::AwaitingConfirmation {
            retire: 900,
            threshold: 500,
        };
        assert_eq!(waiting.apply(Command::Confirm), Ok(()));
        assert!(waiting.confirmed);
    }

    #[test]
    fn any_run_can_be_cancelled() {
        let mut run = checkpoint();
        assert_eq!(run.apply(Command::Cancel), Ok(()));
        assert!(run.cancel_requested);
    }
}
