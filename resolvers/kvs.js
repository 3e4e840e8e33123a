// KVS for the handlers' own calls (run bookkeeping, settings, audit, imports). Forge refuses calls
// past the installation's quota with 429 RATE_LIMIT_EXCEEDED; the core says how long to wait before
// sending a refused call again, and when to give up because the invocation's time would run out.
// The engine's own calls in a sync step are paced inside the core and do not come through here.
import { getAppContext } from '@forge/api';
import { kvs as forgeKvs } from '@forge/kvs';
import { kvsRetryWait } from './core.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `call` (a KVS call on `key`), sending it again after each wait the core names. */
export async function paced(key, call) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const wait = kvsRetryWait(error, attempt, key, Date.now(), getAppContext().invocationRemainingTimeInMillis());
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }
}

export const kvs = {
  get: (key) => paced(key, () => forgeKvs.get(key)),
  set: (key, value) => paced(key, () => forgeKvs.set(key, value)),
  delete: (key) => paced(key, () => forgeKvs.delete(key)),
  getSecret: (key) => paced(key, () => forgeKvs.getSecret(key)),
  setSecret: (key, value) => paced(key, () => forgeKvs.setSecret(key, value)),
  deleteSecret: (key) => paced(key, () => forgeKvs.deleteSecret(key)),
  /** Query and transaction builders go to Forge as they are; wrap their final call in `paced`. */
  query: () => forgeKvs.query(),
  transact: () => forgeKvs.transact(),
};
