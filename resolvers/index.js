// Every function the manifest names. Each handler parses its input, calls the wasm core, and
// persists what the core returns; no sync logic lives in JavaScript.
import { makeResolver } from '@forge/resolver';
import { settingsResolvers } from './settings.js';

export const resolverHandler = makeResolver({
  ...settingsResolvers,
});
