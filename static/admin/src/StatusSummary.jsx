// Status at a glance: the last run, the run in progress, the next scheduled run, the secret's expiry
// and data sets with problems. Fields the backend does not send yet are simply not shown.
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { outcomeOf, totals } from './report.js';

const DAY = 86_400_000;

const FIXES = {
  secret: {
    expired: 'Syncs fail until you create a new secret under Certificates & secrets in the app registration and paste its Value here.',
    soon: 'Create a new secret under Certificates & secrets in the app registration, paste its Value here and save before then.',
  },
  certificate: {
    expired: 'Syncs fail until you create a new certificate under Connection, upload it under Certificates & secrets, check the connection and save.',
    soon: 'Create a new certificate under Connection, upload it under Certificates & secrets, check the connection and save before then; the current one keeps working until you do.',
  },
};

function ExpiryMessage({ expiresAt, certificate, warnDays, fmt, now }) {
  const at = Date.parse(expiresAt ?? '');
  if (!(at - now < warnDays * DAY)) return null;
  const expired = at <= now;
  const what = certificate ? 'The certificate' : 'The client secret';
  const title = expired ? `${what} expired on ${fmt.date(at)}` : `${what} expires ${fmt.relative(at, now)} (${fmt.date(at)})`;
  const fix = FIXES[certificate ? 'certificate' : 'secret'][expired ? 'expired' : 'soon'];
  return (
    <div id="banner" data-level={expired ? 'fail' : 'warn'}>
      <SectionMessage appearance={expired ? 'error' : 'warning'} title={title}>
        <p>{fix}</p>
      </SectionMessage>
    </div>
  );
}

export function StatusSummary({ status, settings, fmt, label, now = Date.now() }) {
  const last = status?.last;
  const active = status?.active;
  const t = last && totals(last);
  const problems = (last?.datasets ?? []).filter((d) => d.problem);
  return (
    <section aria-labelledby="status-title" className="status">
      <h2 id="status-title" className="sr-only">
        Status
      </h2>
      <dl className="glance">
        <div>
          <dt>Last run</dt>
          <dd id="status-last">
            {last ? (
              <>
                <Lozenge appearance={outcomeOf(last.outcome).appearance}>{outcomeOf(last.outcome).text}</Lozenge>{' '}
                <span title={fmt.dateTime(last.endedMs)}>{fmt.relative(last.endedMs, now)}</span>
                {` · ${fmt.number(t.read)} read, ${fmt.number(t.created)} created, ${fmt.number(t.updated)} updated, ${fmt.number(t.retired)} retired`}
              </>
            ) : (
              'No runs yet'
            )}
          </dd>
        </div>
        <div>
          <dt>Now</dt>
          <dd id="status-now">{active ? <Lozenge appearance="inprogress">{active.status === 'awaitingConfirmation' ? 'Waiting for you' : 'Syncing'}</Lozenge> : 'Idle'}</dd>
        </div>
        <div>
          <dt>Next scheduled run</dt>
          <dd id="status-next">
            {!settings.config ? 'Not set up' : !settings.config.schedule?.enabled ? 'Schedule off' : Number.isFinite(status?.nextScheduledMs) ? `${fmt.relative(status.nextScheduledMs, now)} (${fmt.dateTime(status.nextScheduledMs)})` : 'On'}
          </dd>
        </div>
        <div>
          <dt>{settings.certificate ? 'Certificate' : 'Client secret'}</dt>
          <dd id="status-secret">{!settings.secretSet && !settings.certificate ? 'Not set' : settings.secretExpiresAt ? `Expires ${fmt.relative(Date.parse(settings.secretExpiresAt), now)}` : 'Saved'}</dd>
        </div>
        {Number.isFinite(last?.expiry?.count) ? (
          <div>
            <dt>App credentials</dt>
            <dd id="status-credentials">
              {last.expiry.count === 0 ? <Lozenge appearance="success">None expiring</Lozenge> : <Lozenge appearance="moved">{`${fmt.number(last.expiry.count)} expiring or expired`}</Lozenge>}
              {` within ${last.expiry.warnDays} days`}
            </dd>
          </div>
        ) : null}
      </dl>
      <ExpiryMessage expiresAt={settings.secretExpiresAt} certificate={Boolean(settings.certificate)} warnDays={(settings.config ?? settings.defaults)?.expiry?.warnDays} fmt={fmt} now={now} />
      {problems.map((d) => (
        <SectionMessage key={d.dataset} appearance="warning" title={`${label(d.dataset)}: ${d.problem.message}`}>
          {d.problem.fix ? <p>{`Fix: ${d.problem.fix}`}</p> : null}
        </SectionMessage>
      ))}
    </section>
  );
}
