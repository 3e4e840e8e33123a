// The whole local stack for a test file: the simulator binary and the local Forge runtime running
// this app, with a fresh data directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../dev/runtime/index.js';
import { startSimulator } from '../../dev/simulator.js';

export const root = new URL('../../', import.meta.url).pathname;

/** `runtime` holds further options of the local runtime (e.g. `kvsQuota`, `now`). */
export async function startStack({ preset = 'demo', limits, runtime: options = {} } = {}) {
  const sim = await startSimulator({ preset });
  const dataDir = mkdtempSync(join(tmpdir(), 'entra-sync-forge-'));
  const logs = [];
  let runtime;
  try {
    runtime = await startRuntime({ appDir: root, dataDir, simulatorUrl: sim.url, limits, log: (line) => logs.push(line), ...options });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return {
    sim,
    runtime,
    dataDir,
    logs,
    resolve: (functionKey, payload, accountId) => runtime.callResolver({ moduleKey: 'entra-sync-admin', functionKey, payload, accountId }),
    async stop() {
      await runtime.close();
      await sim.stop();
    },
  };
}
