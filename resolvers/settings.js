// Resolvers behind the Connection, Destination, Data sets, Schedule and Deletion policy sections.
// Validation is the core's; these only gather, store and answer.
import { asApp, route } from '@forge/api';
import { audit } from './audit.js';
import { checkConnection, checkDestination, configDefaults, createCertificate, datasetOptions, listImports, storedConfig, validateConfig, validateSettings } from './core.js';
import { loadKnownImports } from './imports.js';
import { site } from './platform.js';
import {
  discardPending,
  loadCertificateCredential,
  loadConfig,
  loadConnection,
  loadPending,
  loadSecret,
  loadSecretExpiry,
  markPendingChecked,
  savePending,
  saveSecretExpiry,
  saveSettings,
} from './store.js';

const text = (value) => (typeof value === 'string' ? value.trim() : '');

// A blank secret field means "keep the saved one": the page never receives the secret back. For a
// certificate, the key comes from secret storage: the new certificate's if one was created since
// the last save, else the saved one's. Values go to the core as they came, so a wrong type is a
// field error there.
async function withCredential(payload) {
  const ids = { tenantId: payload?.tenantId, clientId: payload?.clientId, credential: payload?.credential };
  if (payload?.credential === 'certificate') {
    const { pending, ...certificate } = await loadCertificateCredential();
    return { settings: { ...ids, ...certificate }, secretTyped: false, pending };
  }
  const typed = payload?.clientSecret;
  const blank = typed == null || (typeof typed === 'string' && typed.trim() === '');
  return { settings: { ...ids, clientSecret: blank ? await loadSecret() : typed }, secretTyped: !blank, pending: null };
}

const savedConfig = (stored) => {
  const { config, problem } = storedConfig(stored);
  return { config, configProblem: problem };
};
// The page's view of a certificate: never the key.
const publicCertificate = (pending) => pending && { ...pending.certificate, checked: Boolean(pending.checked) };

async function publicSettings() {
  const connection = await loadConnection();
  const secret = await loadSecret();
  return {
    ...connection,
    secretSet: secret !== '',
    secretExpiresAt: connection.certificate ? connection.certificate.notAfter : await loadSecretExpiry(secret),
    pendingCertificate: publicCertificate(await loadPending()),
    // A damaged stored value comes back as no config and a problem that names the fix.
    ...savedConfig(await loadConfig()),
    defaults: configDefaults(),
    datasetOptions: datasetOptions(),
  };
}

// The parts of the payload that are not the connection, as the core expects them.
const configOf = (payload) => ({
  destination: payload?.destination,
  datasets: payload?.datasets,
  filters: payload?.filters,
  schedule: payload?.schedule,
  deletion: payload?.deletion,
  expiry: payload?.expiry,
});

async function jira(path) {
  const response = await asApp().requestJira(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const detail = (await response.text()).slice(0, 300);
    return { ok: false, status: response.status, message: `Jira answered HTTP ${response.status}: ${detail}` };
  }
  return { ok: true, body: await response.json() };
}

export const settingsResolvers = {
  async getSettings() {
    return publicSettings();
  },

  async saveSettings({ payload, context }) {
    const { settings, secretTyped, pending } = await withCredential(payload);
    const connection = validateSettings(settings);
    // The page sends every section; a caller that sends only the connection saves only that.
    const withConfig = ['destination', 'datasets', 'filters', 'schedule', 'deletion', 'expiry'].some((k) => payload?.[k] !== undefined);
    const config = withConfig ? validateConfig(configOf(payload)) : { errors: [] };
    const errors = [...connection.errors, ...config.errors];
    if (errors.length) return { ok: false, errors };
    // The destination as Assets sees it: the import belongs to the schema, no clashing types.
    if (withConfig) {
      const destination = await checkDestination(config.config, site);
      if (!destination.ok) return { ok: false, errors: destination.errors };
    }
    const before = { ...(await loadConnection()), config: await loadConfig() };
    // Validated whole above; stored whole here (see store.js).
    await saveSettings({
      connection: connection.connection,
      secret: secretTyped ? text(settings.clientSecret) : undefined,
      pending: connection.connection.credential === 'certificate' ? pending : null,
      config: withConfig ? config.config : undefined,
    });
    const after = { ...connection.connection, config: withConfig ? config.config : before.config };
    await audit(context, 'settingsSaved', { before, after, secretChanged: secretTyped });
    return { ok: true, settings: await publicSettings() };
  },

  async checkConnection({ payload }) {
    const { settings, pending } = await withCredential(payload);
    // Which data sets to probe: those the page has switched on, else the saved ones; the core
    // checks the shape and defaults to all.
    const saved = (await loadConfig())?.datasets;
    const datasets = payload?.datasets ?? (saved && Object.keys(saved).filter((key) => saved[key]));
    const report = await checkConnection({ ...settings, datasets });
    if (report.ok && pending) await markPendingChecked(pending, { tenantId: payload?.tenantId, clientId: payload?.clientId });
    if (report.ok && settings.clientSecret) await saveSecretExpiry(settings.clientSecret, report.secretExpiresAt);
    return report;
  },

  /** A new key pair and certificate (`{years}`), kept aside until a save after a passing check. */
  async createCertificate({ payload }) {
    const created = createCertificate({ years: payload?.years, nowMs: Date.now() });
    if (!created.ok) return { ok: false, errors: created.errors };
    await savePending({ privateKey: created.privateKey, certificate: created.certificate });
    return { ok: true, settings: await publicSettings() };
  },

  /** Forgets the certificate created since the last save; the saved credential stays in use. */
  async discardCertificate() {
    await discardPending();
    return { ok: true, settings: await publicSettings() };
  },

  /** Assets workspaces of this site, for the Destination section. */
  async listWorkspaces() {
    const answer = await jira(route`/rest/servicedeskapi/assets/workspace`);
    if (!answer.ok) return { ok: false, message: `${answer.message}. Check that Jira Service Management with Assets is on this site.` };
    return { ok: true, workspaces: (answer.body.values ?? []).map((w) => ({ workspaceId: String(w.workspaceId) })) };
  },

  /** The imports of one schema by name (those Assets told the app about, the saved and the proposed one). */
  async listImports({ payload }) {
    const workspaceId = text(payload?.workspaceId);
    const schemaId = text(payload?.schemaId);
    const saved = (await loadConfig())?.destination?.importSourceId;
    const extra = [saved, text(payload?.proposed)].filter(Boolean);
    return listImports({ workspaceId, schemaId, known: await loadKnownImports(), extra }, site);
  },

  /** Object schemas of one workspace. */
  async listSchemas({ payload }) {
    const workspaceId = text(payload?.workspaceId);
    // The core checks the id, as it does on save.
    const problem = validateConfig({ destination: { workspaceId } }).errors.find((e) => e.field === 'destination.workspaceId');
    if (problem) return { ok: false, message: problem.message };
    const answer = await jira(route`/jsm/assets/workspace/${workspaceId}/v1/objectschema/list`);
    if (!answer.ok) return { ok: false, message: answer.message };
    return {
      ok: true,
      schemas: (answer.body.values ?? []).map((s) => ({ id: String(s.id), name: s.name, key: s.objectSchemaKey })),
    };
  },
};
