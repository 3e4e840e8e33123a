// Where settings live in Forge storage. The client secret goes to KVS secret storage and is only
// ever read back inside the backend.
//
// A save is all or nothing. Secrets cannot join a KVS transaction, so a new secret is written first
// under a fresh key, then one transaction stores the connection (which names that key) with the
// rest of the settings; only then is the old secret deleted. A failure at any point leaves the
// previous settings whole: the connection still names the old secret.
import { createHash, randomUUID } from 'node:crypto';
import { kvs } from '@forge/kvs';

const SETTINGS_KEY = 'settings:connection';
// Where installations before write-then-swap kept the secret; still read when the connection names
// no key.
const LEGACY_SECRET_KEY = 'secret:client';
const EXPIRY_KEY = 'settings:secret-expiry';
const CONFIG_KEY = 'settings:config';

export async function loadConnection() {
  const stored = (await kvs.get(SETTINGS_KEY)) ?? {};
  return { tenantId: stored.tenantId ?? '', clientId: stored.clientId ?? '' };
}

const secretKeyOf = (stored) => stored?.secretKey ?? LEGACY_SECRET_KEY;

export async function loadSecret() {
  return (await kvs.getSecret(secretKeyOf(await kvs.get(SETTINGS_KEY)))) ?? '';
}

/**
 * Stores validated settings at once: `connection` ({tenantId, clientId}), `secret` (a new secret,
 * or undefined to keep the saved one) and `config` (undefined to keep the saved one).
 */
export async function saveSettings({ connection, secret, config }) {
  const previous = secretKeyOf(await kvs.get(SETTINGS_KEY));
  const secretKey = secret === undefined ? previous : `secret:client:${randomUUID()}`;
  if (secret !== undefined) await kvs.setSecret(secretKey, secret);
  const transaction = kvs.transact().set(SETTINGS_KEY, { ...connection, secretKey });
  if (config !== undefined) transaction.set(CONFIG_KEY, config);
  try {
    await transaction.execute();
  } catch (error) {
    if (secretKey !== previous) await kvs.deleteSecret(secretKey).catch(() => {});
    throw error;
  }
  // The swap is done; an old secret left behind by a failure here is unreadable, never wrong.
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
  return config && { workspaceId: config.destination.workspaceId, importSourceId: config.destination.importSourceId };
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
