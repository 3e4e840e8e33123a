// The imports of the chosen schema, by name, for the Destination section; a schema with one import
// chooses it.
import { useEffect, useState } from 'react';
import { call } from './api.js';

export function useImports({ workspaceId, schemaId, proposedId, setValues, onError }) {
  const [imports, setImports] = useState({});
  useEffect(() => {
    setImports({});
    if (!workspaceId || !schemaId) return;
    let alive = true;
    call('listImports', { workspaceId, schemaId, proposed: proposedId }).then((answer) => {
      if (!alive) return;
      setImports(answer.ok ? { list: answer.imports } : { list: [], message: answer.message });
      if (answer.ok && answer.imports.length === 1) {
        setValues((v) => (v.destination.importSourceId ? v : { ...v, destination: { ...v.destination, importSourceId: answer.imports[0].id } }));
      }
    }, onError);
    return () => {
      alive = false;
    };
  }, [workspaceId, schemaId, proposedId, setValues, onError]);
  return imports;
}
