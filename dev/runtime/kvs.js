// Forge KVS and secret storage, persisted to a data directory (one file per key, so a write costs
// the size of its value, not of the store). Keys, values and queries are checked against Forge's
// documented limits and rejected the way the KVS API rejects them: non-2xx with {code, message}.
// Every request is charged against the installation's quota (quota.js) before it takes effect.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchRoutes } from './kvs-batch.js';
import { KvsError } from './kvs-error.js';
import { QuotaExceeded, unitsFor } from './quota.js';

const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;
const KEY_MAX = 500;
const VALUE_MAX = 240 * 1024;
const SECRET_MAX = 128 * 1024;
const DEPTH_MAX = 31;
const QUERY_MAX = 100;
const TRANSACTION_OPS_MAX = 25;

const fileName = (key) => `${Buffer.from(key).toString('base64url')}.json`;

function depth(value) {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depth(child));
  return deepest + 1;
}

const keyOfFile = (file) => Buffer.from(file.slice(0, -'.json'.length), 'base64url').toString();

class Table {
  constructor(dir, valueMax, warn) {
    this.dir = dir;
    this.valueMax = valueMax;
    this.rows = new Map();
    this.sizes = new Map();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const path = join(dir, file);
      const row = readRow(path);
      // A damaged file must not keep the runtime from starting: the key reads as absent (as a
      // value Forge lost would) and the next write of it replaces the file.
      if (!row || row.key !== keyOfFile(file)) {
        warn(`KVS file ${path} is not a valid stored value (expected JSON {"key": "${keyOfFile(file)}", "value": …}); key "${keyOfFile(file)}" reads as absent until it is written again. Fix: delete the file or restore its content.`);
        continue;
      }
      this.rows.set(row.key, row.value);
      this.sizes.set(row.key, Buffer.byteLength(JSON.stringify(row.value ?? null)));
    }
  }

  check(key, value) {
    if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX || !KEY_PATTERN.test(key)) {
      throw new KvsError(400, 'INVALID_KEY', `Key "${String(key).slice(0, 60)}" is invalid: keys are 1–${KEY_MAX} characters of a-z A-Z 0-9 : . _ - # and spaces.`);
    }
    if (value === undefined) return;
    const size = Buffer.byteLength(JSON.stringify(value));
    if (size > this.valueMax) {
      throw new KvsError(413, 'VALUE_TOO_LARGE', `Value for "${key}" is ${size} bytes; the limit is ${this.valueMax} bytes.`);
    }
    if (depth(value) > DEPTH_MAX) {
      throw new KvsError(400, 'MAX_DEPTH_EXCEEDED', `Value for "${key}" nests deeper than ${DEPTH_MAX} levels.`);
    }
  }

  /** Bytes of `key`'s stored value, 0 if absent. */
  size(key) {
    return this.sizes.get(key) ?? 0;
  }

  set(key, value) {
    const path = join(this.dir, fileName(key));
    writeFileSync(`${path}.tmp`, JSON.stringify({ key, value }), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    this.rows.set(key, value);
    this.sizes.set(key, Buffer.byteLength(JSON.stringify(value)));
  }

  delete(key) {
    rmSync(join(this.dir, fileName(key)), { force: true });
    this.rows.delete(key);
    this.sizes.delete(key);
  }
}

function readRow(path) {
  try {
    const row = JSON.parse(readFileSync(path, 'utf8'));
    return row && typeof row === 'object' && typeof row.key === 'string' && 'value' in row ? row : null;
  } catch {
    return null;
  }
}

const sizeOf = (value) => Buffer.byteLength(JSON.stringify(value ?? null));

/**
 * The KVS of one installation in `dataDir`. `quota` admits or refuses each request (quota.js);
 * `usage` counts what was used; `warn` names damaged files found at start.
 */
export function createKvs(dataDir, { quota = { admit: () => {} }, usage = null, warn = () => {} } = {}) {
  const values = new Table(join(dataDir, 'kvs'), VALUE_MAX, warn);
  const secrets = new Table(join(dataDir, 'secrets'), SECRET_MAX, warn);

  // Each route checks its input and returns a plan: what the request costs and how to carry it out.
  const get = (table, { key }) => {
    table.check(key);
    return {
      kind: 'read',
      bytes: table.size(key),
      run: () => {
        if (!table.rows.has(key)) throw new KvsError(404, 'KEY_NOT_FOUND', `No value stored for "${key}".`);
        return { key, value: table.rows.get(key) };
      },
    };
  };
  const set = (table, { key, value }) => {
    table.check(key, value);
    return { kind: 'write', bytes: sizeOf(value), run: () => table.set(key, value) };
  };
  const del = (table, { key }) => {
    table.check(key);
    return { kind: 'write', bytes: 0, run: () => table.delete(key) };
  };

  function query({ limit = 10, after, where = [] }) {
    if (!Number.isInteger(limit) || limit < 1 || limit > QUERY_MAX) {
      throw new KvsError(400, 'INVALID_LIMIT', `Query limit must be 1–${QUERY_MAX}; got ${limit}.`);
    }
    const prefixes = where.map((w) => {
      if (w.property !== 'key' || w.condition !== 'BEGINS_WITH') {
        throw new KvsError(400, 'INVALID_WHERE', 'KVS queries filter only by key with BEGINS_WITH.');
      }
      return w.values?.[0] ?? '';
    });
    const start = after ? Buffer.from(after, 'base64url').toString() : null;
    const keys = [...values.rows.keys()]
      .filter((k) => prefixes.every((p) => k.startsWith(p)) && (start === null || k > start))
      .sort();
    const page = keys.slice(0, limit);
    const more = keys.length > limit;
    const result = {
      data: page.map((key) => ({ key, value: values.rows.get(key) })),
      cursor: more ? Buffer.from(page[page.length - 1]).toString('base64url') : undefined,
    };
    return { kind: 'read', bytes: page.reduce((n, key) => n + values.size(key), 0), run: () => result };
  }

  function transaction({ set: sets = [], delete: deletes = [], check = [] }) {
    const ops = sets.length + deletes.length + check.length;
    if (ops > TRANSACTION_OPS_MAX) {
      throw new KvsError(400, 'TOO_MANY_OPERATIONS', `A transaction holds at most ${TRANSACTION_OPS_MAX} operations; got ${ops}.`);
    }
    // Validate everything before writing anything: a transaction applies whole or not at all.
    sets.forEach(({ key, value }) => values.check(key, value));
    deletes.forEach(({ key }) => values.check(key));
    return {
      kind: 'write',
      bytes: sets.reduce((n, { value }) => n + sizeOf(value), 0),
      run: () => {
        sets.forEach(({ key, value }) => values.set(key, value));
        deletes.forEach(({ key }) => values.delete(key));
      },
    };
  }

  const routes = {
    '/api/v1/get': (b) => get(values, b),
    '/api/v1/set': (b) => set(values, b),
    '/api/v1/delete': (b) => del(values, b),
    '/api/v1/secret/get': (b) => get(secrets, b),
    '/api/v1/secret/set': (b) => set(secrets, b),
    '/api/v1/secret/delete': (b) => del(secrets, b),
    '/api/v1/query': query,
    '/api/v1/transaction': transaction,
    ...batchRoutes(values),
  };

  /** Answers one KVS API call: `{status, body, headers?}`. */
  function handle(path, body) {
    const route = routes[path];
    if (!route) return { status: 404, body: { code: 'NOT_FOUND', message: `The local KVS does not implement ${path}.` } };
    try {
      const plan = route(body ?? {});
      // A batch prices each key as its own request (kvs-batch.js); a single call, its data.
      const units = plan.units ?? unitsFor(plan.bytes);
      quota.admit(plan.kind, units, { requests: Math.max(1, plan.keys ?? 1), batch: plan.keys !== undefined });
      usage?.kvs(plan.kind, units, plan.bytes, plan.keys);
      return { status: 200, body: plan.run() };
    } catch (error) {
      if (error instanceof QuotaExceeded) {
        usage?.kvsRejected();
        return { status: 429, body: { code: error.code, message: error.message }, headers: { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } };
      }
      if (error instanceof KvsError) return { status: error.status, body: { code: error.code, message: error.message } };
      throw error;
    }
  }

  return { handle, values: values.rows, secrets: secrets.rows };
}
