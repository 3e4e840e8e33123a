// Every function the manifest names. Each handler parses its input, calls the wasm core, and
// persists what the core returns; no sync logic lives in JavaScript.
import { makeResolver } from '@forge/resolver';
import { adminOnly } from './admin.js';
import { auditResolvers } from './audit.js';
import { panelSettingsResolvers } from './panel-settings.js';
import { runStep, scheduledRun } from './runs.js';
import { settingsResolvers } from './settings.js';
import { syncResolvers } from './sync.js';

export { importStatus, onDeleteImport, startImport, stopImport } from './lifecycle.js';
export { panelHandler } from './panel.js';

const definitions = adminOnly({ ...settingsResolvers, ...syncResolvers, ...auditResolvers, ...panelSettingsResolvers });
const resolve = makeResolver(definitions);

// @forge/resolver looks keys up with `in`, so an inherited name such as `constructor` would reach
// Object.prototype without passing the admin check: such keys are unknown keys here.
export async function resolverHandler(request, platform) {
  const key = request?.call?.functionKey;
  if (typeof key !== 'string' || !Object.hasOwn(definitions, key)) throw new Error(`Resolver has no definition for '${key}'.`);
  return resolve(request, platform);
}

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
