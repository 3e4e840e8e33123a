// The run's liveness through the local runtime: a lost step event is taken over once its deadline
// and the grace have passed, a failed push is retried and honoured once, a duplicated event runs
// once, Sync now and Cancel agree, and a damaged run:active heals. Time passing is a clock offset
// (the app runs in this process), queue pushes are intercepted at __forge_fetch__.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';

const RealDate = Date;
let offsetMs = 0;
globalThis.Date = class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + offsetMs;
  }
};

// The core's rule (crates/core/src/sync/run_state.rs): a pushed event is delivered within a minute,
// and a run silent for a minute past its deadline is taken over.
const DELIVERY_MS = 60_000;
const GRACE_MS = 60_000;
const USERS = 300;

let stack;
let onPush = null; // (events, nth) → events to publish, or throws
let pushes = [];

before(async () => {
  stack = await startStack({ limits: { asyncMaxSeconds: 25 } });
  const schemas = await stack.resolve('listSchemas', { workspaceId: stack.sim.assetsWorkspaceId });
  const saved = await stack.resolve('saveSettings', fullSettings(stack.sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }));
  assert.equal(saved.ok, true, JSON.stringify(saved));
  await control(stack.sim)('POST', '/latency', { baseMs: 20, jitterMs: 0 });
  const platform = globalThis.__forge_fetch__;
  globalThis.__forge_fetch__ = async (ctx, path, init = {}) => {
    if (ctx?.remote !== 'stargate' || !path.startsWith('/webhook/queue/publish/')) return platform(ctx, path, init);
    const body = JSON.parse(init.body);
    pushes.push(...body.payload.map((e) => e.body.seq));
    const events = onPush ? onPush(body.payload, pushes.length) : body.payload;
    return platform(ctx, path, { ...init, body: JSON.stringify({ ...body, payload: events }) });
  };
});
afterEach(() => {
  onPush = null;
  pushes = [];
});
after(async () => {
  globalThis.Date = RealDate;
  await stack?.stop();
});

const status = () => stack.resolve('runStatus', {});

/** Drops the second push: the platform acknowledged it, but its event never arrives. */
const dropSecondPush = (events, nth) => (nth === 2 ? [] : events);

async function finishes(runId, outcome = 'succeeded') {
  await stack.runtime.queueIdle();
  const { active, last } = await status();
  assert.equal(active, null, JSON.stringify(active));
  assert.equal(last.runId, runId);
  assert.equal(last.outcome, outcome, JSON.stringify(last.errors));
  return last;
}

/** Each event of the run was stepped exactly once: one step per distinct sequence number pushed. */
function steppedOnce(report) {
  assert.equal(report.steps, new Set(pushes).size, `steps ${report.steps}, pushes ${JSON.stringify(pushes)}`);
}

test('a lost step event is taken over by Sync now once its deadline and the grace have passed', async () => {
  onPush = dropSecondPush;
  const started = await stack.resolve('syncNow', { fullResync: true });
  await stack.runtime.queueIdle();
  const stuck = await status();
  assert.equal(stuck.active?.status, 'running', JSON.stringify(stuck.active));

  offsetMs += DELIVERY_MS + GRACE_MS - 5_000;
  const early = await stack.resolve('syncNow', {});
  assert.equal(early.started, false);
  assert.match(early.reason, /already running/);

  offsetMs += 10_000;
  assert.equal((await status()).active.status, 'stalled');
  const resumed = await stack.resolve('syncNow', {});
  assert.deepEqual(resumed, { started: true, runId: started.runId, resumed: true });
  const report = await finishes(resumed.runId);
  assert.equal(report.datasets[0].objects.user.read, USERS);
});

test('a failed push is retried by the platform and its step honoured once', async () => {
  onPush = (events, nth) => {
    if (nth === 2) throw new Error('queue unavailable');
    return events;
  };
  const started = await stack.resolve('syncNow', { fullResync: true });
  const report = await finishes(started.runId);
  assert.equal(pushes.filter((seq) => seq === 1).length, 2, `the push of event 1 was repeated: ${pushes}`);
  steppedOnce(report);
  assert.equal(report.datasets[0].objects.user.read, USERS);
});

test('an event delivered twice runs its step once', async () => {
  onPush = (events, nth) => (nth === 2 ? [...events, ...events] : events);
  const started = await stack.resolve('syncNow', { fullResync: true });
  const report = await finishes(started.runId);
  steppedOnce(report);
  assert.equal(report.datasets[0].objects.user.read, USERS);
});

test('Sync now and Cancel agree after a lost step, before and after the takeover', async () => {
  onPush = dropSecondPush;
  const started = await stack.resolve('syncNow', { fullResync: true });
  await stack.runtime.queueIdle();
  const again = await stack.resolve('syncNow', {});
  assert.equal(again.started, false, 'Sync now sees a running run');
  offsetMs += DELIVERY_MS + GRACE_MS + 5_000;
  const cancel = await stack.resolve('cancelRun', {});
  assert.deepEqual(cancel, { ok: true, runId: started.runId }, 'Cancel sees it too, and takes it over to end it');
  await finishes(started.runId, 'cancelled');
});

test('a damaged run:active is dropped with a warning naming the key and its run reported failed', async () => {
  stack.runtime.kvs.handle('/api/v1/set', { key: 'run:active', value: { runId: 'run-damaged', checkpoint: 'garbage' } });
  const { active, last } = await status();
  assert.equal(active, null);
  assert.equal(last.runId, 'run-damaged');
  assert.equal(last.outcome, 'failed');
  assert.match(last.errors[0].message, /run:active/);
  const next = await stack.resolve('syncNow', {});
  assert.equal(next.started, true, JSON.stringify(next));
  await finishes(next.runId);
});
