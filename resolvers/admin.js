// Every resolver is for Jira administrators only, asked of Jira as the calling user.
import { asUser, route } from '@forge/api';

export const NOT_ADMIN =
  "Entra Sync's settings are for Jira administrators only. Ask a Jira admin (Jira settings → System → Global permissions → Administer Jira) to open this page or to grant you that permission.";

// The page tells a refusal by this code, never by the sentence, which may be reworded.
export const NOT_ADMIN_CODE = 'NOT_ADMIN';

export class NotAdminError extends Error {
  constructor(message = NOT_ADMIN) {
    super(message);
    this.name = 'NotAdminError';
    this.code = NOT_ADMIN_CODE;
  }
}

// Jira busy or down says nothing about the caller's permissions: "try again", never "not an admin".
export const JIRA_UNAVAILABLE_CODE = 'JIRA_UNAVAILABLE';

export class JiraUnavailableError extends Error {
  constructor(status) {
    super(`Jira did not answer the permission check (HTTP ${status}), so Entra Sync cannot tell whether you are a Jira administrator. Nothing was changed; try again in a minute.`);
    this.name = 'JiraUnavailableError';
    this.code = JIRA_UNAVAILABLE_CODE;
  }
}

export async function isAdmin() {
  const response = await asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, {
    headers: { accept: 'application/json' },
  });
  if (response.status === 429 || response.status >= 500) throw new JiraUnavailableError(response.status);
  if (!response.ok) return false;
  const body = await response.json().catch(() => ({}));
  return body?.permissions?.ADMINISTER?.havePermission === true;
}

/** Wraps resolver definitions so each refuses non-admins before doing anything. */
export function adminOnly(definitions) {
  return Object.fromEntries(
    Object.entries(definitions).map(([key, fn]) => [
      key,
      async (request) => {
        if (!(await isAdmin())) throw new NotAdminError();
        return fn(request);
      },
    ]),
  );
}
