// The certificate half of the Connection section: the certificate in use and a new one waiting for
// the switch, each with its thumbprints and downloads, and "Create certificate" with its validity.
// The page never holds a private key: the resolvers answer only a certificate's public part.
import Button from '@atlaskit/button/new';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import { useState } from 'react';

const YEARS = [
  { name: 'certificateYears', value: '1', label: '1 year' },
  { name: 'certificateYears', value: '2', label: '2 years' },
];

// A file the browser saves: the .cer is DER bytes, the .pem the same certificate as text.
function download(name, bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const derBytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const fileName = (certificate) => `entra-sync-${certificate.thumbprintSha1.slice(0, 8).toLowerCase()}`;

function Certificate({ id, title, certificate, fmt, children }) {
  return (
    <div className="certificate" id={id}>
      <h3 className="certificate-title">{title}</h3>
      <dl className="certificate-facts">
        <dt>Subject</dt>
        <dd>{certificate.subject}</dd>
        <dt>Valid</dt>
        <dd>{`${fmt.date(Date.parse(certificate.notBefore))} to ${fmt.date(Date.parse(certificate.notAfter))}`}</dd>
        <dt>Thumbprint (SHA-1)</dt>
        <dd>
          <code data-thumbprint="sha1">{certificate.thumbprintSha1}</code>
        </dd>
        <dt>Thumbprint (SHA-256)</dt>
        <dd>
          <code data-thumbprint="sha256" className="thumbprint">
            {certificate.thumbprintSha256}
          </code>
        </dd>
      </dl>
      <div className="actions">
        <Button id={`${id}-cer`} onClick={() => download(`${fileName(certificate)}.cer`, derBytes(certificate.der), 'application/pkix-cert')}>
          Download .cer
        </Button>
        <Button id={`${id}-pem`} onClick={() => download(`${fileName(certificate)}.pem`, certificate.pem, 'application/x-pem-file')}>
          Download .pem
        </Button>
        {children}
      </div>
    </div>
  );
}

export function CertificatePanel({ settings, fmt, error, busy, onCreate, onDiscard }) {
  const [years, setYears] = useState('1');
  const pending = settings.pendingCertificate;
  return (
    <div id="certificate-panel">
      {settings.certificate ? <Certificate id="certificate-active" title="Certificate in use" certificate={settings.certificate} fmt={fmt} /> : null}
      {pending ? (
        <Certificate id="certificate-pending" title={settings.certificate ? 'New certificate (not in use yet)' : 'New certificate'} certificate={pending} fmt={fmt}>
          <Button id="discard-certificate" appearance="subtle" onClick={onDiscard} isDisabled={busy !== null}>
            Discard
          </Button>
        </Certificate>
      ) : null}
      {pending ? (
        <SectionMessage appearance={pending.checked ? 'success' : 'information'} title={pending.checked ? 'Check connection passed with the new certificate' : 'Upload the new certificate to Entra'}>
          <p>
            {pending.checked
              ? `Press Save to sign in with it from now on${settings.certificate ? '; the certificate in use until then keeps working' : ''}.`
              : 'Download it, open the app registration in the Microsoft Entra admin center, Certificates & secrets → Certificates → Upload certificate, then press Check connection.'}
          </p>
        </SectionMessage>
      ) : null}
      <fieldset className="fieldset" aria-describedby={error ? 'certificate-error' : undefined}>
        <legend>{settings.certificate || pending ? 'Create another certificate, valid for' : 'Create a certificate, valid for'}</legend>
        <RadioGroup options={YEARS} value={years} onChange={(event) => setYears(event.currentTarget.value)} />
      </fieldset>
      <div className="actions">
        <Button id="create-certificate" onClick={() => onCreate(Number(years))} isLoading={busy === 'certificate'} isDisabled={busy !== null && busy !== 'certificate'}>
          Create certificate
        </Button>
      </div>
      {error ? (
        <p className="error-text" id="certificate-error" tabIndex={-1}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
