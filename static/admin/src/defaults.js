// The form before anything is saved. The backend sends `defaults` (what the granted permissions
// allow) once the core provides them; until then, the core's own documented defaults.
export const FALLBACK = {
  datasets: { users: true },
  filters: {},
  schedule: { interval: 'day', enabled: true },
  deletion: { policy: 'retire', percent: 5, minimum: 500 },
};

/** The form's values from what getSettings answered, and the destination an import proposes. */
export function valuesOf(settings, proposed) {
  const config = settings.config ?? settings.defaults ?? FALLBACK;
  return {
    tenantId: settings.tenantId ?? '',
    clientId: settings.clientId ?? '',
    clientSecret: '',
    destination: {
      workspaceId: settings.config?.destination?.workspaceId ?? proposed?.workspaceId ?? '',
      schemaId: settings.config?.destination?.schemaId ?? proposed?.schemaId ?? '',
      importSourceId: settings.config?.destination?.importSourceId ?? proposed?.importSourceId ?? '',
    },
    datasets: { ...(config.datasets ?? {}) },
    filters: { ...(config.filters ?? {}) },
    schedule: { ...config.schedule },
    deletion: { ...config.deletion, percent: String(config.deletion?.percent ?? ''), minimum: String(config.deletion?.minimum ?? '') },
  };
}
