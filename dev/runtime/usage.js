// What the app used of the platform: KVS requests and units, queue events, log lines. Counted for
// the runtime as a whole (read and reset by the bench per run, or over GET/POST __forge__/usage)
// and for the current invocation (printed in its summary line).
import { currentInvocation } from './invocation.js';

export const emptyUsage = () => ({
  kvs: { requests: 0, readRequests: 0, writeRequests: 0, readUnits: 0, writeUnits: 0, readBytes: 0, writeBytes: 0, rejected: 0 },
  queue: { pushes: 0, events: 0, rejected: 0 },
  logs: { lines: 0, dropped: 0 },
});

export function createUsage() {
  let totals = emptyUsage();
  // Counts into the runtime's totals and, inside an invocation, into the invocation's own.
  const each = (fn) => {
    fn(totals);
    const own = currentInvocation()?.usage;
    if (own) fn(own);
  };

  return {
    kvs(kind, units, bytes) {
      each(({ kvs }) => {
        kvs.requests += 1;
        kvs[`${kind}Requests`] += 1;
        kvs[`${kind}Units`] += units;
        kvs[`${kind}Bytes`] += bytes;
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
    /** A copy of the totals since start or the last reset. */
    snapshot: () => structuredClone(totals),
    reset() {
      const previous = totals;
      totals = emptyUsage();
      return previous;
    },
  };
}
