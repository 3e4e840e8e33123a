// The run log: warnings, errors and skipped Graph items of one run, with Graph request ids; a data
// set that failed alone is named, with its fix.
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { outcomeOf } from './report.js';

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

export function RunLog({ log, label = (key) => key }) {
  return (
    <section aria-labelledby="log-title" className="card">
      <Heading as="h2" size="medium" id="log-title">
        Run log
      </Heading>
      <div id="log" role="region" aria-labelledby="log-title" aria-live="polite">
        {!log ? <p className="subtle">Warnings and errors of a run appear here.</p> : null}
        {log && !log.ok ? <p className="subtle">{log.reason}</p> : null}
        {log?.ok ? (
          <>
            <p className="subtle">
              {`Run ${log.runId} `}
              <Lozenge appearance={outcomeOf(log.outcome).appearance}>{outcomeOf(log.outcome).text}</Lozenge>
            </p>
            {log.errors.length + log.warnings.length + (log.skipped?.length ?? 0) === 0 ? <p>No warnings or errors.</p> : null}
            <ul className="log-list">
              {log.errors.map((e, n) => (
                <li key={`e${n}`} className="log-error" data-dataset={e.dataset}>
                  <Lozenge appearance="removed">{e.dataset ? 'Not synced' : 'Error'}</Lozenge> {e.dataset ? <strong>{`${capitalised(label(e.dataset))}: `}</strong> : null}
                  {e.message}
                  {e.requestId ? <span className="subtle">{` (Graph request id ${e.requestId})`}</span> : null}
                  {e.fix ? <p className="log-fix">{`Fix: ${e.fix}`}</p> : null}
                </li>
              ))}
              {(log.skipped ?? []).map((item, n) => (
                <li key={`s${n}`} className="log-warning log-skipped">
                  <Lozenge appearance="moved">Skipped</Lozenge> {`A ${item.dataset} item${item.id ? ` (id ${item.id})` : ''} could not be read: ${item.reason}. Page ${item.page}, item ${item.index + 1}`}
                  {item.requestId ? <span className="subtle">{` (Graph request id ${item.requestId})`}</span> : null}
                </li>
              ))}
              {log.warnings.map((w, n) => (
                <li key={`w${n}`} className="log-warning">
                  <Lozenge appearance="moved">Warning</Lozenge> {typeof w === 'string' ? w : w.message}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}
