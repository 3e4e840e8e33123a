// The admin switches Entra Sync from its client secret to a certificate in Chromium: create the
// certificate, download it, upload it to the app registration (the simulator's control call plays
// the portal's "Upload certificate"), Check connection passes, Save, Sync now finishes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertAccessible } from './helpers/a11y.js';
import { control, fullSettings, openAdminPage, ready } from './helpers/admin.js';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';

let stack;
let browser;
let sim;
before(async () => {
  stack = await startStack();
  browser = await launch();
  sim = control(stack.sim);
  const schemas = await stack.resolve('listSchemas', { workspaceId: stack.sim.assetsWorkspaceId });
  const saved = await stack.resolve('saveSettings', fullSettings(stack.sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }));
  assert.equal(saved.ok, true, JSON.stringify(saved));
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('switch to a certificate: create, download, upload, check, save, Sync now', async () => {
  const { page, app, errors } = await openAdminPage(browser, stack);
  await ready(app);
  assert.match(await app.locator('#status-secret').textContent(), /Saved|Expires/);

  await app.getByRole('radio', { name: 'Certificate (recommended)' }).check();
  await app.locator('#certificate-panel').waitFor();
  assert.equal(await app.getByLabel('Client secret value').count(), 0, 'no secret field for a certificate');
  await app.getByRole('radio', { name: '2 years' }).check();
  await app.getByRole('button', { name: 'Create certificate' }).click();
  const pending = app.locator('#certificate-pending');
  await pending.waitFor();
  await app.locator('#certificate-pending-cer:focus').waitFor();
  const sha1 = (await pending.locator('[data-thumbprint="sha1"]').textContent()).trim();
  const sha256 = (await pending.locator('[data-thumbprint="sha256"]').textContent()).trim();
  assert.match(sha1, /^[0-9A-F]{40}$/);
  assert.match(sha256, /^[0-9A-F]{64}$/);
  await shot(page, 'certificate-01-created');
  await assertAccessible(page, 'certificate created');

  // Check connection before the upload names the error and its fix.
  await app.getByRole('button', { name: 'Check connection' }).click();
  await app.locator('#check-result[data-outcome="fail"]').waitFor();
  assert.match(await app.locator('#check-result').textContent(), /AADSTS700027.*Certificates & secrets/);

  const [download] = await Promise.all([page.waitForEvent('download'), pending.getByRole('button', { name: 'Download .cer' }).click()]);
  assert.match(download.suggestedFilename(), /^entra-sync-[0-9a-f]{8}\.cer$/);
  const der = readFileSync(await download.path());
  const uploaded = await sim('POST', '/applications/certificates', { der: der.toString('base64') });
  assert.equal(uploaded.thumbprint, sha1, 'the portal shows the thumbprint the page showed');
  assert.equal(uploaded.thumbprintSha256, sha256);
  const [pem] = await Promise.all([page.waitForEvent('download'), pending.getByRole('button', { name: 'Download .pem' }).click()]);
  assert.match(readFileSync(await pem.path(), 'utf8'), /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);

  await app.getByRole('button', { name: 'Check connection' }).click();
  await app.locator('#check-result[data-outcome="ok"]').waitFor();
  assert.match(await app.locator('#check-result').textContent(), new RegExp(`certificate \\(SHA-1 thumbprint ${sha1}\\)`));
  await app.getByText('Check connection passed with the new certificate').waitFor();
  await shot(page, 'certificate-02-checked');
  await assertAccessible(page, 'certificate checked');

  await app.getByRole('button', { name: 'Save' }).click();
  await app.locator('#result[data-outcome="success"]').waitFor();
  await app.locator('#certificate-active').getByText(sha1).waitFor();
  assert.equal(await app.locator('#certificate-pending').count(), 0);
  assert.match(await app.locator('.glance').textContent(), /Certificate/);

  await app.getByRole('button', { name: 'Sync now' }).click();
  await app.locator('#sync-result[data-outcome="ok"]').waitFor({ timeout: 120_000 });
  assert.match(await app.locator('#status-last').textContent(), /Succeeded/);
  await shot(page, 'certificate-03-synced');
  assert.deepEqual(errors, []);
});
