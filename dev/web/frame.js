// Plays Jira's side of the Custom UI bridge: the app's iframe posts bridge calls here, and this
// page forwards `invoke` to the runtime, which runs the resolver as Forge would.
const params = new URLSearchParams(location.search);
const accountId = params.get('accountId') || '';
const pages = await (await fetch('/__forge__/pages')).json();
const current = pages.find((p) => p.key === params.get('page')) ?? pages[0];

const list = document.getElementById('pages');
for (const page of pages) {
  const link = Object.assign(document.createElement('a'), { href: `?page=${encodeURIComponent(page.key)}`, textContent: page.title });
  if (page === current) link.setAttribute('aria-current', 'page');
  const item = document.createElement('li');
  item.append(link);
  list.append(item);
}

const frame = document.getElementById('app');

// Jira's colour mode: ?theme=dark or the header toggle. Pages that called view.theme.enable() get
// it as Forge gives it, on their <html> (data-color-mode, data-theme).
let themed = false;
let mode = params.get('theme') === 'dark' ? 'dark' : 'light';
const toggle = document.getElementById('theme-toggle');
function applyTheme() {
  document.documentElement.dataset.colorMode = mode;
  toggle.setAttribute('aria-pressed', String(mode === 'dark'));
  const html = frame.contentDocument?.documentElement;
  if (themed && html) {
    html.dataset.colorMode = mode;
    html.dataset.theme = `dark:dark light:light colorMode:${mode}`;
  }
}
toggle.addEventListener('click', () => {
  mode = mode === 'dark' ? 'light' : 'dark';
  applyTheme();
});
applyTheme();
if (current) frame.src = `/resources/${current.resource}/index.html`;

async function handle(method, args) {
  switch (method) {
    case 'invoke': {
      const response = await fetch('/__forge__/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ moduleKey: current.key, functionKey: args.functionKey, payload: args.payload, accountId: accountId || undefined }),
      });
      const answer = await response.json();
      if (!answer.ok) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
      return answer.value;
    }
    case 'getContext': {
      const query = new URLSearchParams({ moduleKey: current.key, ...(accountId ? { accountId } : {}) });
      // An Assets import type's "Configure app" modal is opened for one import: ?importId=&workspaceId=&schemaId=
      for (const key of ['importId', 'workspaceId', 'schemaId']) if (params.get(key)) query.set(key, params.get(key));
      return (await fetch(`/__forge__/context?${query}`)).json();
    }
    case 'enableTheming':
      themed = true;
      applyTheme();
      return undefined;
    default:
      throw new Error(`The local runtime's bridge does not implement "${method}".`);
  }
}

window.addEventListener('message', async (event) => {
  if (event.source !== frame.contentWindow || event.data?.type !== 'forge-bridge-call') return;
  const { id, method, args } = event.data;
  try {
    const value = await handle(method, args);
    frame.contentWindow.postMessage({ type: 'forge-bridge-reply', id, ok: true, value }, '*');
  } catch (error) {
    frame.contentWindow.postMessage({ type: 'forge-bridge-reply', id, ok: false, error: error.message }, '*');
  }
});
