// One person of the request: their account, devices, groups and licences, or why they are not
// shown (email hidden: a search by name; not in the directory: the sentence the core wrote).
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import { Account } from './Account.jsx';
import { Devices } from './Devices.jsx';
import { Groups, Licences } from './Groups.jsx';
import { Refresh } from './Refresh.jsx';
import { Search } from './Search.jsx';

const ROLE = { reporter: 'Reporter', affectedUser: 'Affected user' };
const APPEARANCE = { emailHidden: 'information', notInDirectory: 'warning', ambiguous: 'warning' };

export function Person({ person, fmt, onPick }) {
  const id = `person-${person.role}`;
  return (
    <section aria-labelledby={id} className="person" data-outcome={person.outcome}>
      <Heading as="h2" size="small" id={id}>
        {`${ROLE[person.role] ?? person.role}: ${person.displayName}`}
      </Heading>
      {person.message ? (
        <SectionMessage appearance={person.account ? 'warning' : (APPEARANCE[person.outcome] ?? 'information')}>
          <p>{person.message}</p>
        </SectionMessage>
      ) : null}
      {person.canSearch ? <Search role={person.role} onPick={onPick} /> : null}
      {person.account ? <Account account={person.account} fmt={fmt} /> : null}
      {person.account ? <Refresh role={person.role} /> : null}
      {person.devices ? <Devices devices={person.devices} fmt={fmt} /> : null}
      {person.groups ? <Groups groups={person.groups} /> : null}
      {person.licences ? <Licences licences={person.licences} /> : null}
    </section>
  );
}
