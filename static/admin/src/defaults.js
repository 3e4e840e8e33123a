// The form's values: what is saved, or else the core's defaults that getSettings sends along
// (the page keeps none of its own).
/** The form's values from what getSettings answered, and the destination an import proposes. */
export function valuesOf(settings, proposed) {
  const config = settings.config ?? settings.defaults;
  return {
    tenantId: settings.tenantId ?? '',
    clientId: settings.clientId ?? '',
    clientSecret: '',
    // Settings saved before certificates existed name no credential: they use a client secret.
    credential: settings.credential === 'certificate' ? 'certificate' : 'secret',
    destination: {
      workspaceId: settings.config?.destination?.workspaceId ?? proposed?.workspaceId ?? '',
      schemaId: settings.config?.destination?.schemaId ?? proposed?.schemaId ?? '',
      importSourceId: settings.config?.destination?.importSourceId ?? proposed?.importSourceId ?? '',
    },
    datasets: { ...(config.datasets ?? {}) },
    filters: { ...(config.filters ?? {}) },
    schedule: { ...config.schedule },
    deletion: { ...config.deletion, percent: String(config.deletion?.percent ?? ''), minimum: String(config.deletion?.minimum ?? '') },
    // Settings saved before the section existed have none: the core's default applies.
    expiry: { warnDays: String((config.expiry ?? settings.defaults?.expiry)?.warnDays ?? '') },
  };
}
