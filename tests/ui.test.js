// The admin page in Chromium, inside the runtime's Jira frame, against the simulator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';
import { announceImport, fillDestination, newPage, setSwitch } from './helpers/admin.js';
import { assertAccessible } from './helpers/a11y.js';

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

async function openAdminPage() {
  const page = await newPage(browser);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${stack.runtime.url}/`);
  const app = page.frameLocator('#app');
  await app.locator('#app[data-ready="true"]').waitFor();
  return { page, app, errors };
}

async function fill(app, { tenantId, clientId, clientSecret }) {
  await app.getByLabel('Directory (tenant) ID').fill(tenantId);
  await app.getByLabel('Application (client) ID').fill(clientId);
  await app.getByLabel('Client secret value').fill(clientSecret);
}

test('Check connection with the demo credentials shows every data set readable', async () => {
  const { page, app, errors } = await openAdminPage();
  await shot(page, 'admin-empty');
  await assertAccessible(page, 'empty');
  await fill(app, stack.sim);
  // Check connection probes the data sets switched on.
  for (const name of ['Users', 'Groups', 'Devices', 'Intune managed devices', 'Licences']) await setSwitch(app, name, true);
  await app.getByRole('button', { name: 'Check connection' }).click();
  const result = app.locator('#check-result[data-outcome="ok"]');
  await result.waitFor();
  // One section message per result, each with its own title.
  const titles = await result.locator('[role="region"], section').count();
  assert.ok(titles >= 5, `${titles} results`);
  for (const name of ['users', 'groups', 'devices', 'Intune managed devices', 'licences']) assert.match(await result.textContent(), new RegExp(name, 'i'));
  await shot(page, 'check-connection-ok');
  await assertAccessible(page, 'check connection ok');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong secret shows the wrong-secret message and how to fix it', async () => {
  const { page, app } = await openAdminPage();
  await fill(app, { ...stack.sim, clientSecret: 'xyz8Q~this-is-not-the-secret-value-000000' });
  await app.getByRole('button', { name: 'Check connection' }).click();
  const result = app.locator('#check-result[data-outcome="fail"]');
  await result.waitFor();
  const text = await result.textContent();
  assert.match(text, /AADSTS7000215/);
  assert.match(text, /paste the secret's Value/i);
  assert.equal((text.match(/AADSTS7000215/g) ?? []).length, 1, 'the error sentence is shown once');
  await shot(page, 'check-connection-wrong-secret');
  await assertAccessible(page, 'wrong secret');
  // Typing a new secret: the hint no longer says "Not set", and the stale result goes.
  assert.doesNotMatch(await app.locator('#clientSecret-hint').textContent(), /Not set/);
  await app.getByLabel('Client secret value').fill(stack.sim.clientSecret);
  assert.equal(await app.locator('#check-result').textContent(), '');
  await page.close();
});

test('saving marks bad fields, and a saved secret is never put back into the page', async () => {
  const { page, app } = await openAdminPage();
  await fill(app, { ...stack.sim, tenantId: 'not a tenant' });
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#tenantId[aria-invalid="true"]').waitFor();
  assert.match(await app.locator('#tenantId-error').textContent(), /neither a GUID nor a domain/);
  assert.equal(await app.locator(':focus').getAttribute('id'), 'tenantId', 'the first invalid field has focus');
  await shot(page, 'save-invalid-tenant');
  await assertAccessible(page, 'save refused');

  await app.getByLabel('Directory (tenant) ID').fill(stack.sim.tenantId);
  await fillDestination(app, stack.sim);
  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();
  assert.equal(await app.locator('#save').isDisabled(), true, 'nothing left to save');
  // Editing again: Save comes back, and the stale "Settings saved." goes.
  await app.getByLabel('Minimum count').fill('400');
  assert.equal(await app.locator('#save').isDisabled(), false);
  assert.equal(await app.locator('#result').textContent(), '');
  await shot(page, 'dirty');
  await assertAccessible(page, 'dirty');
  // Back to what is saved: nothing to save again (and nothing to lose on reload).
  await app.getByLabel('Minimum count').fill('500');
  assert.equal(await app.locator('#save').isDisabled(), true);
  await page.reload();
  const again = page.frameLocator('#app');
  await again.locator('#clientSecret-hint').filter({ hasText: 'A secret is saved' }).waitFor();
  assert.equal(await again.getByLabel('Client secret value').inputValue(), '');
  assert.equal(await again.getByLabel('Directory (tenant) ID').inputValue(), stack.sim.tenantId);
  const appFrame = page.frames().find((frame) => frame !== page.mainFrame());
  assert.ok(!(await appFrame.content()).includes(stack.sim.clientSecret));
  await shot(page, 'saved-settings');
  await assertAccessible(page, 'saved');

  // Leaving with unsaved changes asks first.
  await again.getByLabel('Minimum count').fill('450');
  const asked = new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.type());
      dialog.accept();
    });
  });
  await page.close({ runBeforeUnload: true });
  assert.equal(await asked, 'beforeunload');
});
