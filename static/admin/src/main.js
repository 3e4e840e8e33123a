// The admin page: a thin form over the resolvers. It never receives the client secret back.
import { invoke, view } from '@forge/bridge';

const form = document.getElementById('connection');
const fields = ['tenantId', 'clientId', 'clientSecret'];
const result = document.getElementById('result');
const buttons = [document.getElementById('save'), document.getElementById('check')];

function values() {
  return Object.fromEntries(fields.map((name) => [name, form.elements[name].value]));
}

function showFieldErrors(errors = []) {
  for (const name of fields) {
    const problem = errors.find((e) => e.field === name);
    form.elements[name].setAttribute('aria-invalid', problem ? 'true' : 'false');
    document.getElementById(`${name}-error`).textContent = problem?.message ?? '';
  }
}

function showResult(ok, summary, details = []) {
  result.className = ok ? 'ok' : 'fail';
  result.replaceChildren(document.createTextNode(summary));
  if (details.length) {
    const list = document.createElement('ul');
    for (const line of details) list.append(Object.assign(document.createElement('li'), { textContent: line }));
    result.append(list);
  }
}

function showSettings(settings) {
  form.elements.tenantId.value = settings.tenantId;
  form.elements.clientId.value = settings.clientId;
  form.elements.clientSecret.value = '';
  document.getElementById('clientSecret-hint').textContent = settings.secretSet
    ? 'A secret is saved. Leave blank to keep it, or paste a new value to replace it.'
    : 'Not set.';
}

async function busy(work) {
  buttons.forEach((b) => (b.disabled = true));
  try {
    await work();
  } catch (error) {
    showResult(false, `Something went wrong: ${error.message}`);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(async () => {
    const answer = await invoke('saveSettings', values());
    showFieldErrors(answer.errors);
    if (answer.ok) {
      showSettings(answer.settings);
      showResult(true, 'Settings saved.');
    } else {
      showResult(false, 'Settings not saved: fix the fields marked above.');
    }
  });
});

document.getElementById('check').addEventListener('click', () => {
  busy(async () => {
    showFieldErrors();
    const report = await invoke('checkConnection', values());
    const details = report.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.detail}${c.requestId ? ` (request id ${c.requestId})` : ''}`);
    showResult(report.ok, report.summary, details);
  });
});

view.theme?.enable?.().catch(() => {});
busy(async () => showSettings(await invoke('getSettings')));
