// `npm start`: the simulator with a demo tenant, and the local Forge runtime serving the admin page.
import { join } from 'node:path';
import { startRuntime } from './runtime/index.js';
import { startSimulator } from './simulator.js';

const root = new URL('../', import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8080);
const preset = process.env.ENTRA_SIM_PRESET ?? 'demo';

const sim = await startSimulator({ preset });
const runtime = await startRuntime({
  appDir: root,
  dataDir: process.env.FORGE_DATA_DIR ?? join(root, '.forge-local', 'data'),
  simulatorUrl: sim.url,
  port,
});

console.log(`
Entra Sync is running locally.

  Admin page (plays Jira's admin frame):  ${runtime.url}/
  Simulator (Microsoft + Assets):          ${sim.url}  preset "${preset}"

Demo tenant credentials for the Connection section:
  Directory (tenant) ID    ${sim.tenantId}
  Application (client) ID  ${sim.clientId}
  Client secret value      ${sim.clientSecret}

Simulated JSM Assets: workspace ${sim.assetsWorkspaceId}, import source ${sim.assetsImportSourceId}

Also: ${runtime.url}/?theme=dark (Jira's dark mode), ${runtime.url}/?accountId=someone-else (not a Jira admin),
      ${runtime.url}/?page=entra-assets-import&importId=${sim.assetsImportSourceId}&workspaceId=${sim.assetsWorkspaceId} (Assets' "Configure app")

KVS quota: FORGE_KVS_QUOTA=${process.env.FORGE_KVS_QUOTA ?? 'on'} (on = Forge's rates, off, or a factor such as 0.1); KVS latency: FORGE_KVS_LATENCY_MS=${process.env.FORGE_KVS_LATENCY_MS ?? 0}.
Platform usage so far: ${runtime.url}/__forge__/usage

Ctrl-C stops everything. Settings, KVS and undelivered queue events persist in .forge-local/data.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await runtime.close();
  await sim.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
