// Tokens and secrets that expire, and permissions withdrawn, before or during a run. Where the
// admin has to act (a new secret, consent granted again) `fix` is that step, the one the run's
// message names; nothing else is done by hand.
import { settingsFor } from '../harness.js';

const tokenPath = (ctx) => `/${ctx.sim.tenantId}/oauth2/v2.0/token`;
const expiredToken = { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } };

async function newSecret(ctx) {
  const { value } = await ctx.control('POST', '/secrets/rotate');
  const saved = await ctx.resolve('saveSettings', settingsFor(ctx.sim, { clientSecret: value }));
  if (!saved?.ok) ctx.note(`saving the new secret was refused: ${JSON.stringify(saved).slice(0, 200)}`);
}

const withdraw = (permission) => ({
  name: `permission ${permission} revoked`,
  before: async (ctx) => ctx.control('POST', '/permissions/revoke', { permission }),
  fix: async (ctx) => ctx.control('POST', '/permissions/grant', { permission }),
});

export default [
  {
    name: 'access token expires mid-run (401 Lifetime validation failed)',
    before: async (ctx) => ctx.control('POST', '/faults', { path: '/v1.0/groups/delta', status: 401, body: expiredToken, count: 1 }),
    transient: true,
  },
  {
    name: 'sim clock passes token lifetime between steps',
    before: async (ctx) => ctx.control('POST', '/clock/advance', { seconds: 3700 }),
    transient: true,
  },
  { name: 'token endpoint 500 once', before: async (ctx) => ctx.control('POST', '/faults', { path: tokenPath(ctx), status: 500, count: 1 }), quick: true, transient: true },
  { name: 'token endpoint 503 x3 with Retry-After', before: async (ctx) => ctx.control('POST', '/faults', { path: tokenPath(ctx), status: 503, retryAfter: '1', count: 3 }), transient: true },
  { name: 'client secret expired (new secret saved)', before: async (ctx) => ctx.control('POST', '/secrets/expire'), fix: newSecret },
  withdraw('User.Read.All'),
  withdraw('Device.Read.All'),
  withdraw('DeviceManagementManagedDevices.Read.All'),
  {
    name: 'every permission revoked (consent granted again)',
    before: async (ctx) => {
      ctx.granted = (await ctx.control('GET', '/permissions')).granted;
      await ctx.control('POST', '/permissions/revoke-all');
    },
    fix: async (ctx) => {
      for (const permission of ctx.granted) await ctx.control('POST', '/permissions/grant', { permission });
    },
  },
  { name: 'tenant without an Intune licence mid-life', before: async (ctx) => ctx.control('POST', '/intune', { licensed: false }) },
];
