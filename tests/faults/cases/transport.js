// Connection resets, 5xx and slow answers on each service. `transient` cases must not fail the
// faulted run itself (the retry policy, or the next step, gets past them); `lasting` ones must fail
// it only after 30 minutes without progress, naming the cause.
import { lasting } from './lasting.js';

const fault = (spec) => async (ctx) => ctx.control('POST', '/faults', spec);
const tokenPath = (ctx) => `/${ctx.sim.tenantId}/oauth2/v2.0/token`;

export default [
  { name: 'connection reset once on users delta', before: fault({ path: '/v1.0/users/delta', reset: true, count: 1 }), quick: true, transient: true },
  { name: 'connection reset on every managed-devices read', fault: lasting({ path: '/v1.0/deviceManagement/managedDevices', reset: true }) },
  { name: 'connection reset once on the token endpoint', before: async (ctx) => ctx.control('POST', '/faults', { path: tokenPath(ctx), reset: true, count: 1 }), transient: true },
  { name: 'connection reset once on an import chunk', before: fault({ path: '/jsm/assets/workspace', method: 'POST', reset: true, count: 1 }), transient: true },
  { name: 'Graph 500 x2 on groups delta', before: fault({ path: '/v1.0/groups/delta', status: 500, count: 2 }), baseline: true, transient: true },
  { name: 'Graph 502 on every device read', fault: lasting({ path: '/v1.0/devices', status: 502 }) },
  { name: 'Assets 500 once on the import status', before: fault({ path: '/jsm/assets/workspace', method: 'GET', status: 500, count: 1 }), transient: true },
  { name: 'slow Graph: 3 s answers on groups delta', before: fault({ path: '/v1.0/groups/delta', latencyMs: 3000, count: 3 }), transient: true },
  { name: 'slow everything: 40 ms latency on every request', before: async (ctx) => ctx.control('POST', '/latency', { baseMs: 40, jitterMs: 10 }), transient: true },
  { name: 'slow Assets: 2 s answers on the import API', before: fault({ path: '/jsm/assets/workspace', latencyMs: 2000, count: 4 }), transient: true },
];
