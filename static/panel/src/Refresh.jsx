// Refresh from Entra: the person read live from Microsoft Graph, and what Assets says otherwise.
// When Assets is behind, the backend starts the ordinary incremental sync that writes the change.
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import { useState } from 'react';
import { refreshFromEntra } from './api.js';

const SECTION = { account: 'Account', devices: 'Device', groups: 'Group', licences: 'Licence' };
const shown = (value) => value ?? 'not there';

export function Refresh({ role }) {
  const [state, setState] = useState({});
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ answer: await refreshFromEntra(role) });
    } catch (error) {
      setState({ error: error.message });
    }
  };
  const { answer } = state;
  return (
    <div className="refresh">
      <Button id={`refresh-${role}`} onClick={run} isLoading={state.busy}>
        Refresh from Entra
      </Button>
      <div aria-live="polite" className="refresh-result" data-differences={answer ? answer.differences.length : undefined}>
        {state.error ? (
          <SectionMessage appearance="error">
            <p>{state.error}</p>
          </SectionMessage>
        ) : null}
        {answer && answer.differences.length === 0 ? <SectionMessage appearance="success" title="Assets matches Entra ID for this person." /> : null}
        {answer && answer.differences.length > 0 ? (
          <SectionMessage appearance="warning" title={`Entra ID differs from Assets in ${answer.differences.length} ${answer.differences.length === 1 ? 'place' : 'places'}`}>
            <ul className="differences">
              {answer.differences.map((d) => (
                <li key={`${d.section}-${d.item}`}>{`${SECTION[d.section] ?? d.section} ${d.item}: Assets ${shown(d.assets)}, Entra ${shown(d.entra)}`}</li>
              ))}
            </ul>
            <p>{answer.sync?.started ? 'Entra Sync started a sync that writes these changes into Assets; open the panel again in a few minutes.' : `Entra Sync's next sync writes these changes into Assets.${answer.sync?.reason ? ` (${answer.sync.reason})` : ''}`}</p>
          </SectionMessage>
        ) : null}
      </div>
    </div>
  );
}
