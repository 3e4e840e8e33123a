// Bad settings at the door: each is refused whole, with field errors, and leaves the saved
// settings (and so the next sync) untouched.
import { settingsFor } from '../harness.js';

const nested = (depth) => `${'('.repeat(depth)}accountEnabled eq true${')'.repeat(depth)}`;

const refused = (name, overrides) => ({
  name: `bad settings: ${name}`,
  fault: async (ctx) => {
    let answer;
    try {
      answer = await ctx.resolve('saveSettings', typeof overrides === 'function' ? overrides(ctx) : { ...settingsFor(ctx.sim), ...overrides });
    } catch (error) {
      answer = { thrown: error.message };
    }
    if (answer?.ok) ctx.fail('saved although invalid');
    else if (answer?.thrown) ctx.fail(`raw error: ${answer.thrown.slice(0, 140)}`);
    const run = await ctx.sync();
    if (!run.started) ctx.note(`sync after the refused save: ${run.reason}`);
  },
});

export default [
  refused('secret over the size limit', (ctx) => ({ ...settingsFor(ctx.sim), tenantId: '11111111-2222-3333-4444-555555555555', clientSecret: 'x'.repeat(140 * 1024) })),
  refused('wrong JSON types', { destination: 'not an object', datasets: 7, schedule: { interval: 3 } }),
  refused('400-digit schema id', (ctx) => settingsFor(ctx.sim, { destination: { ...settingsFor(ctx.sim).destination, schemaId: '9'.repeat(400) } })),
  refused('100 KB filter', { filters: { users: `startswith(displayName,'${'a'.repeat(100 * 1024)}')` } }),
  refused('filter nested 3,000 deep', { filters: { users: nested(3000) } }),
  refused('unknown tenant id format', { tenantId: 'not-a-tenant' }),
];
