// Where settings live in Forge storage. The client secret goes to KVS secret storage and is only
// ever read back inside the backend.
import { createHash } from 'node:crypto';
import { kvs } from '@forge/kvs';

const SETTINGS_KEY = 'settings:connection';
const SECRET_KEY = 'secret:client';
const EXPIRY_KEY = 'settings:secret-expiry';
const CONFIG_KEY = 'settings:config';

export async function loadConnection() {
  const stored = (await kvs.get(SETTINGS_KEY)) ?? {};
  return { tenantId: stored.tenantId ?? '', clientId: stored.clientId ?? '' };
}

export async function saveConnection({ tenantId, clientId }) {
  await kvs.set(SETTINGS_KEY, { tenantId, clientId });
}

export async function loadSecret() {
  return (await kvs.getSecret(SECRET_KEY)) ?? '';
}

export async function saveSecret(secret) {
  await kvs.setSecret(SECRET_KEY, secret);
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
