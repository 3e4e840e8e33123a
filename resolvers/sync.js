// Resolvers behind Sync now, run progress, confirmation and history.
import { activeRun, confirmRun, history, startRun } from './runs.js';
import { validateDestination } from './core.js';
import { saveDestination } from './store.js';

export const syncResolvers = {
  async syncNow({ payload }) {
    return startRun({ trigger: 'manual', dryRun: payload?.dryRun === true, fullResync: payload?.fullResync === true });
  },

  async runStatus() {
    const active = await activeRun();
    const [last] = await history(1);
    return {
      active: active && { runId: active.runId, status: active.status, progress: active.progress, retire: active.retire, threshold: active.threshold, dryRun: active.dryRun },
      last: last ?? null,
    };
  },

  async confirmDeletion({ payload }) {
    return confirmRun(String(payload?.runId ?? ''));
  },

  async history() {
    return history(20);
  },

  async saveDestination({ payload }) {
    const destination = { workspaceId: String(payload?.workspaceId ?? '').trim(), importSourceId: String(payload?.importSourceId ?? '').trim() };
    const validation = validateDestination(destination);
    if (!validation.ok) return validation;
    await saveDestination(destination);
    return { ok: true };
  },
};
