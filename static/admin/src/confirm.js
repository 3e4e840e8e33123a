// The mass-deletion question opens as a Forge modal over the whole window (its own resource,
// static/confirm), so it never opens off-screen in a tall iframe. It answers with the admin's choice.
import { Modal } from '@forge/bridge';

/**
 * `active` is the run waiting for confirmation; `guard` (per-type counts and sample names, the
 * policy's verb) is sent once the core provides it, and the modal shows what it gets.
 */
export function askToRemove(active, policy) {
  return new Promise((resolve, reject) => {
    const modal = new Modal({
      resource: 'confirm-ui',
      size: 'medium',
      title: 'Remove many objects?',
      closeOnEscape: true,
      closeOnOverlayClick: false,
      context: { runId: active.runId, retire: active.retire, threshold: active.threshold, policy, guard: active.guard ?? null },
      onClose: (payload) => resolve(payload?.choice ?? 'dismiss'),
    });
    modal.open().catch(reject);
  });
}
