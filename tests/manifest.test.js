// manifest.yml validated offline with the real @forge/manifest and @forge/lint's client-side rules.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const root = new URL('../', import.meta.url).pathname;

async function validate(file) {
  const { validate } = require('@forge/manifest');
  return validate(false, file);
}

test('manifest.yml passes full @forge/manifest validation', async () => {
  const result = await validate(join(root, 'manifest.yml'));
  assert.equal(result.success, true, JSON.stringify(result.errors, null, 2));
});

test('the validation can fail: an undeclared function handler is reported', async () => {
  const broken = readFileSync(join(root, 'manifest.yml'), 'utf8').replace('function: resolver-fn', 'function: no-such-fn');
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  writeFileSync(join(dir, 'manifest.yml'), broken);
  const result = await validate(join(dir, 'manifest.yml'));
  assert.equal(result.success, false);
});

async function lintErrors(manifest) {
  // Offline: the linter's swagger lookups read local empty specs instead of Atlassian's.
  const dir = mkdtempSync(join(tmpdir(), 'lint-swagger-'));
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '{"paths":{}}');
  process.env.USE_LOCAL_SWAGGER = '1';
  for (const product of ['JIRA', 'JSM', 'JSW', 'CONF', 'CONF_V2', 'BB']) process.env[`LOCAL_${product}_SWAGGER`] = empty;
  const { lint } = require('@forge/lint');
  const files = ['src/index.js', ...readdirSync(join(root, 'resolvers')).filter((f) => f.endsWith('.js')).map((f) => `resolvers/${f}`)];
  const quiet = { info() {}, warn() {}, debug() {}, error() {}, trace() {}, log() {} };
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const results = await lint(files, manifest, 'development', quiet, { getDeprecatedRuntimes: async () => [] }, { linter: { mode: 'client-side' } });
    return results.flatMap((r) => r.errors.map((e) => `${r.file}: ${e.message}`));
  } finally {
    process.chdir(cwd);
  }
}

const manifest = () => parse(readFileSync(join(root, 'manifest.yml'), 'utf8'));

test("@forge/lint's client-side rules find no errors in the handlers", async () => {
  assert.deepEqual(await lintErrors(manifest()), []);
});

test('the lint can fail: a resolver function given a 900 s timeout is an error', async () => {
  const broken = manifest();
  broken.modules.function.find((f) => f.key === 'resolver-fn').timeoutSeconds = 900;
  assert.notDeepEqual(await lintErrors(broken), []);
});

test('the requester panel: a jira:issueContext module on a function of its own, with the scope it reads users by', async () => {
  const doc = manifest();
  const [panel] = doc.modules['jira:issueContext'];
  assert.equal(panel.resolver.function, 'panel-fn');
  const fn = doc.modules.function.find((f) => f.key === 'panel-fn');
  assert.equal(fn.handler, 'index.panelHandler');
  assert.ok(!doc.modules['jira:adminPage'].some((p) => p.resolver.function === 'panel-fn'), 'agents never reach the admin resolvers');
  assert.ok(doc.permissions.scopes.includes('read:jira-user'));
  assert.ok(doc.resources.some((r) => r.key === panel.resource && r.path === 'static/panel/build'));
  // The validation knows the module: the same manifest passes beside the app's entry file, and
  // fails, naming the label, once the module has none.
  const { stringify } = await import('yaml');
  const check = async (text) => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.js'), readFileSync(join(root, 'src', 'index.js')));
    for (const { path } of doc.resources) {
      mkdirSync(join(dir, path), { recursive: true });
      writeFileSync(join(dir, path, 'index.html'), '<!doctype html>');
    }
    writeFileSync(join(dir, 'manifest.yml'), text);
    return validate(join(dir, 'manifest.yml'));
  };
  const whole = await check(stringify(doc));
  assert.equal(whole.success, true, JSON.stringify(whole.errors));
  delete panel.label;
  const broken = await check(stringify(doc));
  assert.equal(broken.success, false);
  assert.match(JSON.stringify(broken.errors), /label/);
});
