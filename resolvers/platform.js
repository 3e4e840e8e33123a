// The host services the wasm engine uses, over Forge: KVS and requests to the Jira site as the app.
import { asApp, asUser, assumeTrustedRoute } from '@forge/api';
import { kvs, WhereConditions } from '@forge/kvs';

export const store = {
  get: (key) => kvs.get(key),
  set: (key, value) => kvs.set(key, value),
  delete: (key) => kvs.delete(key),
  // A page of keys beginning with `prefix` (the core sweeps run data this way); Forge's documented limit is 20.
  query: (prefix, cursor) => {
    const query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(20);
    return (cursor ? query.cursor(cursor) : query).getMany();
  },
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
