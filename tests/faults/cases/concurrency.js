// Triggers that race each other: two Sync now at once, Sync now during a run, cancel then sync,
// a dry run beside a real one.
async function both(ctx, payloads) {
  const answers = await Promise.all(payloads.map((p) => ctx.resolve('syncNow', p)));
  const started = answers.filter((a) => a?.started).length;
  if (started !== 1) ctx.fail(`${started} runs started by ${payloads.length} concurrent triggers`);
  await ctx.settle();
}

export default [
  { name: 'two Sync now at the same moment', fault: (ctx) => both(ctx, [{}, {}]) },
  { name: 'five Sync now at the same moment', fault: (ctx) => both(ctx, [{}, {}, {}, {}, {}]) },
  { name: 'a dry run and a real run at the same moment', fault: (ctx) => both(ctx, [{ dryRun: true }, {}]) },
  {
    name: 'Sync now pressed again during a run',
    quick: true,
    fault: async (ctx) => {
      await ctx.resolve('syncNow', {});
      const again = await ctx.resolve('syncNow', {});
      if (again?.started) ctx.fail('a second run started while the first was running');
      await ctx.settle();
    },
  },
  {
    name: 'cancel during a run, then Sync now',
    fault: async (ctx) => {
      await ctx.resolve('syncNow', {});
      const cancel = await ctx.resolve('cancelRun', {});
      if (!cancel?.ok) ctx.fail(`cancel refused: ${cancel?.reason}`);
      await ctx.settle();
    },
  },
  {
    name: 'Sync now and Cancel agree after a lost step',
    killOn: { kind: 'push', match: '', nth: 2, when: 'before' },
    fault: async (ctx) => {
      await ctx.resolve('syncNow', {});
      await ctx.settle();
      const again = await ctx.resolve('syncNow', {});
      const cancel = await ctx.resolve('cancelRun', {});
      if (!again?.started && !cancel?.ok) ctx.fail(`Sync now says "${again?.reason}" while Cancel says "${cancel?.reason}"`);
      await ctx.settle();
    },
  },
];
