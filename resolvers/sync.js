// Resolvers behind Sync now, run progress, cancel, confirmation, history and the run log.
import { audit } from './audit.js';
import { activeRun, cancelRun, confirmRun, history, startRun } from './runs.js';

// What the page shows of a finished run: counts and duration, never staged data.
const summary = (report) => ({
  runId: report.runId,
  trigger: report.trigger,
  outcome: report.outcome,
  startedMs: report.startedMs,
  endedMs: report.endedMs,
  datasets: report.datasets,
  warnings: report.warnings?.length ?? 0,
  errors: report.errors?.length ?? 0,
  expiringCredentials: report.expiry?.count ?? null,
});

export const syncResolvers = {
  async syncNow({ payload, context }) {
    const dryRun = payload?.dryRun === true;
    const fullResync = payload?.fullResync === true;
    const started = await startRun({ trigger: 'manual', dryRun, fullResync });
    if (started.started) await audit(context, fullResync ? 'resyncStarted' : dryRun ? 'dryRunStarted' : 'runStarted', { runId: started.runId });
    return started;
  },

  async runStatus() {
    // In turn: reading the active run may end a damaged one, whose report then is the last.
    const active = await activeRun();
    const [last] = await history(1);
    return { active, last: last ?? null };
  },

  async cancelRun({ context }) {
    const cancelled = await cancelRun();
    if (cancelled.ok) await audit(context, 'runCancelled', { runId: cancelled.runId });
    return cancelled;
  },

  async confirmDeletion({ payload, context }) {
    const runId = String(payload?.runId ?? '');
    const confirmed = await confirmRun(runId);
    if (confirmed.ok) await audit(context, 'runConfirmed', { runId });
    return confirmed;
  },

  async history({ payload }) {
    const reports = await history(20);
    return payload?.summary ? reports.map(summary) : reports;
  },

  /** Warnings, errors and skipped items of one run (the latest when no runId), with Graph request ids. */
  async runLog({ payload }) {
    const reports = await history(50);
    const report = payload?.runId ? reports.find((r) => r.runId === payload.runId) : reports[0];
    if (!report) return { ok: false, reason: 'No such run in the history.' };
    return { ok: true, runId: report.runId, outcome: report.outcome, warnings: report.warnings ?? [], errors: report.errors ?? [], skipped: report.skipped ?? [] };
  },

};
