// The app bundled by Forge's real bundler runs from a directory that holds no .wasm file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../', import.meta.url).pathname;
const helpers = new URL('./helpers/', import.meta.url).pathname;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map(String);
}

test('@forge/bundler output runs the wasm core with no .wasm file beside it', () => {
  const { outputDir } = JSON.parse(execFileSync(process.execPath, [join(helpers, 'forge-bundle.cjs'), root], { cwd: root, encoding: 'utf8' }));
  assert.ok(filesUnder(outputDir).includes('index.cjs'), 'the bundle has index.cjs');

  const relocated = mkdtempSync(join(tmpdir(), 'forge-bundle-'));
  cpSync(outputDir, relocated, { recursive: true });
  assert.deepEqual(filesUnder(relocated).filter((f) => f.endsWith('.wasm')), []);

  const payload = JSON.stringify({ tenantId: 'contoso', clientId: 'nope', clientSecret: 'abc8Q~x' });
  const out = execFileSync(process.execPath, [join(helpers, 'run-bundled.cjs'), relocated, payload], { cwd: tmpdir(), encoding: 'utf8' });
  const { exports, result } = JSON.parse(out);
  assert.ok(exports.includes('resolverHandler'), `handlers exported: ${exports}`);
  assert.equal(result.ok, false);
  assert.match(result.summary, /Tenant ID "contoso" is neither a GUID nor a domain/);
  assert.match(result.summary, /Client ID "nope" is not a GUID/);
});
