// Build pipeline: wasm (size profile) → wasm-bindgen (--target web) → wasm-opt (npm binaryen) →
// base64 module that Forge's webpack bundler inlines; then the Custom UI resources with esbuild.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

// Custom UI resources (React + Atlassian Design System), one bundle each. Forge's CSP allows scripts
// only from the resource folder and no eval: everything is bundled, the design system's compiled
// CSS is extracted to main.css, and the tokens' themes are style elements (styles: unsafe-inline).
const RESOURCES = [
  { name: 'admin', files: ['index.html', 'icon.svg'] },
  { name: 'confirm', files: ['index.html'] },
];

async function buildStatic() {
  const { build: esbuild } = await import('esbuild');
  for (const { name, files } of RESOURCES) {
    step(`esbuild static/${name}`);
    const source = join(root, 'static', name, 'src');
    const out = join(root, 'static', name, 'build');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    await esbuild({
      entryPoints: { main: join(source, 'main.jsx') },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      minify: true,
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
      // Dynamic imports (the tokens' other themes) become chunks that are fetched only if used.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      outdir: out,
    });
    for (const file of files) cpSync(join(source, file), join(out, file));
    const gz = (file) => gzipSync(readFileSync(join(out, file))).length;
    const chunks = readdirSync(join(out, 'chunks')).reduce((sum, file) => sum + gz(join('chunks', file)), 0);
    console.log(`static/${name} bundle, gzipped: main.js ${kib(gz('main.js'))}, main.css ${kib(gz('main.css'))} (lazy chunks, not loaded by default: ${kib(chunks)})`);
  }
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

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
