// Each error journey of the admin page shows its fix; a non-admin is refused; a secret that expires
// soon raises a banner.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { assertAccessible } from './helpers/a11y.js';
import { control, fillConnection, openAdminPage, picked, ready, setSwitch } from './helpers/admin.js';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';

let stack;
let browser;
let sim;
before(async () => {
  stack = await startStack();
  browser = await launch();
  sim = control(stack.sim);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});
afterEach(async () => sim('POST', '/reset'));

async function check(name, credentials, expect) {
  const { page, app } = await openAdminPage(browser, stack);
  await ready(app);
  await fillConnection(app, { ...stack.sim, ...credentials });
  await app.getByRole('button', { name: 'Check connection' }).click();
  const result = app.locator('#check-result[data-outcome="fail"]');
  await result.waitFor();
  const text = await result.textContent();
  for (const pattern of expect) assert.match(text, pattern);
  assert.equal(await app.getByRole('button', { name: 'Check connection' }).evaluate((b) => b === document.activeElement), true, 'focus stays on Check connection');
  await shot(page, `error-${name}`);
  await assertAccessible(page, `connection error ${name}`);
  await page.close();
  return text;
}

test('wrong secret', async () => {
  await check('wrong-secret', { clientSecret: 'xyz8Q~this-is-not-the-secret-value-000000' }, [/AADSTS7000215/, /Value, not its Secret ID/]);
});

test('expired secret', async () => {
  await sim('POST', '/secrets/expire');
  await check('expired-secret', {}, [/AADSTS7000222/, /Create a new secret under Certificates & secrets/]);
});

test('unknown tenant and unknown client', async () => {
  await check('unknown-tenant', { tenantId: '11111111-2222-3333-4444-555555555555' }, [/AADSTS90002/, /Directory \(tenant\) ID/]);
  await check('unknown-client', { clientId: '11111111-2222-3333-4444-555555555555' }, [/AADSTS700016/, /Application \(client\) ID/]);
});

test('missing admin consent', async () => {
  await sim('POST', '/permissions/revoke-all');
  await check('missing-consent', {}, [/no Application permissions/, /Application permissions \(not Delegated\)/, /Grant admin consent/]);
});

test('Intune not licensed', async () => {
  await sim('POST', '/intune', { licensed: false });
  const { page, app } = await openAdminPage(browser, stack);
  await ready(app);
  await fillConnection(app, stack.sim);
  await setSwitch(app, /Intune managed devices/i, true);
  await app.getByRole('button', { name: 'Check connection' }).click();
  await app.locator('#check-result[data-outcome="fail"]').waitFor();
  assert.match(await app.locator('#check-result').textContent(), /Fix: License Microsoft Intune for the tenant, or turn the Intune managed devices data set off/);
  await shot(page, 'error-intune-not-licensed');
  await assertAccessible(page, 'Intune not licensed');
  await page.close();
});

test('a non-admin is refused, by every resolver and on the page', async () => {
  await assert.rejects(stack.resolve('getSettings', {}, 'someone-else'), (error) => error.code === 'NOT_ADMIN' && /for Jira administrators only/.test(error.message));
  await assert.rejects(stack.resolve('syncNow', {}, 'someone-else'), /for Jira administrators only/);
  await assert.rejects(stack.resolve('saveSettings', { tenantId: 'x' }, 'someone-else'), /for Jira administrators only/);
  const { page, app } = await openAdminPage(browser, stack, { accountId: 'someone-else' });
  const refused = app.locator('#refused');
  await refused.waitFor();
  assert.match(await refused.textContent(), /for Jira administrators only/);
  assert.equal(await app.locator('#app').count(), 0);
  await shot(page, 'non-admin-refused');
  await assertAccessible(page, 'non-admin');
  await page.close();
});

test('a secret that expires within 30 days raises a banner', async () => {
  const report = await stack.resolve('checkConnection', { tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, clientSecret: stack.sim.clientSecret });
  assert.ok(report.secretExpiresAt, JSON.stringify(report));
  assert.equal((await stack.resolve('saveSettings', { tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, clientSecret: stack.sim.clientSecret })).ok, true);
  const settings = await stack.resolve('getSettings', {});
  assert.equal(settings.secretExpiresAt, report.secretExpiresAt);
  assert.ok(!JSON.stringify(settings).includes(stack.sim.clientSecret));
  // The page's clock 12 days before the expiry.
  const at = new Date(Date.parse(report.secretExpiresAt) - 12 * 86_400_000 + 3_600_000);
  const { page, app } = await openAdminPage(browser, stack, { before: (p) => p.clock.setFixedTime(at) });
  const banner = app.locator('#banner[data-level="warn"]');
  await banner.waitFor();
  assert.match(await banner.textContent(), /expires in 12 days/);
  await shot(page, 'secret-expiry-banner');
  await assertAccessible(page, 'secret expiry');
  await page.close();
});

test("opened from an Assets import's Configure app, the page proposes that import as the destination", async () => {
  const params = { page: 'entra-assets-import', importId: stack.sim.assetsImportSourceId, workspaceId: stack.sim.assetsWorkspaceId, schemaId: '' };
  const { page, app } = await openAdminPage(browser, stack, { params });
  await ready(app);
  // Offered by name: the import the Configure app was opened for.
  await app.locator('.select-importSourceId').filter({ hasText: 'Microsoft Entra ID & Intune' }).waitFor();
  assert.match(await picked(app, 'workspaceId'), new RegExp(stack.sim.assetsWorkspaceId));
  // The proposal is not saved yet: Save is on, and says so.
  assert.equal(await app.locator('#save').isDisabled(), false);
  await app.getByText('Unsaved changes').waitFor();
  await shot(page, 'import-configure-app');
  await assertAccessible(page, 'Configure app');
  await page.close();
});
