// The imports Assets' lifecycle calls name (importId, workspaceId, schemaId), kept so the page can
// offer a schema's imports by name. The core decides what is kept; this loads and stores.
import { kvs } from './kvs.js';
import { forgetImport, noteImport } from './core.js';

const KNOWN_KEY = 'imports:known';

export const loadKnownImports = async () => (await kvs.get(KNOWN_KEY)) ?? null;

/** Remembers `{importId, workspaceId, schemaId}`; writes only when it is new or moved. */
export async function rememberImport(seen) {
  const next = noteImport({ stored: await loadKnownImports(), seen });
  if (next.changed) await kvs.set(KNOWN_KEY, next.imports);
}

export async function forgetKnownImport(importId) {
  const next = forgetImport({ stored: await loadKnownImports(), importId });
  if (next.changed) await kvs.set(KNOWN_KEY, next.imports);
}
