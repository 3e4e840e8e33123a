// Check connection and settings, through the local Forge runtime, the wasm core and the simulator.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startStack } from './helpers/stack.js';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => stack?.stop());

const demo = () => ({ tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, clientSecret: stack.sim.clientSecret });

const control = async (method, path, body) => {
  const response = await fetch(`${stack.sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
};

test('the demo credentials get a token, read every data set and show the secret expiry', async () => {
  const report = await stack.resolve('checkConnection', demo());
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.equal(report.summary, 'Token OK, users, groups, devices, Intune managed devices, licences, applications (app registrations), enterprise applications readable');
  assert.match(report.checks[0].detail, /User\.Read\.All/);
  assert.match(report.secretExpiresAt, /^\d{4}-\d{2}-\d{2}T/);
  const onlyUsers = await stack.resolve('checkConnection', { ...demo(), datasets: ['users'] });
  assert.equal(onlyUsers.summary, 'Token OK, users readable');
});

test('each missing permission, consent and licence problem names its fix', async () => {
  try {
    await control('POST', '/permissions/revoke', { permission: 'Device.Read.All' });
    let report = await stack.resolve('checkConnection', demo());
    const devices = report.checks.find((c) => c.name === 'devices');
    assert.equal(devices.ok, false);
    assert.match(devices.fix, /Add Device\.Read\.All as an Application permission/);
    assert.equal(report.checks.find((c) => c.name === 'users').ok, true, 'other data sets still pass');

    await control('POST', '/intune', { licensed: false });
    report = await stack.resolve('checkConnection', demo());
    assert.match(report.checks.find((c) => c.name === 'managedDevices').fix, /License Microsoft Intune/);

    await control('POST', '/permissions/revoke', { permission: 'Application.Read.All' });
    report = await stack.resolve('checkConnection', demo());
    assert.equal(report.secretExpiresAt, undefined);
    assert.match(report.checks.find((c) => c.name === 'secret').fix, /Application\.Read\.All/);

    await control('POST', '/permissions/revoke-all');
    report = await stack.resolve('checkConnection', demo());
    assert.equal(report.ok, false);
    assert.match(report.summary, /no Application permissions/);
    assert.match(report.checks[0].fix, /Application permissions \(not Delegated\)/);

    await control('POST', '/reset');
    await control('POST', '/secrets/expire');
    report = await stack.resolve('checkConnection', demo());
    assert.match(report.summary, /AADSTS7000222/);
    assert.match(report.summary, /expired/);
  } finally {
    await control('POST', '/reset');
  }
});

test('the tenant may be given by its domain', async () => {
  const report = await stack.resolve('checkConnection', { ...demo(), tenantId: stack.sim.tenantDomain });
  assert.equal(report.ok, true, JSON.stringify(report));
});

test('a wrong secret gets the AADSTS7000215 explanation and its fix', async () => {
  const report = await stack.resolve('checkConnection', { ...demo(), clientSecret: 'xyz8Q~not-the-right-secret-value-at-all' });
  assert.equal(report.ok, false);
  assert.match(report.summary, /AADSTS7000215/);
  assert.match(report.summary, /Value, not its Secret ID/);
  assert.ok(report.checks[0].requestId, 'the trace id is kept for support');
});

test('an unknown tenant and an unknown client are told apart', async () => {
  const tenant = await stack.resolve('checkConnection', { ...demo(), tenantId: '11111111-2222-3333-4444-555555555555' });
  assert.match(tenant.summary, /AADSTS90002/);
  const client = await stack.resolve('checkConnection', { ...demo(), clientId: '11111111-2222-3333-4444-555555555555' });
  assert.match(client.summary, /AADSTS700016/);
});

test('a pasted Secret ID is caught before anything is sent', async () => {
  const report = await stack.resolve('checkConnection', { ...demo(), clientSecret: stack.sim.secretId });
  assert.equal(report.ok, false);
  assert.match(report.summary, /Secret ID, not its Value/);
  assert.equal(report.checks.length, 0);
});

test('saved settings keep the secret in secret storage and never hand it back', async () => {
  const invalid = await stack.resolve('saveSettings', { tenantId: 'nope', clientId: stack.sim.clientId, clientSecret: '' });
  assert.equal(invalid.ok, false);
  assert.deepEqual(invalid.errors.map((e) => e.field), ['tenantId', 'clientSecret']);

  const saved = await stack.resolve('saveSettings', demo());
  assert.equal(saved.ok, true, JSON.stringify(saved));
  const shown = await stack.resolve('getSettings', {});
  assert.deepEqual(
    { tenantId: shown.tenantId, clientId: shown.clientId, secretSet: shown.secretSet, config: shown.config },
    { tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, secretSet: true, config: null },
  );
  assert.ok(!JSON.stringify(shown).includes(stack.sim.clientSecret));
  // Before settings are saved the page starts from the core's defaults: users, daily, schedule on.
  assert.deepEqual(shown.defaults.schedule, { interval: 'day', enabled: true });
  assert.equal(shown.defaults.datasets.users, true);
  assert.equal(shown.defaults.deletion.policy, 'retire');

  const secret = stack.sim.clientSecret;
  assert.ok(!JSON.stringify(saved).includes(secret));
  const kvsFiles = readdirSync(join(stack.dataDir, 'kvs')).map((f) => readFileSync(join(stack.dataDir, 'kvs', f), 'utf8'));
  assert.ok(kvsFiles.length > 0 && kvsFiles.every((text) => !text.includes(secret)), 'no plain KVS value holds the secret');
  const secretFiles = readdirSync(join(stack.dataDir, 'secrets')).map((f) => readFileSync(join(stack.dataDir, 'secrets', f), 'utf8'));
  assert.ok(secretFiles.some((text) => text.includes(secret)), 'secret storage holds it');
  assert.ok(stack.logs.every((line) => !line.includes(secret)), 'no log line holds it');

  // A blank secret field keeps the saved one, for saving and for checking.
  const check = await stack.resolve('checkConnection', { tenantId: stack.sim.tenantId, clientId: stack.sim.clientId, clientSecret: '' });
  assert.equal(check.ok, true, JSON.stringify(check));
  const resaved = await stack.resolve('saveSettings', { tenantId: stack.sim.tenantDomain, clientId: stack.sim.clientId, clientSecret: '' });
  assert.equal(resaved.ok, true);
  assert.equal(resaved.settings.secretSet, true);
});

test('schemas are listed only for a workspace id the core accepts', async () => {
  const empty = await stack.resolve('listSchemas', { workspaceId: '' });
  assert.equal(empty.ok, false);
  assert.match(empty.message, /Choose the Assets workspace/);
  const malformed = await stack.resolve('listSchemas', { workspaceId: 'not-a-workspace' });
  assert.equal(malformed.ok, false);
  assert.match(malformed.message, /"not-a-workspace" is not a GUID/);
  const listed = await stack.resolve('listSchemas', { workspaceId: stack.sim.assetsWorkspaceId });
  assert.equal(listed.ok, true, JSON.stringify(listed));
});
