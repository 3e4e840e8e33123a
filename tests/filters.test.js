// A data set's filter on the admin page: a filter the core cannot use is refused under its field with
// the properties that can be filtered; a good one is saved, shown again, and limits what a sync writes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from './helpers/a11y.js';
import { announceImport, fillConnection, fillDestination, openAdminPage, ready, setSwitch } from './helpers/admin.js';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';
import { assetsObjects, graphAll } from './helpers/tenant.js';

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

test('a users filter is checked, saved, shown again and limits the sync', async () => {
  const { page, app, errors } = await openAdminPage(browser, stack);
  await ready(app);
  await fillConnection(app, stack.sim);
  await fillDestination(app, stack.sim);
  await setSwitch(app, 'Sync on a schedule', false);

  const filter = app.getByLabel(/^Only users matching/);
  await filter.fill("officeLocation eq 'Oslo'");
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#filter-users[aria-invalid="true"]').waitFor();
  const message = await app.locator('#filter-users-error').textContent();
  assert.match(message, /does not read/);
  assert.match(message, /accountEnabled/, 'names what can be filtered');
  // The properties that can be filtered are folded away until asked for.
  const help = app.getByText('Filterable properties');
  await help.click();
  assert.match(await app.locator('.disclosure[open]').textContent(), /Example: accountEnabled eq true/);
  await shot(page, 'filter-refused');
  await assertAccessible(page, 'filter refused');

  await filter.fill('accountEnabled eq false');
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();
  assert.equal(await app.locator('[aria-invalid="true"]').count(), 0);
  await page.reload();
  await ready(app);
  assert.equal(await app.getByLabel(/^Only users matching/).inputValue(), 'accountEnabled eq false');
  await shot(page, 'filter-saved');
  assert.deepEqual(errors, []);
  await page.close();

  const begun = await stack.resolve('syncNow', {});
  assert.equal(begun.started, true, begun.reason);
  await stack.runtime.queueIdle();
  const { last } = await stack.resolve('runStatus', {});
  assert.equal(last.outcome, 'succeeded', JSON.stringify(last.errors));
  const users = await graphAll(stack.sim, '/v1.0/users?$select=id,accountEnabled');
  const disabled = users.filter((u) => u.accountEnabled === false).length;
  assert.ok(disabled > 0 && disabled < users.length, 'the demo tenant has both kinds');
  assert.equal((await assetsObjects(stack.sim, 'Entra User')).length, disabled);
});
