// Search the synced directory by name, offered when Jira hides the person's email.
import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import { searchByName } from './api.js';

export function Search({ role, onPick }) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState({});
  const id = `search-${role}`;
  const run = async (event) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      setState({ answer: await searchByName(role, query) });
    } catch (error) {
      setState({ error: error.message });
    }
  };
  return (
    <form className="search" onSubmit={run} aria-labelledby={`${id}-label`}>
      <label id={`${id}-label`} htmlFor={id}>
        Search the directory by name
      </label>
      <div className="row">
        <Textfield id={id} name="query" value={query} onChange={(e) => setQuery(e.target.value)} isCompact />
        <Button type="submit" isDisabled={query.trim().length < 2 || state.busy}>
          Search
        </Button>
      </div>
      {state.error ? <p role="alert">{state.error}</p> : null}
      {state.answer ? (
        <ul className="plain" aria-label="Directory users found">
          {state.answer.hits.length === 0 ? <li>No synced user has that name.</li> : null}
          {state.answer.hits.map((hit) => (
            <li key={hit.entraUserId} className="row">
              <Button appearance="subtle" onClick={() => onPick(hit.entraUserId)}>
                {hit.displayName}
              </Button>
              <span className="subtle">{[hit.userPrincipalName, hit.department].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
