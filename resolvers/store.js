// Where settings live in Forge storage. The client secret goes to KVS secret storage and is only
// ever read back inside the backend.
import { kvs } from '@forge/kvs';

const SETTINGS_KEY = 'settings:connection';
const SECRET_KEY = 'secret:client';
const DESTINATION_KEY = 'settings:destination';

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

export async function loadDestination() {
  return (await kvs.get(DESTINATION_KEY)) ?? null;
}

export async function saveDestination(destination) {
  await kvs.set(DESTINATION_KEY, destination);
}
