// `npm run bench -- --preset <name> [--latency-ms N] [--quota on|off|F] [--churn P] [--seed S]`: a
// full and then an incremental sync through the wasm build and the local Forge runtime against the
// simulator (release build). `--latency-ms` applies to Graph, Assets and KVS; `--quota` is the
// runtime's KVS quota (Forge's rates by default). Prints, per run: Graph requests by endpoint against
// their true floor, Assets requests (import chunks, other import calls, REST), the most Graph and
// Assets requests in flight at once and the time spent waiting for them, KVS units and the minutes of quota they imply, KVS requests
// and batches, queue events, log lines, objects written, steps, wall time, CPU of the function,
// throttle waits, peak wasm memory, the longest step (wall and CPU) and whether every step stayed
// inside its time limit and its external-request allowance. The request, in-flight, CPU and step
// figures come from the local runtime's usage counters (dev/runtime/usage.js), measured where the
// app's requests leave it. Two lines are fixed for scripts to read:
//   KVS units: read N, write N
//   Graph requests: N (floor N, R×)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './build.mjs';
import { root, run, step } from './lib/run.mjs';
import { setup } from './setup.mjs';
import { fullSettings } from '../tests/helpers/admin.js';

const { values: options } = parseArgs({
  options: {
    preset: { type: 'string', default: 'medium' },
    'latency-ms': { type: 'string', default: '0' },
    quota: { type: 'string', default: 'on' },
    churn: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
  },
});

await setup();
await build();
step('cargo build --release -p entra-sync-sim');
await run('cargo', ['build', '--release', '-p', 'entra-sync-sim']);

const { startSimulator } = await import('../dev/simulator.js');
const { startRuntime } = await import('../dev/runtime/index.js');
const sim = await startSimulator({ preset: options.preset, seed: Number(options.seed), profile: 'release' });
const control = async (method, path, body) => {
  const response = await fetch(`${sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} /_sim${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
const latency = Number(options['latency-ms']);
if (latency > 0) await control('POST', '/latency', { baseMs: latency, jitterMs: Math.round(latency / 4) });

const stepFailures = [];
const runtime = await startRuntime({
  appDir: root,
  dataDir: mkdtempSync(join(tmpdir(), 'entra-sync-bench-')),
  simulatorUrl: sim.url,
  kvsQuota: options.quota,
  kvsLatencyMs: latency,
  log: (line) => {
    if (/^consumer \S+ failed on event/.test(line)) stepFailures.push(line);
  },
});
// The bench's own calls (settings, Sync now, status) stand for an admin who tries again once the
// KVS quota window has refilled; only the engine's own handling of the quota is being measured.
async function resolve(functionKey, payload = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await runtime.callResolver({ moduleKey: 'entra-sync-admin', functionKey, payload });
    } catch (error) {
      if (error.code !== 'RATE_LIMIT_EXCEEDED' || attempt > 20) throw error;
      await new Promise((done) => setTimeout(done, 5000));
    }
  }
}
// Every data set on, no schedule: the bench starts its runs itself.
const schemas = await resolve('listSchemas', { workspaceId: sim.assetsWorkspaceId });
const datasets = Object.fromEntries((await resolve('getSettings', {})).datasetOptions.map(({ key }) => [key, true]));
const saved = await resolve('saveSettings', {
  ...fullSettings(sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }),
  datasets,
});
if (!saved.ok) throw new Error(`saveSettings refused the bench's settings: ${JSON.stringify(saved)}`);
const { wasmMemoryBytes } = await import('../resolvers/core.js');
const info = await control('GET', '/info');

// How many items each collection holds, asked of Graph itself ($count on directory objects).
async function graphCount(collection) {
  const form = new URLSearchParams({ client_id: sim.clientId, client_secret: sim.clientSecret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
  const token = await (await fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form })).json();
  const response = await fetch(`${sim.url}/v1.0/${collection}?$count=true&$top=1&$select=id`, {
    headers: { authorization: `Bearer ${token.access_token}`, consistencylevel: 'eventual', 'x-forwarded-host': 'graph.microsoft.com', 'x-forwarded-proto': 'https' },
  });
  const body = await response.json();
  if (typeof body['@odata.count'] !== 'number') throw new Error(`GET /v1.0/${collection}/$count: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body['@odata.count'];
}

// The true floor of a full read: every collection in the largest pages the service allows for what
// the sync reads (999 for device lists, 1,000 for Intune; group membership comes only from
// /groups/delta, and users' managers only from /users/delta or an $expand, which Graph caps at 100
// a page, so both count the delta's pages, which the service chooses), plus one request per delta
// token started from `$deltatoken=latest`.
const LIST_PAGE = 999;
const floorParts = {
  users: info.fullReadPages.users,
  devices: Math.ceil((await graphCount('devices')) / LIST_PAGE) + 1,
  groups: info.fullReadPages.groups,
  managedDevices: info.fullReadPages.managedDevices,
  subscribedSkus: 1,
  // The app inventory: delta pages of the service's size (100), and Entra Sync's own registration
  // read once a run for its secret's expiry.
  applications: info.fullReadPages.applications,
  servicePrincipals: info.fullReadPages.servicePrincipals,
  ownSecretExpiry: 1,
};
const fullFloor = Object.values(floorParts).reduce((a, b) => a + b, 0);
// An incremental round needs at least one page of each delta chain (users, groups, devices,
// applications, service principals), Intune and SKUs in full, and the own registration.
const incrementalFloor = 5 + floorParts.managedDevices + floorParts.subscribedSkus + floorParts.ownSecretExpiry;
// Per new data set: its delta chain against its own floor (a full round's pages, or one page).
const inventoryFloors = {
  full: { applications: floorParts.applications, servicePrincipals: floorParts.servicePrincipals },
  incremental: { applications: 1, servicePrincipals: 1 },
};

const QUOTA_UNITS_PER_MINUTE = 4000;
async function syncRun(label, floor, datasetFloors) {
  await control('DELETE', '/requests');
  runtime.resetUsage();
  const started = performance.now();
  const begun = await resolve('syncNow', {});
  if (!begun.started) throw new Error(begun.reason);
  await runtime.queueIdle();
  const wall = performance.now() - started;
  const { last: report, active } = await resolve('runStatus');
  // A run whose steps all failed leaves no report; its figures are still worth printing.
  const last = report?.runId === begun.runId || !begun.runId ? report : null;
  const outcome = last ? last.outcome : `no report (the run is still ${active?.status ?? 'unknown'}: its step failed ${stepFailures.length} times)`;
  const counters = await control('GET', '/counters');
  const graph = Object.entries(counters).filter(([k]) => k.includes('/v1.0/'));
  // What the simulator served of Assets: a cross-check of what the runtime saw leave the app.
  const assetsServed = Object.entries(counters).filter(([k]) => k.includes('/jsm/') || k.includes('/rest/servicedeskapi/assets'));
  const total = (list) => list.reduce((n, [, c]) => n + c.total, 0);
  const datasets = last?.datasets ?? [];
  const written = datasets.flatMap((d) => Object.values(d.objects)).reduce((n, c) => n + c.created + c.updated + c.retired, 0);
  const { kvs, queue, logs, outbound, invocations } = runtime.usage();
  const steps = invocations.consumer;
  const cpuSeconds = Object.values(invocations).reduce((n, kind) => n + kind.cpuMs, 0) / 1000;
  const s1 = (ms) => (ms / 1000).toFixed(1);
  console.log(`\n## ${label} (${options.preset}, latency ${latency} ms, KVS quota ${options.quota}): ${outcome}`);
  if (outcome !== 'succeeded') process.exitCode = 1;
  console.log(`wall time            ${s1(wall)} s`);
  console.log(`CPU of the function  ${cpuSeconds.toFixed(1)} s (steps ${s1(steps?.cpuMs ?? 0)} s; process CPU while each invocation ran, summed)`);
  if (steps) {
    const { longest, mostCpu, mostExternal } = steps;
    const inside = steps.timedOut === 0 && steps.overExternal === 0;
    console.log(`steps                ${last ? last.steps : 'no report'} (${steps.count} consumer invocations)`);
    console.log(`  longest step       wall ${s1(longest.wallMs)} s (CPU ${s1(longest.cpuMs)} s) of ${longest.timeoutSeconds} s`);
    console.log(`  most CPU in a step ${s1(mostCpu.cpuMs)} s (wall ${s1(mostCpu.wallMs)} s)`);
    console.log(`  external requests  at most ${mostExternal.used} of ${mostExternal.limit.toLocaleString('en-US')} allowed in one step (fetch to Graph and its token; requestJira is not counted, as on Forge)`);
    console.log(`  within limits      ${inside ? 'yes: every step stayed inside its time limit and its external-request allowance' : `NO: ${steps.timedOut} steps timed out, ${steps.overExternal} ran out of external requests`}`);
    if (!inside) process.exitCode = 1;
  } else {
    console.log(`steps                ${last ? last.steps : 'no report'} (no consumer invocation)`);
  }
  console.log(`Graph requests: ${total(graph)} (floor ${floor}, ${(total(graph) / floor).toFixed(2)}×)`);
  if (last) console.log(`  throttled ${last.throttled}, waited ${(last.waitedMs / 1000).toFixed(1)} s`);
  for (const [endpoint, c] of graph) console.log(`  ${endpoint.padEnd(48)} ${c.total}`);
  for (const [dataset, least] of Object.entries(datasetFloors ?? {})) {
    const sent = total(graph.filter(([k]) => k.includes(`/${dataset}/delta`)));
    console.log(`  ${`${dataset} (data set)`.padEnd(48)} ${sent} (floor ${least}, ${(sent / least).toFixed(2)}×)`);
  }
  console.log(`  sent by the app    ${outbound.graph.requests} (+ ${outbound.identity.requests} token requests), at most ${outbound.graph.maxInFlight} in flight, ${s1(outbound.graph.busyMs)} s waiting for answers (summed)`);
  const { assets } = outbound;
  console.log(`Assets requests      ${assets.requests} (import chunks ${assets.importChunks}, other import calls ${assets.importOther}, REST ${assets.rest}), at most ${assets.maxInFlight} in flight, ${s1(assets.busyMs)} s waiting for answers (summed); the simulator served ${total(assetsServed)}`);
  console.log(`KVS units: read ${kvs.readUnits}, write ${kvs.writeUnits}`);
  console.log(`  quota minutes      read ${(kvs.readUnits / QUOTA_UNITS_PER_MINUTE).toFixed(1)}, write ${(kvs.writeUnits / QUOTA_UNITS_PER_MINUTE).toFixed(1)} (Forge allows 4,000 units a minute each)`);
  console.log(`  bytes              read ${(kvs.readBytes / 1048576).toFixed(1)} MiB, write ${(kvs.writeBytes / 1048576).toFixed(1)} MiB`);
  console.log(`KVS requests         ${kvs.requests} (${kvs.readRequests} reads, ${kvs.writeRequests} writes, ${kvs.batches} batches of ${kvs.batchKeys} keys, ${kvs.rejected} refused by the quota), ${s1(kvs.busyMs)} s waiting for answers (summed)`);
  console.log(`queue events         ${queue.events} in ${queue.pushes} pushes${queue.rejected ? `, ${queue.rejected} pushes refused` : ''}`);
  console.log(`log lines            ${logs.lines}${logs.dropped ? ` (${logs.dropped} dropped)` : ''}`);
  console.log(`objects written      ${written}`);
  for (const d of datasets) for (const [type, c] of Object.entries(d.objects)) console.log(`  ${type.padEnd(20)} read ${c.read}, created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, retired ${c.retired}`);
  console.log(`peak wasm memory     ${(wasmMemoryBytes() / 1048576).toFixed(1)} MiB`);
  for (const line of [...new Set(stepFailures)].slice(0, 3)) console.log(`step failure         ${line}`);
  stepFailures.length = 0;
  if (!last) return { graph: total(graph), graphByEndpoint: graph, wall, last: { outcome: 'failed' }, kvs };
  if (last.warnings.length) console.log(`warnings             ${last.warnings.join(' | ')}`);
  if (last.errors.length) console.log(`errors               ${JSON.stringify(last.errors)}`);
  return { graph: total(graph), graphByEndpoint: graph, wall, last, kvs };
}

console.log(`Entra Sync benchmark: preset ${info.preset}, seed ${info.seed}, node ${process.version}, KVS quota ${options.quota}, latency ${latency} ms (Graph, Assets, KVS)`);
console.log(`true floor of Graph requests for a full read: ${fullFloor} (${Object.entries(floorParts).map(([k, v]) => `${k} ${v}`).join(', ')}); for an incremental one: ${incrementalFloor}`);
// For comparison: the floor if users could be listed at 999 a page with their managers (they cannot).
const usersListed = Math.ceil((await graphCount('users')) / LIST_PAGE) + 1;
console.log(`  (with users listed at ${LIST_PAGE} a page, which would drop their managers: ${fullFloor - floorParts.users + usersListed})`);
const full = await syncRun('full sync', fullFloor, inventoryFloors.full);
const churn = Number(options.churn);
if (churn > 0 && full.last.outcome !== 'failed') {
  await control('POST', '/churn', { percent: churn, seed: 7 });
  const incremental = await syncRun(`incremental sync after ${churn}% churn`, incrementalFloor, inventoryFloors.incremental);
  // Managed devices have no delta and are read in full every run; the target is about the rest.
  const deltaRead = (run) => run.graphByEndpoint.filter(([k]) => !k.includes('managedDevices') && !k.includes('subscribedSkus')).reduce((n, [, c]) => n + c.total, 0);
  console.log(`incremental / full: Graph requests ${((100 * incremental.graph) / full.graph).toFixed(1)} % (users, groups, devices: ${((100 * deltaRead(incremental)) / deltaRead(full)).toFixed(1)} %), wall time ${((100 * incremental.wall) / full.wall).toFixed(1)} %`);
} else if (churn > 0) {
  console.log('\nincremental sync skipped: the full sync failed (see its errors above)');
}
await runtime.close();
await sim.stop();
