// The admin page: a thin form over the resolvers. It never receives the client secret back, and
// every decision (validation, what is due, what a run does) is the backend's.
import { invoke, view } from '@forge/bridge';

const $ = (id) => document.getElementById(id);
const form = $('settings');
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// Where each error the backend names is shown: field → the control with that id.
const FIELD_IDS = {
  tenantId: 'tenantId',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  'destination.workspaceId': 'workspaceId',
  'destination.schemaId': 'schemaId',
  'destination.importSourceId': 'importSourceId',
  datasets: 'datasets',
  'schedule.interval': 'interval',
  'schedule.enabled': 'scheduleEnabled',
  'deletion.policy': 'policy',
  'deletion.percent': 'percent',
  'deletion.minimum': 'minimum',
};
const ERROR_SLOTS = [...new Set(Object.values(FIELD_IDS))];

let datasetOptions = [];
let savedConfig = null;
let polling = null;
let confirmedFor = null;
let lastRunSeen = null;
// Opened from an Assets import ("Configure app"), the context names the import's destination.
let contextDestination = null;

// ---- helpers -------------------------------------------------------------------------------

function setMessage(target, ok, summary, details = []) {
  target.className = ok === null ? 'info' : ok ? 'ok' : 'fail';
  target.replaceChildren(document.createTextNode(summary));
  if (details.length) target.append(el('ul', {}, ...details.map((d) => (d instanceof Node ? el('li', {}, d) : el('li', { textContent: d })))));
}

function showFieldErrors(errors = []) {
  for (const id of ERROR_SLOTS) {
    const messages = errors.filter((e) => FIELD_IDS[e.field] === id).map((e) => e.message);
    const control = id === 'policy' ? null : $(id);
    control?.setAttribute('aria-invalid', messages.length ? 'true' : 'false');
    $(`${id}-error`).textContent = messages.join(' ');
  }
  // Filter problems come per data set (field "filters.<key>") and sit under that data set's filter.
  for (const { key } of datasetOptions) {
    const messages = errors.filter((e) => e.field === `filters.${key}`).map((e) => e.message);
    $(`filter-${key}`)?.setAttribute('aria-invalid', messages.length ? 'true' : 'false');
    const slot = $(`filter-${key}-error`);
    if (slot) slot.textContent = messages.join(' ');
  }
  const first = errors.map((e) => FIELD_IDS[e.field] ?? (e.field.startsWith('filters.') ? `filter-${e.field.slice(8)}` : null)).find(Boolean);
  if (first) (first === 'policy' ? $('policy-retire') : first === 'datasets' ? $('datasets').querySelector('input') : $(first))?.focus();
}

async function busy(buttons, work, target = $('result')) {
  buttons.forEach((b) => (b.disabled = true));
  try {
    await work();
  } catch (error) {
    if (isRefusal(error)) return refuse(error.message);
    setMessage(target, false, `Something went wrong: ${error.message}`);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

const isRefusal = (error) => /for Jira administrators only/.test(error?.message ?? '');

function refuse(message) {
  stopPolling();
  $('app').hidden = true;
  $('loading').hidden = true;
  const panel = $('refused');
  panel.hidden = false;
  panel.replaceChildren(el('h2', { textContent: 'You cannot change Entra Sync' }), el('p', { textContent: message }));
}

const plural = (n, word) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
const when = (ms) => (ms ? new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '–');
function duration(ms) {
  if (!(ms >= 0)) return '–';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
const label = (key) => datasetOptions.find((d) => d.key === key)?.label ?? key;
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// ---- settings ------------------------------------------------------------------------------

// Each data set: its switch, and an optional filter in Graph's $filter syntax that the core checks.
function renderDatasets(enabled = {}, filters = {}) {
  const group = $('datasets');
  group.replaceChildren(
    ...datasetOptions.map(({ key, label: name, permission, filterable = [] }) =>
      el(
        'div',
        { className: 'dataset' },
        el(
          'div',
          { className: 'inline' },
          el('input', { type: 'checkbox', id: `dataset-${key}`, name: 'dataset', value: key, checked: enabled[key] ?? key === 'users', role: 'switch' }),
          el('label', { htmlFor: `dataset-${key}`, textContent: capital(name) }),
          el('span', { className: 'hint', textContent: ` needs ${permission}` }),
        ),
        el('label', { htmlFor: `filter-${key}`, className: 'filter-label', textContent: `Only ${name} matching (optional)` }),
        el('input', {
          type: 'text',
          id: `filter-${key}`,
          name: `filter-${key}`,
          className: 'filter',
          value: filters[key] ?? '',
          placeholder: filterable.includes('accountEnabled') ? 'accountEnabled eq true' : `${filterable[1] ?? 'id'} eq '…'`,
          spellcheck: false,
          autocomplete: 'off',
        }),
        el('p', { className: 'hint', id: `filter-${key}-hint`, textContent: filterable.length ? `Graph $filter (eq, ne, startswith, and, or, not) on: ${filterable.filter((p) => p !== 'members').join(', ')}` : '' }),
        el('p', { className: 'error', id: `filter-${key}-error` }),
      ),
    ),
  );
  for (const { key } of datasetOptions) $(`filter-${key}`).setAttribute('aria-describedby', `filter-${key}-hint filter-${key}-error`);
}

function banner(expiresAt) {
  const node = $('banner');
  const ms = expiresAt ? Date.parse(expiresAt) - Date.now() : NaN;
  if (!(ms < 30 * 86_400_000)) {
    node.hidden = true;
    return;
  }
  const days = Math.ceil(ms / 86_400_000);
  node.hidden = false;
  node.className = `banner ${ms <= 0 ? 'fail' : 'warn'}`;
  node.textContent =
    ms <= 0
      ? `The client secret expired on ${new Date(expiresAt).toLocaleDateString('en-GB', { dateStyle: 'long' })}; syncs fail until you create a new secret under Certificates & secrets in the app registration and paste its Value here.`
      : `The client secret expires in ${plural(days, 'day')} (${new Date(expiresAt).toLocaleDateString('en-GB', { dateStyle: 'long' })}). Create a new secret under Certificates & secrets in the app registration, paste its Value here and save before then.`;
}

function showSettings(settings) {
  datasetOptions = settings.datasetOptions ?? datasetOptions;
  savedConfig = settings.config;
  form.elements.tenantId.value = settings.tenantId;
  form.elements.clientId.value = settings.clientId;
  form.elements.clientSecret.value = '';
  $('clientSecret-hint').textContent = settings.secretSet
    ? `A secret is saved${settings.secretExpiresAt ? ` (expires ${new Date(settings.secretExpiresAt).toLocaleDateString('en-GB', { dateStyle: 'medium' })})` : ''}. Leave blank to keep it, or paste a new value to replace it.`
    : 'Not set.';
  banner(settings.secretExpiresAt);
  const config = settings.config;
  renderDatasets(config?.datasets, config?.filters);
  form.elements.importSourceId.value = config?.destination.importSourceId ?? contextDestination?.importSourceId ?? '';
  form.elements.scheduleEnabled.checked = config?.schedule.enabled ?? true;
  form.elements.interval.value = config?.schedule.interval ?? 'day';
  (config?.deletion.policy === 'delete' ? $('policy-delete') : $('policy-retire')).checked = true;
  form.elements.percent.value = config?.deletion.percent ?? 5;
  form.elements.minimum.value = config?.deletion.minimum ?? 500;
}

function fillSelect(select, options, chosen, empty) {
  select.replaceChildren(el('option', { value: '', textContent: empty }), ...options.map(([value, text]) => el('option', { value, textContent: text })));
  if (options.some(([value]) => value === chosen)) select.value = chosen;
  else if (options.length === 1) select.value = options[0][0];
}

async function loadSchemas() {
  const workspaceId = form.elements.workspaceId.value;
  if (!workspaceId) return fillSelect(form.elements.schemaId, [], '', 'Choose a workspace first');
  const answer = await invoke('listSchemas', { workspaceId });
  if (!answer.ok) {
    fillSelect(form.elements.schemaId, [], '', 'No schemas');
    $('schemaId-error').textContent = answer.message;
    return;
  }
  fillSelect(form.elements.schemaId, answer.schemas.map((s) => [s.id, `${s.name} (${s.key})`]), (savedConfig?.destination ?? contextDestination)?.schemaId, answer.schemas.length ? 'Choose a schema' : 'No schemas: create one in Assets');
}

async function loadWorkspaces() {
  const answer = await invoke('listWorkspaces');
  if (!answer.ok) {
    fillSelect(form.elements.workspaceId, [], '', 'No workspaces');
    $('workspaceId-error').textContent = answer.message;
    return;
  }
  fillSelect(form.elements.workspaceId, answer.workspaces.map((w) => [w.workspaceId, w.workspaceId]), (savedConfig?.destination ?? contextDestination)?.workspaceId, 'Choose a workspace');
  await loadSchemas();
}

function values() {
  const f = form.elements;
  return {
    tenantId: f.tenantId.value,
    clientId: f.clientId.value,
    clientSecret: f.clientSecret.value,
    destination: { workspaceId: f.workspaceId.value, schemaId: f.schemaId.value, importSourceId: f.importSourceId.value },
    datasets: Object.fromEntries(datasetOptions.map(({ key }) => [key, $(`dataset-${key}`).checked])),
    filters: Object.fromEntries(datasetOptions.map(({ key }) => [key, $(`filter-${key}`).value])),
    schedule: { interval: f.interval.value, enabled: f.scheduleEnabled.checked },
    deletion: { policy: form.querySelector('input[name="policy"]:checked')?.value ?? '', percent: f.percent.value, minimum: f.minimum.value },
  };
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy([$('save')], async () => {
    const answer = await invoke('saveSettings', values());
    showFieldErrors(answer.errors);
    if (answer.ok) {
      showSettings(answer.settings);
      setMessage($('result'), true, 'Settings saved.');
    } else {
      setMessage($('result'), false, `Settings not saved: fix the ${plural(answer.errors.length, 'field')} marked above.`);
    }
  });
});

form.elements.workspaceId.addEventListener('change', () => busy([], loadSchemas));

$('check').addEventListener('click', () => {
  busy(
    [$('check')],
    async () => {
      showFieldErrors();
      setMessage($('check-result'), null, 'Checking…');
      const { tenantId, clientId, clientSecret, datasets } = values();
      const enabled = Object.entries(datasets).filter(([, on]) => on).map(([key]) => key);
      const report = await invoke('checkConnection', { tenantId, clientId, clientSecret, datasets: enabled });
      const details = report.checks.map((c) => {
        const item = el('span', {}, el('span', { className: 'mark', textContent: c.ok ? '✓ ' : '✗ ', ariaHidden: 'true' }), document.createTextNode(`${c.ok ? '' : 'Failed: '}${c.detail}`));
        if (c.requestId) item.append(el('span', { className: 'request-id', textContent: ` (request id ${c.requestId})` }));
        if (c.fix) item.append(el('p', { className: 'fix', textContent: `${c.ok ? 'Tip' : 'Fix'}: ${c.fix}` }));
        return item;
      });
      setMessage($('check-result'), report.ok, report.summary, details);
      if (report.secretExpiresAt) banner(report.secretExpiresAt);
    },
    $('check-result'),
  );
});

// ---- runs ----------------------------------------------------------------------------------

function totals(report) {
  const sum = { created: 0, updated: 0, unchanged: 0, retired: 0, read: 0 };
  for (const dataset of report.datasets ?? []) for (const counts of Object.values(dataset.objects ?? {})) for (const k of Object.keys(sum)) sum[k] += counts[k] ?? 0;
  return sum;
}

const OUTCOMES = { succeeded: 'Succeeded', dryRun: 'Dry run', failed: 'Failed', cancelled: 'Cancelled' };

function renderHistory(reports) {
  const body = $('history').querySelector('tbody');
  $('history-empty').hidden = reports.length > 0;
  $('history').hidden = reports.length === 0;
  body.replaceChildren(
    ...reports.map((r) => {
      const t = totals(r);
      const button = el('button', { type: 'button', className: 'link', textContent: 'Log' });
      button.setAttribute('aria-label', `Log of the run started ${when(r.startedMs)}`);
      button.addEventListener('click', () => busy([], () => showLog(r.runId)));
      return el(
        'tr',
        { className: `outcome-${r.outcome}` },
        el('td', { textContent: when(r.startedMs) }),
        el('td', { textContent: r.trigger }),
        el('td', {}, el('span', { className: `lozenge ${r.outcome}`, textContent: OUTCOMES[r.outcome] ?? r.outcome })),
        el('td', { textContent: duration(r.endedMs - r.startedMs) }),
        // Failed, cancelled and dry runs wrote nothing: their counts are what was planned.
        ...['created', 'updated', 'unchanged', 'retired'].map((k) =>
          el('td', { className: r.outcome === 'succeeded' ? 'num' : 'num planned', title: r.outcome === 'succeeded' ? '' : 'Planned; nothing was written', textContent: t[k].toLocaleString('en') }),
        ),
        el('td', {}, button),
      );
    }),
  );
}

async function refreshHistory() {
  renderHistory(await invoke('history', { summary: true }));
}

async function showLog(runId) {
  const log = await invoke('runLog', runId ? { runId } : {});
  const panel = $('log');
  if (!log.ok) return panel.replaceChildren(el('p', { className: 'hint', textContent: log.reason }));
  const items = [
    ...log.errors.map((e) => el('li', { className: 'log-error' }, el('strong', { textContent: 'Error: ' }), document.createTextNode(e.message), e.requestId ? el('span', { className: 'request-id', textContent: ` (Graph request id ${e.requestId})` }) : '')),
    ...log.warnings.map((w) => el('li', { className: 'log-warning' }, el('strong', { textContent: 'Warning: ' }), document.createTextNode(w))),
  ];
  panel.replaceChildren(
    el('p', { className: 'hint', textContent: `Run ${log.runId} · ${OUTCOMES[log.outcome] ?? log.outcome}` }),
    items.length ? el('ul', {}, ...items) : el('p', { textContent: 'No warnings or errors.' }),
  );
}

function describeProgress(active) {
  const p = active.progress;
  if (active.cancelling) return 'Cancelling: the sync stops after the current step…';
  if (!p) return 'Starting…';
  const parts = [capital(p.phase)];
  if (p.dataset) parts.push(label(p.dataset));
  parts.push(`${plural(p.read, 'object')} read`);
  return `${parts.join(' · ')} · ${p.percent} %`;
}

let lastActive = null;

function renderActive(active) {
  lastActive = active;
  $('review').hidden = active.status !== 'awaitingConfirmation';
  $('run').hidden = false;
  $('cancel').hidden = false;
  $('syncNow').disabled = true;
  const percent = active.progress?.percent ?? 0;
  $('progress').setAttribute('aria-valuenow', String(percent));
  $('progress').querySelector('.bar').style.width = `${percent}%`;
  $('progress-text').textContent = describeProgress(active);
  if (active.status === 'awaitingConfirmation' && confirmedFor !== active.runId) openConfirm(active);
}

function renderFinished(last) {
  lastActive = null;
  $('review').hidden = true;
  $('cancel').hidden = true;
  $('syncNow').disabled = false;
  if (!last || last.runId === lastRunSeen) return;
  lastRunSeen = last.runId;
  $('progress').setAttribute('aria-valuenow', '100');
  $('progress').querySelector('.bar').style.width = '100%';
  const t = totals(last);
  const counts = `${plural(t.read, 'object')} read: ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.retired} retired, in ${duration(last.endedMs - last.startedMs)}.`;
  const ok = last.outcome === 'succeeded' || last.outcome === 'dryRun';
  $('progress-text').textContent = `${OUTCOMES[last.outcome] ?? last.outcome}. ${counts}`;
  setMessage($('sync-result'), ok, ok ? `Sync finished. ${counts}` : `Sync ${last.outcome}: ${last.errors?.[0]?.message ?? 'see the log.'}`);
}

function stopPolling() {
  clearTimeout(polling);
  polling = null;
}

async function poll(initial = false) {
  stopPolling();
  const status = await invoke('runStatus');
  if (status.active) {
    renderActive(status.active);
    polling = setTimeout(() => poll().catch(pollFailed), 1000);
  } else {
    if (initial) lastRunSeen = status.last?.runId ?? null;
    else {
      renderFinished(status.last);
      await refreshHistory();
      if (status.last) await showLog(status.last.runId);
    }
    closeConfirm();
  }
}

function pollFailed(error) {
  if (isRefusal(error)) return refuse(error.message);
  setMessage($('sync-result'), false, `Lost track of the sync: ${error.message}. Reload the page.`);
}

$('syncNow').addEventListener('click', () =>
  busy(
    [$('syncNow')],
    async () => {
      const answer = await invoke('syncNow', {});
      if (!answer.started) return setMessage($('sync-result'), false, answer.reason);
      setMessage($('sync-result'), null, 'Sync started.');
      renderActive({ runId: answer.runId, status: 'running', progress: null });
      await poll();
    },
    $('sync-result'),
  ),
);

async function cancelSync() {
  const answer = await invoke('cancelRun');
  setMessage($('sync-result'), answer.ok ? null : false, answer.ok ? 'Cancelling: the sync stops after the current step.' : answer.reason);
  await poll();
}

$('cancel').addEventListener('click', () => busy([$('cancel')], cancelSync, $('sync-result')));

// ---- mass-deletion confirmation -------------------------------------------------------------

const dialog = $('confirm');
let returnFocus = null;

function openConfirm(active) {
  if (dialog.open) return;
  dialog.dataset.runId = active.runId;
  $('confirm-text').textContent = `This sync would remove ${plural(active.retire, 'object')} that are gone from Entra, more than the ${active.threshold.toLocaleString('en')} the deletion policy allows without asking. If users or devices were deleted on purpose, remove them; if not, cancel the sync and check the tenant and the connection first.`;
  returnFocus = document.activeElement;
  dialog.showModal();
  $('confirm-cancel').focus();
}

function closeConfirm() {
  if (dialog.open) dialog.close();
}

dialog.addEventListener('close', () => {
  confirmedFor = dialog.dataset.runId ?? null;
  (returnFocus ?? $('syncNow')).focus?.();
});

// Keep Tab inside the dialog; Esc closes it (the native cancel event) without confirming.
dialog.addEventListener('keydown', (event) => {
  if (event.key !== 'Tab') return;
  const buttons = [...dialog.querySelectorAll('button:not([disabled])')];
  const [first, last] = [buttons[0], buttons[buttons.length - 1]];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
});

$('confirm-cancel').addEventListener('click', () => closeConfirm());
$('confirm-stop').addEventListener('click', () => {
  closeConfirm();
  busy([$('cancel')], cancelSync, $('sync-result'));
});
$('confirm-ok').addEventListener('click', () => {
  const runId = dialog.dataset.runId;
  closeConfirm();
  busy(
    [],
    async () => {
      const answer = await invoke('confirmDeletion', { runId });
      setMessage($('sync-result'), answer.ok ? null : false, answer.ok ? 'Confirmed: the sync goes on and removes them.' : answer.reason);
      await poll();
    },
    $('sync-result'),
  );
});

// A run waiting for confirmation can be confirmed later.
$('review').addEventListener('click', () => lastActive && openConfirm(lastActive));

// ---- start ---------------------------------------------------------------------------------

view.theme?.enable?.().catch(() => {});

(async () => {
  const extension = (await view.getContext().catch(() => null))?.extension;
  if (extension?.importId) {
    contextDestination = { workspaceId: String(extension.workspaceId ?? ''), schemaId: String(extension.schemaId ?? ''), importSourceId: String(extension.importId) };
  }
  try {
    showSettings(await invoke('getSettings'));
  } catch (error) {
    if (isRefusal(error)) return refuse(error.message);
    $('loading').textContent = `Could not load the settings: ${error.message}`;
    return;
  }
  $('loading').hidden = true;
  $('app').hidden = false;
  await busy([], async () => {
    await loadWorkspaces();
    await refreshHistory();
    await poll(true);
  });
  $('app').dataset.ready = 'true';
})();
