// History: the last runs, newest first, sortable, each with its outcome and counts; Log opens the
// run's warnings and errors below.
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { outcomeOf, totals } from './report.js';

const COUNTS = ['created', 'updated', 'unchanged', 'retired'];

export function HistoryTable({ reports, fmt, onLog, selected }) {
  const head = {
    cells: [
      { key: 'started', content: 'Started', isSortable: true },
      { key: 'trigger', content: 'Trigger' },
      { key: 'outcome', content: 'Outcome' },
      { key: 'duration', content: 'Duration', isSortable: true },
      ...COUNTS.map((k) => ({ key: k, content: k.charAt(0).toUpperCase() + k.slice(1), isSortable: true })),
      { key: 'log', content: <span className="sr-only">Log</span> },
    ],
  };
  const rows = (reports ?? []).map((r) => {
    const t = totals(r);
    const outcome = outcomeOf(r.outcome);
    return {
      key: r.runId,
      cells: [
        { key: r.startedMs, content: fmt.dateTime(r.startedMs) },
        { key: r.trigger, content: r.trigger },
        { key: r.outcome, content: <Lozenge appearance={outcome.appearance}>{outcome.text}</Lozenge> },
        { key: r.endedMs - r.startedMs, content: fmt.duration(r.endedMs - r.startedMs) },
        ...COUNTS.map((k) => ({ key: t[k], content: <span className="num">{fmt.number(t[k])}</span> })),
        {
          key: 'log',
          content: (
            <Button appearance="subtle" spacing="compact" onClick={(event) => onLog(r.runId, event.currentTarget)} isSelected={selected === r.runId} aria-label={`Log of the run started ${fmt.dateTime(r.startedMs)}`}>
              Log
            </Button>
          ),
        },
      ],
    };
  });
  return (
    <section aria-labelledby="history-title" className="card" id="history">
      <Heading as="h2" size="medium" id="history-title">
        History
      </Heading>
      <DynamicTable caption={<span className="sr-only">Runs, newest first</span>} head={head} rows={rows} isLoading={reports === null} emptyView={<p id="history-empty">No runs yet.</p>} />
    </section>
  );
}
