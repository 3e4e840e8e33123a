// A sync through the local Forge runtime with the KVS quota enforced at a small factor of Forge's
// rates: the engine gets 429 RATE_LIMIT_EXCEEDED from @forge/kvs, waits and goes on, and the run
// succeeds with Assets equal to the tenant. The quota's minute runs on a clock 20 times as fast as
// the wall clock, so the engine's real waits (2 s, 4 s, …) outlast a window without slowing the test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';
import { assetsObjects, graphAll } from './helpers/tenant.js';

const SPEED = 20;
const origin = Date.now();
const fastClock = () => origin + (Date.now() - origin) * SPEED;

let stack;
before(async () => {
  stack = await startStack({ runtime: { kvsQuota: '0.02', now: fastClock } });
  const { sim } = stack;
  const schemas = await stack.resolve('listSchemas', { workspaceId: sim.assetsWorkspaceId });
  const datasets = Object.fromEntries((await stack.resolve('getSettings', {})).datasetOptions.map(({ key }) => [key, true]));
  const settings = { ...fullSettings(sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }), datasets };
  const saved = await stack.resolve('saveSettings', settings);
  assert.equal(saved?.ok, true, JSON.stringify(saved));
});
after(async () => stack?.stop());

test('under a fiftieth of the KVS quota a full demo sync waits for the quota and succeeds, and the page polling meanwhile is answered', async () => {
  stack.runtime.resetUsage();
  const started = await stack.resolve('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  // The page polls while the run keeps the quota used up: the handlers' own KVS calls wait for it
  // (the core's pacing) instead of failing the poll.
  let polls = 0;
  for (let active = true; active; polls += 1) {
    assert.ok(polls < 3_000, 'the run ends');
    await new Promise((resolve) => setTimeout(resolve, 200));
    active = (await stack.resolve('runStatus', {})).active !== null;
  }
  await stack.runtime.queueIdle();
  const status = await stack.resolve('runStatus', {});
  assert.equal(status.active, null, `run still active: ${JSON.stringify(status.active)}`);
  const report = status.last;
  assert.equal(report.outcome, 'succeeded', JSON.stringify(report.errors));
  const usage = stack.runtime.usage().kvs;
  assert.ok(usage.rejected > 0, `the quota must refuse calls for this test to mean anything: ${JSON.stringify(usage)}`);
  assert.ok(report.kvsWaits > 0, JSON.stringify(report));

  const users = await graphAll(stack.sim, '/v1.0/users?$select=id&$top=999');
  const objects = await assetsObjects(stack.sim, 'Entra User');
  assert.equal(objects.length, users.length, 'every user, none twice');
  const groups = await graphAll(stack.sim, '/v1.0/groups?$select=id&$top=999');
  assert.equal((await assetsObjects(stack.sim, 'Entra Group')).length, groups.length);
});
