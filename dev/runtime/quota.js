// Forge's KVS and Custom Entity Store quota, per installation: 1,000 requests a second and 4,000
// read units and 4,000 write units a minute, a unit being 10 KB of one request's data, rounded up.
// Beyond either, Forge answers 429 RATE_LIMIT_EXCEEDED; the caller is expected to pace itself.
// Batch calls (kvs-batch.js) are also limited to 45 a minute, as Forge's batch page documents.
// `factor` scales every rate (0.1 = a tenth of Forge's), so tests can reach the pacing path cheaply.
export const UNIT_BYTES = 10 * 1024;
export const FORGE_KVS_QUOTA = { requestsPerSecond: 1000, readUnitsPerMinute: 4000, writeUnitsPerMinute: 4000, batchesPerMinute: 45 };

/** Units one request costs for `bytes` of data: at least one, rounded up. */
export const unitsFor = (bytes) => Math.max(1, Math.ceil(bytes / UNIT_BYTES));

/**
 * Parses the quota setting: `on` (Forge's rates), `off`, or a positive factor such as `0.1`.
 * Returns the factor, or null for off.
 */
export function parseQuota(setting) {
  if (setting === undefined || setting === null || setting === '' || setting === 'on') return 1;
  if (setting === 'off' || setting === false) return null;
  const factor = typeof setting === 'number' ? setting : Number(setting);
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new Error(`KVS quota setting ${JSON.stringify(setting)} is invalid: use "on" (Forge's rates), "off", or a positive factor such as 0.1 (FORGE_KVS_QUOTA / the kvsQuota runtime option).`);
  }
  return factor;
}

/** Parses the KVS platform latency in milliseconds (FORGE_KVS_LATENCY_MS / kvsLatencyMs). */
export function parseLatency(setting) {
  if (setting === undefined || setting === null || setting === '') return 0;
  const ms = Number(setting);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`KVS latency ${JSON.stringify(setting)} is invalid: use a number of milliseconds ≥ 0 (FORGE_KVS_LATENCY_MS / the kvsLatencyMs runtime option).`);
  }
  return ms;
}

/** A fixed window of `ms` that counts up to `limit` and opens afresh once it has passed. */
export class Window {
  constructor(ms, limit) {
    this.ms = ms;
    this.limit = limit;
    this.start = -Infinity;
    this.used = 0;
  }

  roll(now) {
    if (now - this.start >= this.ms) {
      this.start = now;
      this.used = 0;
    }
  }

  /** Whether `cost` fits; a request always fits an empty window, or one larger than the limit could never pass. */
  fits(cost) {
    return this.used === 0 || this.used + cost <= this.limit;
  }

  refillsInMs(now) {
    return Math.max(0, this.start + this.ms - now);
  }
}

export class QuotaExceeded extends Error {
  constructor(message, retryAfterMs) {
    super(message);
    this.code = 'RATE_LIMIT_EXCEEDED';
    this.status = 429;
    this.retryAfterMs = retryAfterMs;
  }
}

export function createKvsQuota({ factor, now = Date.now }) {
  if (factor === null) return { admit: () => {} };
  const requests = new Window(1000, Math.max(1, Math.floor(FORGE_KVS_QUOTA.requestsPerSecond * factor)));
  const batches = new Window(60_000, Math.max(1, Math.floor(FORGE_KVS_QUOTA.batchesPerMinute * factor)));
  const units = {
    read: new Window(60_000, Math.max(1, Math.floor(FORGE_KVS_QUOTA.readUnitsPerMinute * factor))),
    write: new Window(60_000, Math.max(1, Math.floor(FORGE_KVS_QUOTA.writeUnitsPerMinute * factor))),
  };

  /**
   * Charges a call of `cost` units of `kind` (read|write) that counts as `count` requests (a batch
   * counts one a key) and, if `batch`, as one batch call; or throws QuotaExceeded and charges nothing.
   */
  function admit(kind, cost, { requests: count = 1, batch = false } = {}) {
    const at = now();
    requests.roll(at);
    batches.roll(at);
    units[kind].roll(at);
    if (!requests.fits(count)) {
      const wait = requests.refillsInMs(at);
      throw new QuotaExceeded(`KVS request rate exceeded: this installation may make ${requests.limit} KVS requests a second (a batch counts one a key); ${requests.used} made, this call needs ${count}; retry in ${wait} ms.`, wait);
    }
    if (batch && !batches.fits(1)) {
      const wait = batches.refillsInMs(at);
      throw new QuotaExceeded(`KVS batch rate exceeded: this installation may make ${batches.limit} batch calls a minute; the window refills in ${Math.ceil(wait / 1000)} s. Send fewer, fuller batches or retry after that.`, wait);
    }
    const window = units[kind];
    if (!window.fits(cost)) {
      const wait = window.refillsInMs(at);
      throw new QuotaExceeded(
        `KVS ${kind} quota exceeded: this installation may use ${window.limit} ${kind} units a minute (a unit is 10 KB of one request, rounded up); ${window.used} used, this request needs ${cost}; the window refills in ${Math.ceil(wait / 1000)} s. Pace KVS ${kind}s or retry after that.`,
        wait,
      );
    }
    requests.used += count;
    if (batch) batches.used += 1;
    window.used += cost;
  }

  return { admit };
}
