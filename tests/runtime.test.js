// The local Forge runtime, exercised with the real @forge/* packages through a probe app.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRuntime } from '../dev/runtime/index.js';
import { createKvs } from '../dev/runtime/kvs.js';
import { startRecorder } from './helpers/recorder.js';

const appDir = new URL('./fixtures/runtime-app/', import.meta.url).pathname;
let runtime;
let recorder;
let dataDir;
const logs = [];

const call = (functionKey, payload, accountId) => runtime.callResolver({ moduleKey: 'probe-page', functionKey, payload, accountId });

before(async () => {
  recorder = await startRecorder();
  dataDir = mkdtempSync(join(tmpdir(), 'forge-runtime-'));
  runtime = await startRuntime({
    appDir,
    dataDir,
    simulatorUrl: recorder.url,
    limits: { resolverSeconds: 2 },
    timeScale: 0.01,
    log: (line) => logs.push(line),
  });
});

after(async () => {
  await runtime?.close();
  await recorder?.close();
});

describe('KVS and secret storage', () => {
  test('values round-trip and persist in the data directory', async () => {
    await call('put', { key: 'settings:a', value: { n: 1, nested: ['x'] } });
    assert.deepEqual(await call('get', { key: 'settings:a' }), { n: 1, nested: ['x'] });
    assert.equal(await call('get', { key: 'missing' }), undefined);
    const reopened = createKvs(dataDir);
    assert.deepEqual(reopened.values.get('settings:a'), { n: 1, nested: ['x'] });
  });

  test('secrets are stored apart and never listed by queries', async () => {
    await call('putSecret', { key: 'settings:secret', value: 'hunter2' });
    const { results } = await call('query', { prefix: 'settings:', limit: 20 });
    assert.deepEqual(results.map((r) => r.key), ['settings:a']);
    assert.equal(createKvs(dataDir).secrets.get('settings:secret'), 'hunter2');
  });

  test('queries page by key prefix', async () => {
    for (let i = 0; i < 5; i += 1) await call('put', { key: `page:${i}`, value: i });
    const first = await call('query', { prefix: 'page:', limit: 2 });
    assert.deepEqual(first.results.map((r) => r.value), [0, 1]);
    assert.ok(first.nextCursor);
  });

  test("Forge's key and value limits are enforced", async () => {
    await assert.rejects(call('put', { key: 'bad/key', value: 1 }), /INVALID_KEY|invalid/i);
    await assert.rejects(call('put', { key: 'big', value: 'x'.repeat(241 * 1024) }), /limit is 245760 bytes/);
    await assert.rejects(call('putSecret', { key: 'big-secret', value: 'x'.repeat(129 * 1024) }), /limit is 131072 bytes/);
  });
});

describe('egress', () => {
  test('a host the manifest declares is mapped onto the simulator, with the public host forwarded', async () => {
    const answer = await call('fetch', { url: 'https://graph.microsoft.com/v1.0/users?$top=1', init: { headers: { 'client-request-id': 'abc' } } });
    assert.equal(answer.status, 200);
    const seen = recorder.requests.at(-1);
    assert.equal(seen.url, '/v1.0/users?$top=1');
    assert.equal(seen.headers['x-forwarded-host'], 'graph.microsoft.com');
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['client-request-id'], 'abc');
  });

  test('a host the manifest does not declare is refused with 403 and never contacted', async () => {
    const before = recorder.requests.length;
    const answer = await call('fetch', { url: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' });
    assert.equal(answer.status, 403);
    assert.equal(answer.proxyError, 'EGRESS_NOT_ALLOWED');
    assert.match(answer.body, /permissions\.external\.fetch\.backend/);
    assert.equal(recorder.requests.length, before);
  });

  test('an invocation gets 100 external requests per runtime-minute', async () => {
    const statuses = await call('fetchMany', { url: 'https://graph.microsoft.com/v1.0/ping', count: 101 });
    assert.equal(statuses.filter((s) => s === 200).length, 100);
    assert.equal(statuses[100], 429);
  });
});

describe('products', () => {
  test('requestJira goes to the simulator as the app', async () => {
    const answer = await call('jira', { permission: 'ADMINISTER' });
    assert.equal(answer.status, 200);
    const seen = recorder.requests.at(-1);
    assert.equal(seen.url, '/rest/api/3/mypermissions?permissions=ADMINISTER');
    assert.equal(seen.headers['x-forge-provider'], 'app');
  });
});

describe('resolvers', () => {
  test('the context carries the caller and the module', async () => {
    const context = await call('context', {}, 'someone-else');
    assert.equal(context.accountId, 'someone-else');
    assert.equal(context.moduleKey, 'probe-page');
    assert.ok(context.remaining > 0 && context.remaining <= 2000, `remaining ${context.remaining}`);
  });

  test('a resolver past its time limit fails, and its later writes are refused', async () => {
    await assert.rejects(call('slow', { ms: 2500 }), /timed out after 2 s/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(await call('get', { key: 'after-slow' }), undefined);
  });

  test('invoke payloads are limited to 500 KB in and 5 MB out', async () => {
    await assert.rejects(call('big', { bytes: 6 * 1024 * 1024 }), /limit for invoke responses/);
    const response = await fetch(`${runtime.url}/__forge__/invoke`, {
      method: 'POST',
      body: JSON.stringify({ moduleKey: 'probe-page', functionKey: 'put', payload: { key: 'k', value: 'x'.repeat(501 * 1024) } }),
    });
    const answer = await response.json();
    assert.equal(answer.ok, false);
    assert.match(answer.error.message, /500 KB limit/);
  });

  test('the admin frame serves the resource with the bridge injected and a Forge-like CSP', async () => {
    const response = await fetch(`${runtime.url}/resources/probe-ui/index.html`);
    assert.match(response.headers.get('content-security-policy'), /script-src 'self'/);
    assert.match(await response.text(), /<script src="\/__forge__\/bridge-shim.js"><\/script>/);
    assert.equal((await fetch(`${runtime.url}/resources/probe-ui/../manifest.yml`)).status, 404);
  });
});

describe('queue', () => {
  test('events reach the manifest consumer; a retry request is honoured with its data', async () => {
    const pushed = await call('push', { events: [{ body: { n: 1 } }, { body: { n: 2, failFirst: true } }] });
    assert.ok(pushed.jobId, JSON.stringify(pushed));
    await runtime.queueIdle();
    assert.deepEqual(await call('get', { key: 'event:1' }), { n: 1, retryCount: 0, retryData: null });
    assert.deepEqual(await call('get', { key: 'event:2' }), { n: 2, retryCount: 1, retryData: { note: 'again' } });
  });

  test('an event over 100 KB is refused for a consumer that runs longer than 55 s', async () => {
    const answer = await call('push', { events: [{ body: { blob: 'x'.repeat(120 * 1024) } }] });
    assert.equal(answer.error, 'PayloadTooBigError', answer.message);
    assert.match(answer.message, /100 ?KB|102400 bytes/);
  });
});

describe('scheduled triggers', () => {
  test('fire on demand, when due, and do not pile up missed runs', async () => {
    await runtime.fireTrigger('probe-hourly');
    assert.equal(await call('get', { key: 'scheduled-count' }), 1);
    assert.deepEqual((await call('get', { key: 'scheduled-request' })).context.moduleKey, 'probe-hourly');
    await runtime.advanceClock(60); // not yet due: first run is ~5 minutes after start
    assert.equal(await call('get', { key: 'scheduled-count' }), 1);
    await runtime.advanceClock(300);
    assert.equal(await call('get', { key: 'scheduled-count' }), 2);
    await runtime.advanceClock(5 * 3600); // five missed hours fire once
    assert.equal(await call('get', { key: 'scheduled-count' }), 3);
  });
});
