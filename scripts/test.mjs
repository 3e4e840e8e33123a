// `npm test`: set-up, build once, then every suite. Output streams through; the last line sums the
// tests of all runners ("N passed, N failed") and the exit code is non-zero if anything failed.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.mjs';
import { root, step } from './lib/run.mjs';
import { setup } from './setup.mjs';

const totals = { passed: 0, failed: 0 };
const failures = [];

function count(text) {
  for (const m of text.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed/gm)) {
    totals.passed += Number(m[1]);
    totals.failed += Number(m[2]);
  }
  for (const m of text.matchAll(/^# pass (\d+)$/gm)) totals.passed += Number(m[1]);
  for (const m of text.matchAll(/^# fail (\d+)$/gm)) totals.failed += Number(m[1]);
}

function suite(title, command, args) {
  step(title);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('error', (error) => {
      failures.push(`${title}: ${error.message}`);
      resolve();
    });
    child.on('exit', (code) => {
      count(text);
      if (code !== 0) failures.push(`${title} (exit ${code})`);
      resolve();
    });
  });
}

await setup({ browser: true });
await build();

await suite('cargo fmt --check', 'cargo', ['fmt', '--all', '--check']);
await suite('cargo clippy (native)', 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
await suite('cargo clippy (wasm32)', 'cargo', ['clippy', '-p', 'entra-sync-wasm', '--target', 'wasm32-unknown-unknown', '--all-targets', '--', '-D', 'warnings']);
await suite('cargo test (native)', 'cargo', ['test', '--workspace']);
await suite('wasm-bindgen-test under Node', 'cargo', ['test', '-p', 'entra-sync-wasm', '--target', 'wasm32-unknown-unknown']);
const nodeTests = readdirSync(join(root, 'tests')).filter((f) => f.endsWith('.test.js')).map((f) => join('tests', f));
await suite('node --test (runtime, simulator, bundle, manifest, browser)', process.execPath, ['--test', '--test-reporter=tap', ...nodeTests]);

console.log(`\n${failures.length ? `FAILED: ${failures.join('; ')}` : 'All suites passed.'}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(failures.length ? 1 : 0);
