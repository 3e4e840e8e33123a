// Intune managed devices whose primary user this is, and their Entra registrations.
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { when } from './Account.jsx';
import { ObjectLink } from './ObjectLink.jsx';

// Intune's complianceState values (lower camel case, as Graph returns them).
const COMPLIANCE = {
  compliant: ['success', 'Compliant'],
  noncompliant: ['removed', 'Not compliant'],
  inGracePeriod: ['moved', 'In grace period'],
  conflict: ['removed', 'Conflict'],
  error: ['removed', 'Error'],
  configManager: ['default', 'Config Manager'],
  unknown: ['default', 'Unknown'],
};

const yesNo = (value) => (value === true ? 'Yes' : value === false ? 'No' : '–');
const os = (name, version) => [name, version].filter(Boolean).join(' ') || '–';

export function Compliance({ state }) {
  const [appearance, text] = COMPLIANCE[state] ?? ['default', state ?? 'Unknown'];
  return <Lozenge appearance={appearance}>{text}</Lozenge>;
}

export function Devices({ devices, fmt }) {
  return (
    <section aria-labelledby="devices-title" className="devices">
      <Heading as="h3" size="xsmall" id="devices-title">
        {`Intune devices (${devices.managed.length}${devices.more ? '+' : ''})`}
      </Heading>
      {devices.managed.length === 0 ? <p className="subtle">No Intune managed device has this person as its primary user.</p> : null}
      <ul className="plain">
        {devices.managed.map((d) => (
          <li key={d.link.href} className="managed-device">
            <div className="device-head">
              <ObjectLink link={d.link}>{d.name}</ObjectLink>
              <Compliance state={d.compliance} />
              {d.status && d.status !== 'Active' ? <Lozenge appearance="removed">{d.status}</Lozenge> : null}
            </div>
            <dl className="facts">
              <dt>OS</dt>
              <dd>{os(d.operatingSystem, d.osVersion)}</dd>
              <dt>Encrypted</dt>
              <dd>{yesNo(d.encrypted)}</dd>
              <dt>Last check-in</dt>
              <dd>{when(fmt, d.lastCheckIn)}</dd>
              <dt>Serial</dt>
              <dd>{d.serialNumber ?? '–'}</dd>
            </dl>
          </li>
        ))}
      </ul>
      {devices.entra.length ? (
        <>
          <Heading as="h3" size="xsmall" id="entra-devices-title">
            {`Entra devices (${devices.entra.length})`}
          </Heading>
          <ul className="plain" aria-labelledby="entra-devices-title">
            {devices.entra.map((d) => (
              <li key={d.link.href} className="entra-device">
                <div className="device-head">
                  <ObjectLink link={d.link}>{d.name}</ObjectLink>
                  {d.trustType ? <Lozenge>{d.trustType}</Lozenge> : null}
                  {d.enabled === false ? <Lozenge appearance="removed">Disabled</Lozenge> : null}
                </div>
                <span className="subtle">{`${os(d.operatingSystem, d.osVersion)} · last sign-in ${when(fmt, d.lastSignIn)}`}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
