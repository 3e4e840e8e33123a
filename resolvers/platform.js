// The host services the wasm engine uses, over Forge: KVS and requests to the Jira site as the app.
import { asApp, asUser, assumeTrustedRoute } from '@forge/api';
import { kvs as forgeKvs, WhereConditions } from '@forge/kvs';
import { kvs, paced } from './kvs.js';

// A page of keys beginning with `prefix` (the core sweeps run data this way); Forge's documented limit is 20.
const keyPage = (prefix, cursor) => {
  const query = forgeKvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(20);
  return (cursor ? query.cursor(cursor) : query).getMany();
};

// KVS for the core's calls. A sync step (and a run's start) paces its own calls within its budget,
// so it gets Forge's KVS as it is; every other core call gets the handlers' paced KVS.
export const engineStore = {
  get: (key) => forgeKvs.get(key),
  set: (key, value) => forgeKvs.set(key, value),
  delete: (key) => forgeKvs.delete(key),
  query: keyPage,
};

export const store = {
  get: (key) => kvs.get(key),
  set: (key, value) => kvs.set(key, value),
  delete: (key) => kvs.delete(key),
  query: (prefix, cursor) => paced(prefix, () => keyPage(prefix, cursor)),
};

// Paths are built by the core from validated ids, and links come from the Assets import API, so
// they are trusted routes; absolute links are reduced to their path, as routeFromAbsolute would.
export const site = {
  async request({ method, url, headers, body }) {
    const path = url.startsWith('http') ? (({ pathname, search }) => pathname + search)(new URL(url)) : url;
    const response = await asApp().requestJira(assumeTrustedRoute(path), {
      method,
      headers: Object.fromEntries(headers),
      body: body ?? undefined,
    });
    return { status: response.status, headers: [...response.headers.entries()], body: await response.text() };
  },
};

// Requests to the Jira site as the calling user: Jira then answers with what that user may see.
// Only the panel uses it (to read the issue), so Jira, not the app, decides visibility.
export const userSite = {
  async request({ method, url, headers, body }) {
    const response = await asUser().requestJira(assumeTrustedRoute(url), {
      method,
      headers: Object.fromEntries(headers),
      body: body ?? undefined,
    });
    return { status: response.status, headers: [...response.headers.entries()], body: await response.text() };
  },
};
