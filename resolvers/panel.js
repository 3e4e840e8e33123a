// The requester panel's resolvers (jira:issueContext "Entra & Intune", function panel-fn). Thin:
// they load the stored settings and hand them, with the issue Forge's context names, to the core,
// which reads the issue as the agent, checks the project and sections, matches the people and
// searches Assets. The page's payload carries only what the agent chose (a search, a pick).
import { makeResolver } from '@forge/resolver';
import { panelRefresh, panelSearch, panelView } from './core.js';
import { site, userSite } from './platform.js';
import { startRun } from './runs.js';
import { loadConfig, loadConnection, loadPanelConfig, loadSecret } from './store.js';

async function requestOf(context, payload) {
  const [panel, config] = await Promise.all([loadPanelConfig(), loadConfig()]);
  return {
    panel,
    destination: config?.destination ?? null,
    // From the platform's context, never from the page: the panel is for the issue it is open on.
    issueKey: context?.extension?.issue?.key ?? '',
    pick: payload?.pick ?? null,
  };
}

export const panelDefinitions = {
  async panelView({ payload, context }) {
    return panelView(await requestOf(context, payload), site, userSite);
  },

  // Reads one person live from Graph with the app's own credentials (the secret stays in the
  // backend, on its way to the token request) and answers what differs from Assets; the core says
  // whether a sync should bring Assets up to date.
  async panelRefresh({ payload, context }) {
    const [request, connection, clientSecret] = await Promise.all([requestOf(context, payload), loadConnection(), loadSecret()]);
    const answer = await panelRefresh({ ...request, settings: { ...connection, clientSecret }, refresh: payload?.refresh ?? null }, site, userSite);
    // Assets is behind: the ordinary incremental run writes the change (refused while one runs).
    if (answer.syncSuggested) answer.sync = await startRun({ trigger: 'panel' });
    return answer;
  },

  async panelSearch({ payload, context }) {
    return panelSearch({ ...(await requestOf(context, payload)), search: payload?.search ?? null }, site, userSite);
  },
};

const resolve = makeResolver(panelDefinitions);

// As resolverHandler: an inherited name (constructor, …) is an unknown key, not Object's own.
export async function panelHandler(request, platform) {
  const key = request?.call?.functionKey;
  if (typeof key !== 'string' || !Object.hasOwn(panelDefinitions, key)) throw new Error(`Resolver has no definition for '${key}'.`);
  return resolve(request, platform);
}
