// Which control shows an error the core names by field, and which one gets focus.
const CONTROLS = {
  tenantId: 'tenantId',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  credential: 'credential',
  certificate: 'certificate',
  certificateYears: 'certificate',
  'destination.workspaceId': 'workspaceId',
  'destination.schemaId': 'schemaId',
  'destination.importSourceId': 'importSourceId',
  datasets: 'datasets',
  'schedule.interval': 'interval',
  'schedule.enabled': 'scheduleEnabled',
  'deletion.policy': 'policy',
  'deletion.percent': 'percent',
  'deletion.minimum': 'minimum',
  'expiry.warnDays': 'warnDays',
};

export const controlOf = (field) => CONTROLS[field] ?? (field?.startsWith('filters.') ? `filter-${field.slice(8)}` : null);

/** `{controlId: "message …"}` from the core's `[{field, message}]`. */
export function byControl(errors = []) {
  const out = {};
  for (const { field, message } of errors) {
    const id = controlOf(field);
    if (id) out[id] = out[id] ? `${out[id]} ${message}` : message;
  }
  return out;
}

/** Focuses the control of the first error, once React has rendered it as invalid. */
export function focusFirst(errors = []) {
  const id = errors.map((e) => controlOf(e.field)).find(Boolean);
  if (!id) return;
  requestAnimationFrame(() => {
    const target = id === 'policy' ? document.querySelector('input[name="policy"]') : id === 'credential' ? document.querySelector('input[name="credential"]') : id === 'certificate' ? document.getElementById('create-certificate') : id === 'datasets' ? document.querySelector('#datasets input') : document.getElementById(id);
    target?.focus();
  });
}
