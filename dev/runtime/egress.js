// Outbound fetch as Forge allows it: only to origins that manifest.yml declares, counted against
// the invocation's budget (100 per runtime-minute), and here mapped onto the simulator. The
// simulator learns the public host from X-Forwarded-Host, so the links it returns stay real.
// A request is in flight (usage.js) until its answer's headers have come.
import { assertAlive, currentInvocation } from './invocation.js';

export function installEgress({ manifest, targets, realFetch, usage, log }) {
  const allowed = new Set(manifest.egress);

  async function forgeFetch(input, init = {}) {
    const invocation = currentInvocation();
    // Code outside any invocation is the runtime's or a test's own, not the app's.
    if (!invocation) return realFetch(input, init);
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input));
    assertAlive(`fetch ${url.origin}`);
    if (!allowed.has(url.origin)) {
      log(`egress blocked: ${url.origin} is not in manifest.yml permissions.external.fetch.backend`);
      return new Response(
        JSON.stringify({ message: `Egress to ${url.origin} is not allowed: add it to permissions.external.fetch.backend in manifest.yml.` }),
        { status: 403, headers: { 'content-type': 'application/json', 'forge-proxy-error': 'EGRESS_NOT_ALLOWED' } },
      );
    }
    if (invocation.egress.used >= invocation.egress.limit) {
      invocation.egress.refused += 1;
      return new Response(
        JSON.stringify({ message: `Invocation ${invocation.id} reached Forge's limit of ${invocation.egress.limit} external requests (100 per runtime-minute).` }),
        { status: 429, headers: { 'content-type': 'application/json', 'forge-proxy-error': 'EGRESS_RATE_LIMITED' } },
      );
    }
    invocation.egress.used += 1;
    const target = targets[url.origin];
    if (!target) throw new TypeError(`fetch failed: the local runtime has no mapping for ${url.origin}`);
    const headers = new Headers(request ? request.headers : init.headers);
    headers.set('x-forwarded-host', url.host);
    headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
    const method = (request?.method ?? init.method ?? 'GET').toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? undefined : request ? await request.text() : init.body;
    const mapped = new URL(url.pathname + url.search, target);
    const done = usage.outbound(url.href);
    try {
      return await realFetch(mapped, { method, headers, body, redirect: 'manual', signal: init.signal ?? request?.signal });
    } finally {
      done();
    }
  }

  globalThis.fetch = forgeFetch;
  return forgeFetch;
}
