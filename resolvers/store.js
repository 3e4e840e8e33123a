// Where settings live in Forge storage. The client secret, or the certificate's private key, goes
// to KVS secret storage and is only ever read back inside the backend.
//
// A save is all or nothing. Secrets cannot join a KVS transaction, so a new secret is written first
// under a fresh key, then one transaction stores the connection (which names that key) with the
// rest of the settings; only then is the old secret deleted. A failure at any point leaves the
// previous settings whole: the connection still names the old secret.
//
// A certificate is created before it is used: its key goes to secret storage under a fresh key and
// its public part to `settings:pending-certificate`; the save that switches to it moves both into
// the connection in the same transaction, and only then drops the credential used before.
import { createHash, randomUUID } from 'node:crypto';
import { kvs, paced } from './kvs.js';

const SETTINGS_KEY = 'settings:connection';
// Where installations before write-then-swap kept the secret; still read when the connection names
// no key.
const LEGACY_SECRET_KEY = 'secret:client';
const EXPIRY_KEY = 'settings:secret-expiry';
const CONFIG_KEY = 'settings:config';
const PENDING_KEY = 'settings:pending-certificate';

const isCertificate = (stored) => stored?.credential === 'certificate';

/** What the page may see of the connection: ids, the credential kind and the public certificate. */
export async function loadConnection() {
  const stored = (await kvs.get(SETTINGS_KEY)) ?? {};
  return {
    tenantId: stored.tenantId ?? '',
    clientId: stored.clientId ?? '',
    credential: stored.credential ?? null,
    certificate: isCertificate(stored) ? (stored.certificate ?? null) : null,
  };
}

const secretKeyOf = (stored) => stored?.secretKey ?? LEGACY_SECRET_KEY;

/** The saved client secret, or '' when none is saved or the connection uses a certificate. */
export async function loadSecret() {
  const stored = await kvs.get(SETTINGS_KEY);
  if (isCertificate(stored)) return '';
  return (await kvs.getSecret(secretKeyOf(stored))) ?? '';
}

/** The saved credential as the core reads it: `{credential, clientSecret}` or `{credential, privateKey, certificate}`. */
export async function loadCredential() {
  const stored = await kvs.get(SETTINGS_KEY);
  const secret = (await kvs.getSecret(secretKeyOf(stored))) ?? '';
  if (!isCertificate(stored)) return { credential: stored?.credential, clientSecret: secret };
  return { credential: stored.credential, privateKey: secret, certificate: stored.certificate?.pem };
}

/** The certificate created since the last save, or null: `{secretKey, certificate, checked?}`. */
export async function loadPending() {
  return (await kvs.get(PENDING_KEY)) ?? null;
}

/** The certificate a Check connection or a save would use: the new one, else the saved one. */
export async function loadCertificateCredential() {
  const pending = await loadPending();
  if (pending) {
    return {
      privateKey: (await kvs.getSecret(pending.secretKey)) ?? '',
      certificate: pending.certificate?.pem,
      certificateNew: true,
      certificateChecked: pending.checked ?? null,
      pending,
    };
  }
  const stored = await kvs.get(SETTINGS_KEY);
  if (!isCertificate(stored)) return { certificateNew: false, pending: null };
  return { privateKey: (await kvs.getSecret(secretKeyOf(stored))) ?? '', certificate: stored.certificate?.pem, certificateNew: false, pending: null };
}

/** Keeps a new certificate until a save switches to it; a previous unsaved one is dropped. */
export async function savePending({ privateKey, certificate }) {
  const previous = await loadPending();
  const secretKey = `secret:certificate:${randomUUID()}`;
  await kvs.setSecret(secretKey, privateKey);
  try {
    await kvs.set(PENDING_KEY, { secretKey, certificate });
  } catch (error) {
    await kvs.deleteSecret(secretKey).catch(() => {});
    throw error;
  }
  if (previous?.secretKey) await kvs.deleteSecret(previous.secretKey).catch(() => {});
}

/** Records that Check connection passed with the new certificate for these ids. */
export async function markPendingChecked(used, checked) {
  const pending = await loadPending();
  // Another certificate may have been created while the check ran: only the one checked is marked.
  if (pending?.secretKey === used.secretKey) await kvs.set(PENDING_KEY, { ...pending, checked });
}

/** Drops the certificate created since the last save; the saved credential stays. */
export async function discardPending() {
  const pending = await loadPending();
  if (!pending) return;
  await kvs.delete(PENDING_KEY);
  await kvs.deleteSecret(pending.secretKey).catch(() => {});
}

/**
 * Stores validated settings at once: `connection` ({tenantId, clientId, credential} as the core
 * normalised them), `secret` (a new client secret, or undefined to keep the saved one), `pending`
 * (the new certificate to switch to, or null) and `config` (undefined to keep the saved one).
 */
export async function saveSettings({ connection, secret, pending, config }) {
  const stored = await kvs.get(SETTINGS_KEY);
  const previous = secretKeyOf(stored);
  let secretKey = previous;
  let certificate;
  if (connection.credential === 'certificate') {
    secretKey = pending ? pending.secretKey : previous;
    certificate = pending ? pending.certificate : stored?.certificate;
  } else if (secret !== undefined) {
    secretKey = `secret:client:${randomUUID()}`;
    await kvs.setSecret(secretKey, secret);
  }
  const transaction = kvs.transact().set(SETTINGS_KEY, { ...connection, secretKey, ...(certificate ? { certificate } : {}) });
  if (pending) transaction.delete(PENDING_KEY);
  if (config !== undefined) transaction.set(CONFIG_KEY, config);
  try {
    await paced(SETTINGS_KEY, () => transaction.execute());
  } catch (error) {
    // A new client secret is dropped; a new certificate stays pending, as before the save.
    if (secretKey !== previous && !pending) await kvs.deleteSecret(secretKey).catch(() => {});
    throw error;
  }
  // The swap is done; an old secret or key left behind by a failure here is unreadable, never wrong.
  if (secretKey !== previous) await kvs.deleteSecret(previous).catch(() => {});
}

// The expiry Check connection read for a secret, tied to that secret by a digest (never the value),
// so a replaced secret does not inherit the old one's date.
const digest = (secret) => createHash('sha256').update(secret).digest('hex').slice(0, 32);

export async function saveSecretExpiry(secret, expiresAt) {
  if (secret && expiresAt) await kvs.set(EXPIRY_KEY, { digest: digest(secret), expiresAt });
}

export async function loadSecretExpiry(secret) {
  const stored = await kvs.get(EXPIRY_KEY);
  return secret && stored?.digest === digest(secret) ? stored.expiresAt : null;
}

/** Destination, data sets, schedule and deletion policy, as the core validated them. */
export async function loadConfig() {
  return (await kvs.get(CONFIG_KEY)) ?? null;
}

export async function saveConfig(config) {
  await kvs.set(CONFIG_KEY, config);
}

export async function forgetConfig() {
  await kvs.delete(CONFIG_KEY);
}

/** Where runs write: the destination of the saved settings. */
export async function loadDestination() {
  const config = await loadConfig();
  return config && { workspaceId: config.destination.workspaceId, schemaId: config.destination.schemaId, importSourceId: config.destination.importSourceId };
}

// The requester panel's settings, on a key of their own: the panel reads only this and the
// destination, and saving it never rewrites the sync settings.
const PANEL_KEY = 'settings:panel';

export async function loadPanelConfig() {
  return (await kvs.get(PANEL_KEY)) ?? null;
}

export async function savePanelConfig(panel) {
  await kvs.set(PANEL_KEY, panel);
}
