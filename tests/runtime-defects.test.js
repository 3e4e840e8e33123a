// Defects of the local runtime found by the fault probe (issue 10): a damaged KVS file, an oversized
// invoke on a kept-alive connection, inherited resolver keys, and queued events across a crash.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import { startRuntime } from '../dev/runtime/index.js';
import { createKvs } from '../dev/runtime/kvs.js';

const appDir = new URL('./fixtures/runtime-app/', import.meta.url).pathname;
const runtimeModule = new URL('../dev/runtime/index.js', import.meta.url).href;
let runtime;
const logs = [];

async function start(dataDir) {
  runtime = await startRuntime({ appDir, dataDir, simulatorUrl: 'http://127.0.0.1:9', timeScale: 0.01, log: (line) => logs.push(line) });
  return (functionKey, payload) => runtime.callResolver({ moduleKey: 'probe-page', functionKey, payload });
}

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('a KVS file that is not valid JSON', () => {
  test('the runtime starts, names the file and the fix, and the key reads as absent until written', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'forge-defects-'));
    mkdirSync(join(dataDir, 'kvs'), { recursive: true });
    const file = join(dataDir, 'kvs', `${Buffer.from('settings:broken').toString('base64url')}.json`);
    writeFileSync(file, '{"key": "settings:broken", "value": {tr');
    const call = await start(dataDir);
    const warning = logs.find((line) => line.includes(file));
    assert.ok(warning, `no warning names ${file}: ${logs.join('\n')}`);
    assert.match(warning, /"settings:broken" reads as absent.*Fix: delete the file or restore its content/);
    assert.equal(await call('get', { key: 'settings:broken' }), undefined);
    await call('put', { key: 'settings:broken', value: { ok: true } });
    assert.deepEqual(createKvs(dataDir).values.get('settings:broken'), { ok: true });
  });
});

describe('an oversized invoke', () => {
  test('is answered with its limit and the next request on the same connection works', async () => {
    await start(mkdtempSync(join(tmpdir(), 'forge-defects-')));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body) =>
      new Promise((resolve, reject) => {
        const req = request(`${runtime.url}/__forge__/invoke`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ answer: JSON.parse(text), reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const big = await post({ moduleKey: 'probe-page', functionKey: 'put', payload: { key: 'k', value: 'x'.repeat(2 * 1024 * 1024) } });
    assert.equal(big.answer.ok, false);
    assert.match(big.answer.error.message, /over Forge's 500 KB limit/);
    const next = await post({ moduleKey: 'probe-page', functionKey: 'get', payload: { key: 'missing' } });
    assert.deepEqual(next.answer, { ok: true, value: null });
    assert.equal(next.reused, true, 'the second request went over the same connection');
    agent.destroy();
  });
});

describe('resolver keys every object inherits', () => {
  test('are unknown keys, never reaching Object.prototype through @forge/resolver', async () => {
    const call = await start(mkdtempSync(join(tmpdir(), 'forge-defects-')));
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      await assert.rejects(call(key, {}), (error) => error.message === `Resolver has no definition for '${key}'.`, key);
    }
    await assert.rejects(call('noSuchKey', {}), /Resolver has no definition for 'noSuchKey'/);
  });
});

describe('the queue across a crash', () => {
  test('an event pushed before the runtime is killed mid-delivery is delivered after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'forge-defects-'));
    // A separate process runs the runtime, pushes an event whose delivery holds, and is killed.
    const script = `
      import { startRuntime } from ${JSON.stringify(runtimeModule)};
      const runtime = await startRuntime({ appDir: ${JSON.stringify(appDir)}, dataDir: ${JSON.stringify(dataDir)}, simulatorUrl: 'http://127.0.0.1:9', log: () => {} });
      const answer = await runtime.callResolver({ moduleKey: 'probe-page', functionKey: 'push', payload: { events: [{ body: { n: 7, hold: true } }] } });
      console.log(JSON.stringify(answer));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = await once(child.stdout, 'data');
    assert.ok(JSON.parse(line.toString()).jobId, line.toString());
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(readdirSync(join(dataDir, 'queue')).filter((f) => f.endsWith('.json')).length, 1, 'the undelivered event is on disk');

    // Let the delivery through this time, then start the runtime again on the same data.
    createKvs(dataDir).handle('/api/v1/set', { key: 'release', value: true });
    const call = await start(dataDir);
    await runtime.queueIdle();
    assert.deepEqual(await call('get', { key: 'event:7' }), { n: 7, retryCount: 0, retryData: null });
    assert.equal(readdirSync(join(dataDir, 'queue')).filter((f) => f.endsWith('.json')).length, 0, 'a delivered event is acknowledged');
  });
});
