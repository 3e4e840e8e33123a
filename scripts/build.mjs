// Build pipeline: wasm (size profile) → wasm-bindgen (--target web) → wasm-opt (npm binaryen) →
// base64 module that Forge's webpack bundler inlines; then the Custom UI resources with esbuild.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root, run, step } from './lib/run.mjs';

const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const wasmOut = join(root, 'build', 'wasm');
const NAME = 'entra_sync_wasm';

// wasm-bindgen's initSync keeps the first instance for good; after a trap that instance may be
// corrupt, so resolvers/core.js needs a way to let initSync start a fresh one.
const RECREATE_HOOK = `
/** Forgets the instance so that the next initSync creates a fresh one (after a trap). */
export function dropInstance() { wasm = undefined; }
`;

function addRecreateHook(glue) {
  const source = readFileSync(glue, 'utf8');
  if (!source.includes('let wasmModule, wasmInstance, wasm;')) {
    throw new Error(`${glue}: wasm-bindgen's glue no longer declares "let wasmModule, wasmInstance, wasm;"; update addRecreateHook in scripts/build.mjs for this wasm-bindgen version.`);
  }
  writeFileSync(glue, source + RECREATE_HOOK);
}

async function buildWasm() {
  step('cargo build -p entra-sync-wasm (wasm32, profile wasm-release)');
  await run('cargo', ['build', '-p', 'entra-sync-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release']);
  const raw = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', `${NAME}.wasm`);
  const hash = createHash('sha256').update(readFileSync(raw)).update(RECREATE_HOOK).digest('hex');
  const stamp = join(wasmOut, '.source-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;

  rmSync(wasmOut, { recursive: true, force: true });
  mkdirSync(wasmOut, { recursive: true });
  step('wasm-bindgen + wasm-opt -Oz');
  await run('wasm-bindgen', ['--target', 'web', '--omit-default-module-path', '--out-dir', wasmOut, raw]);
  addRecreateHook(join(wasmOut, `${NAME}.js`));
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
  { name: 'panel', files: ['index.html'] },
];

async function buildStatic() {
  const { build: esbuild } = await import('esbuild');
  for (const { name, files } of RESOURCES) {
    step(`esbuild static/${name}`);
    const source = join(root, 'static', name, 'src');
    const out = join(root, 'static', name, 'build');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const { metafile } = await esbuild({
      metafile: true,
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
    const { loaded, lazy } = loadedFiles(metafile, out);
    const gz = (files) => files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    console.log(`static/${name} bundle, gzipped: ${kib(gz(loaded.filter((f) => f.endsWith('.js'))))} script and ${kib(gz(loaded.filter((f) => f.endsWith('.css'))))} CSS loaded with the page (${kib(gz(lazy))} more in chunks fetched only if used)`);
  }
}

// What the page loads: main.js and main.css and the chunks main.js imports statically, transitively;
// chunks reached only by dynamic import() (the tokens' other themes) are fetched only when used.
function loadedFiles(metafile, out) {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([file, meta]) => [resolve(file), meta]));
  const loaded = new Set();
  const visit = (file) => {
    if (loaded.has(file) || !outputs[file]) return;
    loaded.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement') visit(resolve(i.path));
  };
  visit(join(out, 'main.js'));
  loaded.add(join(out, 'main.css'));
  const lazy = Object.keys(outputs).filter((file) => file.endsWith('.js') && !loaded.has(file));
  return { loaded: [...loaded], lazy };
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
