// Starts the page: Jira's theme, the user's locale and time zone, and the import an Assets
// "Configure app" opened the page for.
import './page.css';
import SectionMessage from '@atlaskit/section-message';
import { view } from '@forge/bridge';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import { formatter } from './format.js';
import { enableTheme } from './theme.js';

function Root({ context }) {
  const [refused, setRefused] = useState(null);
  const extension = context?.extension;
  const proposed = extension?.importId ? { workspaceId: String(extension.workspaceId ?? ''), schemaId: String(extension.schemaId ?? ''), importSourceId: String(extension.importId) } : null;
  if (refused) {
    return (
      <main id="refused">
        <SectionMessage appearance="error" title="You cannot change Entra Sync">
          <p>{refused}</p>
        </SectionMessage>
      </main>
    );
  }
  return (
    <main>
      <App fmt={formatter(context ?? {})} proposed={proposed} onRefused={setRefused} />
    </main>
  );
}

enableTheme();
const context = await view.getContext().catch(() => null);
createRoot(document.getElementById('root')).render(<Root context={context} />);
