// A data set that fails alone, through the local Forge runtime, the wasm core and the simulator: a
// tenant without Intune still gets its users written, and the run's status, history and log say
// "completed with problems" with Check connection's own diagnosis and fix.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';
import { assetsObjects, graphAll } from './helpers/tenant.js';

let stack;
let sim;
before(async () => {
  stack = await startStack();
  sim = control(stack.sim);
  const settings = fullSettings(stack.sim, { schedule: { enabled: false } });
  const saved = await stack.resolve('saveSettings', { ...settings, datasets: { users: true, managedDevices: true } });
  assert.equal(saved.ok, true, JSON.stringify(saved));
});
after(async () => stack?.stop());

test('without an Intune licence, users are synced and the run completes with problems, naming the fix', async () => {
  await sim('POST', '/intune', { licensed: false });
  const started = await stack.resolve('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  await stack.runtime.queueIdle();

  const { active, last } = await stack.resolve('runStatus', {});
  assert.equal(active, null);
  assert.equal(last.outcome, 'completedWithProblems', JSON.stringify(last.errors));
  const intune = last.datasets.find((d) => d.dataset === 'managedDevices');
  assert.match(intune.problem.message, /Intune is not available in this tenant/);
  assert.match(intune.problem.fix, /License Microsoft Intune for the tenant, or turn the Intune managed devices data set off/);
  assert.ok(intune.problem.requestId, 'the Graph request id');
  assert.equal(last.datasets.find((d) => d.dataset === 'users').problem, undefined);

  // The users were written all the same.
  const users = await graphAll(stack.sim, '/v1.0/users?$select=id&$top=999');
  assert.equal((await assetsObjects(stack.sim, 'Entra User')).length, users.length);

  const [summary] = await stack.resolve('history', { summary: true });
  assert.equal(summary.outcome, 'completedWithProblems');
  assert.equal(summary.errors, 1);
  const log = await stack.resolve('runLog', { runId: started.runId });
  assert.equal(log.outcome, 'completedWithProblems');
  assert.deepEqual(
    log.errors.map((e) => [e.dataset, e.fix]),
    [['managedDevices', intune.problem.fix]],
  );

  // Check connection says the same words.
  const check = await stack.resolve('checkConnection', { tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, clientSecret: stack.sim.clientSecret, datasets: ['managedDevices'] });
  const probe = check.checks.find((c) => c.name === 'managedDevices');
  assert.equal(probe.fix, intune.problem.fix);
  assert.equal(probe.detail.split(' (')[0], intune.problem.message.split(' (')[0]);

  // Licensed again, the next run syncs Intune too and succeeds.
  await sim('POST', '/intune', { licensed: true });
  const again = await stack.resolve('syncNow', {});
  assert.equal(again.started, true, JSON.stringify(again));
  await stack.runtime.queueIdle();
  const next = (await stack.resolve('runStatus', {})).last;
  assert.equal(next.outcome, 'succeeded', JSON.stringify(next.errors));
  assert.ok(next.datasets.find((d) => d.dataset === 'managedDevices').objects.managedDevice.created > 0);
});
