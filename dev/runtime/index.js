// The local Forge runtime: runs the app's handlers with the real @forge/* packages by providing
// the platform side (globals, KVS, queue, triggers, egress, the Custom UI bridge) in one process.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { installEgress } from './egress.js';
import { installForgeFetch } from './forge-fetch.js';
import { createInvoker, DEFAULT_LIMITS, outsideInvocation } from './invocation.js';
import { createKvs } from './kvs.js';
import { installLogLimit } from './logs.js';
import { loadManifest } from './manifest.js';
import { createQueue } from './queue.js';
import { createKvsQuota, parseLatency, parseQuota } from './quota.js';
import { createScheduler } from './scheduler.js';
import { createWebServer } from './server.js';
import { createUsage } from './usage.js';

/**
 * Starts the runtime for the app in `appDir`. Every egress origin the manifest declares is mapped
 * onto `simulatorUrl`, and so is `requestJira`. Only one runtime per process: Forge's globals are
 * process-wide.
 *
 * `kvsQuota`: "on" (Forge's KVS rates, the default), "off", or a factor of Forge's rates such as
 * 0.1; `kvsLatencyMs`: platform latency added to each KVS call (default 0). Both default to the
 * environment variables FORGE_KVS_QUOTA and FORGE_KVS_LATENCY_MS. `now` is the quota's clock.
 */
export async function startRuntime({
  appDir,
  dataDir,
  simulatorUrl,
  host = '127.0.0.1',
  port = 0,
  cloudId = 'local-cloud-0000',
  defaultAccountId = 'local-admin',
  limits: overrides = {},
  timeScale = 1,
  kvsQuota = process.env.FORGE_KVS_QUOTA,
  kvsLatencyMs = process.env.FORGE_KVS_LATENCY_MS,
  now = Date.now,
  log = (line) => console.log(`[forge] ${line}`),
}) {
  if (globalThis.__entraSyncLocalRuntime) throw new Error('A local Forge runtime is already running in this process.');
  const sink = log;
  // The runtime's own lines, even those written while an invocation runs, are not the app's logs.
  log = (line) => outsideInvocation(() => sink(line));
  appDir = resolve(appDir);
  mkdirSync(dataDir, { recursive: true });
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  const quotaFactor = parseQuota(kvsQuota);
  const latencyMs = parseLatency(kvsLatencyMs);
  const manifest = loadManifest(appDir);
  const realFetch = globalThis.fetch;
  const targets = Object.fromEntries(manifest.egress.map((origin) => [origin, simulatorUrl]));

  const usage = createUsage();
  const invoker = createInvoker({ appDir, manifest, limits, cloudId, usage, log });
  const kvs = createKvs(dataDir, { quota: createKvsQuota({ factor: quotaFactor, now }), usage, warn: log });
  const queue = createQueue({ manifest, invoker, log, dataDir, usage, timeScale, now });
  installForgeFetch({ kvs, queue, jiraUrl: simulatorUrl, realFetch, usage, kvsLatencyMs: latencyMs });
  const restoreConsole = installLogLimit({ usage, log });
  installEgress({ manifest, targets, realFetch, usage, log });
  const scheduler = createScheduler({ manifest, invoker, cloudId, log });
  const { server, callResolver } = createWebServer({ manifest, invoker, scheduler, usage, limits, cloudId, defaultAccountId, jiraUrl: simulatorUrl, log });

  await new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, ready);
  });
  const url = `http://${host}:${server.address().port}`;
  globalThis.__entraSyncLocalRuntime = true;
  queue.restore();
  log(`KVS quota ${quotaFactor === null ? 'off' : `${quotaFactor}× Forge's rates`}, KVS latency ${latencyMs} ms`);

  return {
    url,
    manifest,
    kvs,
    callResolver,
    fireTrigger: scheduler.fire,
    advanceClock: scheduler.advance,
    queueIdle: queue.idle,
    /**
     * What the app used since start or the last `resetUsage()`: KVS, queue, log lines, outbound
     * requests (Graph, Assets) with the most in flight, and invocations' wall and CPU time.
     */
    usage: usage.snapshot,
    /** Starts counting afresh and returns what was counted until now. */
    resetUsage: usage.reset,
    /** Runs a manifest function directly, as the platform would for `kind` (tests use this). */
    invokeFunction: (key, kind, args, moduleKey) => {
      const fn = manifest.functions.get(key);
      if (!fn) throw new Error(`No function "${key}" in manifest.yml`);
      return invoker.invoke(fn, kind, moduleKey, args);
    },
    async close() {
      scheduler.close();
      queue.close();
      restoreConsole();
      server.closeAllConnections?.();
      await new Promise((done) => server.close(done));
      globalThis.fetch = realFetch;
      delete globalThis.__entraSyncLocalRuntime;
    },
  };
}
