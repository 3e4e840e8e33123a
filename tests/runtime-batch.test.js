// KVS batch calls (kvs.batchSet, batchGet, batchDelete) through the real @forge/kvs package of the
// probe app: Forge's documented caps, per-key results, and their price against the same quota.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRuntime } from '../dev/runtime/index.js';

const appDir = new URL('./fixtures/runtime-app/', import.meta.url).pathname;
const KB = 1024;
// A string whose JSON text is exactly `bytes` long (two bytes go to the quotes).
const valueOf = (bytes) => 'x'.repeat(bytes - 2);
const keys = (n, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function start(options = {}) {
  const clock = { ms: 1_000_000 };
  const runtime = await startRuntime({
    appDir,
    dataDir: mkdtempSync(join(tmpdir(), 'forge-batch-')),
    simulatorUrl: 'http://127.0.0.1:9',
    now: () => clock.ms,
    log: () => {},
    ...options,
  });
  const call = (functionKey, payload) => runtime.callResolver({ moduleKey: 'probe-page', functionKey, payload });
  const batch = (verb, items) => call('batch', { verb, items });
  return { runtime, call, batch, clock };
}

describe('KVS batch calls, quota off', () => {
  let t;
  before(async () => {
    t = await start({ kvsQuota: 'off' });
  });
  after(() => t.runtime.close());

  test('batchSet stores every key, batchGet returns them, batchDelete removes them', async () => {
    const items = keys(3).map((key, i) => ({ key, value: { i } }));
    assert.deepEqual(await t.batch('batchSet', items), { successfulKeys: keys(3).map((key) => ({ key })), failedKeys: [] });
    assert.deepEqual(await t.call('get', { key: 'k1' }), { i: 1 });
    const got = await t.batch('batchGet', keys(3).map((key) => ({ key })));
    assert.deepEqual(got, { successfulKeys: items, failedKeys: [] });
    assert.deepEqual(await t.batch('batchDelete', [{ key: 'k0' }, { key: 'k2' }]), { successfulKeys: [{ key: 'k0' }, { key: 'k2' }], failedKeys: [] });
    assert.equal(await t.call('get', { key: 'k0' }), undefined);
    assert.deepEqual(await t.call('get', { key: 'k1' }), { i: 1 });
  });

  test('each key succeeds or fails on its own: a bad key or too large a value fails only itself', async () => {
    const answer = await t.batch('batchSet', [
      { key: 'good', value: 1 },
      { key: 'bad/key', value: 2 },
      { key: 'huge', value: valueOf(241 * KB) },
    ]);
    assert.deepEqual(answer.successfulKeys, [{ key: 'good' }]);
    assert.deepEqual(answer.failedKeys.map(({ key, error }) => [key, error.code]), [['bad/key', 'INVALID_KEY'], ['huge', 'VALUE_TOO_LARGE']]);
    assert.equal(await t.call('get', { key: 'good' }), 1);
    assert.equal(await t.call('get', { key: 'huge' }), undefined);
  });

  test('batchGet lists a missing key under failedKeys as KEY_NOT_FOUND', async () => {
    await t.call('put', { key: 'here', value: 'yes' });
    const answer = await t.batch('batchGet', [{ key: 'here' }, { key: 'nowhere' }]);
    assert.deepEqual(answer.successfulKeys, [{ key: 'here', value: 'yes' }]);
    assert.deepEqual(answer.failedKeys.map(({ key, error }) => [key, error.code]), [['nowhere', 'KEY_NOT_FOUND']]);
  });

  test('a batch with no keys, more than 25 keys or one key twice fails whole, as ForgeKvsAPIError', async () => {
    for (const [items, code, message] of [
      [[], 'EMPTY_BATCH', /no keys/],
      [keys(26).map((key) => ({ key, value: 1 })), 'TOO_MANY_KEYS', /at most 25 keys; got 26/],
      [[{ key: 'twice', value: 1 }, { key: 'twice', value: 2 }], 'DUPLICATE_KEYS', /"twice" more than once/],
    ]) {
      const { error } = await t.batch('batchSet', items);
      assert.equal(error?.name, 'ForgeKvsAPIError', JSON.stringify(error));
      assert.equal(error.code, code);
      assert.equal(error.status, 400);
      assert.match(error.message, message);
    }
    assert.equal(await t.call('get', { key: 'twice' }), undefined);
    assert.equal(await t.call('get', { key: 'k25' }), undefined);
    const { error } = await t.batch('batchGet', keys(26).map((key) => ({ key })));
    assert.equal(error.code, 'TOO_MANY_KEYS');
  });

  test('a batchSet carries at most 4 MB', async () => {
    // 20 values of 230 KB: each within the value limit, together over 4 MB.
    const { error } = await t.batch('batchSet', keys(20, 'big').map((key) => ({ key, value: valueOf(230 * KB) })));
    assert.equal(error?.code, 'PAYLOAD_TOO_LARGE', JSON.stringify(error));
    assert.equal(error.status, 413);
    assert.match(error.message, /at most 4194304 bytes/);
    assert.equal(await t.call('get', { key: 'big0' }), undefined);
  });

  test('usage counts a batch as one call of its keys, each key priced by its own size', async () => {
    t.runtime.resetUsage();
    // 10 KB costs one unit, 10 KB + 1 byte two, 25 KB three: six write units for one call.
    await t.batch('batchSet', [
      { key: 'u0', value: valueOf(10 * KB) },
      { key: 'u1', value: valueOf(10 * KB + 1) },
      { key: 'u2', value: valueOf(25 * KB) },
    ]);
    await t.batch('batchGet', [{ key: 'u0' }, { key: 'u2' }, { key: 'absent' }]);
    await t.batch('batchDelete', [{ key: 'u0' }, { key: 'u1' }]);
    const { kvs } = t.runtime.usage();
    assert.equal(kvs.requests, 3);
    assert.equal(kvs.batches, 3);
    assert.equal(kvs.batchKeys, 8);
    assert.equal(kvs.writeUnits, 6 + 2);
    assert.equal(kvs.readUnits, 1 + 3 + 1);
  });
});

describe('KVS batch calls against the quota at a tenth of Forge rates', () => {
  let t;
  before(async () => {
    t = await start({ kvsQuota: '0.1' });
  });
  after(() => t.runtime.close());

  test('batch keys draw on the same write units as single calls', async () => {
    // 400 write units a minute; a 50 KB value costs 5. Three batches of 25 keys use 375 units,
    // five single sets the other 25; then even a batch of one small key is refused.
    const value = valueOf(50 * KB);
    for (let b = 0; b < 3; b += 1) {
      const answer = await t.batch('batchSet', keys(25, `b${b}:`).map((key) => ({ key, value })));
      assert.equal(answer.successfulKeys?.length, 25, JSON.stringify(answer));
    }
    t.clock.ms += 1000;
    assert.deepEqual(await t.call('putMany', { prefix: 's:', count: 5, value }), { done: 5 });
    const { error } = await t.batch('batchSet', [{ key: 'one-more', value: 1 }]);
    assert.equal(error?.code, 'RATE_LIMIT_EXCEEDED', JSON.stringify(error));
    assert.equal(error.status, 429);
    assert.match(error.message, /400 write units a minute/);
    assert.equal(t.runtime.usage().kvs.writeUnits, 400);
    t.clock.ms += 60_000;
    assert.equal(await t.call('get', { key: 'one-more' }), undefined);
  });

  test('batch calls are limited to 45 a minute (4 at a tenth), whatever their size', async () => {
    t.clock.ms += 60_000;
    for (let b = 0; b < 4; b += 1) assert.equal((await t.batch('batchGet', [{ key: 'b0:0' }])).successfulKeys?.length, 1);
    const { error } = await t.batch('batchGet', [{ key: 'b0:0' }]);
    assert.equal(error?.code, 'RATE_LIMIT_EXCEEDED', JSON.stringify(error));
    assert.match(error.message, /4 batch calls a minute/);
    // Single calls still pass: only batches are counted in this window.
    assert.equal((await t.call('get', { key: 'b0:0' }))?.length, 50 * KB - 2);
    t.clock.ms += 60_000;
    assert.equal((await t.batch('batchGet', [{ key: 'b0:0' }])).successfulKeys?.length, 1);
  });

  test('each key of a batch takes its own place among the requests a second', async () => {
    t.clock.ms += 60_000;
    // 100 requests a second: 90 single reads leave room for 10 keys, not for a batch of 25.
    assert.deepEqual(await t.call('getMany', { key: 'absent', count: 90 }), { done: 90 });
    const { error } = await t.batch('batchGet', keys(25, 'b1:').map((key) => ({ key })));
    assert.equal(error?.code, 'RATE_LIMIT_EXCEEDED', JSON.stringify(error));
    assert.match(error.message, /100 KVS requests a second \(a batch counts one a key\); 90 made, this call needs 25/);
    assert.equal((await t.batch('batchGet', keys(10, 'b1:').map((key) => ({ key })))).successfulKeys?.length, 10);
  });
});
