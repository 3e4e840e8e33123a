// Runs one fault case against the simulator through the wasm build and the local Forge runtime
// (a child process it may SIGKILL and restart on the same data directory), then one clean sync,
// and judges: healed (the clean sync started and succeeded without manual steps beyond the case's
// named fix, and Assets equals what a clean full sync of the same tenant writes), lost (objects
// live before the fault or after the faulted run, still in the tenant, now gone or retired) and doubled (an external id
// twice in one object type). Cases with `baseline` first commit a clean sync and churn the tenant.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetsState, count, differences, lostSince } from './assets-state.js';
import { RuntimeDied, spawnRuntime } from './runtime-process.js';

// Short consumer invocations make a small tenant's run take several steps, so there are step
// boundaries to crash at; the budget is what is left after the 20 s the handler keeps in reserve.
const LIMITS = { asyncMaxSeconds: 26 };
// How long a stuck run may take to be noticed: "a few minutes", well under the old 20-minute lease.
export const PATIENCE_MS = 5 * 60 * 1000;
const CHURN = { percent: 1, seed: 7 };

export function simControl(sim) {
  return async (method, path, body) => {
    const response = await fetch(`${sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /_sim${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Every setting, for the simulator's tenant: all data sets, no schedule (runs start only when asked). */
export const settingsFor = (sim, overrides = {}) => ({
  tenantId: sim.tenantId,
  clientId: sim.clientId,
  clientSecret: sim.clientSecret,
  destination: { workspaceId: sim.assetsWorkspaceId, schemaId: '1', importSourceId: sim.assetsImportSourceId },
  datasets: { users: true, groups: true, devices: true, managedDevices: true, licences: true },
  schedule: { interval: 'day', enabled: false },
  deletion: { policy: 'retire', percent: 5, minimum: 500 },
  ...overrides,
});

const kvsFile = (dataDir, key) => join(dataDir, 'kvs', `${Buffer.from(key).toString('base64url')}.json`);

/** The state a case works on; hooks in the case definitions get this. */
class Context {
  constructor(sim, dataDir) {
    this.sim = sim;
    this.control = simControl(sim);
    this.dataDir = dataDir;
    this.runtime = null;
    this.seen = [];
    // What the case itself found wrong beyond the clean sync (a contradiction, a half-saved value).
    this.problems = [];
    this.logs = [];
    this.kills = 0;
  }

  async start() {
    this.runtime = await spawnRuntime({
      dataDir: this.dataDir,
      simulatorUrl: this.sim.url,
      limits: LIMITS,
      clockOffsetMs: this.runtime?.clockOffsetMs ?? 0,
      onLog: (line) => this.logs.push(line),
    });
  }

  resolve(functionKey, payload = {}) {
    return this.runtime.resolve(functionKey, payload);
  }

  /** Waits until nothing is queued; a process that died is started again on the same data. */
  async settle() {
    for (;;) {
      const { died, signal } = await this.runtime.settle();
      if (!died) return;
      this.kills += 1;
      this.note(`runtime ${signal ?? 'exited'}, restarted`);
      await this.start();
    }
  }

  note(text) {
    this.seen.push(text);
  }

  /** Notes something that means the case did not heal, whatever the clean sync shows. */
  fail(text) {
    this.problems.push(text);
    this.note(text);
  }

  async sync(payload = {}) {
    let started;
    try {
      started = await this.resolve('syncNow', payload);
    } catch (error) {
      // A resolver that throws is what the admin would see: a finding (the page shows an error),
      // not a harness failure.
      if (!(error instanceof RuntimeDied)) {
        this.fail(`Sync now threw: ${error.message}`);
        return { started: false, reason: `Sync now threw: ${error.message}` };
      }
      // The crash hit the trigger itself (the resolver that starts the run).
      this.kills += 1;
      this.note(`runtime ${error.signal ?? 'exited'} in Sync now, restarted`);
      await this.start();
      started = { started: false, reason: 'the runtime died while starting the run' };
    }
    if (!started?.started) return { started: false, reason: started?.reason ?? JSON.stringify(started) };
    await this.settle();
    return { started: true, runId: started.runId, status: await this.status() };
  }

  /** Run status as the page asks for it; a resolver that throws fails the case and answers null. */
  async status() {
    try {
      return await this.resolve('runStatus', {});
    } catch (error) {
      if (error instanceof RuntimeDied) throw error;
      this.fail(`run status threw: ${error.message}`);
      return null;
    }
  }

  /** The KVS keys the runtime holds on disk. */
  kvsKeys() {
    return readdirSync(join(this.dataDir, 'kvs'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(this.dataDir, 'kvs', f), 'utf8')).key);
  }

  /** Rewrites stored values with the runtime stopped, as damage found at the next cold start. */
  async editKvs(edit) {
    await this.runtime.stop();
    const read = (key) => {
      try {
        return JSON.parse(readFileSync(kvsFile(this.dataDir, key), 'utf8')).value;
      } catch {
        return undefined;
      }
    };
    const write = (key, value) => writeFileSync(kvsFile(this.dataDir, key), JSON.stringify({ key, value }));
    const remove = (key) => rmSync(kvsFile(this.dataDir, key), { force: true });
    await edit({ read, write, remove, keys: this.kvsKeys() });
    await this.start();
  }

  async advanceClock(ms) {
    await this.runtime.advanceClock(ms);
  }
}

/** The environment recovering from a transient fault: no injected faults, documented budgets. */
async function restore(control) {
  await control('DELETE', '/faults');
  await control('DELETE', '/latency');
  await control('POST', '/throttling', {});
  await control('POST', '/assets/rate-limit', { perMinute: null });
  await control('POST', '/assets/processing-reads', { reads: 0 });
  await control('POST', '/intune', { licensed: true });
}

const describe = (status) => {
  const last = status?.last;
  if (status?.active) return `run left ${status.active.status}`;
  if (!last) return 'no run recorded';
  const errors = (last.errors ?? []).map((e) => e.message ?? e.detail ?? JSON.stringify(e)).join('; ');
  return `run ${last.outcome}${errors ? `: ${errors.slice(0, 160)}` : ''}`;
};

/**
 * Reference states, one per tenant history: a clean full sync of the same preset, seed and churn
 * into a simulator of its own.
 */
export function references(startSimulator, preset) {
  const cache = new Map();
  return async (churned) => {
    const key = churned ? 'churned' : 'plain';
    if (!cache.has(key)) {
      cache.set(
        key,
        (async () => {
          const sim = await startSimulator({ preset });
          const dataDir = mkdtempSync(join(tmpdir(), 'entra-sync-faults-ref-'));
          const ctx = new Context(sim, dataDir);
          try {
            await ctx.start();
            if (churned) await ctx.control('POST', '/churn', CHURN);
            await ctx.resolve('saveSettings', settingsFor(sim));
            const run = await ctx.sync();
            if (run.status?.last?.outcome !== 'succeeded') throw new Error(`the reference sync did not succeed: ${describe(run.status)}`);
            return await assetsState(sim);
          } finally {
            await ctx.runtime?.stop();
            await sim.stop();
            rmSync(dataDir, { recursive: true, force: true });
          }
        })(),
      );
    }
    return cache.get(key);
  };
}

/** Runs one case on `sim` (reset first); answers `{name, healed, lost, doubled, seen, ms}`. */
export async function runCase(sim, testCase, reference) {
  const started = performance.now();
  const control = simControl(sim);
  const fresh = await control('POST', '/reset');
  const simNow = { ...sim, ...fresh };
  const dataDir = mkdtempSync(join(tmpdir(), 'entra-sync-faults-'));
  const ctx = new Context(simNow, dataDir);
  const result = { name: testCase.name, healed: false, lost: [], doubled: [], seen: ctx.seen, ms: 0 };
  try {
    await ctx.start();
    const saved = await ctx.resolve('saveSettings', settingsFor(simNow));
    if (!saved?.ok) throw new Error(`settings were refused: ${JSON.stringify(saved)}`);
    const baseline = testCase.baseline === true;
    let before = {};
    if (baseline) {
      const run = await ctx.sync();
      if (run.status?.last?.outcome !== 'succeeded') throw new Error(`the baseline sync failed: ${describe(run.status)}`);
      before = await assetsState(simNow);
      await control('POST', '/churn', CHURN);
    }

    await testCase.before?.(ctx);
    if (testCase.killOn) await ctx.runtime.killOn(testCase.killOn);
    if (testCase.fault) await testCase.fault(ctx);
    else {
      const run = await ctx.sync(testCase.payload ?? {});
      if (!run.started) ctx.note(`not started: ${run.reason}`);
    }
    await ctx.settle();
    if (testCase.killOn && ctx.kills === 0) ctx.fail('the kill point was never reached');
    const faulted = await ctx.status();
    ctx.note(describe(faulted));
    // A passing fault is retried (in the step, or by the next one): it never fails the run.
    if (testCase.transient && (faulted?.active || faulted?.last?.outcome !== 'succeeded')) ctx.fail(`a passing fault did not let the run succeed: ${describe(faulted)}`);

    // What the faulted run left: a recovery must not take back what it wrote right either.
    const midway = await assetsState(simNow);
    await restore(control);
    await testCase.fix?.(ctx);

    // The clean sync. A run the fault left behind may be taken over once it has been silent for a
    // while; waiting longer than that is a manual step.
    let clean = await ctx.sync();
    if (!clean.started) {
      await ctx.advanceClock(PATIENCE_MS);
      clean = await ctx.sync();
      if (!clean.started) ctx.note(`clean sync refused ${PATIENCE_MS / 60000} min later: ${clean.reason}`);
      else ctx.note(`clean sync started only after ${PATIENCE_MS / 60000} min`);
    }
    const last = clean.status?.last;
    const cleanOk = clean.started && !clean.status.active && last?.runId === clean.runId && last.outcome === 'succeeded';
    if (clean.started && !cleanOk) ctx.note(`clean sync: ${describe(clean.status)}`);

    const after = await assetsState(simNow);
    const expected = await reference(baseline);
    const diff = differences(after, expected);
    result.doubled = diff.doubled;
    result.lost = [...new Set([...lostSince(before, after, expected), ...lostSince(midway, after, expected)])];
    const mismatch = count({ ...diff, doubled: [] });
    // What the case checks of the state the clean sync left beyond Assets (e.g. KVS).
    await testCase.afterClean?.(ctx);
    if (mismatch) ctx.note(`Assets differs from the tenant: ${[...diff.missing.slice(0, 2).map((m) => `missing ${m}`), ...diff.extra.slice(0, 2).map((m) => `extra ${m}`), ...diff.changed.slice(0, 2)].join('; ')} (${diff.missing.length} missing, ${diff.extra.length} extra, ${diff.changed.length} changed)`);
    result.healed = cleanOk && ctx.problems.length === 0 && mismatch === 0 && result.doubled.length === 0 && result.lost.length === 0;
  } catch (error) {
    ctx.note(`harness: ${error.message}`);
  } finally {
    await ctx.runtime?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    result.ms = performance.now() - started;
  }
  return result;
}
