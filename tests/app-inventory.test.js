// The app inventory through the local Forge runtime: a run of the applications and enterprise
// applications data sets reports how many credentials are inside the admin's warning window, the
// history summary and the run log carry it, and Entra Sync's own secret expiry reaches the page's
// banner without Check connection.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';
import { graphAll } from './helpers/tenant.js';

const DAY = 86_400_000;
const WARN_DAYS = 45;

let stack;
before(async () => {
  stack = await startStack();
  const { sim } = stack;
  const schemas = await stack.resolve('listSchemas', { workspaceId: sim.assetsWorkspaceId });
  const settings = {
    ...fullSettings(sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }),
    datasets: { applications: true, servicePrincipals: true },
    expiry: { warnDays: String(WARN_DAYS) },
  };
  const saved = await stack.resolve('saveSettings', settings);
  assert.equal(saved.ok, true, JSON.stringify(saved));
  assert.equal(saved.settings.config.expiry.warnDays, WARN_DAYS);
});
after(async () => stack?.stop());

/** Credentials of every app registration that have expired or expire within the window at `now`. */
async function insideWindow(now) {
  const apps = await graphAll(stack.sim, '/v1.0/applications?$select=id,displayName,passwordCredentials,keyCredentials&$top=999');
  const ends = apps.flatMap((a) => [...a.passwordCredentials, ...a.keyCredentials].map((c) => Date.parse(c.endDateTime)));
  return ends.filter((end) => end <= now || Math.floor(end / DAY) - Math.floor(now / DAY) <= WARN_DAYS).length;
}

test('a run counts the credentials inside the window and the page learns its own secret expiry', async () => {
  const before = await stack.resolve('getSettings', {});
  assert.equal(before.secretExpiresAt, null, 'nothing known before a run or a check');
  const started = await stack.resolve('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  await stack.runtime.queueIdle();
  const status = await stack.resolve('runStatus', {});
  const report = status.last;
  assert.equal(report.outcome, 'succeeded', JSON.stringify(report.errors));
  const expected = await insideWindow(report.startedMs);
  assert.ok(expected > 0, 'the demo tenant has credentials inside the window');
  assert.equal(report.expiry.count, expected);
  assert.equal(report.expiry.warnDays, WARN_DAYS);
  assert.equal(report.expiry.soonest.length, Math.min(10, expected));

  const [summary] = await stack.resolve('history', { summary: true });
  assert.equal(summary.expiringCredentials, expected);
  const log = await stack.resolve('runLog', {});
  assert.ok(
    log.warnings.some((w) => w.startsWith(`${expected} app registration credential`) && w.includes(`within ${WARN_DAYS} days`)),
    JSON.stringify(log.warnings),
  );

  const own = report.expiry.own;
  assert.ok(own?.endDateTime, 'the run read Entra Sync’s own secret');
  const after = await stack.resolve('getSettings', {});
  assert.equal(after.secretExpiresAt, own.endDateTime, 'the banner knows the expiry without Check connection');
});

test('the window is validated by the core with a message naming the field', async () => {
  const { sim } = stack;
  const answer = await stack.resolve('saveSettings', { ...fullSettings(sim), expiry: { warnDays: '0' } });
  assert.equal(answer.ok, false);
  const problem = answer.errors.find((e) => e.field === 'expiry.warnDays');
  assert.match(problem?.message ?? '', /from 1 to 365/);
});
