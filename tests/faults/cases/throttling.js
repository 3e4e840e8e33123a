// Throttling storms: Graph 429/503 with and without Retry-After, Intune's own budget, Assets 429
// (on an incremental run: a full one under a per-minute Assets budget takes minutes).
const fault = (spec) => async (ctx) => ctx.control('POST', '/faults', spec);

export default [
  { name: 'Graph 429 x3 with Retry-After on users', before: fault({ path: '/v1.0/users/delta', status: 429, retryAfter: '1', count: 3 }), quick: true, transient: true },
  { name: 'Graph 429 x3 without Retry-After on groups', before: fault({ path: '/v1.0/groups/delta', status: 429, count: 3 }), baseline: true, transient: true },
  { name: 'Graph 429 storm past the retry budget on devices', before: fault({ path: '/v1.0/devices', status: 429, retryAfter: '0.2', count: 12 }), transient: true },
  { name: 'Graph 503 x3 with Retry-After on subscribedSkus', before: fault({ path: '/v1.0/subscribedSkus', status: 503, retryAfter: '1', count: 3 }), transient: true },
  {
    name: 'Intune throttling (tiny request budget)',
    before: async (ctx) => ctx.control('POST', '/throttling', { intuneRequests: 2 }),
    transient: true,
  },
  {
    name: 'Graph directory throttling (tiny resource-unit budget)',
    before: async (ctx) => ctx.control('POST', '/throttling', { directoryUnits: 20 }),
    transient: true,
  },
  { name: 'Assets 429 rate limit with Retry-After', before: async (ctx) => ctx.control('POST', '/assets/rate-limit', { perMinute: 20, sendRetryAfter: true }), baseline: true, transient: true },
  { name: 'Assets 429 rate limit without Retry-After', before: async (ctx) => ctx.control('POST', '/assets/rate-limit', { perMinute: 20, sendRetryAfter: false }), baseline: true, transient: true },
];
