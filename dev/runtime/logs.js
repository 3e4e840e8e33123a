// Forge keeps 100 log lines per runtime-minute (rounded up, as the egress budget is) and 200 KB
// per invocation; lines beyond are dropped. The app's console calls inside an invocation are
// counted here; the first line dropped leaves one note naming the invocation and the limit.
import { format } from 'node:util';
import { currentInvocation } from './invocation.js';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
const LOG_BYTES = 200 * 1024;

export function installLogLimit({ usage, log }) {
  const originals = Object.fromEntries(METHODS.map((m) => [m, console[m]]));
  for (const method of METHODS) {
    console[method] = (...args) => {
      const invocation = currentInvocation();
      if (!invocation) return originals[method](...args);
      const logs = invocation.logs;
      const bytes = Buffer.byteLength(format(...args));
      const keep = logs.lines < logs.limit && logs.bytes + bytes <= LOG_BYTES;
      usage.logLine(!keep);
      if (keep) {
        logs.lines += 1;
        logs.bytes += bytes;
        return originals[method](...args);
      }
      if (!logs.noted) {
        logs.noted = true;
        log(`log lines dropped: invocation ${invocation.id} of "${invocation.functionKey}" passed Forge's limit of ${logs.limit} log lines (100 per runtime-minute) or 200 KB; later lines of this invocation are not kept`);
      }
    };
  }
  return () => Object.assign(console, originals);
}
