// Plays Jira's side of the Custom UI bridge: the app's iframe (and any modal it opens) posts bridge
// calls here, and this page forwards `invoke` to the runtime, which runs the resolver as Forge would.
import { openModal } from './frame-modal.js';

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
// Every window that may call the bridge: the app's page, and the modal open over it, if any.
let modal = null;

// Jira's colour mode: ?theme=dark or the header toggle. Pages that called view.theme.enable() get
// it as Forge gives it, on their <html> (data-color-mode, data-theme).
const themed = new Set();
let mode = params.get('theme') === 'dark' ? 'dark' : 'light';
const toggle = document.getElementById('theme-toggle');
function applyTheme() {
  document.documentElement.dataset.colorMode = mode;
  toggle.setAttribute('aria-pressed', String(mode === 'dark'));
  for (const win of themed) {
    const html = win.document?.documentElement;
    if (!html) continue;
    html.dataset.colorMode = mode;
    html.dataset.theme = `dark:dark light:light colorMode:${mode}`;
  }
}
toggle.addEventListener('click', () => {
  mode = mode === 'dark' ? 'light' : 'dark';
  applyTheme();
});
applyTheme();
// An issue-view module plays Jira's issue view: the request on the left, the panel beside it.
const issueView = current?.type === 'jira:issueContext';
const issues = issueView ? await (await fetch('/__forge__/issues')).json() : [];
const issueKey = issueView ? (params.get('issue') ?? issues[0]?.key ?? '') : '';
if (issueView) renderIssue(issues, issueKey);
if (current) frame.src = `/resources/${current.resource}/index.html`;

function renderIssue(list, key) {
  const issue = list.find((i) => i.key === key);
  const panel = document.getElementById('issue');
  panel.hidden = false;
  panel.querySelector('h1').textContent = issue ? `${issue.key} · ${issue.summary}` : `${key} (not on this site)`;
  panel.querySelector('p').textContent = issue ? `Reporter ${issue.reporterName ?? issue.reporter}. ${issue.case}.` : '';
  const others = panel.querySelector('ul');
  for (const other of list) {
    const query = new URLSearchParams({ page: current.key, issue: other.key, ...(accountId ? { accountId } : {}) });
    const link = Object.assign(document.createElement('a'), { href: `?${query}`, textContent: `${other.key}: ${other.case}` });
    if (other.key === key) link.setAttribute('aria-current', 'page');
    const item = document.createElement('li');
    item.append(link);
    others.append(item);
  }
  frame.title = 'Entra & Intune';
}

// Where the app asked Jira to go (router.open/navigate): kept for tests and shown in the header.
window.__forgeNavigations = [];

async function handle(source, method, args) {
  switch (method) {
    case 'invoke': {
      const response = await fetch('/__forge__/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ moduleKey: current.key, functionKey: args.functionKey, payload: args.payload, accountId: accountId || undefined, issueKey: issueKey || undefined }),
      });
      const answer = await response.json();
      if (!answer.ok) throw Object.assign(new Error(answer.error.message), { name: answer.error.name, code: answer.error.code });
      return answer.value;
    }
    case 'getContext': {
      const query = new URLSearchParams({ moduleKey: current.key, ...(accountId ? { accountId } : {}), ...(issueKey ? { issue: issueKey } : {}) });
      // An Assets import type's "Configure app" modal is opened for one import: ?importId=&workspaceId=&schemaId=
      for (const key of ['importId', 'workspaceId', 'schemaId']) if (params.get(key)) query.set(key, params.get(key));
      const context = await (await fetch(`/__forge__/context?${query}`)).json();
      // A modal's own context comes as Jira gives it, under extension.modal.
      if (modal && source === modal.window) context.extension = { ...context.extension, modal: modal.context };
      return context;
    }
    case 'enableTheming':
      themed.add(source);
      applyTheme();
      return undefined;
    case 'openModal': {
      if (modal) throw new Error('A modal is already open.');
      const callback = args.onClose?.__forgeCallback;
      modal = openModal(args, {
        opener: frame,
        onClosed: (payload) => {
          themed.delete(modal.window);
          modal = null;
          if (callback) frame.contentWindow.postMessage({ type: 'forge-bridge-callback', callback, args: [payload] }, '*');
        },
      });
      return true;
    }
    case 'navigate': {
      // There is no Jira site locally: the frame says where Jira would go.
      window.__forgeNavigations.push(args);
      const note = document.getElementById('navigation');
      note.textContent = `Jira would open ${args.url} (${args.type === 'new-tab' ? 'new tab' : 'this tab'}).`;
      return undefined;
    }
    case 'close':
      if (!modal || source !== modal.window) return false;
      modal.close(args);
      return true;
    default:
      throw new Error(`The local runtime's bridge does not implement "${method}".`);
  }
}

window.addEventListener('message', async (event) => {
  const source = event.source;
  if ((source !== frame.contentWindow && source !== modal?.window) || event.data?.type !== 'forge-bridge-call') return;
  const { id, method, args } = event.data;
  try {
    const value = await handle(source, method, args);
    source.postMessage({ type: 'forge-bridge-reply', id, ok: true, value }, '*');
  } catch (error) {
    source.postMessage({ type: 'forge-bridge-reply', id, ok: false, error: { message: error.message, name: error.name, code: error.code } }, '*');
  }
});
