// Bad input at every door: settings are validated whole before anything is stored, stored all or
// nothing, and a trap in the wasm core never poisons later calls.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => stack?.stop());

const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
const secrets = () => readdirSync(join(stack.dataDir, 'secrets')).sort();
const saved = async () => (await stack.resolve('getSettings', {}));

test('a refused save stores nothing: an oversized secret leaves the new tenant id unsaved', async () => {
  assert.equal((await stack.resolve('saveSettings', fullSettings(stack.sim))).ok, true);
  const before = { settings: await saved(), secrets: secrets() };
  const answer = await stack.resolve('saveSettings', { ...fullSettings(stack.sim), tenantId: OTHER_TENANT, clientSecret: 'x'.repeat(140 * 1024) });
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.errors.map((e) => e.field), ['clientSecret']);
  assert.match(answer.errors[0].message, /at most 1024/);
  assert.equal((await saved()).tenantId, before.settings.tenantId);
  assert.deepEqual(secrets(), before.secrets);
});

test('wrong JSON types and oversized fields are field errors, all at once', async () => {
  const answer = await stack.resolve('saveSettings', {
    ...fullSettings(stack.sim),
    tenantId: 42,
    destination: 'not an object',
    datasets: 7,
    schedule: { interval: 3 },
    filters: { users: `${'('.repeat(3000)}accountEnabled eq true${')'.repeat(3000)}` },
  });
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.errors.map((e) => e.field), ['tenantId', 'destination', 'datasets', 'filters.users', 'schedule.interval']);
  assert.match(answer.errors[0].message, /Tenant ID must be text, not a number/);
  const schema = await stack.resolve('saveSettings', fullSettings(stack.sim, { schemaId: '9'.repeat(400) }));
  assert.deepEqual(schema.errors.map((e) => e.field), ['destination.schemaId']);
  const deep = await stack.resolve('saveSettings', { ...fullSettings(stack.sim), filters: { users: `${'('.repeat(40)}accountEnabled eq true${')'.repeat(40)}` } });
  assert.match(deep.errors[0].message, /levels deep/);
});

test('a store that fails midway leaves the previous settings and secret in use', async () => {
  assert.equal((await stack.resolve('saveSettings', fullSettings(stack.sim))).ok, true);
  const before = { settings: await saved(), secrets: secrets() };
  // The connection's next write lands on a directory: the transaction fails after the new secret
  // was written.
  const blocker = join(stack.dataDir, 'kvs', `${Buffer.from('settings:connection').toString('base64url')}.json.tmp`);
  mkdirSync(blocker);
  try {
    await assert.rejects(stack.resolve('saveSettings', { ...fullSettings(stack.sim), tenantId: OTHER_TENANT, clientSecret: 'new8Q~another-secret-value' }));
  } finally {
    rmSync(blocker, { recursive: true });
  }
  assert.equal((await saved()).tenantId, before.settings.tenantId);
  assert.deepEqual(secrets(), before.secrets, 'the new secret was withdrawn');
  const report = await stack.resolve('checkConnection', { tenantId: stack.sim.tenantId, clientId: stack.sim.clientId });
  assert.equal(report.ok, true, 'the saved secret still works');
});

test('a trap in the core is a clear error, and the next call runs on a fresh instance', async () => {
  const core = await import('../resolvers/core.js');
  const old = core.rawExports();
  // Poison the instance as a stack overflow would, then trap in it.
  new Uint8Array(old.memory.buffer).fill(0xff);
  assert.throws(
    () => core.guarded(() => old.__wbindgen_malloc(0xfffffff0, 8))(),
    (error) => error.name === 'EntraSyncError' && error.code === 'internal' && /Try again/.test(error.message),
  );
  assert.notEqual(core.rawExports(), old, 'a new instance');
  const answer = core.validateSettings({ tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, clientSecret: 'abc8Q~x' });
  assert.equal(answer.ok, true, JSON.stringify(answer));
});

test('damaged saved settings stop runs with the fix, and the page offers Save to heal them', async () => {
  assert.equal((await stack.resolve('saveSettings', fullSettings(stack.sim))).ok, true);
  stack.runtime.kvs.handle('/api/v1/set', { key: 'settings:config', value: 'garbage' });
  const page = await saved();
  assert.equal(page.config, null, 'a damaged value is not shown as settings');
  assert.match(page.configProblem, /settings:config.*cannot be read.*press Save/);
  const refused = await stack.resolve('syncNow', {});
  assert.equal(refused.started, false);
  assert.match(refused.reason, /settings:config.*press Save/);
  assert.equal((await stack.resolve('saveSettings', fullSettings(stack.sim))).ok, true);
  const healed = await saved();
  assert.equal(healed.configProblem, null);
  assert.equal(healed.config.destination.workspaceId, fullSettings(stack.sim).destination.workspaceId);
});
