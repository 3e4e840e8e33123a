// What the app used of the platform: KVS requests and units, queue events, log lines, outbound
// requests (Graph, Assets, …) with the most in flight at once, the time spent waiting for KVS and
// each kind of request (busyMs: each call's time to its answer, summed), and its invocations' time
// and CPU.
// Counted for the runtime as a whole (read and reset by the bench per run, or over GET/POST
// __forge__/usage) and for the current invocation (its summary line, and `localUsage()` on
// `__forge_runtime__`, see invocation.js).
import { currentInvocation } from './invocation.js';

const outboundKind = () => ({ requests: 0, maxInFlight: 0, busyMs: 0 });

export const emptyUsage = () => ({
  kvs: { requests: 0, readRequests: 0, writeRequests: 0, readUnits: 0, writeUnits: 0, readBytes: 0, writeBytes: 0, rejected: 0, batches: 0, batchKeys: 0, busyMs: 0 },
  queue: { pushes: 0, events: 0, rejected: 0 },
  logs: { lines: 0, dropped: 0 },
  // graph: graph.microsoft.com; identity: login.microsoftonline.com; assets: the Assets import
  // API (importChunks: POST …/executions/{id}/data) and REST; jira: every other requestJira.
  outbound: {
    graph: outboundKind(),
    identity: outboundKind(),
    assets: { ...outboundKind(), importChunks: 0, importOther: 0, rest: 0 },
    jira: outboundKind(),
  },
  invocations: {},
});

/** Which kind of outbound request `url` (a product path or an absolute URL) is, for the counters. */
export function classifyOutbound(url) {
  const { host, pathname } = new URL(url, 'https://site.invalid');
  if (host === 'graph.microsoft.com') return { kind: 'graph' };
  if (host === 'login.microsoftonline.com') return { kind: 'identity' };
  if (pathname.startsWith('/jsm/assets/') || pathname.startsWith('/rest/servicedeskapi/assets')) {
    if (!pathname.includes('/importsource/') && !pathname.includes('/imports/')) return { kind: 'assets', part: 'rest' };
    return { kind: 'assets', part: /\/executions\/[^/]+\/data$/.test(pathname) ? 'importChunks' : 'importOther' };
  }
  if (host === 'site.invalid') return { kind: 'jira' };
  return { kind: 'other' };
}

// One invocation kind's figures: how many, their time and CPU, the longest by wall and by CPU,
// the most external requests one used against its allowance, and how many broke a limit.
const invocationKind = () => ({
  count: 0,
  wallMs: 0,
  cpuMs: 0,
  longest: { wallMs: 0, cpuMs: 0, timeoutSeconds: 0, functionKey: null },
  mostCpu: { wallMs: 0, cpuMs: 0, functionKey: null },
  mostExternal: { used: 0, limit: 0, functionKey: null },
  timedOut: 0,
  overExternal: 0,
});

export function createUsage() {
  let totals = emptyUsage();
  // In flight now, by kind: not reset with the totals, since requests outlive a reset.
  const inFlight = {};
  // Counts into the runtime's totals and, inside an invocation, into the invocation's own.
  const each = (fn) => {
    fn(totals);
    const own = currentInvocation()?.usage;
    if (own) fn(own);
  };

  return {
    kvs(kind, units, bytes, batchKeys) {
      each(({ kvs }) => {
        kvs.requests += 1;
        kvs[`${kind}Requests`] += 1;
        kvs[`${kind}Units`] += units;
        kvs[`${kind}Bytes`] += bytes;
        if (batchKeys !== undefined) {
          kvs.batches += 1;
          kvs.batchKeys += batchKeys;
        }
      });
    },
    kvsRejected: () => each(({ kvs }) => (kvs.rejected += 1)),
    queuePush: (events) =>
      each(({ queue }) => {
        queue.pushes += 1;
        queue.events += events;
      }),
    queueRejected: () => each(({ queue }) => (queue.rejected += 1)),
    logLine: (dropped) => each(({ logs }) => (dropped ? (logs.dropped += 1) : (logs.lines += 1))),
    /**
     * An outbound request to `url` starts; call the returned function when its answer has come.
     * The most in flight is the runtime's (all invocations together), as Graph and Assets see it.
     */
    outbound(url) {
      const { kind, part } = classifyOutbound(url);
      if (kind === 'other') return () => {};
      inFlight[kind] = (inFlight[kind] ?? 0) + 1;
      each(({ outbound }) => {
        outbound[kind].requests += 1;
        if (part) outbound[kind][part] += 1;
        outbound[kind].maxInFlight = Math.max(outbound[kind].maxInFlight, inFlight[kind]);
      });
      const started = performance.now();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        inFlight[kind] -= 1;
        const ms = performance.now() - started;
        each(({ outbound }) => (outbound[kind].busyMs += ms));
      };
    },
    /** A KVS call took `ms` to answer, platform latency included. */
    kvsBusy: (ms) => each(({ kvs }) => (kvs.busyMs += ms)),
    /** An invocation ended: its kind, function, wall and CPU time, limits and external requests. */
    invocation({ kind, functionKey, wallMs, cpuMs, timeoutSeconds, timedOut, egress }) {
      const figures = (totals.invocations[kind] ??= invocationKind());
      figures.count += 1;
      figures.wallMs += wallMs;
      figures.cpuMs += cpuMs;
      // The first invocation is the longest so far even when it took under a millisecond.
      if (figures.longest.functionKey === null || wallMs > figures.longest.wallMs) figures.longest = { wallMs, cpuMs, timeoutSeconds, functionKey };
      if (figures.mostCpu.functionKey === null || cpuMs > figures.mostCpu.cpuMs) figures.mostCpu = { wallMs, cpuMs, functionKey };
      const most = figures.mostExternal;
      if (most.functionKey === null || egress.used / egress.limit > most.used / most.limit) {
        figures.mostExternal = { used: egress.used, limit: egress.limit, functionKey };
      }
      if (timedOut) figures.timedOut += 1;
      if (egress.refused > 0) figures.overExternal += 1;
    },
    /** A copy of the totals since start or the last reset. */
    snapshot: () => structuredClone(totals),
    reset() {
      const previous = totals;
      totals = emptyUsage();
      return previous;
    },
  };
}
