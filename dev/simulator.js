// Starts the simulator binary (crates/sim) and waits for the JSON line it prints once listening.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../', import.meta.url).pathname;

export function simulatorBinary(profile = 'debug') {
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  return join(target, profile, 'entra-sync-sim');
}

export async function startSimulator({ preset = 'demo', seed = 42, port = 0, args = [], profile = 'debug' } = {}) {
  const bin = simulatorBinary(profile);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (it builds the simulator) first.`);
  const child = spawn(bin, ['--json', '--port', String(port), '--preset', preset, '--seed', String(seed), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`the simulator printed "${line}" instead of its JSON ready line`));
      }
    });
  });
  child.removeAllListeners('exit');
  // Never leave a simulator behind when this process ends without calling stop().
  const reap = () => child.exitCode === null && child.kill('SIGTERM');
  process.once('exit', reap);
  lines.on('line', (line) => process.stdout.write(`[sim] ${line}\n`));
  return {
    ...info,
    stop: () =>
      new Promise((resolve) => {
        process.removeListener('exit', reap);
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
