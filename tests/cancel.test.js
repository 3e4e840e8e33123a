// Cancel through the resolvers while a run is going: the worker stops at the next step boundary,
// the run ends as cancelled and the lease is free for the next run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';

let stack;
before(async () => {
  // Short worker invocations: each step has room for one unit of work, so a run takes many steps.
  stack = await startStack({ limits: { asyncMaxSeconds: 25 } });
  const schemas = await stack.resolve('listSchemas', { workspaceId: stack.sim.assetsWorkspaceId });
  const saved = await stack.resolve('saveSettings', fullSettings(stack.sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }));
  assert.equal(saved.ok, true, JSON.stringify(saved));
  await control(stack.sim)('POST', '/latency', { baseMs: 20, jitterMs: 0 });
});
after(async () => stack?.stop());

test('nothing to cancel when no run is going', async () => {
  assert.deepEqual(await stack.resolve('cancelRun', {}), { ok: false, reason: 'No sync is running.' });
});

test('a cancelled run stops at the next step boundary and frees the lease', async () => {
  const started = await stack.resolve('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  const cancelled = await stack.resolve('cancelRun', {});
  assert.deepEqual(cancelled, { ok: true, runId: started.runId });
  const status = await stack.resolve('runStatus', {});
  if (status.active) assert.equal(status.active.cancelling, true);
  await stack.runtime.queueIdle();

  const after = await stack.resolve('runStatus', {});
  assert.equal(after.active, null);
  assert.equal(after.last.runId, started.runId);
  assert.equal(after.last.outcome, 'cancelled', JSON.stringify(after.last));
  const log = await stack.resolve('runLog', { runId: started.runId });
  assert.deepEqual(log.errors, [{ message: 'cancelled by an admin; nothing was committed' }]);

  // The next run starts (the lease is free) and, reading everything again, succeeds.
  const next = await stack.resolve('syncNow', {});
  assert.equal(next.started, true, JSON.stringify(next));
  await stack.runtime.queueIdle();
  const done = await stack.resolve('runStatus', {});
  assert.equal(done.last.outcome, 'succeeded', JSON.stringify(done.last));
  assert.equal(done.last.datasets[0].objects.user.created, 300);
});
