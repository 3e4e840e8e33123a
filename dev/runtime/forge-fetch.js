// `__forge_fetch__`: the single pipe through which @forge/kvs, @forge/events and @forge/api reach
// the platform. Routed by the caller's context: KVS, queue ("stargate") or a product (Jira).
import { assertAlive, currentInvocation } from './invocation.js';

const json = (status, body, headers = {}) =>
  new Response(body === undefined || body === null ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `kvsLatencyMs` is the platform's round trip added to every KVS call (0 = none). */
export function installForgeFetch({ kvs, queue, jiraUrl, realFetch, usage, kvsLatencyMs = 0 }) {
  globalThis.__forge_fetch__ = async (ctx, path, init = {}) => {
    assertAlive(`${ctx?.remote ?? ctx?.type} call ${path}`);
    const body = () => (init.body ? JSON.parse(init.body) : {});
    if (ctx?.type === 'kvs') {
      const started = performance.now();
      try {
        if (kvsLatencyMs > 0) {
          await sleep(kvsLatencyMs);
          assertAlive(`${ctx.type} call ${path}`);
        }
        const { status, body: answer, headers } = kvs.handle(path, body());
        return json(status, answer, headers);
      } finally {
        usage.kvsBusy(performance.now() - started);
      }
    }
    if (ctx?.remote === 'stargate') {
      if (path.startsWith('/webhook/queue/publish/')) return answer(queue.publish(body()));
      if (path.startsWith('/webhook/queue/stats/')) return answer(queue.stats(body()));
      if (path.startsWith('/webhook/queue/cancel/')) return answer(queue.cancel(body()));
    }
    if (ctx?.remote === 'jira') {
      const headers = new Headers(init.headers);
      headers.set('x-forge-provider', ctx.provider ?? 'app');
      // asUser() without an id acts as the invocation's user, as on Forge.
      const accountId = ctx.accountId ?? (ctx.provider === 'user' ? currentInvocation()?.accountId : undefined);
      if (accountId) headers.set('x-forge-account-id', accountId);
      const done = usage.outbound(path);
      try {
        return await realFetch(new URL(path, jiraUrl), { ...init, headers });
      } finally {
        done();
      }
    }
    return json(501, { message: `The local runtime does not provide ${JSON.stringify(ctx)} ${path}.` });
  };
}

const answer = ({ status, body }) => json(status, body);
