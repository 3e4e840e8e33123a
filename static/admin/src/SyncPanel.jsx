// Sync now, the run in progress (phase, data set, counts; indeterminate until the first step
// reports), Cancel, and the way back to a mass-deletion question left open.
import Button from '@atlaskit/button/new';
import ButtonGroup from '@atlaskit/button/button-group';
import Heading from '@atlaskit/heading';
import ProgressBar from '@atlaskit/progress-bar';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';

function describe(active, fmt, label) {
  const p = active.progress;
  if (active.cancelling) return 'Cancelling: the sync stops after the current step…';
  if (active.status === 'awaitingConfirmation') return 'Waiting for you to confirm the removals.';
  if (!p) return 'Starting…';
  const parts = [p.phase.charAt(0).toUpperCase() + p.phase.slice(1)];
  if (p.dataset) parts.push(label(p.dataset));
  // pages and written come with live progress inside a step (issue "Never silently wrong").
  if (Number.isFinite(p.pages)) parts.push(`${fmt.number(p.pages)} pages`);
  parts.push(`${fmt.number(p.read)} objects read`);
  if (Number.isFinite(p.written)) parts.push(`${fmt.number(p.written)} written`);
  return `${parts.join(' · ')} · ${fmt.number(p.percent)} %`;
}

export function SyncPanel({ active, busy, message, unsavedAsk, fmt, label, onSync, onCancel, onReview, onSyncSaved, onKeepEditing }) {
  return (
    <section aria-labelledby="sync-title" className="card">
      <Heading as="h2" size="medium" id="sync-title">
        Sync
      </Heading>
      <div className="actions">
        <ButtonGroup label="Sync actions">
          {/* Busy, not disabled, while a run goes: focus stays on it (aria-disabled). */}
          <Button id="syncNow" appearance="primary" onClick={onSync} isLoading={busy === 'sync' || Boolean(active)}>
            Sync now
          </Button>
          {active ? (
            <Button id="cancel" onClick={onCancel} isLoading={busy === 'cancel'}>
              Cancel sync
            </Button>
          ) : null}
          {active?.status === 'awaitingConfirmation' ? (
            <Button id="review" onClick={onReview}>
              Review the removals
            </Button>
          ) : null}
        </ButtonGroup>
      </div>
      {unsavedAsk ? (
        <div id="unsaved">
          <SectionMessage
            appearance="warning"
            title="You have unsaved changes"
            actions={[
              <SectionMessageAction key="sync" onClick={onSyncSaved}>
                Sync with the saved settings
              </SectionMessageAction>,
              <SectionMessageAction key="edit" onClick={onKeepEditing}>
                Keep editing
              </SectionMessageAction>,
            ]}
          >
            <p>A sync uses the saved settings. Save first to sync with your changes.</p>
          </SectionMessage>
        </div>
      ) : null}
      {active ? (
        <div id="run" className="run">
          <ProgressBar ariaLabel="Sync progress" value={(active.progress?.percent ?? 0) / 100} isIndeterminate={!active.progress || active.status === 'awaitingConfirmation'} />
          <p id="progress-text" role="status">
            {describe(active, fmt, label)}
          </p>
        </div>
      ) : null}
      <div id="sync-result" aria-live="polite" data-outcome={message?.outcome}>
        {message ? (
          <SectionMessage appearance={message.appearance} title={message.title}>
            {message.body ? <p>{message.body}</p> : null}
          </SectionMessage>
        ) : null}
      </div>
    </section>
  );
}
