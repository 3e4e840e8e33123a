// Defines the global @forge/bridge looks for, before the app's own script loads.
(() => {
  let next = 0;
  const waiting = new Map();
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.data?.type !== 'forge-bridge-reply') return;
    const pending = waiting.get(event.data.id);
    if (!pending) return;
    waiting.delete(event.data.id);
    if (event.data.ok) pending.resolve(event.data.value);
    else pending.reject(new Error(event.data.error));
  });
  window.__bridge = {
    callBridge(method, args) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        window.parent.postMessage({ type: 'forge-bridge-call', id, method, args }, '*');
      });
    },
  };
})();
