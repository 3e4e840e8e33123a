// The requester panel in Chromium, in the runtime's Jira issue view, after a sync of the demo
// tenant: the agent opens a request and sees the reporter with devices, compliance and groups,
// presses Refresh from Entra, switches to dark mode, and searches by name for a hidden email; axe
// with the WCAG 2.2 AA tags finds nothing in any state, and only the keyboard is needed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from './helpers/a11y.js';
import { control, fullSettings, newPage } from './helpers/admin.js';
import { launch, shot } from './helpers/browser.js';
import { startStack } from './helpers/stack.js';

let stack;
let browser;
let site;
before(async () => {
  stack = await startStack();
  const { sim } = stack;
  const schemas = await stack.resolve('listSchemas', { workspaceId: sim.assetsWorkspaceId });
  const datasets = Object.fromEntries((await stack.resolve('getSettings', {})).datasetOptions.map(({ key }) => [key, true]));
  assert.equal((await stack.resolve('saveSettings', { ...fullSettings(sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }), datasets })).ok, true);
  assert.equal((await stack.resolve('syncNow', {})).started, true);
  await stack.runtime.queueIdle();
  assert.equal((await stack.resolve('savePanelSettings', { projects: 'SD' })).ok, true);
  site = await control(sim)('GET', '/jira');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openIssue(issue, { theme } = {}) {
  const page = await newPage(browser, { viewport: { width: 1200, height: 1600 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  const query = new URLSearchParams({ page: 'entra-intune-panel', issue, ...(theme ? { theme } : {}) });
  await page.goto(`${stack.runtime.url}/?${query}`);
  const panel = page.frameLocator('#app');
  await panel.locator('#panel[data-state="ready"], #panel[data-state="refused"]').waitFor();
  return { page, panel, errors };
}

test('open a request: the reporter with devices, compliance and groups; Refresh from Entra; dark mode', async () => {
  const { page, panel, errors } = await openIssue('SD-1');
  assert.match(await page.locator('#issue h1').textContent(), /^SD-1 · /);
  const reporter = site.accounts.find((a) => a.accountId === site.issues.find((i) => i.key === 'SD-1').reporter);
  await panel.getByRole('heading', { name: `Reporter: ${reporter.displayName}` }).waitFor();
  const devices = panel.locator('.managed-device');
  assert.ok((await devices.count()) > 0, 'devices are listed');
  assert.match(await devices.first().textContent(), /Compliant|Not compliant|In grace period|Unknown|Conflict|Error/);
  assert.ok((await panel.locator('.group').count()) > 0, 'groups are listed');
  await shot(page, 'panel-light');
  await assertAccessible(page, 'panel light');

  // Keyboard only: Tab reaches Refresh from Entra, Enter presses it.
  const refresh = panel.getByRole('button', { name: 'Refresh from Entra' });
  await refresh.focus();
  await page.keyboard.press('Enter');
  await panel.locator('.refresh-result[data-differences="0"]').waitFor();
  assert.match(await panel.locator('.refresh-result').textContent(), /Assets matches Entra ID/);
  await assertAccessible(page, 'panel refreshed');

  // An Assets link goes through the bridge's router.
  await panel.locator('.account a').first().click();
  await page.locator('#navigation').filter({ hasText: 'Jira would open /jira/servicedesk/assets/object-schema/' }).waitFor();

  await page.getByRole('button', { name: 'Dark mode' }).click();
  await panel.locator('html[data-color-mode="dark"]').waitFor();
  await shot(page, 'panel-dark');
  await assertAccessible(page, 'panel dark');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a hidden email: the panel says so, and a search by name shows the person', async () => {
  const { page, panel, errors } = await openIssue('SD-2', { theme: 'dark' });
  const hidden = site.accounts.find((a) => a.accountId === site.issues.find((i) => i.key === 'SD-2').reporter);
  await panel.getByText(/hidden by their Atlassian profile visibility/).waitFor();
  await assertAccessible(page, 'email hidden');
  await panel.getByRole('textbox', { name: 'Search the directory by name' }).fill(hidden.displayName);
  await page.keyboard.press('Enter');
  await panel.getByRole('button', { name: hidden.displayName }).click();
  await panel.locator('.account').waitFor();
  await panel.locator('.devices, .groups').first().waitFor();
  await shot(page, 'panel-picked');
  await assertAccessible(page, 'picked by name');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a reporter outside the directory and a project where the panel is off each say why', async () => {
  const outsider = await openIssue('SD-3');
  await outsider.panel.getByText(/pat\.visitor@example\.org/).waitFor();
  await assertAccessible(outsider.page, 'not in the directory');
  await outsider.page.close();
  const off = await openIssue('HR-1');
  await off.panel.locator('#panel[data-code="projectOff"]').waitFor();
  await assertAccessible(off.page, 'project off');
  await off.page.close();
});

test('an admin switches the panel on in the admin page: a wrong key is marked and focused, then saved', async () => {
  const page = await newPage(browser, { viewport: { width: 1100, height: 2600 } });
  await page.goto(`${stack.runtime.url}/`);
  const app = page.frameLocator('#app');
  await app.locator('#app[data-ready="true"]').waitFor();
  const projects = app.getByRole('textbox', { name: 'Projects (keys)' });
  await projects.fill('SD, 1X');
  await app.getByRole('button', { name: 'Apply panel settings' }).click();
  await app.getByText('"1X" is not a Jira project key').waitFor();
  assert.equal(await projects.evaluate((el) => el === document.activeElement), true, 'the field with the error has focus');
  await assertAccessible(page, 'panel settings error');
  await projects.fill('sd');
  await app.getByRole('checkbox', { name: 'Show licences' }).locator('xpath=..').click();
  await app.getByRole('button', { name: 'Apply panel settings' }).click();
  await app.locator('#panel-result').getByText('Saved: the panel shows in SD.').waitFor();
  const saved = await stack.resolve('getPanelSettings', {});
  assert.deepEqual(saved.panel.projects, ['SD']);
  assert.equal(saved.panel.sections.licences, false);
  await assertAccessible(page, 'panel settings saved');
  await page.close();
  assert.equal((await stack.resolve('savePanelSettings', { projects: 'SD' })).ok, true);
});
