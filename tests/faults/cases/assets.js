// The Assets side: conflicts, executions cancelled by someone else, slow processing, errors.
// `transient` and `lasting` as in transport.js.
import { lasting } from './lasting.js';

const fault = (spec) => async (ctx) => ctx.control('POST', '/faults', spec);

/** Waits until the run submitted an import chunk, then cancels that execution in Assets. */
async function cancelInAssets(ctx) {
  await ctx.control('DELETE', '/requests');
  const started = await ctx.resolve('syncNow', {});
  if (!started?.started) return ctx.note(`not started: ${started?.reason}`);
  const base = `${ctx.sim.url}/jsm/assets/workspace/${ctx.sim.assetsWorkspaceId}/v1/importsource/${ctx.sim.assetsImportSourceId}`;
  for (let i = 0; i < 600; i += 1) {
    const log = await ctx.control('GET', '/requests?path=/jsm/assets&limit=500');
    const hit = log.map((e) => String(e.path ?? e.url ?? '').match(/\/executions\/([^/?]+)\/data/)).find(Boolean);
    if (hit) {
      const response = await fetch(`${base}/executions/${hit[1]}`, { method: 'DELETE', headers: { 'x-forge-provider': 'app' } });
      ctx.note(`cancelled execution in Assets (${response.status})`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await ctx.settle();
}

export default [
  { name: 'Assets 409 on the first write request', before: fault({ path: '/jsm/assets/workspace', method: 'POST', status: 409, count: 1 }), quick: true },
  { name: 'Assets execution CANCELLED by someone in Assets', fault: cancelInAssets },
  { name: 'Assets 503 on the mapping', before: fault({ path: '/jsm/assets/workspace', method: 'PUT', status: 503, count: 2 }), transient: true },
  { name: 'Assets keeps the import PROCESSING for a while', before: async (ctx) => ctx.control('POST', '/assets/processing-reads', { reads: 8 }), transient: true },
  { name: 'Assets 500 on every import chunk', fault: lasting({ path: '/jsm/assets/workspace', method: 'POST', status: 500 }) },
  {
    name: 'import source disabled in Assets (enabled again)',
    before: async (ctx) => ctx.control('POST', '/assets/disabled', { disabled: true }),
    fix: async (ctx) => ctx.control('POST', '/assets/disabled', { disabled: false }),
  },
  { name: 'Jira 429 on the Assets REST API', before: fault({ path: '/jsm/assets/workspace', status: 429, retryAfter: '1', count: 3 }), transient: true },
];
