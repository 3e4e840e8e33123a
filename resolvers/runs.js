// Sync runs as Forge sees them: the active run in KVS, one queue event per step, and a history of
// reports. The core's lifecycle (runEvent) decides everything about a run; this file loads what it
// needs, stores what it hands back and pushes the events it names. The steps themselves run in wasm.
import { Queue } from '@forge/events';
import { getAppContext } from '@forge/api';
import { WhereConditions } from '@forge/kvs';
import { beginConfiguredRun, runEvent, scheduleDue, storedConfig, syncStep } from './core.js';
import { kvs, paced } from './kvs.js';
import { engineStore, site } from './platform.js';
import { loadConfig, loadConnection, loadCredential, loadSecret, saveSecretExpiry } from './store.js';

export const queue = new Queue({ key: 'sync-queue' });

const ACTIVE_KEY = 'run:active';
// The run id an admin asked to cancel; kept apart from the active run, which a step in flight
// rewrites when it ends.
const CANCEL_KEY = 'run:cancel';
const SCHEDULE_KEY = 'schedule:last-started';
const HISTORY_PREFIX = 'history:';
const HISTORY_KEEP = 50;

const historyKey = (startedMs) => `${HISTORY_PREFIX}${String(9_999_999_999_999 - startedMs).padStart(13, '0')}`;

class PushFailed extends Error {}

async function fileReport(report) {
  await kvs.set(historyKey(report.startedMs), report);
  // The run read Entra Sync's own secret expiry: the banner shows it without Check connection.
  if (report.expiry?.own) await saveSecretExpiry(await loadSecret(), report.expiry.own.endDateTime);
  const { results } = await paced(HISTORY_PREFIX, () => kvs.query().where('key', WhereConditions.beginsWith(HISTORY_PREFIX)).limit(HISTORY_KEEP + 10).getMany());
  for (const { key } of results.slice(HISTORY_KEEP)) await kvs.delete(key);
}

/** Hands `event` to the core with the stored run, carries out what it asks, returns its answer. */
async function lifecycle(event) {
  const [stored, cancel] = await Promise.all([kvs.get(ACTIVE_KEY), kvs.get(CANCEL_KEY)]);
  const effects = runEvent({ stored: stored ?? null, cancel: cancel ?? null, nowMs: Date.now(), event });
  effects.warnings.forEach((warning) => console.warn(warning));
  if (effects.report) await fileReport(effects.report);
  if (effects.write.kind === 'set') await kvs.set(ACTIVE_KEY, effects.write.state);
  if (effects.write.kind === 'delete') await Promise.all([kvs.delete(ACTIVE_KEY), kvs.delete(CANCEL_KEY)]);
  if (effects.markCancel) await kvs.set(CANCEL_KEY, effects.markCancel);
  if (effects.push) {
    const { runId, seq } = effects.push;
    try {
      await queue.push([{ body: { runId, seq } }]);
    } catch (error) {
      await lifecycle({ kind: 'pushFailed', runId, seq });
      throw new PushFailed(`The next step of run ${runId} could not be queued (${error.message}).`);
    }
    await lifecycle({ kind: 'pushed', runId, seq });
  }
  return effects.answer;
}

/** A resolver's view of a push that failed: the run stays, and the next trigger pushes again. */
async function answering(event, onPushFailed) {
  try {
    return await lifecycle(event);
  } catch (error) {
    if (error instanceof PushFailed) return onPushFailed(error);
    throw error;
  }
}

/** The page's view of the active run, or null. */
export async function activeRun() {
  return (await lifecycle({ kind: 'status' })).active ?? null;
}

/** Starts a run unless one is going; returns `{started, runId}` or `{started: false, reason}`. */
export async function startRun({ trigger, dryRun = false, fullResync = false }) {
  const again = (error) => ({ started: false, reason: `${error.message} Press Sync now again to retry.` });
  const runId = `run-${Date.now()}`;
  const answer = await answering({ kind: 'start', runId, trigger, dryRun }, again);
  if (answer.kind === 'started') return { started: true, runId: answer.runId, ...(answer.resumed ? { resumed: true } : {}) };
  if (answer.kind !== 'begin') return { started: false, reason: answer.reason };
  const config = await loadConfig();
  let checkpoint;
  try {
    checkpoint = await beginConfiguredRun({ runId, trigger, dryRun, fullResync, config }, engineStore);
  } catch (error) {
    const refused = await lifecycle({ kind: 'beginFailed', runId, reason: error.message });
    return { started: false, reason: refused.reason ?? error.message };
  }
  const { workspaceId, schemaId, importSourceId } = config.destination;
  const destination = { workspaceId, schemaId, importSourceId };
  const begun = await answering({ kind: 'begun', runId, checkpoint, destination }, again);
  return begun.kind === 'started' ? { started: true, runId: begun.runId } : { started: false, reason: begun.reason ?? begun.why };
}

/** The queue consumer: one step of the active run, when the core says this event is due one. */
export async function runStep(event) {
  const answer = await lifecycle({ kind: 'deliver', body: event?.body ?? null, remainingMs: getAppContext().invocationRemainingTimeInMillis() });
  if (answer.kind !== 'step') return;
  const { runId, seq, sinceMs, checkpoint, destination, budget } = answer;
  const { tenantId, clientId } = await loadConnection();
  const settings = { tenantId, clientId, ...(await loadCredential()) };
  let result;
  try {
    result = await syncStep({ settings, destination, budget, checkpoint }, engineStore, site);
  } catch (error) {
    await lifecycle({ kind: 'stepThrew', runId, seq, sinceMs });
    throw error;
  }
  // A push that fails throws: the platform retries this event, and the core pushes again.
  await lifecycle({ kind: 'stepDone', runId, seq, sinceMs, result });
}

/** The admin confirmed the retirements the mass-deletion guard stopped for. */
export async function confirmRun(runId) {
  const answer = await answering({ kind: 'confirm', runId }, (error) => ({ kind: 'refused', reason: error.message, code: 'pushFailed' }));
  return answer.kind === 'done' ? { ok: true } : { ok: false, reason: answer.reason, code: answer.code };
}

export async function history(limit = 20) {
  const { results } = await paced(HISTORY_PREFIX, () => kvs.query().where('key', WhereConditions.beginsWith(HISTORY_PREFIX)).limit(Math.min(limit, 50)).getMany());
  return results.map((r) => r.value);
}

/** The admin asked to stop the active run: the next step ends it, at a step boundary. */
export async function cancelRun() {
  const answer = await answering({ kind: 'cancel' }, (error) => ({ kind: 'refused', reason: error.message }));
  return answer.kind === 'done' ? { ok: true, runId: answer.runId } : { ok: false, reason: answer.reason };
}

/**
 * The hourly trigger: starts a run when the saved schedule says one is due. A run in progress
 * means no new one (runs never overlap), and missed hours never pile up: one trigger, one run.
 */
export async function scheduledRun(nowMs = Date.now()) {
  const { config, problem } = storedConfig(await loadConfig());
  if (problem) return { started: false, reason: problem };
  if (!config) return { started: false, reason: 'not configured' };
  const last = (await kvs.get(SCHEDULE_KEY)) ?? null;
  if (!scheduleDue({ schedule: config.schedule, lastStartedMs: last, nowMs })) return { started: false, reason: 'not due' };
  const result = await startRun({ trigger: 'schedule' });
  if (result.started) await kvs.set(SCHEDULE_KEY, nowMs);
  return result;
}
