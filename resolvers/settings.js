// Resolvers behind the Connection section of the admin page.
import { checkConnection, validateSettings } from './core.js';
import { loadConnection, loadSecret, saveConnection, saveSecret } from './store.js';

const text = (value) => (typeof value === 'string' ? value.trim() : '');

// A blank secret field means "keep the saved one": the page never receives the secret back.
async function withSecret(payload) {
  const typed = text(payload?.clientSecret);
  return {
    tenantId: text(payload?.tenantId),
    clientId: text(payload?.clientId),
    clientSecret: typed || (await loadSecret()),
    secretTyped: typed !== '',
  };
}

async function publicSettings() {
  const connection = await loadConnection();
  return { ...connection, secretSet: (await loadSecret()) !== '' };
}

export const settingsResolvers = {
  async getSettings() {
    return publicSettings();
  },

  async saveSettings({ payload }) {
    const { secretTyped, ...settings } = await withSecret(payload);
    const validation = validateSettings(settings);
    if (!validation.ok) return { ok: false, errors: validation.errors };
    await saveConnection(settings);
    if (secretTyped) await saveSecret(settings.clientSecret);
    return { ok: true, settings: await publicSettings() };
  },

  async checkConnection({ payload }) {
    const { secretTyped: _typed, ...settings } = await withSecret(payload);
    // Which data sets to probe; the core checks the shape and defaults to all.
    return checkConnection({ ...settings, datasets: payload?.datasets });
  },
};
