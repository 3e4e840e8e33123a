// Certificate credentials through the local Forge runtime, the resolvers, the wasm core and the
// simulator: the backend creates the key pair and certificate, keeps the key in secret storage,
// switches to a new certificate only on a save after a passing check, and the private key shows up
// nowhere else: not in a resolver answer, a log line, a KVS value or the queue.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { after, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
const logged = [];
const originals = Object.fromEntries(METHODS.map((m) => [m, console[m]]));

let stack;
let sim;
const answers = [];
before(async () => {
  // Every console line of the process (the runtime's and the app's handlers') is kept to be searched.
  for (const method of METHODS) {
    console[method] = (...args) => {
      logged.push(format(...args));
      originals[method](...args);
    };
  }
  stack = await startStack();
  sim = control(stack.sim);
});
after(async () => {
  await stack?.stop();
  Object.assign(console, originals);
});

/** A resolver call whose answer is kept for the search at the end. */
async function call(key, payload = {}) {
  const answer = await stack.resolve(key, payload);
  answers.push(JSON.stringify(answer ?? null));
  return answer;
}

const secretsDir = () => join(stack.dataDir, 'secrets');
const keysSeen = new Set();

/** The private keys in secret storage now (kept, so that keys deleted later are searched for too). */
function privateKeys() {
  const keys = readdirSync(secretsDir())
    .map((file) => JSON.parse(readFileSync(join(secretsDir(), file), 'utf8')).value)
    .filter((value) => typeof value === 'string' && value.includes('PRIVATE KEY'));
  for (const text of keys) keysSeen.add(text);
  return keys;
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function syncAndWait() {
  const started = await call('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  await stack.runtime.queueIdle();
  const status = await call('runStatus', {});
  assert.equal(status.active, null);
  return status.last;
}

const certificateSettings = () => {
  const { clientSecret: _none, ...settings } = fullSettings(stack.sim, { schedule: { enabled: false } });
  return { ...settings, credential: 'certificate' };
};

test('a certificate is created in the backend and switched to only on a save after a passing check', async () => {
  assert.equal((await call('saveSettings', fullSettings(stack.sim, { schedule: { enabled: false } }))).ok, true);
  assert.equal((await syncAndWait()).outcome, 'succeeded', 'the secret works before the switch');

  const wrong = await call('createCertificate', { years: 3 });
  assert.equal(wrong.ok, false);
  assert.match(wrong.errors[0].message, /Choose 1 or 2 years/);

  const created = await call('createCertificate', { years: 2 });
  assert.equal(created.ok, true);
  const pending = created.settings.pendingCertificate;
  assert.match(pending.thumbprintSha1, /^[0-9A-F]{40}$/);
  assert.match(pending.thumbprintSha256, /^[0-9A-F]{64}$/);
  assert.match(pending.pem, /^-----BEGIN CERTIFICATE-----/);
  assert.equal(Date.parse(pending.notAfter) - Date.parse(pending.notBefore), 730 * 86_400_000);
  assert.equal(pending.checked, false);
  assert.equal(privateKeys().length, 1, 'the key is in secret storage');

  // Not uploaded, not checked: the save is refused and the secret stays in use.
  const early = await call('saveSettings', certificateSettings());
  assert.equal(early.ok, false);
  assert.deepEqual(early.errors.map((e) => e.field), ['certificate']);
  assert.match(early.errors[0].message, /has not passed Check connection/);
  const refused = await call('checkConnection', { ...certificateSettings(), datasets: ['users'] });
  assert.equal(refused.ok, false);
  assert.match(refused.summary, /AADSTS700027/);
  assert.match(refused.summary, /Certificates & secrets/);
  assert.equal((await syncAndWait()).outcome, 'succeeded', 'the secret still works while the certificate waits');

  // The admin uploads the certificate to the app registration; then the check passes and Save switches.
  const uploaded = await sim('POST', '/applications/certificates', { der: pending.der });
  assert.equal(uploaded.thumbprint, pending.thumbprintSha1, 'Entra shows the thumbprint the page showed');
  const checked = await call('checkConnection', { ...certificateSettings(), datasets: ['users'] });
  assert.equal(checked.ok, true, JSON.stringify(checked));
  assert.match(checked.checks.find((c) => c.name === 'certificate').detail, new RegExp(pending.thumbprintSha1));
  assert.equal((await call('getSettings')).pendingCertificate.checked, true);
  const saved = await call('saveSettings', certificateSettings());
  assert.equal(saved.ok, true, JSON.stringify(saved));
  assert.equal(saved.settings.credential, 'certificate');
  assert.equal(saved.settings.certificate.thumbprintSha256, pending.thumbprintSha256);
  assert.equal(saved.settings.pendingCertificate, null);
  assert.equal(saved.settings.secretExpiresAt, pending.notAfter);
  assert.deepEqual(readdirSync(secretsDir()).length, 1, 'the client secret was dropped with the switch');
  const [entry] = await call('auditLog');
  assert.equal(entry.action, 'settingsSaved', 'the switch is in the audit trail');
  assert.ok(entry.fields.some((field) => /credential|certificate/i.test(field)), JSON.stringify(entry));
  assert.equal((await syncAndWait()).outcome, 'succeeded', 'runs sign in with the certificate');
});

test('rotation: a new certificate waits while the one in use keeps working, and replaces it on save', async () => {
  const before = (await call('getSettings')).certificate;
  const created = await call('createCertificate', { years: 1 });
  const next = created.settings.pendingCertificate;
  assert.notEqual(next.thumbprintSha256, before.thumbprintSha256);
  assert.equal(created.settings.certificate.thumbprintSha256, before.thumbprintSha256, 'still in use');
  assert.equal(privateKeys().length, 2);
  assert.equal((await syncAndWait()).outcome, 'succeeded', 'the certificate in use still signs in');

  await sim('POST', '/applications/certificates', { pem: next.pem });
  assert.equal((await call('checkConnection', { ...certificateSettings(), datasets: ['users'] })).ok, true);
  // A check for other ids does not count for these.
  const otherClient = await call('saveSettings', { ...certificateSettings(), clientId: '11112222-bbbb-3333-cccc-4444dddd5555' });
  assert.deepEqual(otherClient.errors?.map((e) => e.field), ['certificate']);
  const saved = await call('saveSettings', certificateSettings());
  assert.equal(saved.ok, true, JSON.stringify(saved));
  assert.equal(saved.settings.certificate.thumbprintSha256, next.thumbprintSha256);
  assert.equal(privateKeys().length, 1, 'the old key is deleted once the new one is in use');
  assert.equal((await syncAndWait()).outcome, 'succeeded');

  // A certificate created and discarded leaves nothing behind.
  await call('createCertificate', { years: 1 });
  assert.equal(privateKeys().length, 2);
  const discarded = await call('discardCertificate', {});
  assert.equal(discarded.settings.pendingCertificate, null);
  assert.equal(privateKeys().length, 1);
});

test('no private key appears in any resolver answer, log line, KVS value or queue event', async () => {
  assert.ok(keysSeen.size >= 3, 'keys from every certificate made');
  const places = [
    ...answers.map((text, n) => [`answer ${n}`, text]),
    ...logged.map((text, n) => [`log line ${n}`, text]),
    ...filesUnder(stack.dataDir)
      .filter((path) => !path.startsWith(secretsDir()))
      .map((path) => [path, readFileSync(path, 'utf8')]),
  ];
  assert.ok(places.length > 20, `searched ${places.length} places`);
  for (const pem of keysSeen) {
    // The key's public half (modulus, exponent) is in the certificate too; search for its private
    // half: the PEM lines past the first ten (the modulus ends within about 400 characters) and
    // the private exponent and primes as JWK (base64url) and hex.
    const body = pem.split('\n').filter((line) => line && !line.startsWith('-----'));
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    const hex = (b64url) => Buffer.from(b64url, 'base64url').toString('hex');
    const needles = [...body.slice(10), jwk.d, jwk.p, jwk.q, hex(jwk.d).slice(0, 64), hex(jwk.p).slice(0, 64)];
    for (const [where, text] of places) {
      assert.ok(!text.includes('PRIVATE KEY'), `${where} names a private key`);
      for (const needle of needles) assert.ok(!text.includes(needle), `${where} holds part of a private key`);
    }
  }
});
