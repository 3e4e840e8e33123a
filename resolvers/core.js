// Loads the wasm core once per cold start. The module bytes are inlined as base64 so that Forge's
// bundler, which has no rule for .wasm files, ships them inside the function bundle.
//
// A trap (a Rust panic, a stack overflow) can leave the instance's memory corrupt, and every later
// call would fail until the function restarts. So each export is guarded: after a trap the caller
// gets a clear error and the next call runs on a fresh instance (once no other call is still
// running on the old one; an async export may be awaiting the network).
import * as glue from '../build/wasm/entra_sync_wasm.js';
import wasmBase64 from '../build/wasm/entra_sync_wasm_bg.wasm.b64.js';

const module = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
let instance = glue.initSync({ module });
let stale = false;
let running = 0;

function recreateIfStale() {
  if (!stale || running > 0) return;
  glue.dropInstance();
  instance = glue.initSync({ module });
  stale = false;
}

function afterTrap(error) {
  if (!(error instanceof WebAssembly.RuntimeError)) return error;
  stale = true;
  const clear = new Error(
    `Entra Sync's core stopped on an internal error (${error.message}) and has been restarted; nothing was saved by this call. Try again; if it happens again, report it with the steps that led to it.`,
  );
  clear.name = 'EntraSyncError';
  clear.code = 'internal';
  return clear;
}

export function guarded(fn) {
  return (...args) => {
    recreateIfStale();
    running += 1;
    let result;
    try {
      result = fn(...args);
    } catch (error) {
      running -= 1;
      const thrown = afterTrap(error);
      recreateIfStale();
      throw thrown;
    }
    if (!(result instanceof Promise)) {
      running -= 1;
      return result;
    }
    return result.then(
      (value) => {
        running -= 1;
        recreateIfStale();
        return value;
      },
      (error) => {
        running -= 1;
        const thrown = afterTrap(error);
        recreateIfStale();
        throw thrown;
      },
    );
  };
}

export const applyCommand = guarded(glue.applyCommand);
export const auditLog = guarded(glue.auditLog);
export const beginConfiguredRun = guarded(glue.beginConfiguredRun);
export const checkConnection = guarded(glue.checkConnection);
export const checkDestination = guarded(glue.checkDestination);
export const configDefaults = guarded(glue.configDefaults);
export const createCertificate = guarded(glue.createCertificate);
export const datasetOptions = guarded(glue.datasetOptions);
export const forgetImport = guarded(glue.forgetImport);
export const kvsRetryWait = guarded(glue.kvsRetryWait);
export const listImports = guarded(glue.listImports);
export const noteImport = guarded(glue.noteImport);
export const recordAudit = guarded(glue.recordAudit);
export const panelRefresh = guarded(glue.panelRefresh);
export const panelSearch = guarded(glue.panelSearch);
export const panelView = guarded(glue.panelView);
export const runEvent = guarded(glue.runEvent);
export const scheduleDue = guarded(glue.scheduleDue);
export const storedConfig = guarded(glue.storedConfig);
export const syncStep = guarded(glue.syncStep);
export const validateConfig = guarded(glue.validateConfig);
export const validatePanelConfig = guarded(glue.validatePanelConfig);
export const validateSettings = guarded(glue.validateSettings);
export const wasmMemoryBytes = guarded(glue.wasmMemoryBytes);

/** The current instance's raw exports: for the trap-recovery test, which makes one trap. */
export const rawExports = () => instance;
