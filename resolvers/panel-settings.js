// The admin page's Requester panel section: which projects show the panel, which sections agents
// see, the affected-user field. The core validates; this stores the normalised form on its own key.
import { validatePanelConfig } from './core.js';
import { loadPanelConfig, savePanelConfig } from './store.js';

export const panelSettingsResolvers = {
  async getPanelSettings() {
    const stored = await loadPanelConfig();
    // What is stored went through the core; a damaged value shows as the defaults (panel off).
    const checked = validatePanelConfig(stored ?? {});
    return { panel: checked.ok ? checked.panel : validatePanelConfig({}).panel };
  },

  async savePanelSettings({ payload }) {
    const checked = validatePanelConfig(payload ?? {});
    if (!checked.ok) return { ok: false, errors: checked.errors };
    await savePanelConfig(checked.panel);
    return { ok: true, panel: checked.panel };
  },
};
