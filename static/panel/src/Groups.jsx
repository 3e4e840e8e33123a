// Direct group memberships (the first ones, nested groups marked) and licences.
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { ObjectLink } from './ObjectLink.jsx';

export function Groups({ groups }) {
  const rest = groups.count - groups.first.length;
  return (
    <section aria-labelledby="groups-title" className="groups">
      <Heading as="h3" size="xsmall" id="groups-title">
        {`Groups (${groups.count}${groups.more ? '+' : ''})`}
      </Heading>
      {groups.count === 0 ? <p className="subtle">No direct group memberships.</p> : null}
      <ul className="plain">
        {groups.first.map((g) => (
          <li key={g.link.href} className="group row">
            <ObjectLink link={g.link} />
            {g.nestedIn.length ? (
              <>
                <Lozenge appearance="inprogress">Nested</Lozenge>
                <span className="subtle">{`member of ${g.nestedIn.join(', ')}`}</span>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {rest > 0 ? <p className="subtle">{`and ${rest} more`}</p> : null}
    </section>
  );
}

export function Licences({ licences }) {
  return (
    <section aria-labelledby="licences-title" className="licences">
      <Heading as="h3" size="xsmall" id="licences-title">
        {`Licences (${licences.length})`}
      </Heading>
      {licences.length === 0 ? <p className="subtle">No licences assigned.</p> : null}
      <ul className="plain">
        {licences.map((l) => (
          <li key={l.href} className="licence">
            <ObjectLink link={l} />
          </li>
        ))}
      </ul>
    </section>
  );
}
