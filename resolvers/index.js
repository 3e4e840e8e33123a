// Every function the manifest names. Each handler parses its input, calls the wasm core, and
// persists what the core returns; no sync logic lives in JavaScript.
import { makeResolver } from '@forge/resolver';
import { adminOnly } from './admin.js';
import { runStep, scheduledRun } from './runs.js';
import { settingsResolvers } from './settings.js';
import { syncResolvers } from './sync.js';

export { importStatus, onDeleteImport, startImport, stopImport } from './lifecycle.js';

export const resolverHandler = makeResolver(
  adminOnly({
    ...settingsResolvers,
    ...syncResolvers,
  }),
);

export async function workerHandler(event) {
  await runStep(event);
}

export async function scheduledSync() {
  try {
    const result = await scheduledRun();
    if (!result.started && result.reason !== 'not due' && result.reason !== 'not configured') console.warn(`scheduled sync skipped: ${result.reason}`);
  } catch (error) {
    console.error(`scheduled sync failed: ${error.message}`);
    return { statusCode: 500 };
  }
  return { statusCode: 204 };
}
