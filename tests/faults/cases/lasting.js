// A fault that does not pass: the run retries it step after step (never failing for a passing
// cause) while Forge's clock runs on, and fails only once it has made no progress for 30 minutes,
// naming the cause. The runtime's clock is moved 10 minutes at a time while the run is active, so
// the case takes seconds, not half an hour.
const STALL_MESSAGE = 'made no progress for';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const lasting = (spec) => async (ctx) => {
  await ctx.control('POST', '/faults', spec);
  const started = await ctx.resolve('syncNow', {});
  if (!started?.started) return ctx.fail(`not started: ${started?.reason ?? JSON.stringify(started)}`);
  for (let turn = 0; turn < 30; turn += 1) {
    await sleep(1_000);
    const status = await ctx.status();
    if (!status?.active) break;
    await ctx.advanceClock(10 * 60 * 1000);
  }
  await ctx.settle();
  const last = (await ctx.status())?.last;
  const message = (last?.errors ?? []).map((e) => e.message ?? '').join('; ');
  if (last?.outcome !== 'failed' || !message.includes(STALL_MESSAGE)) {
    ctx.fail(`a lasting fault should fail the run after 30 minutes without progress, naming it; got ${last?.outcome}: ${message.slice(0, 160)}`);
  }
};
