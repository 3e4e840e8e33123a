// The usage the local runtime counts beyond KVS: outbound requests by kind with the most in flight
// at once, invocations' CPU, their longest and their external-request allowance, and the
// invocation's own figures the app can read as `__forge_runtime__.localUsage()`.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRuntime } from '../dev/runtime/index.js';
import { classifyOutbound, createUsage } from '../dev/runtime/usage.js';

const appDir = new URL('./fixtures/runtime-app/', import.meta.url).pathname;

// Holds every request until `expected` have arrived, then answers them all: they are then
// certainly in flight together, whatever the machine's speed.
async function startGate() {
  const held = [];
  const gate = { expected: 1 };
  const server = createServer((req, res) => {
    held.push(res);
    if (held.length >= gate.expected) {
      for (const r of held.splice(0)) r.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${server.address().port}`;
  gate.close = () => new Promise((resolve) => server.close(resolve));
  return gate;
}

let runtime;
let gate;
const call = (functionKey, payload) => runtime.callResolver({ moduleKey: 'probe-page', functionKey, payload });

before(async () => {
  gate = await startGate();
  runtime = await startRuntime({
    appDir,
    dataDir: mkdtempSync(join(tmpdir(), 'forge-usage-')),
    simulatorUrl: gate.url,
    kvsQuota: 'off',
    // Short enough for the time-out case to stay quick, long enough that 101 requests in a row fit in
    // one invocation on a loaded 2-core machine.
    limits: { resolverSeconds: 5 },
    log: () => {},
  });
});

after(async () => {
  await runtime?.close();
  await gate?.close();
});

describe('outbound requests', () => {
  test('are counted by kind, Assets by import chunk and REST, with the most in flight at once', async () => {
    runtime.resetUsage();
    gate.expected = 5;
    const chunk = '/jsm/assets/workspace/w1/v1/importsource/s1/executions/e1/data';
    const statuses = await call('parallel', {
      requests: [
        { via: 'fetch', url: 'https://graph.microsoft.com/v1.0/users' },
        { via: 'fetch', url: 'https://graph.microsoft.com/v1.0/groups' },
        { via: 'fetch', url: 'https://graph.microsoft.com/v1.0/devices' },
        { via: 'jira', url: chunk, method: 'POST' },
        { via: 'jira', url: '/jsm/assets/workspace/w1/v1/object/42' },
      ],
    });
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    gate.expected = 1;
    await call('parallel', { requests: [{ via: 'jira', url: chunk, method: 'POST' }, { via: 'jira', url: '/rest/api/3/myself' }] });
    const { outbound } = runtime.usage();
    const { busyMs: graphBusy, ...graph } = outbound.graph;
    const { busyMs: assetsBusy, ...assets } = outbound.assets;
    assert.deepEqual(graph, { requests: 3, maxInFlight: 3 });
    assert.deepEqual(assets, { requests: 3, maxInFlight: 2, importChunks: 2, importOther: 0, rest: 1 });
    // Time to each answer, summed.
    assert.ok(graphBusy > 0 && assetsBusy > 0, `busy ${graphBusy} / ${assetsBusy} ms`);
    assert.equal(outbound.jira.requests, 1);
  });

  test('are classified by host and path', () => {
    assert.deepEqual(classifyOutbound('https://login.microsoftonline.com/t/oauth2/v2.0/token'), { kind: 'identity' });
    assert.deepEqual(classifyOutbound('/jsm/assets/workspace/w/v1/importsource/s/executions'), { kind: 'assets', part: 'importOther' });
    assert.deepEqual(classifyOutbound('/jsm/assets/v1/imports/info'), { kind: 'assets', part: 'importOther' });
    assert.deepEqual(classifyOutbound('/rest/servicedeskapi/assets/workspace'), { kind: 'assets', part: 'rest' });
    assert.deepEqual(classifyOutbound('/rest/api/3/mypermissions'), { kind: 'jira' });
  });
});

describe('invocations', () => {
  test("count each one's CPU, and the one that used the most", async () => {
    runtime.resetUsage();
    await call('usage', {});
    await call('usage', { cpuMs: 60 });
    const { resolver } = runtime.usage().invocations;
    assert.equal(resolver.count, 2);
    assert.ok(resolver.cpuMs >= 60, `cpuMs ${resolver.cpuMs}`);
    assert.ok(resolver.mostCpu.cpuMs >= 60, JSON.stringify(resolver.mostCpu));
    assert.equal(resolver.mostCpu.functionKey, 'probe-resolver');
    assert.equal(resolver.longest.timeoutSeconds, 5);
    assert.deepEqual([resolver.timedOut, resolver.overExternal], [0, 0]);
  });

  test('count an invocation that ran out of external requests or of time', async () => {
    runtime.resetUsage();
    gate.expected = 1;
    const statuses = await call('fetchMany', { url: 'https://graph.microsoft.com/v1.0/ping', count: 101 });
    assert.equal(statuses[100], 429);
    await assert.rejects(call('slow', { ms: 5_500 }), /timed out after 5 s/);
    const { resolver } = runtime.usage().invocations;
    assert.deepEqual(resolver.mostExternal, { used: 100, limit: 100, functionKey: 'probe-resolver' });
    assert.deepEqual([resolver.overExternal, resolver.timedOut], [1, 1]);
  });
});

describe('consumer invocations', () => {
  test('are counted apart from resolvers, against their own time limit and allowance', async () => {
    runtime.resetUsage();
    await call('push', { events: [{ body: { noop: true } }, { body: { noop: true } }] });
    await runtime.queueIdle();
    const { consumer, resolver } = runtime.usage().invocations;
    assert.equal(consumer.count, 2);
    assert.equal(resolver.count, 1);
    // probe-worker declares timeoutSeconds 120: two runtime-minutes, 200 external requests.
    assert.equal(consumer.longest.timeoutSeconds, 120);
    assert.equal(consumer.longest.functionKey, 'probe-worker');
    assert.deepEqual(consumer.mostExternal, { used: 0, limit: 200, functionKey: 'probe-worker' });
  });
});

describe('the longest invocation', () => {
  test('is the first one even when it took under a millisecond (a fast machine)', () => {
    const usage = createUsage();
    const egress = { used: 0, limit: 200, refused: 0 };
    usage.invocation({ kind: 'consumer', functionKey: 'probe-worker', wallMs: 0, cpuMs: 0, timeoutSeconds: 120, timedOut: false, egress });
    const { consumer } = usage.snapshot().invocations;
    assert.equal(consumer.longest.functionKey, 'probe-worker');
    assert.equal(consumer.longest.timeoutSeconds, 120);
    assert.equal(consumer.mostCpu.functionKey, 'probe-worker');
  });
});

describe('__forge_runtime__.localUsage()', () => {
  test("gives the calling invocation's own figures so far", async () => {
    await call('put', { key: 'elsewhere', value: 1 });
    gate.expected = 1;
    const own = await call('usage', { set: 'mine', url: 'https://graph.microsoft.com/v1.0/me', cpuMs: 20 });
    assert.equal(own.kvs.writeRequests, 1);
    assert.equal(own.kvs.writeUnits, 1);
    assert.equal(own.outbound.graph.requests, 1);
    assert.deepEqual(own.external, { used: 1, limit: 100, refused: 0 });
    assert.ok(own.cpuMs >= 20, `cpuMs ${own.cpuMs}`);
    assert.ok(own.wallMs >= 0);
  });

  test('is absent outside an invocation, as it is on Forge', () => {
    assert.equal(globalThis.__forge_runtime__.localUsage, undefined);
  });
});
