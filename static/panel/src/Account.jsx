// The Entra account as Entra Sync last wrote it into Assets.
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { ObjectLink } from './ObjectLink.jsx';

export const when = (fmt, iso) => (iso ? fmt.dateTime(Date.parse(iso)) : '–');

function State({ account }) {
  if (account.retired) return <Lozenge appearance="removed">Deleted in Entra</Lozenge>;
  if (account.enabled === false) return <Lozenge appearance="removed">Disabled</Lozenge>;
  if (account.enabled === true) return <Lozenge appearance="success">Enabled</Lozenge>;
  return <Lozenge>Unknown</Lozenge>;
}

export function Account({ account, fmt }) {
  return (
    <section aria-labelledby="account-title" className="account">
      <div className="row">
        <Heading as="h3" size="xsmall" id="account-title">
          Account
        </Heading>
        <State account={account} />
        {account.userType ? <Lozenge appearance={account.userType === 'Guest' ? 'moved' : 'default'}>{account.userType}</Lozenge> : null}
      </div>
      <dl className="facts">
        <dt>Name</dt>
        <dd>
          <ObjectLink link={account.link}>{account.displayName}</ObjectLink>
        </dd>
        <dt>UPN</dt>
        <dd>{account.userPrincipalName ?? '–'}</dd>
        <dt>Mail</dt>
        <dd>{account.mail ?? '–'}</dd>
        <dt>Job title</dt>
        <dd>{account.jobTitle ?? '–'}</dd>
        <dt>Department</dt>
        <dd>{account.department ?? '–'}</dd>
        <dt>Manager</dt>
        <dd>{account.manager ? <ObjectLink link={account.manager} /> : '–'}</dd>
        <dt>Last synced</dt>
        <dd>{when(fmt, account.lastSynced)}</dd>
      </dl>
    </section>
  );
}
