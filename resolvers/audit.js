// The audit trail: the core decides what an entry says and where it is kept (recordAudit,
// auditLog); this hands it the acting account and KVS. A record that cannot be stored is logged:
// the admin's action has already happened and stands.
import { auditLog, recordAudit } from './core.js';
import { store } from './platform.js';

export async function audit(context, action, details = {}) {
  try {
    await recordAudit({ action, accountId: context?.accountId ?? null, nowMs: Date.now(), ...details }, store);
  } catch (error) {
    console.warn(`audit: ${action} was not recorded (${error.message})`);
  }
}

export const auditResolvers = {
  /** The last 200 entries at least, newest first. */
  async auditLog() {
    return auditLog(store);
  },
};
