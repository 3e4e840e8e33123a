// Connection: the app registration's IDs and secret, and Check connection with one section message
// per result. The secret is never sent back to the page: only whether one is saved and its expiry.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { describedBy, Field } from './Field.jsx';

function secretHint(settings, typed, fmt) {
  if (typed) return 'Saved when you press Save; it replaces the saved secret.';
  if (!settings.secretSet) return 'Not set. Paste the Value of a client secret (Certificates & secrets).';
  const expiry = settings.secretExpiresAt ? ` (expires ${fmt.date(Date.parse(settings.secretExpiresAt))})` : '';
  return `A secret is saved${expiry}. Leave blank to keep it, or paste a new value to replace it.`;
}

function CheckResult({ check }) {
  return (
    <SectionMessage appearance={check.ok ? 'success' : 'error'} title={check.detail}>
      {check.fix ? <p>{`${check.ok ? 'Tip' : 'Fix'}: ${check.fix}`}</p> : null}
      {check.requestId ? <p className="request-id">{`Graph request id ${check.requestId}`}</p> : null}
    </SectionMessage>
  );
}

export function ConnectionSection({ values, set, errors, settings, fmt, checking, report, onCheck }) {
  const text = (id, label, props = {}) => (
    <Field id={id} label={label} hint={props.hint} error={errors[id]}>
      <Textfield
        id={id}
        name={id}
        value={values[id]}
        onChange={(event) => set({ [id]: event.target.value })}
        isInvalid={Boolean(errors[id])}
        aria-describedby={describedBy(id, { hint: props.hint, error: errors[id] })}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        type={props.type}
      />
    </Field>
  );
  return (
    <section aria-labelledby="connection-title" className="card">
      <Heading as="h2" size="medium" id="connection-title">
        Connection
      </Heading>
      <p className="lede">From your app registration in the Microsoft Entra admin center.</p>
      {text('tenantId', 'Directory (tenant) ID')}
      {text('clientId', 'Application (client) ID')}
      {text('clientSecret', 'Client secret value', { type: 'password', autoComplete: 'new-password', hint: secretHint(settings, values.clientSecret !== '', fmt) })}
      <div className="actions">
        <Button id="check" onClick={onCheck} isLoading={checking}>
          Check connection
        </Button>
      </div>
      <div id="check-result" className="results" aria-live="polite" data-outcome={report ? (report.ok ? 'ok' : 'fail') : undefined}>
        {report?.checks?.length ? report.checks.map((check, n) => <CheckResult key={`${check.name}-${n}`} check={check} />) : null}
        {report && !report.checks?.length ? <SectionMessage appearance={report.ok ? 'success' : 'error'} title={report.summary} /> : null}
      </div>
    </section>
  );
}
