// Stored values damaged between runs (found at the next cold start): index shards and meta, the
// active run's checkpoint, settings, history.
import { settingsFor } from '../harness.js';

const damage = (name, edit, extra = {}) => ({ name: `damaged KVS: ${name}`, before: async (ctx) => ctx.editKvs(edit), baseline: true, ...extra });

/** Leaves a run active with its step lost (a crash between steps), then damages its checkpoint. */
const damagedCheckpoint = (name, change) => ({
  name: `damaged KVS: run:active ${name}`,
  killOn: { kind: 'push', match: '', nth: 2, when: 'before' },
  fault: async (ctx) => {
    const started = await ctx.resolve('syncNow', {});
    if (!started?.started) return ctx.note(`not started: ${started?.reason}`);
    await ctx.settle();
    await ctx.editKvs(({ read, write }) => {
      const active = read('run:active');
      if (active === undefined) return ctx.note('no active run to damage');
      write('run:active', change(active));
    });
  },
});

/** Cuts a packed (format 3) index shard in half, as a torn write would. */
const cutShort = (key) => ({ read, write }) => {
  const packed = read(key);
  write(key, typeof packed === 'string' ? packed.slice(0, Math.floor(packed.length / 2)) + '!' : 'garbage');
};

/** Staged data in KVS (chunks and retire lists of a run). */
const stagedKeys = (ctx) => ctx.kvsKeys().filter((k) => /^run:[^:]+:(chunk|retire):\d+$/.test(k));

/**
 * A run SIGKILLed once it has staged a few chunks, whose checkpoint is then found damaged: the run is
 * dropped without its cleanup (its chunk count is lost), so its staged data is orphaned; the next
 * run sweeps it.
 */
const orphanedRunData = {
  name: 'orphaned run data of a killed and dropped run is swept by the next run',
  fault: async (ctx) => {
    const started = await ctx.resolve('syncNow', {});
    if (!started?.started) return ctx.note(`not started: ${started?.reason}`);
    // Waits for the run to stage a few chunks (a condition, not a time: bounded only as a guard).
    for (let polls = 0; polls < 1200 && stagedKeys(ctx).length < 3; polls += 1) await new Promise((done) => setTimeout(done, 50));
    await ctx.runtime.kill();
    ctx.note('runtime SIGKILL after staged chunks');
    await ctx.editKvs(({ read, write }) => {
      const active = read('run:active');
      if (active === undefined) return ctx.note('no active run to damage');
      write('run:active', { ...active, checkpoint: 'garbage' });
    });
    const orphans = stagedKeys(ctx);
    if (orphans.length === 0) ctx.fail('the killed run left no staged data to sweep');
    else ctx.note(`${orphans.length} staged keys orphaned`);
  },
  afterClean: async (ctx) => {
    const left = stagedKeys(ctx);
    if (left.length) ctx.fail(`${left.length} staged keys left after the next run: ${left.slice(0, 2).join(', ')}`);
    else ctx.note('no staged keys left');
  },
};

async function saveAgainIfAsked(ctx) {
  const { configProblem } = (await ctx.resolve('getSettings', {})) ?? {};
  if (!/press Save/.test(configProblem ?? '')) return ctx.fail('no message asks the admin to save the settings again');
  const saved = await ctx.resolve('saveSettings', settingsFor(ctx.sim));
  if (!saved?.ok) ctx.fail(`saving the settings again was refused: ${JSON.stringify(saved).slice(0, 200)}`);
}

export default [
  damage('index shard is a string', ({ write }) => write('index:user:0', 'garbage')),
  damage('index shard is an array', ({ write }) => write('index:group:3', [1, 2, 3])),
  damage('index shard holds a bad fingerprint', ({ read, write }) => write('index:device:1', Object.fromEntries(Object.keys(read('index:device:1') ?? { x: 1 }).map((k) => [k, 42])))),
  damage('index meta is not an object', ({ write }) => write('index:user:meta', 'nonsense')),
  damage('index meta claims 999 shards', ({ write }) => write('index:managedDevice:meta', { entries: 5, shards: 999 })),
  damage('index meta missing, shards left', ({ remove }) => remove('index:groupMembership:meta')),
  // Format 3 damage the engine must heal by itself (sync/heal.rs): the run warns, reads the data
  // set in full and takes back from Assets what the lost value held.
  damage('packed index shard cut short', cutShort('index:groupMembership:2')),
  damage('index meta of an unknown format', ({ read, write }) => write('index:user:meta', { ...(read('index:user:meta') ?? {}), version: 9 })),
  damage('index shard missing', ({ remove }) => remove('index:device:4')),
  damagedCheckpoint('checkpoint is not an object', (active) => ({ ...active, checkpoint: 'garbage' })),
  damagedCheckpoint('is truncated', () => ({ runId: 'run-1' })),
  // The one step the admin takes is the one the page names: save the settings again.
  damage('settings:config is a string', ({ write }) => write('settings:config', 'garbage'), { fix: saveAgainIfAsked }),
  orphanedRunData,
  damage('history entry is not a report', ({ keys, write }) => keys.filter((k) => k.startsWith('history:')).forEach((k) => write(k, 'garbage'))),
];
