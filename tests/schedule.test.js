// The hourly trigger starts a run only when the saved schedule is due and enabled; runs never
// overlap; the Assets import type's lifecycle functions answer as Assets expects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fullSettings } from './helpers/admin.js';
import { root, startStack } from './helpers/stack.js';

let stack;
let schemaId;
before(async () => {
  stack = await startStack();
  const schemas = await stack.resolve('listSchemas', { workspaceId: stack.sim.assetsWorkspaceId });
  assert.equal(schemas.ok, true, JSON.stringify(schemas));
  schemaId = schemas.schemas[0]?.id ?? '1';
});
after(async () => stack?.stop());

const runs = async () => stack.resolve('history', { summary: true });
const fixture = (name) => JSON.parse(readFileSync(`${root}fixtures/assets/fixtures/ibuchanan-forge-assets-import/tests_data_context_${name}.json`, 'utf8'));
const lifecycle = (fn, payload) => stack.runtime.invokeFunction(fn, 'lifecycle', [payload, {}]);
const forThisSite = (payload) => ({
  ...payload,
  importId: stack.sim.assetsImportSourceId,
  workspaceId: stack.sim.assetsWorkspaceId,
  schemaId,
  context: { ...payload.context, extension: { ...payload.context?.extension, importId: stack.sim.assetsImportSourceId, workspaceId: stack.sim.assetsWorkspaceId, schemaId } },
});

test('the import type is NOT_CONFIGURED until the settings are complete', async () => {
  assert.deepEqual(await lifecycle('import-status', forThisSite(fixture('importStatus'))), { status: 'NOT_CONFIGURED' });
  const started = await lifecycle('start-import', forThisSite(fixture('startImport')));
  assert.match(started.result, /not configured/);
});

test('workspaces and schemas are listed for the Destination section', async () => {
  const workspaces = await stack.resolve('listWorkspaces', {});
  assert.deepEqual(workspaces, { ok: true, workspaces: [{ workspaceId: stack.sim.assetsWorkspaceId }] });
});

test('the hourly trigger starts a run when due and enabled, and not again before the interval', async () => {
  const saved = await stack.resolve('saveSettings', fullSettings(stack.sim, { schemaId, schedule: { interval: 'sixHours', enabled: true } }));
  assert.equal(saved.ok, true, JSON.stringify(saved));
  // Forge's first firing comes about 5 minutes after deployment.
  const fired = await stack.runtime.advanceClock(300);
  assert.deepEqual(fired.map((f) => [f.key, f.result?.statusCode]), [['entra-sync-hourly', 204]]);
  await stack.runtime.queueIdle();
  let history = await runs();
  assert.equal(history.length, 1);
  assert.equal(history[0].trigger, 'schedule');
  assert.equal(history[0].outcome, 'succeeded');

  // An hour later the six-hour schedule is not due.
  await stack.runtime.advanceClock(3600);
  await stack.runtime.queueIdle();
  assert.equal((await runs()).length, 1);
});

test('a disabled schedule starts nothing', async () => {
  await stack.resolve('saveSettings', fullSettings(stack.sim, { schemaId, schedule: { interval: 'hour', enabled: false } }));
  await stack.runtime.fireTrigger('entra-sync-hourly');
  await stack.runtime.queueIdle();
  assert.equal((await runs()).length, 1);
  assert.equal((await stack.resolve('runStatus', {})).active, null);
});

test('startImport runs into the import it names; stopImport cancels; onDeleteImport forgets the destination', async () => {
  assert.deepEqual(await lifecycle('import-status', forThisSite(fixture('importStatus'))), { status: 'READY' });
  const started = await lifecycle('start-import', forThisSite(fixture('startImport')));
  assert.match(started.result, /started run/);
  const stopped = await lifecycle('stop-import', forThisSite(fixture('stopImport')));
  assert.match(stopped.result, /stopping run|No sync is running/);
  await stack.runtime.queueIdle();
  const [last] = await runs();
  assert.equal(last.trigger, 'import');
  assert.ok(['cancelled', 'succeeded'].includes(last.outcome), last.outcome);

  const deleted = await lifecycle('on-delete-import', forThisSite(fixture('onDelete')));
  assert.match(deleted.result, /forgot/);
  assert.deepEqual(await lifecycle('import-status', forThisSite(fixture('importStatus'))), { status: 'NOT_CONFIGURED' });
  assert.equal((await stack.resolve('getSettings', {})).config, null);
});

test('settings validation names every field with its fix', async () => {
  const answer = await stack.resolve('saveSettings', {
    ...fullSettings(stack.sim, { schemaId }),
    destination: { workspaceId: 'nope', schemaId: '', importSourceId: '' },
    datasets: { users: false },
    schedule: { interval: 'weekly', enabled: true },
    deletion: { policy: 'shred', percent: 0, minimum: 0 },
  });
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.errors.map((e) => e.field).sort(), [
    'datasets',
    'deletion.minimum',
    'deletion.percent',
    'deletion.policy',
    'destination.importSourceId',
    'destination.schemaId',
    'destination.workspaceId',
    'schedule.interval',
  ]);
});
