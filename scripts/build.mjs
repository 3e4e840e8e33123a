// Build pipeline: wasm (size profile) → wasm-bindgen (--target web) → wasm-opt (npm binaryen) →
// base64 module that Forge's webpack bundler inlines; then the admin page with esbuild.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, run, step } from './lib/run.mjs';

const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const wasmOut = join(root, 'build', 'wasm');
const NAME = 'entra_sync_wasm';

async function buildWasm() {
  step('cargo build -p entra-sync-wasm (wasm32, profile wasm-release)');
  await run('cargo', ['build', '-p', 'entra-sync-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release']);
  const raw = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', `${NAME}.wasm`);
  const hash = createHash('sha256').update(readFileSync(raw)).digest('hex');
  const stamp = join(wasmOut, '.source-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;

  rmSync(wasmOut, { recursive: true, force: true });
  mkdirSync(wasmOut, { recursive: true });
  step('wasm-bindgen + wasm-opt -Oz');
  await run('wasm-bindgen', ['--target', 'web', '--omit-default-module-path', '--out-dir', wasmOut, raw]);
  const bg = join(wasmOut, `${NAME}_bg.wasm`);
  await run(join(root, 'node_modules', '.bin', 'wasm-opt'), ['-Oz', bg, '-o', bg]);
  const base64 = readFileSync(bg).toString('base64');
  writeFileSync(join(wasmOut, `${NAME}_bg.wasm.b64.js`), `export default "${base64}";\n`);
  // No .wasm file may ship: Forge's bundler has no rule for it, and the bundle must stand alone.
  rmSync(bg);
  writeFileSync(stamp, hash);
}

async function buildStatic() {
  step('esbuild static/admin');
  const source = join(root, 'static', 'admin', 'src');
  const out = join(root, 'static', 'admin', 'build');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await run(join(root, 'node_modules', '.bin', 'esbuild'), [
    join(source, 'main.js'), '--bundle', '--format=esm', '--target=es2022', '--minify',
    '--log-level=warning', `--outfile=${join(out, 'main.js')}`,
  ]);
  for (const file of ['index.html', 'styles.css', 'icon.svg']) cpSync(join(source, file), join(out, file));
}

async function buildSimulator() {
  step('cargo build -p entra-sync-sim');
  await run('cargo', ['build', '-p', 'entra-sync-sim']);
}

export { buildWasm, buildStatic };
export async function build() {
  await buildWasm();
  await buildSimulator();
  await buildStatic();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { setup } = await import('./setup.mjs');
  await setup();
  await build();
}
