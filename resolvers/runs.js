// Sync runs as Forge sees them: a lease so runs never overlap, the active run's checkpoint in KVS,
// one queue event per step, and a history of reports. The steps themselves run in wasm.
import { Queue } from '@forge/events';
import { getAppContext } from '@forge/api';
import { kvs, WhereConditions } from '@forge/kvs';
import { applyCommand, beginConfiguredRun, scheduleDue, syncStep } from './core.js';
import { site, store } from './platform.js';
import { loadConfig, loadConnection, loadDestination, loadSecret } from './store.js';

export const queue = new Queue({ key: 'sync-queue' });

const LEASE_KEY = 'run:lease';
const ACTIVE_KEY = 'run:active';
// The run id an admin asked to cancel; kept apart from the active run, which a step in flight
// rewrites when it ends.
const CANCEL_KEY = 'run:cancel';
const SCHEDULE_KEY = 'schedule:last-started';
const HISTORY_PREFIX = 'history:';
const HISTORY_KEEP = 50;
// A step that has not refreshed the lease for this long is taken to be dead.
const LEASE_MS = 20 * 60 * 1000;
// Leave time after a step for saving its checkpoint and pushing the next event.
const SAFETY_MS = 20 * 1000;

const historyKey = (startedMs) => `${HISTORY_PREFIX}${String(9_999_999_999_999 - startedMs).padStart(13, '0')}`;

export async function activeRun() {
  return (await kvs.get(ACTIVE_KEY)) ?? null;
}

/** Starts a run unless one is going; returns `{started, runId}` or `{started: false, reason}`. */
export async function startRun({ trigger, dryRun = false, fullResync = false }) {
  const lease = await kvs.get(LEASE_KEY);
  if (lease && lease.expiresAt > Date.now()) {
    return { started: false, reason: `A sync is already running (started by ${lease.trigger}). Wait for it to finish or cancel it.` };
  }
  const config = await loadConfig();
  if (!config) return { started: false, reason: 'Choose the Assets destination (workspace and import) before syncing.' };
  const runId = `run-${Date.now()}`;
  await kvs.set(LEASE_KEY, { runId, trigger, expiresAt: Date.now() + LEASE_MS });
  let checkpoint;
  try {
    checkpoint = await beginConfiguredRun({ runId, trigger, dryRun, fullResync, config }, store);
  } catch (error) {
    await kvs.delete(LEASE_KEY);
    return { started: false, reason: error.message };
  }
  // The run writes where the settings pointed when it started, whatever is saved meanwhile.
  const destination = { workspaceId: config.destination.workspaceId, importSourceId: config.destination.importSourceId };
  await kvs.set(ACTIVE_KEY, { runId, seq: 0, trigger, dryRun, status: 'running', checkpoint, progress: null, startedMs: Date.now(), destination });
  await queue.push([{ body: { runId, seq: 0 } }]);
  return { started: true, runId };
}

async function finish(active, report) {
  await kvs.set(historyKey(report.startedMs), report);
  const { results } = await kvs.query().where('key', WhereConditions.beginsWith(HISTORY_PREFIX)).limit(HISTORY_KEEP + 10).getMany();
  for (const { key } of results.slice(HISTORY_KEEP)) await kvs.delete(key);
  await kvs.delete(ACTIVE_KEY);
  await kvs.delete(CANCEL_KEY);
  const lease = await kvs.get(LEASE_KEY);
  if (lease?.runId === active.runId) await kvs.delete(LEASE_KEY);
}

/** The queue consumer: one step of the active run. Stale or duplicate events are ignored. */
export async function runStep(event) {
  const { runId, seq } = event?.body ?? {};
  if (typeof runId !== 'string' || !Number.isInteger(seq)) {
    console.error(`sync-queue: ignoring an event without runId/seq: ${JSON.stringify(event?.body).slice(0, 200)}`);
    return;
  }
  const active = await activeRun();
  if (!active || active.runId !== runId || active.seq !== seq || active.status !== 'running') return;

  const settings = { ...(await loadConnection()), clientSecret: await loadSecret() };
  const destination = active.destination ?? (await loadDestination());
  const remaining = getAppContext().invocationRemainingTimeInMillis();
  const budget = {
    deadlineMs: Date.now() + Math.max(0, remaining - SAFETY_MS),
    maxRequests: Math.max(10, Math.floor(remaining / 60_000 + 1) * 100 - 10),
  };
  // A cancel ends the run in this step: the core cancels an Assets execution in flight and cleans up.
  const cancel = (await kvs.get(CANCEL_KEY)) === runId;
  const checkpoint0 = cancel ? applyCommand({ checkpoint: active.checkpoint, command: 'cancel' }) : active.checkpoint;
  const result = await syncStep({ settings, destination, budget, checkpoint: checkpoint0 }, store, site);
  const { checkpoint, progress, status } = result;
  if (status.kind === 'finished') return finish(active, status.report);

  const next = { ...active, checkpoint, progress };
  if (status.kind === 'awaitingConfirmation') {
    await kvs.set(ACTIVE_KEY, { ...next, status: 'awaitingConfirmation', retire: status.retire, threshold: status.threshold });
    return;
  }
  await kvs.set(ACTIVE_KEY, { ...next, seq: seq + 1 });
  await kvs.set(LEASE_KEY, { runId, trigger: active.trigger, expiresAt: Date.now() + LEASE_MS });
  await queue.push([{ body: { runId, seq: seq + 1 } }]);
}

/** The admin confirmed the retirements the mass-deletion guard stopped for. */
export async function confirmRun(runId) {
  const active = await activeRun();
  if (!active || active.runId !== runId) return { ok: false, reason: 'That run is not waiting for a confirmation.' };
  let checkpoint;
  try {
    checkpoint = applyCommand({ checkpoint: active.checkpoint, command: 'confirm' });
  } catch (error) {
    return { ok: false, reason: error.message, code: error.code };
  }
  const seq = active.seq + 1;
  await kvs.set(ACTIVE_KEY, { ...active, seq, status: 'running', checkpoint });
  await kvs.set(LEASE_KEY, { runId, trigger: active.trigger, expiresAt: Date.now() + LEASE_MS });
  await queue.push([{ body: { runId, seq } }]);
  return { ok: true };
}

export async function history(limit = 20) {
  const { results } = await kvs.query().where('key', WhereConditions.beginsWith(HISTORY_PREFIX)).limit(Math.min(limit, 50)).getMany();
  return results.map((r) => r.value);
}

/** The admin asked to stop the active run: the next step ends it, at a step boundary. */
export async function cancelRun() {
  const active = await activeRun();
  if (!active) return { ok: false, reason: 'No sync is running.' };
  await kvs.set(CANCEL_KEY, active.runId);
  if (active.status === 'awaitingConfirmation') {
    // Nothing is queued while the run waits: queue the step that ends it.
    const seq = active.seq + 1;
    await kvs.set(ACTIVE_KEY, { ...active, seq, status: 'running' });
    await queue.push([{ body: { runId: active.runId, seq } }]);
  }
  return { ok: true, runId: active.runId };
}

export async function cancelling(runId) {
  return (await kvs.get(CANCEL_KEY)) === runId;
}

/**
 * The hourly trigger: starts a run when the saved schedule says one is due. A run in progress
 * means no new one (runs never overlap), and missed hours never pile up: one trigger, one run.
 */
export async function scheduledRun(nowMs = Date.now()) {
  const config = await loadConfig();
  if (!config) return { started: false, reason: 'not configured' };
  const last = (await kvs.get(SCHEDULE_KEY)) ?? null;
  if (!scheduleDue({ schedule: config.schedule, lastStartedMs: last, nowMs })) return { started: false, reason: 'not due' };
  const result = await startRun({ trigger: 'schedule' });
  if (result.started) await kvs.set(SCHEDULE_KEY, nowMs);
  return result;
}
