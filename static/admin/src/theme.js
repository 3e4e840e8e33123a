// Atlassian design tokens for light and dark. The themes key off the attributes Forge sets on <html>
// after view.theme.enable(), so switching Jira's colour mode restyles the page at once. Style
// elements are allowed by the manifest's `styles: unsafe-inline`; no script is inlined.
import dark from '@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-dark.js';
import light from '@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-light.js';
import { view } from '@forge/bridge';

export function enableTheme() {
  for (const css of [light, dark]) document.head.append(Object.assign(document.createElement('style'), { textContent: css }));
  return view.theme.enable().catch(() => {});
}
