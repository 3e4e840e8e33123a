// Loads the wasm core once per cold start. The module bytes are inlined as base64 so that Forge's
// bundler, which has no rule for .wasm files, ships them inside the function bundle.
import {
  applyCommand,
  beginConfiguredRun,
  checkConnection,
  configDefaults,
  datasetOptions,
  initSync,
  runEvent,
  scheduleDue,
  syncStep,
  validateConfig,
  validateSettings,
  wasmMemoryBytes,
} from '../build/wasm/entra_sync_wasm.js';
import wasmBase64 from '../build/wasm/entra_sync_wasm_bg.wasm.b64.js';

initSync({ module: Buffer.from(wasmBase64, 'base64') });

export {
  applyCommand,
  beginConfiguredRun,
  checkConnection,
  configDefaults,
  datasetOptions,
  runEvent,
  scheduleDue,
  syncStep,
  validateConfig,
  validateSettings,
  wasmMemoryBytes,
};
