// Delta links the service no longer honours, and delta links damaged in storage.
const corruptLink = (name, value) => ({
  name: `delta link ${name}`,
  baseline: true,
  before: async (ctx) => ctx.editKvs(({ write }) => write('delta:users', value)),
});

export default [
  { name: 'delta tokens expired (400 syncStateNotFound)', before: async (ctx) => ctx.control('POST', '/delta/expire'), baseline: true },
  {
    name: 'delta tokens expired (410 Gone with Location)',
    baseline: true,
    before: async (ctx) => {
      await ctx.control('POST', '/delta/reset-mode', { mode: 'gone' });
      await ctx.control('POST', '/delta/expire');
    },
  },
  corruptLink('that is not a link at all', 'not a link at all'),
  corruptLink('on another host', 'https://evil.example.com/v1.0/users/delta?$deltatoken=abc'),
  corruptLink('stored as a number', 12345),
  corruptLink('with a damaged token', 'https://graph.microsoft.com/v1.0/users/delta?$deltatoken=%%%garbage'),
];
