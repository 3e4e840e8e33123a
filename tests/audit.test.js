// The audit trail through the runtime: who saved the settings (which fields changed, never a
// secret's value), who started, cancelled or confirmed a run, and the guard's exact question.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';

let stack;
let sim;
before(async () => {
  stack = await startStack();
  sim = control(stack.sim);
});
after(async () => stack?.stop());

const log = () => stack.resolve('auditLog', {});

/** Every file the runtime's KVS wrote, as text. */
function storedFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? storedFiles(path) : [readFileSync(path, 'utf8')];
  });
}

async function waitFor(what, check) {
  for (let n = 0; n < 600; n += 1) {
    const value = await check();
    if (value) return value;
    await stack.runtime.queueIdle();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a save records who changed which fields, and the secret only as replaced', async () => {
  const saved = await stack.resolve('saveSettings', fullSettings(stack.sim, { schedule: { enabled: false } }));
  assert.equal(saved.ok, true, JSON.stringify(saved));
  let [entry] = await log();
  assert.equal(entry.action, 'settingsSaved');
  assert.equal(entry.accountId, 'local-admin');
  assert.ok(entry.fields.includes('Client secret (replaced; the value is never recorded)'), entry.fields);
  assert.ok(entry.fields.includes('Import') && entry.fields.includes('Directory (tenant) ID'), entry.fields);

  // The same settings with a blank secret (kept) and one change.
  const again = await stack.resolve('saveSettings', { ...fullSettings(stack.sim, { schedule: { enabled: false }, deletion: { minimum: 400 } }), clientSecret: '' });
  assert.equal(again.ok, true, JSON.stringify(again));
  [entry] = await log();
  assert.deepEqual(entry.fields, ['Minimum count']);

  const secret = stack.sim.clientSecret;
  assert.ok(!JSON.stringify(await log()).includes(secret), 'no entry holds the secret');
  const auditFiles = storedFiles(stack.dataDir).filter((text) => text.includes('"key":"audit:'));
  assert.ok(auditFiles.length >= 1, 'the trail is stored');
  for (const text of auditFiles) assert.ok(!text.includes(secret), 'no stored audit page holds the secret');
});

test('start and cancel are recorded with their run', async () => {
  const started = await stack.resolve('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  const cancelled = await stack.resolve('cancelRun', {});
  assert.equal(cancelled.ok, true, JSON.stringify(cancelled));
  await stack.runtime.queueIdle();
  const [cancel, start] = await log();
  assert.equal(start.action, 'runStarted');
  assert.equal(start.runId, started.runId);
  assert.equal(cancel.action, 'runCancelled');
  assert.equal(cancel.runId, started.runId);
  assert.match(cancel.text, /Cancelled a sync/);
  assert.ok(cancel.atMs >= start.atMs);
});

test('the guard asks exactly what is then retired, and the confirmation is recorded', async () => {
  // A first full run, then a strict guard and users gone.
  const first = await stack.resolve('syncNow', {});
  assert.equal(first.started, true, JSON.stringify(first));
  await waitFor('the first run', async () => (await stack.resolve('runStatus', {})).active === null);
  const strict = await stack.resolve('saveSettings', { ...fullSettings(stack.sim, { schedule: { enabled: false }, deletion: { percent: 1, minimum: 2 } }), clientSecret: '' });
  assert.equal(strict.ok, true, JSON.stringify(strict));
  let removed = 0;
  for (let seed = 7; removed < 8 && seed < 30; seed += 1) removed += (await sim('POST', '/churn', { percent: 60, seed })).users.removed.length;

  const run = await stack.resolve('syncNow', {});
  const waiting = await waitFor('the guard', async () => {
    const { active } = await stack.resolve('runStatus', {});
    return active?.status === 'awaitingConfirmation' ? active : null;
  });
  const { guard } = waiting;
  assert.equal(guard.verb, 'Retire');
  assert.equal(guard.total, waiting.retire);
  assert.equal(guard.types.reduce((n, t) => n + t.count, 0), guard.total);
  const users = guard.types.find((t) => t.type === 'user');
  assert.ok(users.samples.length === Math.min(users.count, 10), JSON.stringify(users));
  assert.ok(users.samples.every((name) => !/^[0-9a-f-]{36}$/.test(name)), `names, not ids: ${users.samples}`);

  const confirmed = await stack.resolve('confirmDeletion', { runId: run.runId });
  assert.equal(confirmed.ok, true, JSON.stringify(confirmed));
  const { last } = await waitFor('the confirmed run', async () => {
    const status = await stack.resolve('runStatus', {});
    return status.active === null ? status : null;
  });
  assert.equal(last.outcome, 'succeeded');
  const retired = last.datasets.flatMap((d) => Object.values(d.objects)).reduce((n, c) => n + c.retired, 0);
  assert.equal(retired, guard.total, 'the number confirmed is the number retired');
  const entries = await log();
  const confirm = entries.find((e) => e.action === 'runConfirmed');
  assert.equal(confirm?.runId, run.runId);
});
