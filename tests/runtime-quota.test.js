// Forge's KVS quota, the queue's rate, the log-line limit and the usage counters of the local
// runtime, met through the real @forge/kvs and @forge/events packages of the probe app. The quota
// runs on a clock the tests move, so a window refills without waiting.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRuntime } from '../dev/runtime/index.js';
import { createKvsQuota, parseLatency, parseQuota, unitsFor } from '../dev/runtime/quota.js';

const appDir = new URL('./fixtures/runtime-app/', import.meta.url).pathname;
const KB = 1024;
// A string whose JSON text is exactly `bytes` long (two bytes go to the quotes).
const valueOf = (bytes) => 'x'.repeat(bytes - 2);

async function start(options = {}) {
  const logs = [];
  const clock = { ms: 1_000_000 };
  const runtime = await startRuntime({
    appDir,
    dataDir: mkdtempSync(join(tmpdir(), 'forge-quota-')),
    simulatorUrl: 'http://127.0.0.1:9',
    now: () => clock.ms,
    timeScale: 0.01,
    log: (line) => logs.push(line),
    ...options,
  });
  const call = (functionKey, payload) => runtime.callResolver({ moduleKey: 'probe-page', functionKey, payload });
  return { runtime, call, clock, logs };
}

describe('KVS quota at a tenth of Forge rates (400 read and 400 write units a minute, 100 requests a second)', () => {
  let t;
  before(async () => {
    t = await start({ kvsQuota: '0.1' });
  });
  after(() => t.runtime.close());

  test('writes beyond the minute\'s units get 429 RATE_LIMIT_EXCEEDED as @forge/kvs surfaces it, and the window refills', async () => {
    t.runtime.resetUsage();
    // 50 KB = 5 units a write: 80 writes use the 400 units, the 81st is refused.
    const answer = await t.call('putMany', { prefix: 'w:', count: 90, value: valueOf(50 * KB) });
    assert.equal(answer.done, 80, JSON.stringify(answer));
    assert.deepEqual(
      { name: answer.error.name, code: answer.error.code, status: answer.error.status },
      { name: 'ForgeKvsAPIError', code: 'RATE_LIMIT_EXCEEDED', status: 429 },
    );
    assert.match(answer.error.message, /400 write units a minute.*refills in \d+ s/);
    const usage = t.runtime.usage().kvs;
    assert.equal(usage.writeUnits, 400);
    assert.equal(usage.writeRequests, 80);
    assert.equal(usage.rejected, 1);

    t.clock.ms += 60_000;
    assert.deepEqual(await t.call('putMany', { prefix: 'w:', count: 1, value: valueOf(50 * KB) }), { done: 1 });
  });

  test('reads count by the size they return and are refused beyond the read units', async () => {
    t.clock.ms += 60_000;
    t.runtime.resetUsage();
    const answer = await t.call('getMany', { key: 'w:0', count: 90 });
    assert.equal(answer.done, 80, JSON.stringify(answer));
    assert.equal(answer.error.code, 'RATE_LIMIT_EXCEEDED');
    assert.equal(answer.error.status, 429);
    assert.equal(t.runtime.usage().kvs.readUnits, 400);
    // Writes have their own budget: still open while reads are exhausted.
    assert.deepEqual(await t.call('putMany', { prefix: 'other:', count: 1, value: 1 }), { done: 1 });
  });

  test('units round up per request: 10 KB is one unit, a byte more is two; deletes and misses cost one', async () => {
    t.clock.ms += 60_000;
    t.runtime.resetUsage();
    await t.call('putMany', { prefix: 'exact:', count: 1, value: valueOf(10 * KB) });
    assert.equal(t.runtime.usage().kvs.writeUnits, 1);
    await t.call('putMany', { prefix: 'over:', count: 1, value: valueOf(10 * KB + 1) });
    assert.equal(t.runtime.usage().kvs.writeUnits, 3);
    await t.call('del', { key: 'over:0' });
    assert.equal(t.runtime.usage().kvs.writeUnits, 4);
    await t.call('getMany', { key: 'exact:0', count: 1 });
    await t.call('getMany', { key: 'absent', count: 1 });
    const { readUnits, readBytes, requests } = t.runtime.usage().kvs;
    assert.deepEqual({ readUnits, readBytes, requests }, { readUnits: 2, readBytes: 10 * KB, requests: 5 });
  });

  test('more than 100 requests in one second are refused until the next second', async () => {
    t.clock.ms += 60_000;
    const answer = await t.call('getMany', { key: 'absent', count: 150 });
    assert.equal(answer.done, 100, JSON.stringify(answer));
    assert.equal(answer.error.code, 'RATE_LIMIT_EXCEEDED');
    assert.match(answer.error.message, /100 KVS requests a second/);
    t.clock.ms += 1000;
    assert.deepEqual(await t.call('getMany', { key: 'absent', count: 1 }), { done: 1 });
  });

  test('the usage endpoint reports the counters and resets them', async () => {
    t.runtime.resetUsage();
    await t.call('getMany', { key: 'absent', count: 3 });
    const seen = await (await fetch(`${t.runtime.url}/__forge__/usage`)).json();
    assert.equal(seen.kvs.readRequests, 3);
    const reset = await (await fetch(`${t.runtime.url}/__forge__/usage/reset`, { method: 'POST' })).json();
    assert.equal(reset.kvs.readRequests, 3);
    assert.equal((await (await fetch(`${t.runtime.url}/__forge__/usage`)).json()).kvs.requests, 0);
  });
});

describe("Forge's default quota, queue rate and log lines", () => {
  let t;
  before(async () => {
    t = await start();
  });
  after(() => t.runtime.close());

  test('the default is Forge\'s 4,000 write units a minute', async () => {
    t.runtime.resetUsage();
    // 200 KB = 20 units: 200 writes fit in 4,000 units, the 201st does not.
    const answer = await t.call('putMany', { prefix: 'd:', count: 205, value: valueOf(200 * KB) });
    assert.equal(answer.done, 200, JSON.stringify(answer));
    assert.equal(answer.error.code, 'RATE_LIMIT_EXCEEDED');
    assert.equal(t.runtime.usage().kvs.writeUnits, 4000);
  });

  test('an installation pushes at most 500 events a minute; the 501st gets RateLimitError', async () => {
    t.runtime.resetUsage();
    const events = Array.from({ length: 50 }, () => ({ body: { noop: true } }));
    for (let i = 0; i < 10; i += 1) assert.ok((await t.call('push', { events })).jobId, `push ${i}`);
    const refused = await t.call('push', { events: [{ body: { noop: true } }] });
    assert.equal(refused.error, 'RateLimitError', JSON.stringify(refused));
    t.clock.ms += 60_000;
    assert.ok((await t.call('push', { events: [{ body: { noop: true } }] })).jobId);
    await t.runtime.queueIdle();
    assert.deepEqual(t.runtime.usage().queue, { pushes: 11, events: 501, rejected: 1 });
  });

  test('log lines beyond 100 per runtime-minute of an invocation are dropped, with one note', async () => {
    t.runtime.resetUsage();
    const before = t.logs.length;
    await t.call('logMany', { count: 150 });
    assert.deepEqual(t.runtime.usage().logs, { lines: 100, dropped: 50 });
    const notes = t.logs.slice(before).filter((line) => line.startsWith('log lines dropped'));
    assert.equal(notes.length, 1);
    assert.match(notes[0], /limit of 100 log lines/);
    assert.match(t.logs.at(-1), /100 log lines \(50 dropped\)/);
  });
});

describe("the runtime's own lines", () => {
  let t;
  before(async () => {
    // `npm start` logs through the console, as here: the runtime's lines must not count as the app's.
    t = await start({ log: (line) => console.log(`[forge] ${line}`) });
  });
  after(() => t.runtime.close());

  test('are not counted or dropped as app log lines, even while an invocation runs', async () => {
    t.runtime.resetUsage();
    await t.call('fetch', { url: 'https://not-declared.example.com/' }); // the runtime logs the blocked egress
    await t.call('logMany', { count: 150 });
    assert.deepEqual(t.runtime.usage().logs, { lines: 100, dropped: 50 });
  });
});

describe('quota off and KVS latency', () => {
  let t;
  before(async () => {
    t = await start({ kvsQuota: 'off', kvsLatencyMs: '30' });
  });
  after(() => t.runtime.close());

  test('with the quota off nothing is refused, and still counted', async () => {
    t.runtime.resetUsage();
    const answer = await t.call('putMany', { prefix: 'off:', count: 3, value: valueOf(240 * KB) });
    assert.deepEqual(answer, { done: 3 });
    assert.equal(t.runtime.usage().kvs.writeUnits, 72);
  });

  test('each KVS call waits the platform latency, and the usage counts the time waited', async () => {
    t.runtime.resetUsage();
    const started = performance.now();
    await t.call('getMany', { key: 'absent', count: 3 });
    assert.ok(performance.now() - started >= 80, "three calls at 30 ms each take at least 80 ms (timers may fire a millisecond early)");
    const { busyMs } = t.runtime.usage().kvs;
    assert.ok(busyMs >= 80, `KVS busy ${busyMs} ms`);
  });
});

describe('quota settings', () => {
  test('on, off and factors parse; anything else names the setting and the fix', () => {
    assert.equal(parseQuota(undefined), 1);
    assert.equal(parseQuota('on'), 1);
    assert.equal(parseQuota('off'), null);
    assert.equal(parseQuota('0.1'), 0.1);
    assert.throws(() => parseQuota('fast'), /"fast" is invalid: use "on".*"off".*factor.*FORGE_KVS_QUOTA/);
    assert.throws(() => parseQuota('-1'), /invalid/);
    assert.equal(parseLatency('20'), 20);
    assert.throws(() => parseLatency('soon'), /milliseconds.*FORGE_KVS_LATENCY_MS/);
  });

  test('a request larger than the whole window still passes an empty window', () => {
    let ms = 0;
    const quota = createKvsQuota({ factor: 0.001, now: () => (ms += 1000) }); // 4 units a minute, a request a second
    quota.admit('write', unitsFor(240 * KB));
    assert.throws(() => quota.admit('write', 1), (error) => error.code === 'RATE_LIMIT_EXCEEDED' && /4 write units a minute/.test(error.message));
  });
});
