// The admin's journey in Chromium, through the runtime's Jira frame, the resolvers, the wasm core
// and the simulator: first-time setup to a finished sync, then a mass deletion that waits for the
// admin, can be cancelled, and proceeds only once confirmed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from './helpers/a11y.js';
import { announceImport, control, fillConnection, fullSettings, IMPORT_NAME, openAdminPage, pick, ready, setSwitch } from './helpers/admin.js';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';
import { assetsObjects, graphAll } from './helpers/tenant.js';

let stack;
let browser;
let sim;
before(async () => {
  stack = await startStack();
  sim = control(stack.sim);
  await announceImport(stack);
  // A second import in the same schema: the admin tells them apart by name.
  await announceImport(stack, (await sim('POST', '/assets/import-sources', { schemaId: '1', name: 'Entra (test tenant)' })).sourceId);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const historyRows = (app) => app.locator('#history tbody tr');
const cell = async (row, n) => (await row.locator('td').nth(n).textContent()).trim();
const focused = (frame) => frame.locator(':focus').getAttribute('id');
// The mass-deletion question is a Forge modal: Jira (here the runtime's frame) shows it over the
// whole window, in an iframe of its own.
const modalOf = (page) => ({ dialog: page.getByRole('dialog', { name: 'Remove many objects?' }), frame: page.frameLocator('.modal iframe') });

test('first-time setup: fill, check, choose the destination, save, Sync now, watch it finish', async () => {
  const { page, app, errors } = await openAdminPage(browser, stack);
  await ready(app);
  assert.equal(await app.locator('#history-empty').isVisible(), true);
  assert.match(await app.locator('#status-last').textContent(), /No runs yet/);
  await shot(page, 'journey-01-empty');
  await assertAccessible(page, 'empty');

  await fillConnection(app, stack.sim);
  await app.getByRole('button', { name: 'Check connection' }).click();
  await app.locator('#check-result[data-outcome="ok"]').waitFor();
  assert.match(await app.locator('#check-result').textContent(), /users (are )?readable/i);
  await shot(page, 'journey-02-check-ok');
  await assertAccessible(page, 'check ok');

  // Saving without a destination marks each missing field with its fix.
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#importSourceId-error').waitFor();
  assert.match(await app.locator('#importSourceId-error').textContent(), /Create import/);
  await app.getByLabel('Share of objects (%)').fill('150');
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#percent[aria-invalid="true"]').waitFor();
  assert.match(await app.locator('#percent-error').textContent(), /from 1 to 100/);
  assert.equal(await focused(app), 'workspaceId', 'the first field in error (no workspace chosen yet) has focus');
  await shot(page, 'journey-03-save-errors');
  await assertAccessible(page, 'save errors');

  // The import is picked by name from the schema's imports (two here), never pasted as an id.
  await pick(app, 'Assets workspace', stack.sim.assetsWorkspaceId);
  await app.locator('.select-schemaId').filter({ hasText: /\(/ }).waitFor();
  await app.getByLabel('Import', { exact: true }).click();
  assert.deepEqual(await app.getByRole('option').allTextContents(), ['Entra (test tenant)', IMPORT_NAME]);
  await app.getByRole('option', { name: IMPORT_NAME }).click();
  await app.locator('.select-importSourceId').filter({ hasText: IMPORT_NAME }).waitFor();
  await app.getByLabel('Share of objects (%)').fill('5');
  await setSwitch(app, 'Sync on a schedule', false);
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();
  assert.equal(await app.locator('[aria-invalid="true"]').count(), 0);
  await shot(page, 'journey-04-saved');
  await assertAccessible(page, 'saved');

  // Sync now with unsaved changes asks first.
  await app.getByLabel('Minimum count').fill('499');
  await app.getByRole('button', { name: 'Sync now' }).click();
  await app.locator('#unsaved').getByText('You have unsaved changes').waitFor();
  await shot(page, 'journey-05-unsaved-question');
  await assertAccessible(page, 'unsaved changes question');
  await app.getByRole('button', { name: 'Keep editing' }).click();
  assert.equal(await focused(app), 'save');
  await app.getByLabel('Minimum count').fill('500');

  await app.getByRole('button', { name: 'Sync now' }).click();
  await app.locator('#run').waitFor();
  await app.getByRole('button', { name: 'Cancel sync' }).waitFor();
  await app.getByRole('progressbar').waitFor();
  await shot(page, 'journey-06-progress');
  await assertAccessible(page, 'running');
  await app.locator('#sync-result[data-outcome="ok"]').waitFor({ timeout: 120_000 });
  // Users come with their licence assignments: every object read is created on the first run.
  const [, read, created] = (await app.locator('#sync-result').textContent()).match(/Sync finished\. ([\d,]+) objects read: ([\d,]+) created/) ?? [];
  assert.ok(Number(read.replace(/,/g, '')) >= 300 && read === created, `${read} read, ${created} created`);
  assert.match(await app.locator('#status-last').textContent(), /Succeeded/);
  const row = historyRows(app).first();
  assert.equal(await cell(row, 1), 'manual');
  assert.match(await cell(row, 2), /Succeeded/i);
  assert.equal(await cell(row, 4), read);
  assert.match(await cell(row, 3), /\d+ (s|min)/);
  await app.locator('#log').getByText('No warnings or errors.').waitFor();
  await shot(page, 'journey-07-done');
  await assertAccessible(page, 'history and run log');

  const users = await graphAll(stack.sim, '/v1.0/users?$select=id&$top=999');
  assert.equal((await assetsObjects(stack.sim, 'Entra User')).length, users.length, 'Assets holds every user');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Sync now during a run says so; a mass deletion waits for confirmation, can be cancelled, and proceeds only after it', async () => {
  const { page, app } = await openAdminPage(browser, stack);
  await ready(app);
  // A strict guard: more than 1 % or 2 users gone asks first.
  await app.getByLabel('Share of objects (%)').fill('1');
  await app.getByLabel('Minimum count').fill('2');
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();

  // Churn deletes a few users at a time (and creates and updates others): churn until enough are gone.
  let removed = 0;
  for (let seed = 7; removed < 8 && seed < 30; seed += 1) removed += (await sim('POST', '/churn', { percent: 60, seed })).users.removed.length;
  assert.ok(removed >= 8, `churn removed ${removed} users`);

  await app.getByRole('button', { name: 'Sync now' }).click();
  const { dialog, frame } = modalOf(page);
  await dialog.waitFor({ timeout: 60_000 });
  const waiting = (await stack.resolve('runStatus', {})).active;
  assert.equal(waiting.status, 'awaitingConfirmation');
  assert.equal(waiting.threshold, 3, 'max(1 % of 300, 2)');
  const retire = waiting.retire;
  // The guard asks about everything it would retire: the users and their licence assignments.
  const { guard } = waiting;
  assert.equal(guard.total, retire);
  assert.equal(guard.types.reduce((n, t) => n + t.count, 0), retire);
  assert.ok(retire > 3, `${retire} to retire of ${removed} removed users`);
  await frame.locator('#confirm-text').waitFor();
  assert.match(await frame.locator('#confirm-text').textContent(), new RegExp(`retire ${retire} objects`));
  // Per object type, its count and up to 10 names.
  const lines = await frame.locator('ul.types li').allTextContents();
  assert.equal(lines.length, guard.types.length);
  for (const [n, type] of guard.types.entries()) {
    assert.ok(lines[n].startsWith(`${type.count} ${type.label}`), lines[n]);
    assert.ok(type.samples.length > 0 && type.samples.length <= 10);
    for (const name of type.samples) assert.ok(lines[n].includes(name), `${name} in ${lines[n]}`);
  }
  // One primary action, named with the policy's verb and the count.
  await frame.getByRole('button', { name: `Retire ${retire} objects` }).waitFor();
  await shot(page, 'journey-08-confirm-modal');
  await assertAccessible(page, 'guard question');

  const again = await stack.resolve('syncNow', {});
  assert.equal(again.started, false);
  assert.match(again.reason, /already running/);

  // Keyboard: focus starts inside, Tab stays inside, Esc closes without confirming.
  await frame.locator('#confirm-cancel:focus').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(frame), 'confirm-ok');
  await page.keyboard.press('Tab');
  assert.equal(await focused(frame), 'confirm-cancel', 'Tab wraps inside the dialog');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(frame), 'confirm-ok');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // Focus returns to the control that opened it.
  await app.locator('#syncNow:focus').waitFor();
  let status = await stack.resolve('runStatus', {});
  assert.equal(status.active.status, 'awaitingConfirmation', 'Esc confirms nothing');
  await shot(page, 'journey-09-awaiting');
  await assertAccessible(page, 'awaiting confirmation');

  // Cancel from the dialog: the run ends as cancelled and nothing is retired.
  await app.getByRole('button', { name: 'Review the removals' }).click();
  await frame.getByRole('button', { name: 'Cancel the sync' }).click();
  await app.locator('#sync-result[data-outcome="cancelled"]').waitFor({ timeout: 60_000 });
  assert.match(await cell(historyRows(app).first(), 2), /Cancelled/i);
  assert.equal((await assetsObjects(stack.sim, 'Entra User')).filter((o) => JSON.stringify(o).includes('Deleted in Entra')).length, 0);
  await shot(page, 'journey-10-cancelled');
  await assertAccessible(page, 'cancelled');

  // Again, and this time confirm.
  await app.getByRole('button', { name: 'Sync now' }).click();
  await dialog.waitFor({ timeout: 60_000 });
  await frame.getByRole('button', { name: /^Retire \d+ objects$/ }).click();
  await app.locator('#sync-result[data-outcome="ok"]').filter({ hasText: 'Sync finished' }).waitFor({ timeout: 120_000 });
  const row = historyRows(app).first();
  assert.match(await cell(row, 2), /Succeeded/i);
  status = await stack.resolve('runStatus', {});
  assert.equal(status.active, null);
  const counts = status.last.datasets.flatMap((d) => Object.values(d.objects));
  assert.equal(await cell(row, 7), String(counts.reduce((n, c) => n + c.retired, 0)));
  assert.equal(counts.reduce((n, c) => n + c.retired, 0), retire, 'the number confirmed is the number retired');
  const usersRetired = status.last.datasets.find((d) => d.dataset === 'users').objects.user.retired;
  const retired = (await assetsObjects(stack.sim, 'Entra User')).filter((o) => JSON.stringify(o).includes('Deleted in Entra'));
  assert.equal(retired.length, usersRetired, 'exactly the users gone from Entra are retired');
  assert.ok(usersRetired > 0 && usersRetired <= removed);
  await shot(page, 'journey-11-confirmed');

  // The audit trail names who did each of it, newest first.
  const audit = app.locator('#audit tbody tr');
  await audit.filter({ hasText: 'Confirmed the removals' }).first().waitFor();
  const what = (await audit.allTextContents()).join('\n');
  for (const text of ['Confirmed the removals', 'Cancelled a sync', 'Started a sync', 'Saved the settings: Minimum count, Share of objects (%)']) assert.ok(what.includes(text), `${text} in the audit list`);
  assert.ok(what.includes('local-admin'));
  await app.locator('#audit').scrollIntoViewIfNeeded();
  await shot(page, 'journey-11b-audit');
  await assertAccessible(page, 'audit list');
  await page.close();
});

test('the page works in the dark theme and by keyboard', async () => {
  const { page, app } = await openAdminPage(browser, stack, { theme: 'dark' });
  await ready(app);
  const mode = await app.locator('html').getAttribute('data-color-mode');
  assert.equal(mode, 'dark');
  // Focus order follows the sections: the first Tab stops are the connection fields.
  await app.getByLabel('Directory (tenant) ID').focus();
  await page.keyboard.press('Tab');
  assert.equal(await app.locator(':focus').getAttribute('id'), 'clientId');
  await page.keyboard.press('Tab');
  assert.equal(await app.locator(':focus').getAttribute('id'), 'clientSecret');
  await page.keyboard.press('Tab');
  assert.equal(await app.locator(':focus').getAttribute('id'), 'check');
  const outline = await app.locator('#check').evaluate((b) => getComputedStyle(b).outlineStyle);
  assert.equal(outline, 'solid', 'focus is visible');
  await shot(page, 'journey-12-dark');
  await assertAccessible(page, 'dark mode');
  await page.close();
});

test('a scheduled run shows up on an open page, in the status and History, without a reload', async () => {
  const saved = await stack.resolve('saveSettings', fullSettings(stack.sim, { schedule: { enabled: true, interval: 'hour' } }));
  assert.equal(saved.ok, true, JSON.stringify(saved.errors));
  const { page, app } = await openAdminPage(browser, stack);
  await ready(app);
  const before = await historyRows(app).count();
  const fired = await fetch(`${stack.runtime.url}/__forge__/triggers/entra-sync-hourly`, { method: 'POST' });
  assert.equal(fired.ok, true);
  await app.locator('#history tbody tr').nth(before).waitFor({ timeout: 120_000 });
  assert.equal(await cell(historyRows(app).first(), 1), 'schedule');
  await app.locator('#status-last').getByText(/Succeeded/).waitFor();
  await shot(page, 'journey-13-scheduled-run');
  // History sorts by its columns: oldest first by Started.
  const newestFirst = await historyRows(app).allTextContents();
  await app.locator('#history').getByRole('button', { name: 'Started', exact: true }).click();
  await app.locator('#history th[aria-sort="ascending"]').waitFor();
  assert.deepEqual(await historyRows(app).allTextContents(), [...newestFirst].reverse());
  await assertAccessible(page, 'history sorted');
  await page.close();
});

test('the app inventory: switch on applications, choose how far ahead to warn, see the count in the status', async () => {
  const { page, app, errors } = await openAdminPage(browser, stack);
  await ready(app);
  await setSwitch(app, 'Applications (app registrations)', true);
  await app.getByLabel('Warn this many days ahead').fill('0');
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#warnDays[aria-invalid="true"]').waitFor();
  assert.match(await app.locator('#warnDays-error').textContent(), /from 1 to 365/);
  await app.getByLabel('Warn this many days ahead').fill('60');
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();
  await app.getByRole('button', { name: 'Sync now' }).click();
  await app.locator('#sync-result[data-outcome]').waitFor({ timeout: 120_000 });
  const { last } = await stack.resolve('runStatus', {});
  assert.equal(last.outcome, 'succeeded', JSON.stringify(last.errors));
  assert.ok(last.expiry.count > 0, 'the demo tenant has credentials inside 60 days');
  await app.locator('#status-credentials').getByText(`${last.expiry.count} expiring or expired`).waitFor();
  assert.match(await app.locator('#status-credentials').textContent(), /within 60 days/);
  await app.locator('#log').getByText(/app registration credentials have expired or expire within 60 days/).waitFor();
  await shot(page, 'journey-14-app-inventory');
  await assertAccessible(page, 'app inventory');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a data set that fails alone: the run completes with problems and the page names the data set and its fix', async () => {
  const { page, app, errors } = await openAdminPage(browser, stack);
  await ready(app);
  await setSwitch(app, 'Intune managed devices', true);
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();
  await sim('POST', '/intune', { licensed: false });
  try {
    await app.getByRole('button', { name: 'Sync now' }).click();
    await app.locator('#sync-result[data-outcome="problems"]').waitFor({ timeout: 120_000 });
    assert.match(await app.locator('#sync-result').textContent(), /Completed with problems\./);
    await app.locator('#status-last').getByText('Completed with problems').waitFor();
    assert.match(await cell(historyRows(app).first(), 2), /Completed with problems/);
    // Status names the data set with Check connection's diagnosis and fix; so does the run log.
    await app.locator('.status').getByText(/Intune managed devices: Intune is not available in this tenant/).waitFor();
    const fix = 'License Microsoft Intune for the tenant, or turn the Intune managed devices data set off.';
    await app.locator('.status').getByText(`Fix: ${fix}`).waitFor();
    const entry = app.locator('#log li[data-dataset="managedDevices"]');
    await entry.getByText('Not synced').waitFor();
    await entry.getByText('Intune managed devices:').waitFor();
    await entry.getByText(`Fix: ${fix}`).waitFor();
    assert.match(await entry.textContent(), /Graph request id/);
    const { last } = await stack.resolve('runStatus', {});
    assert.equal(last.outcome, 'completedWithProblems');
    assert.equal(last.datasets.find((d) => d.dataset === 'users').problem, undefined, 'users were synced');
    await app.locator('#log').scrollIntoViewIfNeeded();
    await shot(page, 'journey-15-completed-with-problems');
    await assertAccessible(page, 'completed with problems');
    assert.deepEqual(errors, []);
  } finally {
    await sim('POST', '/intune', { licensed: true });
  }
  await page.close();
});
