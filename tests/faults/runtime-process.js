// The parent side of ./child.mjs: starts the local Forge runtime in a child process on a data
// directory, calls into it, and notices when it dies (a SIGKILL the case asked for, or a crash).
import { fork } from 'node:child_process';

const childPath = new URL('./child.mjs', import.meta.url).pathname;
const appDir = new URL('../../', import.meta.url).pathname;

export class RuntimeDied extends Error {
  constructor(signal, code) {
    super(`the runtime process ended (${signal ?? `exit ${code}`})`);
    this.signal = signal;
  }
}

/** Starts the runtime; `clockOffsetMs` carries the wall time a previous process had moved on. */
export async function spawnRuntime({ dataDir, simulatorUrl, limits, clockOffsetMs = 0, onLog = () => {} }) {
  const child = fork(childPath, [JSON.stringify({ dataDir, simulatorUrl, appDir, limits })], {
    env: { ...process.env, FAULTS_CLOCK_OFFSET_MS: String(clockOffsetMs) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const pending = new Map();
  let nextId = 0;
  let ready;
  const readyPromise = new Promise((resolve, reject) => {
    ready = { resolve, reject };
  });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      const error = new RuntimeDied(signal, code);
      for (const { reject } of pending.values()) reject(error);
      pending.clear();
      ready.reject(new Error(`${error.message} before it was ready: ${stderr.trim().slice(-1500)}`));
      resolve({ code, signal });
    });
  });
  child.on('message', (message) => {
    if (message.type === 'log') onLog(message.line);
    else if (message.type === 'ready') ready.resolve(message);
    else if (message.type === 'reply') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) call?.reject(new Error(message.error));
      else call?.resolve(message.result);
    }
  });
  const info = await readyPromise;
  let offsetMs = info.offsetMs;

  const call = (op, args = {}) =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new RuntimeDied(child.signalCode, child.exitCode));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, ...args });
    });

  return {
    url: info.url,
    exited,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    get clockOffsetMs() {
      return offsetMs;
    },
    stderr: () => stderr,
    resolve: (functionKey, payload = {}, accountId) => call('resolve', { functionKey, payload, accountId }),
    idle: () => call('idle'),
    killOn: (spec) => call('killOn', { spec }),
    fireTrigger: (key) => call('fireTrigger', { key }),
    async advanceClock(ms) {
      offsetMs = await call('advanceClock', { ms });
    },
    /** Waits until the queue is idle or the process died; answers which. */
    async settle() {
      try {
        await Promise.race([call('idle'), exited.then(() => Promise.reject(new RuntimeDied(child.signalCode, child.exitCode)))]);
        return { died: false };
      } catch (error) {
        if (error instanceof RuntimeDied) return { died: true, signal: (await exited).signal };
        throw error;
      }
    },
    async stop() {
      if (!this.alive) return;
      await call('close').catch(() => {});
      await exited;
    },
    kill() {
      if (this.alive) child.kill('SIGKILL');
      return exited;
    },
  };
}
