// Every function the manifest names. Each handler parses its input, calls the wasm core, and
// persists what the core returns; no sync logic lives in JavaScript.
import { makeResolver } from '@forge/resolver';
import { runStep } from './runs.js';
import { settingsResolvers } from './settings.js';
import { syncResolvers } from './sync.js';

export const resolverHandler = makeResolver({
  ...settingsResolvers,
  ...syncResolvers,
});

export async function workerHandler(event) {
  await runStep(event);
}
