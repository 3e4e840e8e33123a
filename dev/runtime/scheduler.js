// Scheduled triggers at the manifest's intervals, on a clock tests can move: `advance(seconds)`
// fast-forwards and fires whatever fell due (once per trigger, as Forge does not pile up missed
// runs), `fire(key)` runs one at once. As on Forge, the first run comes about 5 minutes after start.
const FIRST_RUN_SECONDS = 300;

export function createScheduler({ manifest, invoker, cloudId, log }) {
  let offset = 0;
  const now = () => Date.now() + offset * 1000;
  const due = new Map(manifest.triggers.map((t) => [t.key, now() + FIRST_RUN_SECONDS * 1000]));

  async function fire(key) {
    const trigger = manifest.triggers.find((t) => t.key === key);
    if (!trigger) throw new Error(`No scheduled trigger "${key}" in manifest.yml`);
    const request = { context: { cloudId, moduleKey: trigger.key }, contextToken: 'local-context-token' };
    try {
      const result = await invoker.invoke(trigger.fn, 'trigger', trigger.key, [request, { installContext: `ari:cloud:jira::site/${cloudId}` }]);
      if (!result || typeof result.statusCode !== 'number') {
        log(`scheduled trigger ${key} returned ${JSON.stringify(result)}; Forge records a malformed result as 424`);
      }
      return result;
    } catch (error) {
      log(`scheduled trigger ${key} failed: ${error.message} (Forge does not retry scheduled triggers)`);
      return { statusCode: 500, error: error.message };
    }
  }

  async function tick() {
    const fired = [];
    for (const trigger of manifest.triggers) {
      if (due.get(trigger.key) > now()) continue;
      const missed = Math.floor((now() - due.get(trigger.key)) / (trigger.seconds * 1000));
      due.set(trigger.key, due.get(trigger.key) + (missed + 1) * trigger.seconds * 1000);
      fired.push(fire(trigger.key).then((result) => ({ key: trigger.key, result })));
    }
    return Promise.all(fired);
  }

  async function advance(seconds) {
    offset += seconds;
    return tick();
  }

  const timer = setInterval(() => void tick(), 1000);
  timer.unref();

  return { fire, advance, now, close: () => clearInterval(timer) };
}
