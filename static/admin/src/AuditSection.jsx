// Audit: who saved the settings (which fields), who started, confirmed, cancelled or resynced a
// run, and when; the last 200 entries, newest first, as the core recorded them.
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import { useEffect, useState } from 'react';
import { call } from './api.js';

export function AuditSection({ fmt, tick, onError }) {
  const [entries, setEntries] = useState(null);
  useEffect(() => {
    let alive = true;
    call('auditLog').then((list) => alive && setEntries(list), onError);
    return () => {
      alive = false;
    };
  }, [tick, onError]);
  const head = {
    cells: [
      { key: 'when', content: 'When', isSortable: true },
      { key: 'who', content: 'Who' },
      { key: 'what', content: 'What' },
    ],
  };
  const rows = (entries ?? []).map((e, n) => ({
    key: `${e.atMs}-${n}`,
    cells: [
      { key: e.atMs, content: fmt.dateTime(e.atMs) },
      { key: e.accountId, content: <code>{e.accountId}</code> },
      { key: e.text, content: e.text },
    ],
  }));
  return (
    <section aria-labelledby="audit-title" className="card" id="audit">
      <Heading as="h2" size="medium" id="audit-title">
        Audit
      </Heading>
      <p className="lede">Who changed the settings or started, confirmed or cancelled a sync. Secret values are never recorded.</p>
      <DynamicTable caption={<span className="sr-only">Audit entries, newest first</span>} head={head} rows={rows} rowsPerPage={20} isLoading={entries === null} emptyView={<p id="audit-empty">Nothing recorded yet.</p>} />
    </section>
  );
}
