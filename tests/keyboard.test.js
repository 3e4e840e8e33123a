// Keyboard only, from first open to a finished sync: every step is a key press, and after each the
// test asserts where focus is (never lost to <body>).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from './helpers/a11y.js';
import { announceImport, IMPORT_NAME, openAdminPage, ready } from './helpers/admin.js';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';

let stack;
let browser;
before(async () => {
  stack = await startStack();
  await announceImport(stack);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('keyboard only: first open to a finished sync, focus asserted after each action', async () => {
  const { page, app, errors } = await openAdminPage(browser, stack);
  await ready(app);
  const focused = () => app.locator(':focus').evaluate((node) => node.id || node.textContent.trim());
  // Tab until the control with this id has focus; fails if it is never reached.
  async function tabTo(id, max = 40) {
    for (let n = 0; n < max; n += 1) {
      if ((await app.locator(':focus').count()) && (await focused()) === id) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached #${id}`);
  }
  const type = (text) => page.keyboard.type(text);

  await tabTo('tenantId');
  await type(stack.sim.tenantId);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'clientId');
  await type(stack.sim.clientId);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'clientSecret');
  await type(stack.sim.clientSecret);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'check');
  await page.keyboard.press('Enter');
  await app.locator('#check-result[data-outcome="ok"]').waitFor();
  assert.equal(await focused(), 'check', 'focus stays on Check connection');

  // Destination: the workspace by arrow keys; the one schema is chosen by itself.
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'workspaceId');
  await page.keyboard.press('ArrowDown');
  await app.getByRole('option').first().waitFor();
  await page.keyboard.press('Enter');
  await app.locator('.select-workspaceId').filter({ hasText: stack.sim.assetsWorkspaceId }).waitFor();
  assert.equal(await focused(), 'workspaceId');
  await app.locator('.select-schemaId').filter({ hasText: /\(/ }).waitFor();
  // The schema's one import is chosen by itself, by name.
  await tabTo('importSourceId');
  await app.locator('.select-importSourceId').filter({ hasText: IMPORT_NAME }).waitFor();

  // The schedule off, by Space on its switch.
  await tabTo('scheduleEnabled');
  await page.keyboard.press('Space');
  assert.equal(await app.locator('#scheduleEnabled').isChecked(), false);
  assert.equal(await focused(), 'scheduleEnabled');

  await tabTo('save');
  await page.keyboard.press('Enter');
  await app.locator('#result[data-outcome="success"]').waitFor();
  // Save has nothing left to do: focus moves on to Sync now, not to <body>.
  await app.locator('#syncNow:focus').waitFor();
  await shot(page, 'keyboard-01-saved');

  await page.keyboard.press('Enter');
  await app.locator('#run').waitFor();
  assert.equal(await focused(), 'syncNow', 'a busy Sync now keeps focus (aria-disabled)');
  assert.equal(await app.locator('#syncNow').getAttribute('aria-disabled'), 'true');
  await app.locator('#sync-result[data-outcome="ok"]').waitFor({ timeout: 120_000 });
  assert.equal(await focused(), 'syncNow', 'focus is still on Sync now when the run ends');
  await shot(page, 'keyboard-02-finished');
  await assertAccessible(page, 'keyboard journey finished');
  assert.deepEqual(errors, []);
  await page.close();
});
