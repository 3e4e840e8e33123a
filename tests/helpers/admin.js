// The admin page in the runtime's Jira frame, and the simulator's control API, for the journey tests.
import assert from 'node:assert/strict';

/** A page in a context of its own (axe needs one), closed with it. */
export async function newPage(browser, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('close', () => context.close().catch(() => {}));
  return page;
}

export async function openAdminPage(browser, stack, { accountId, theme, before, params = {} } = {}) {
  const page = await newPage(browser, { viewport: { width: 1100, height: 2200 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  if (before) await before(page);
  const query = new URLSearchParams({ ...(accountId ? { accountId } : {}), ...(theme ? { theme } : {}), ...params });
  await page.goto(`${stack.runtime.url}/?${query}`);
  const app = page.frameLocator('#app');
  return { page, app, errors };
}

/** Waits until the page loaded settings, workspaces, history and run status. */
export async function ready(app) {
  await app.locator('#app[data-ready="true"]').waitFor();
}

export async function fillConnection(app, { tenantId, clientId, clientSecret }) {
  await app.getByLabel('Directory (tenant) ID').fill(tenantId);
  await app.getByLabel('Application (client) ID').fill(clientId);
  await app.getByLabel('Client secret value').fill(clientSecret);
}

/** Turns an Atlassian Toggle on or off by clicking it, as a person would (its input is covered by its track). */
export async function setSwitch(app, name, on) {
  const input = app.getByRole('checkbox', { name, exact: typeof name === 'string' });
  if ((await input.isChecked()) !== on) await input.locator('xpath=..').click();
  if ((await input.isChecked()) !== on) throw new Error(`the switch "${name}" did not turn ${on ? 'on' : 'off'}`);
}

/** Picks an option of an Atlassian Select (react-select) by its visible text, or the first. */
export async function pick(app, label, option) {
  await app.getByLabel(label, { exact: true }).click();
  const options = app.getByRole('option');
  await options.first().waitFor();
  await (option ? options.filter({ hasText: option }).first() : options.first()).click();
}

/** The value an Atlassian Select shows. */
export const picked = (app, id) => app.locator(`.select-${id}`).innerText();

/** The name of the simulator's import (each schema's first import). */
export const IMPORT_NAME = 'Microsoft Entra ID & Intune';

/**
 * Assets shows the import in its schema's Import tab, asking the import type for its status: from
 * then on the app knows the import and the page offers it by name (as after an admin created it).
 */
export async function announceImport(stack, importId = stack.sim.assetsImportSourceId, schemaId = '1') {
  const extension = { importId, workspaceId: stack.sim.assetsWorkspaceId, schemaId, executionId: '', type: 'jiraServiceManagement:assetsImportType' };
  await stack.runtime.invokeFunction('import-status', 'lifecycle', [{ ...extension, context: { extension } }, {}]);
}

export async function fillDestination(app, sim) {
  if (!(await picked(app, 'workspaceId')).includes(sim.assetsWorkspaceId)) await pick(app, 'Assets workspace', sim.assetsWorkspaceId);
  // A workspace with one schema chooses it by itself, and a schema with one import that import.
  await app.locator('.select-schemaId').filter({ hasText: /\(/ }).waitFor();
  await app.locator('.select-importSourceId').filter({ hasText: IMPORT_NAME }).waitFor();
}

export function control(sim) {
  return async (method, path, body) => {
    const response = await fetch(`${sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
    return response.json().catch(() => null);
  };
}

/** Every setting the page has, filled in for the simulator, for tests that save through the resolver. */
export const fullSettings = (sim, overrides = {}) => ({
  tenantId: sim.tenantId,
  clientId: sim.clientId,
  clientSecret: sim.clientSecret,
  destination: { workspaceId: sim.assetsWorkspaceId, schemaId: overrides.schemaId ?? '1', importSourceId: sim.assetsImportSourceId },
  datasets: { users: true },
  schedule: { interval: 'hour', enabled: true, ...overrides.schedule },
  deletion: { policy: 'retire', percent: 5, minimum: 500, ...overrides.deletion },
});
