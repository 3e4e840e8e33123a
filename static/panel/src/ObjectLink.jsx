// A link to an Assets object on the Jira site, opened through the bridge (Custom UI may not
// navigate Jira itself).
import { openInJira } from './api.js';

export function ObjectLink({ link, children }) {
  return (
    <a
      href={link.href}
      onClick={(event) => {
        event.preventDefault();
        openInJira(link.href);
      }}
    >
      {children ?? link.label}
    </a>
  );
}
