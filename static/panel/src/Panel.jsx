// The panel: loads what the core answers for this issue and shows each of its people. Loading,
// refusals (project off, issue not visible, nothing synced yet) and errors each have their state.
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useState } from 'react';
import { loadView } from './api.js';
import { Person } from './Person.jsx';

// Refusals are not failures: they say why there is nothing to show.
const APPEARANCE = { projectOff: 'information', notConfigured: 'information', notVisible: 'warning' };

export function Panel({ fmt }) {
  const [state, setState] = useState({ loading: true });
  const load = useCallback(async (pick) => {
    setState((s) => ({ ...s, loading: true }));
    try {
      setState({ view: await loadView(pick) });
    } catch (error) {
      setState({ error: { message: error.message, code: error.code } });
    }
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  if (state.error) {
    const appearance = APPEARANCE[state.error.code] ?? 'error';
    return (
      <main id="panel" data-state="refused" data-code={state.error.code ?? ''}>
        <SectionMessage appearance={appearance} title={appearance === 'error' ? 'Entra & Intune details could not be loaded' : 'Nothing to show here'}>
          <p>{state.error.message}</p>
          {appearance === 'error' ? <Button onClick={() => load()}>Try again</Button> : null}
        </SectionMessage>
      </main>
    );
  }
  if (!state.view) {
    return (
      <main id="panel" data-state="loading" aria-busy="true">
        <Spinner size="medium" label="Loading Entra and Intune details" />
      </main>
    );
  }
  return (
    <main id="panel" data-state="ready" aria-busy={state.loading ? 'true' : 'false'}>
      {state.view.people.length === 0 ? <p>This request names no reporter.</p> : null}
      {state.view.people.map((person) => (
        <Person key={`${person.role}-${person.accountId}`} person={person} fmt={fmt} onPick={(entraUserId) => load({ role: person.role, entraUserId })} />
      ))}
    </main>
  );
}
