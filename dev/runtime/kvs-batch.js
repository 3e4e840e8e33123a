// KVS batch calls as @forge/kvs 1.6.5 makes them: `kvs.batchSet/batchGet/batchDelete(items)` POST
// the bare array of items to /api/v1/batch/{set,get,delete} and read back
// `{successfulKeys, failedKeys}`; the package itself caps nothing.
//
// Forge's documented rules ("Executing batch operations", storage reference): at most 25 keys a
// batch; a batchSet carries at most 4 MB; a batch without keys, or naming one key twice, fails
// whole; otherwise each key succeeds or fails on its own, "as many as possible". The 45 batch
// calls a minute the same pages name is enforced by the quota (quota.js), per installation like
// the rest of it (the page does not say per what: a guess).
//
// GUESSES (Forge does not document them; kept on the side that costs the app more, so code that
// fits here fits on Forge): each key is priced as its own request, since Forge says a batch runs
// its requests in parallel: its own units (10 KB of its data, rounded up) and its own place in
// the 1,000 requests a second; a key refused by its own checks costs nothing; a batchGet of a
// missing key lists it under failedKeys with KEY_NOT_FOUND (and costs a unit, as a single get
// does); a batchDelete of a missing key succeeds. Error codes of whole-batch refusals are ours.
import { KvsError } from './kvs-error.js';
import { unitsFor } from './quota.js';

export const BATCH_KEYS_MAX = 25;
export const BATCH_SET_BYTES_MAX = 4 * 1024 * 1024;

const sizeOf = (value) => Buffer.byteLength(JSON.stringify(value ?? null));

/** Checks what fails a batch whole: not a list, empty, too many keys, a key twice, entities. */
function checkBatch(verb, items) {
  if (!Array.isArray(items)) {
    throw new KvsError(400, 'INVALID_REQUEST_BODY', `kvs.${verb} takes a list of items ({key, …}); got ${typeof items}.`);
  }
  if (items.length === 0) throw new KvsError(400, 'EMPTY_BATCH', `kvs.${verb} was given no keys: send at least one.`);
  if (items.length > BATCH_KEYS_MAX) {
    throw new KvsError(400, 'TOO_MANY_KEYS', `kvs.${verb} holds at most ${BATCH_KEYS_MAX} keys; got ${items.length}. Split it into several batches.`);
  }
  const seen = new Set();
  for (const item of items) {
    if (item?.entityName !== undefined) {
      throw new KvsError(501, 'NOT_IMPLEMENTED', `kvs.${verb}: the local runtime has no Custom Entity Store (item "${item.key}" names entity "${item.entityName}").`);
    }
    if (seen.has(item?.key)) throw new KvsError(400, 'DUPLICATE_KEYS', `kvs.${verb} names key "${item?.key}" more than once: each key may appear once a batch.`);
    seen.add(item?.key);
  }
}

// Sorts each item into the failed (its own checks refuse it) or the accepted.
function sortItems(items, check) {
  const failed = [];
  const accepted = [];
  for (const item of items) {
    try {
      check(item);
      accepted.push(item);
    } catch (error) {
      if (!(error instanceof KvsError)) throw error;
      failed.push({ key: String(item?.key), error: { code: error.code, message: error.message } });
    }
  }
  return { failed, accepted };
}

/** The batch routes over the KVS table `values` (kvs.js): each returns a plan as kvs.js runs it. */
export function batchRoutes(values) {
  function batchSet(items) {
    checkBatch('batchSet', items);
    const bytes = Buffer.byteLength(JSON.stringify(items));
    if (bytes > BATCH_SET_BYTES_MAX) {
      throw new KvsError(413, 'PAYLOAD_TOO_LARGE', `kvs.batchSet carries at most ${BATCH_SET_BYTES_MAX} bytes; got ${bytes}. Send fewer or smaller values a batch.`);
    }
    const { failed, accepted } = sortItems(items, ({ key, value }) => values.check(key, value ?? null));
    const sizes = accepted.map(({ value }) => sizeOf(value));
    return {
      kind: 'write',
      keys: accepted.length,
      bytes: sizes.reduce((a, b) => a + b, 0),
      units: sizes.reduce((n, size) => n + unitsFor(size), 0),
      run: () => {
        accepted.forEach(({ key, value }) => values.set(key, value ?? null));
        return { successfulKeys: accepted.map(({ key }) => ({ key })), failedKeys: failed };
      },
    };
  }

  function batchGet(items) {
    checkBatch('batchGet', items);
    const { failed, accepted } = sortItems(items, ({ key }) => values.check(key));
    const sizes = accepted.map(({ key }) => values.size(key));
    return {
      kind: 'read',
      keys: accepted.length,
      bytes: sizes.reduce((a, b) => a + b, 0),
      units: sizes.reduce((n, size) => n + unitsFor(size), 0),
      run: () => {
        const found = accepted.filter(({ key }) => values.rows.has(key));
        const missing = accepted
          .filter(({ key }) => !values.rows.has(key))
          .map(({ key }) => ({ key, error: { code: 'KEY_NOT_FOUND', message: `No value stored for "${key}".` } }));
        return { successfulKeys: found.map(({ key }) => ({ key, value: values.rows.get(key) })), failedKeys: [...failed, ...missing] };
      },
    };
  }

  function batchDelete(items) {
    checkBatch('batchDelete', items);
    const { failed, accepted } = sortItems(items, ({ key }) => values.check(key));
    return {
      kind: 'write',
      keys: accepted.length,
      bytes: 0,
      units: accepted.length,
      run: () => {
        accepted.forEach(({ key }) => values.delete(key));
        return { successfulKeys: accepted.map(({ key }) => ({ key })), failedKeys: failed };
      },
    };
  }

  return { '/api/v1/batch/set': batchSet, '/api/v1/batch/get': batchGet, '/api/v1/batch/delete': batchDelete };
}
