// `npm run bench -- --preset <name> [--latency-ms N] [--churn P] [--seed S]`: a full and then an
// incremental sync through the wasm build and the local Forge runtime against the simulator (release
// build). Prints, per run: Graph requests by endpoint and their lower bound, Assets requests, objects
// written, steps, wall time, throttle waits, peak wasm memory and the longest step against its limit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './build.mjs';
import { root, run, step } from './lib/run.mjs';
import { setup } from './setup.mjs';

const { values: options } = parseArgs({
  options: {
    preset: { type: 'string', default: 'medium' },
    'latency-ms': { type: 'string', default: '0' },
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

const steps = [];
const runtime = await startRuntime({
  appDir: root,
  dataDir: mkdtempSync(join(tmpdir(), 'entra-sync-bench-')),
  simulatorUrl: sim.url,
  log: (line) => {
    const m = line.match(/^consumer (\S+) .* (\d+) ms, (\d+) external requests/);
    if (m) steps.push({ ms: Number(m[2]), requests: Number(m[3]) });
  },
});
const resolve = (functionKey, payload = {}) => runtime.callResolver({ moduleKey: 'entra-sync-admin', functionKey, payload });
await resolve('saveSettings', { tenantId: sim.tenantId, clientId: sim.clientId, clientSecret: sim.clientSecret });
await resolve('saveDestination', { workspaceId: sim.assetsWorkspaceId, importSourceId: sim.assetsImportSourceId });
const { wasmMemoryBytes } = await import('../resolvers/core.js');
const info = await control('GET', '/info');

async function syncRun(label) {
  await control('DELETE', '/requests');
  steps.length = 0;
  const started = performance.now();
  const begun = await resolve('syncNow', {});
  if (!begun.started) throw new Error(begun.reason);
  await runtime.queueIdle();
  const wall = performance.now() - started;
  const { last } = await resolve('runStatus');
  const counters = await control('GET', '/counters');
  const graph = Object.entries(counters).filter(([k]) => k.includes('/v1.0/'));
  const assets = Object.entries(counters).filter(([k]) => k.includes('/jsm/') || k.includes('/rest/'));
  const total = (list) => list.reduce((n, [, c]) => n + c.total, 0);
  const written = last.datasets.flatMap((d) => Object.values(d.objects)).reduce((n, c) => n + c.created + c.updated + c.retired, 0);
  const longest = steps.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, requests: 0 });
  console.log(`\n## ${label} (${options.preset}, latency ${latency} ms): ${last.outcome}`);
  console.log(`wall time            ${(wall / 1000).toFixed(1)} s`);
  console.log(`steps                ${last.steps} (longest ${(longest.ms / 1000).toFixed(1)} s of 900 s, ${longest.requests} of 1,500 external requests)`);
  console.log(`Graph requests       ${total(graph)} (throttled ${last.throttled}, waited ${(last.waitedMs / 1000).toFixed(1)} s)`);
  for (const [endpoint, c] of graph) console.log(`  ${endpoint.padEnd(48)} ${c.total}`);
  console.log(`Assets requests      ${total(assets)}`);
  console.log(`objects written      ${written}`);
  for (const d of last.datasets) for (const [type, c] of Object.entries(d.objects)) console.log(`  ${type.padEnd(20)} read ${c.read}, created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, retired ${c.retired}`);
  console.log(`peak wasm memory     ${(wasmMemoryBytes() / 1048576).toFixed(1)} MiB`);
  if (last.warnings.length) console.log(`warnings             ${last.warnings.join(' | ')}`);
  if (last.errors.length) console.log(`errors               ${JSON.stringify(last.errors)}`);
  return { graph: total(graph), graphByEndpoint: graph, wall, last };
}

console.log(`Entra Sync benchmark: preset ${info.preset}, seed ${info.seed}, node ${process.version}`);
// The simulator knows its page sizes (delta pages are chosen by the service), so it says how few
// requests a full read can take: sum over collections of ceil(items / page size).
const bound = Object.values(info.fullReadPages).reduce((a, b) => a + b, 0);
console.log(`lower bound of Graph requests for a full read: ${bound} (${Object.entries(info.fullReadPages).map(([k, v]) => `${k} ${v}`).join(', ')})`);
const full = await syncRun('full sync');
console.log(`Graph requests / lower bound: ${(full.graph / bound).toFixed(2)}x`);
const churn = Number(options.churn);
if (churn > 0) {
  await control('POST', '/churn', { percent: churn, seed: 7 });
  const incremental = await syncRun(`incremental sync after ${churn}% churn`);
  // Managed devices have no delta and are read in full every run; the target is about the rest.
  const deltaRead = (run) => run.graphByEndpoint.filter(([k]) => !k.includes('managedDevices') && !k.includes('subscribedSkus')).reduce((n, [, c]) => n + c.total, 0);
  console.log(`incremental / full: Graph requests ${((100 * incremental.graph) / full.graph).toFixed(1)} % (users, groups, devices: ${((100 * deltaRead(incremental)) / deltaRead(full)).toFixed(1)} %), wall time ${((100 * incremental.wall) / full.wall).toFixed(1)} %`);
}
const log = await control('GET', '/requests?limit=10000');
const entries = log.requests ?? log;
let prev = null;
for (const e of entries) {
  if (prev) {
    const gap = e.atUnixMs - (prev.atUnixMs + prev.durationMs);
    if (gap > 300) console.log(`GAP ${gap.toFixed(0)} ms after ${prev.method} ${prev.template} before ${e.method} ${e.template}`);
  }
  if (e.durationMs > 300) console.log(`SLOW ${e.durationMs.toFixed(0)} ms ${e.method} ${e.template}`);
  prev = e;
}
console.log('first', entries[0]?.atUnixMs, 'last', entries.at(-1)?.atUnixMs, 'count', entries.length);
await runtime.close();
await sim.stop();
