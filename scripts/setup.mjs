// Toolchain set-up shared by `npm start` and `npm test`. Idempotent, and quick when already done:
// every step first checks whether there is anything to do.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { output, root, run, step } from './lib/run.mjs';

function lockedWasmBindgenVersion() {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const match = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/);
  if (!match) throw new Error('Cargo.lock has no wasm-bindgen entry; run `cargo generate-lockfile`.');
  return match[1];
}

async function rustTarget() {
  const installed = output('rustup', ['target', 'list', '--installed']) ?? '';
  if (installed.split('\n').includes('wasm32-unknown-unknown')) return;
  step('rustup target add wasm32-unknown-unknown');
  await run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
}

async function wasmBindgenCli() {
  const wanted = lockedWasmBindgenVersion();
  if (output('wasm-bindgen', ['--version']) === `wasm-bindgen ${wanted}`) return;
  step(`cargo install wasm-bindgen-cli ${wanted} (once; takes a few minutes)`);
  // --locked fails on registries that lack one of its pinned test-runner deps; retry unlocked.
  try {
    await run('cargo', ['install', 'wasm-bindgen-cli', '--version', wanted, '--locked']);
  } catch {
    await run('cargo', ['install', 'wasm-bindgen-cli', '--version', wanted, '--force']);
  }
}

async function nodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  step('npm ci');
  await run('npm', ['ci', '--no-audit', '--no-fund']);
}

async function chromium() {
  if (existsSync('/usr/bin/chromium')) return;
  step("apt-get install chromium (Debian's build, for the browser tests)");
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => (sudo.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
  await apt(['update']);
  await apt(['install', '-y', '--no-install-recommends', 'chromium']);
}

export async function setup({ browser = false } = {}) {
  await rustTarget();
  await wasmBindgenCli();
  await nodeModules();
  if (browser) await chromium();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await setup({ browser: process.argv.includes('--browser') });
}
