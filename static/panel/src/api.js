// The panel's only way to the backend: the resolvers of the panel's own function.
import { invoke, router } from '@forge/bridge';

export const loadView = (pick) => invoke('panelView', pick ? { pick } : {});
export const searchByName = (role, query) => invoke('panelSearch', { search: { role, query } });
/** Opens an Assets object (a path on the Jira site) in a new tab, as Jira opens app links. */
export const openInJira = (href) => router.open(href);
export const refreshFromEntra = (role) => invoke('panelRefresh', { refresh: { role } });
