// One Forge invocation = one handler call with its own context, deadline and egress budget.
// Forge gives each invocation a fresh `__forge_runtime__`; here many share one process, so the
// global is a getter over AsyncLocalStorage and every platform call checks the caller's state.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { emptyUsage } from './usage.js';

export const DEFAULT_LIMITS = {
  resolverSeconds: 25, // resolvers and Custom UI invoke
  asyncDefaultSeconds: 55, // consumers and scheduled triggers without timeoutSeconds
  asyncMaxSeconds: 900,
  invokeRequestBytes: 500 * 1024,
  invokeResponseBytes: 5 * 1024 * 1024,
  egressPerRuntimeMinute: 100,
  logLinesPerRuntimeMinute: 100,
};

export class ForgeLimitError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'ForgeLimitError';
    this.code = code;
  }
}

const storage = new AsyncLocalStorage();

export const currentInvocation = () => storage.getStore();

/** Runs `fn` as the platform rather than as the app: its console lines are not the app's logs. */
export const outsideInvocation = (fn) => storage.exit(fn);

/** Throws when the calling code belongs to an invocation Forge would already have killed. */
export function assertAlive(what) {
  const invocation = storage.getStore();
  if (invocation?.expired) {
    throw new ForgeLimitError(
      `${what} refused: invocation ${invocation.id} of "${invocation.functionKey}" exceeded its ${invocation.timeoutSeconds} s limit and was stopped.`,
      'INVOCATION_TIMED_OUT',
    );
  }
  return invocation;
}

export function createInvoker({ appDir, manifest, limits, cloudId, usage, log }) {
  const modules = new Map();
  const baseRuntime = runtimeFor({ id: 'outside-invocation', moduleKey: undefined, deadline: Infinity }, manifest, cloudId);
  Object.defineProperty(globalThis, '__forge_runtime__', {
    configurable: true,
    get: () => storage.getStore()?.runtime ?? baseRuntime,
  });

  async function resolveHandler(handler) {
    const [file, name] = handler.split('.');
    if (!modules.has(file)) modules.set(file, import(new URL(`src/${file}.js`, `file://${appDir}/`).href));
    const module = await modules.get(file);
    if (typeof module[name] !== 'function') {
      throw new Error(`manifest handler "${handler}": src/${file}.js exports no function "${name}"`);
    }
    return module[name];
  }

  function timeoutFor(fn, kind) {
    if (kind === 'resolver') return limits.resolverSeconds;
    return Math.min(fn.timeoutSeconds ?? limits.asyncDefaultSeconds, limits.asyncMaxSeconds);
  }

  /** Runs `fn` (a manifest function) as Forge would for a module of `kind`, with `args`. */
  async function invoke(fn, kind, moduleKey, args) {
    const timeoutSeconds = timeoutFor(fn, kind);
    const invocation = {
      id: randomUUID(),
      functionKey: fn.key,
      moduleKey,
      kind,
      timeoutSeconds,
      deadline: Date.now() + timeoutSeconds * 1000,
      expired: false,
      egress: { used: 0, refused: 0, limit: Math.ceil(timeoutSeconds / 60) * limits.egressPerRuntimeMinute },
      logs: { lines: 0, bytes: 0, noted: false, limit: Math.ceil(timeoutSeconds / 60) * limits.logLinesPerRuntimeMinute },
      usage: emptyUsage(),
      // The user a resolver runs for: what Forge's asUser() acts as.
      accountId: kind === 'resolver' ? args[1]?.principal?.accountId : undefined,
    };
    invocation.runtime = runtimeFor(invocation, manifest, cloudId);
    const started = Date.now();
    invocation.started = started;
    // The process's CPU, so invocations that overlap each count the CPU spent meanwhile.
    invocation.cpuStart = process.cpuUsage();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        invocation.expired = true;
        reject(new ForgeLimitError(`Function "${fn.key}" timed out after ${timeoutSeconds} s (Forge's limit for ${kind} invocations).`, 'FUNCTION_TIME_OUT'));
      }, timeoutSeconds * 1000);
    });
    try {
      // The app's module loads inside its first invocation, as on Forge's cold start.
      const run = () => resolveHandler(fn.handler).then((handler) => handler(...args));
      return await Promise.race([storage.run(invocation, run), timeout]);
    } finally {
      clearTimeout(timer);
      const wallMs = Date.now() - started;
      const cpuMs = cpuMsSince(invocation.cpuStart);
      usage.invocation({ kind, functionKey: fn.key, wallMs, cpuMs, timeoutSeconds, timedOut: invocation.expired, egress: invocation.egress });
      const { kvs, queue, logs } = invocation.usage;
      log(
        `${kind} ${fn.key}${moduleKey ? ` (${moduleKey})` : ''} ${wallMs} ms, ${cpuMs} ms CPU, ${invocation.egress.used} external requests, ` +
          `KVS ${kvs.requests} requests (read ${kvs.readUnits} units, write ${kvs.writeUnits} units, ${kvs.rejected} refused), ` +
          `${queue.events} queue events, ${logs.lines} log lines${logs.dropped ? ` (${logs.dropped} dropped)` : ''}`,
      );
    }
  }

  return { invoke };
}

const cpuMsSince = (start) => {
  const { user, system } = process.cpuUsage(start);
  return Math.round((user + system) / 1000);
};

/**
 * What `invocation` has used so far: its KVS, queue and log figures, outbound requests, external
 * requests against its allowance, wall and CPU time. Local only (Forge has no such call): the app
 * reads it as `__forge_runtime__.localUsage?.()`, which is undefined on Forge.
 */
function usageSoFar(invocation) {
  const { kvs, queue, logs, outbound } = structuredClone(invocation.usage);
  return {
    kvs,
    queue,
    logs,
    outbound,
    external: { used: invocation.egress.used, limit: invocation.egress.limit, refused: invocation.egress.refused },
    wallMs: Date.now() - invocation.started,
    cpuMs: cpuMsSince(invocation.cpuStart),
  };
}

function runtimeFor(invocation, manifest, cloudId) {
  const noop = () => {};
  return {
    appContext: {
      appId: manifest.appId.split('/').pop(),
      appVersion: '1.0.0',
      environmentId: 'local',
      environmentType: 'DEVELOPMENT',
      invocationId: invocation.id,
      installationId: `local-installation-${cloudId}`,
      moduleKey: invocation.moduleKey,
    },
    lambdaContext: { getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()) },
    metrics: {
      counter: () => ({ incr: noop, decr: noop }),
      timing: () => ({ measure: () => ({ stop: noop }) }),
    },
    tracing: { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') },
    contextAri: `ari:cloud:jira::site/${cloudId}`,
    proxy: { token: 'local-proxy-token' },
    localUsage: invocation.usage ? () => usageSoFar(invocation) : undefined,
  };
}
