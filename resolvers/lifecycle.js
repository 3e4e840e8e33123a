// The Assets import type's lifecycle (jiraServiceManagement:assetsImportType): Assets calls these
// when an admin presses "Import data", stops it, asks whether the import is ready, or deletes it.
import { audit } from './audit.js';
import { validateConfig, validateSettings } from './core.js';
import { forgetKnownImport, rememberImport } from './imports.js';
import { cancelRun, startRun } from './runs.js';
import { forgetConfig, loadConfig, loadConnection, loadCredential, saveConfig } from './store.js';

const ids = (payload) => ({
  importId: String(payload?.importId ?? payload?.context?.extension?.importId ?? ''),
  workspaceId: String(payload?.workspaceId ?? payload?.context?.extension?.workspaceId ?? ''),
  schemaId: String(payload?.schemaId ?? payload?.context?.extension?.schemaId ?? ''),
});

async function complete() {
  const { tenantId, clientId } = await loadConnection();
  const connection = validateSettings({ tenantId, clientId, ...(await loadCredential()) });
  const config = await loadConfig();
  return connection.ok && config !== null && validateConfig(config).ok;
}

// Each call names its import: remembered so the page can offer it by name.
async function remember(payload) {
  try {
    await rememberImport(ids(payload));
  } catch (error) {
    console.warn(`could not remember import ${ids(payload).importId}: ${error.message}`);
  }
}

export async function startImport(payload) {
  await remember(payload);
  if (!(await complete())) return { result: 'Entra Sync is not configured yet: open Jira settings → Apps → Entra Sync, fill in the connection and save.' };
  const { importId, workspaceId, schemaId } = ids(payload);
  const config = await loadConfig();
  // This import is where the data goes from now on.
  const next = validateConfig({ ...config, destination: { workspaceId, schemaId, importSourceId: importId } });
  if (!next.ok) return { result: `Cannot start: ${next.errors.map((e) => e.message).join(' ')}` };
  await saveConfig(next.config);
  const started = await startRun({ trigger: 'import' });
  if (started.started) await audit(payload?.context, 'importStarted', { runId: started.runId });
  return { result: started.started ? `Entra Sync started run ${started.runId}.` : started.reason };
}

export async function stopImport(payload) {
  await remember(payload);
  const cancelled = await cancelRun();
  if (cancelled.ok) await audit(payload?.context, 'runCancelled', { runId: cancelled.runId });
  return { result: cancelled.ok ? `Entra Sync is stopping run ${cancelled.runId}.` : cancelled.reason };
}

export async function importStatus(payload) {
  await remember(payload);
  try {
    return { status: (await complete()) ? 'READY' : 'NOT_CONFIGURED' };
  } catch {
    return { status: 'NOT_CONFIGURED' };
  }
}

export async function onDeleteImport(payload) {
  const { importId } = ids(payload);
  await forgetKnownImport(importId).catch((error) => console.warn(`could not forget import ${importId}: ${error.message}`));
  const config = await loadConfig();
  if (config?.destination?.importSourceId === importId) await forgetConfig();
  return { result: 'Entra Sync forgot this import as its destination.' };
}
