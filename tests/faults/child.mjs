// The local Forge runtime as a process of its own, so the fault suite can SIGKILL it at a chosen
// point of a run and start it again on the same data directory, as a crashed Forge invocation
// would leave things. Driven over IPC by ./runtime-process.js; not a public entry point.
//
// Two things Forge has that one process lacks are played here: wall time that passes while nothing
// runs (a clock offset the parent can move forward), and a crash at an exact point (a trigger on
// the n-th matching request or KVS write kills the process with SIGKILL, before or after it).
const RealDate = Date;
let offsetMs = Number(process.env.FAULTS_CLOCK_OFFSET_MS ?? 0);
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;

const { startRuntime } = await import('../../dev/runtime/index.js');
const { dataDir, simulatorUrl, appDir, limits } = JSON.parse(process.argv[2]);

let trigger = null; // {kind, method?, match, nth, when}
let seen = 0;
const killNow = () => process.kill(process.pid, 'SIGKILL');

function matches(kind, method, text) {
  if (!trigger || trigger.kind !== kind) return false;
  if (trigger.method && trigger.method !== method) return false;
  if (!new RegExp(trigger.match).test(text)) return false;
  seen += 1;
  return seen === trigger.nth;
}

async function guarded(kind, method, text, call) {
  if (!matches(kind, method, text)) return call();
  if (trigger.when === 'before') killNow();
  const result = await call();
  killNow();
  return result;
}

// The engine does not pace itself within Forge's KVS quota yet (a small full sync reads ~4,900 units,
// over the minute's 4,000), so the suite judges healing with the quota off unless told otherwise
// (`npm run faults -- --kvs-quota on`).
const kvsQuota = process.env.FAULTS_KVS_QUOTA ?? 'off';
const runtime = await startRuntime({ appDir, dataDir, simulatorUrl, limits, kvsQuota, log: (line) => process.send({ type: 'log', line }) });

// Graph and the token endpoint go out through the egress fetch; KVS, queue pushes and Jira/Assets
// through __forge_fetch__.
const egress = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const url = input instanceof Request ? input.url : String(input);
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  return guarded('graph', method, url, () => egress(input, init));
};
const platform = globalThis.__forge_fetch__;
globalThis.__forge_fetch__ = (ctx, path, init = {}) => {
  if (ctx?.type === 'kvs') {
    const key = init.body ? (JSON.parse(init.body).key ?? '') : '';
    return guarded('kvs', path.replace('/api/v1/', ''), key, () => platform(ctx, path, init));
  }
  if (ctx?.remote === 'stargate' && path.startsWith('/webhook/queue/publish/')) return guarded('push', 'POST', path, () => platform(ctx, path, init));
  if (ctx?.remote === 'jira') return guarded('assets', (init.method ?? 'GET').toUpperCase(), path, () => platform(ctx, path, init));
  return platform(ctx, path, init);
};

const ops = {
  resolve: ({ functionKey, payload, accountId }) => runtime.callResolver({ moduleKey: 'entra-sync-admin', functionKey, payload, accountId }),
  idle: () => runtime.queueIdle(),
  killOn: ({ spec }) => {
    trigger = spec;
    seen = 0;
  },
  advanceClock: ({ ms }) => {
    offsetMs += ms;
    return offsetMs;
  },
  fireTrigger: ({ key }) => runtime.fireTrigger(key),
  close: async () => {
    await runtime.close();
    setImmediate(() => process.exit(0));
  },
};

process.on('message', async ({ id, op, ...args }) => {
  try {
    const result = await ops[op](args);
    process.send({ type: 'reply', id, result: result ?? null });
  } catch (error) {
    process.send({ type: 'reply', id, error: error.message });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: runtime.url, offsetMs });
