// Connection: the app registration's IDs, how Entra Sync signs in (a client secret or a certificate)
// and Check connection with one section message per result. Neither the secret nor the
// certificate's private key is ever sent to the page: only whether one is saved and its expiry.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { CertificatePanel } from './CertificatePanel.jsx';
import { describedBy, Field } from './Field.jsx';

const CREDENTIALS = [
  { name: 'credential', value: 'secret', label: 'Client secret' },
  { name: 'credential', value: 'certificate', label: 'Certificate (recommended)' },
];

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

export function ConnectionSection({ values, set, errors, settings, fmt, busy, report, onCheck, onCreateCertificate, onDiscardCertificate }) {
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
      <fieldset className="fieldset" aria-describedby={errors.credential ? 'credential-error' : undefined}>
        <legend>Entra Sync signs in with</legend>
        <RadioGroup options={CREDENTIALS} value={values.credential} onChange={(event) => set({ credential: event.currentTarget.value })} />
        {errors.credential ? (
          <p className="error-text" id="credential-error">
            {errors.credential}
          </p>
        ) : null}
      </fieldset>
      {text('tenantId', 'Directory (tenant) ID')}
      {text('clientId', 'Application (client) ID')}
      {values.credential === 'certificate' ? (
        <CertificatePanel settings={settings} fmt={fmt} error={errors.certificate} busy={busy} onCreate={onCreateCertificate} onDiscard={onDiscardCertificate} />
      ) : (
        text('clientSecret', 'Client secret value', { type: 'password', autoComplete: 'new-password', hint: secretHint(settings, values.clientSecret !== '', fmt) })
      )}
      <div className="actions">
        <Button id="check" onClick={onCheck} isLoading={busy === 'check'}>
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
