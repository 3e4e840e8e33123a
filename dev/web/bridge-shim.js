// Defines the global @forge/bridge looks for, before the app's own script loads. Functions in a
// call's arguments (a Modal's onClose) cannot cross postMessage: they stay here under an id, and
// the frame calls them back by that id, as Jira's bridge proxies them.
(() => {
  let next = 0;
  const waiting = new Map();
  const callbacks = new Map();
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent) return;
    if (event.data?.type === 'forge-bridge-callback') {
      const fn = callbacks.get(event.data.callback);
      callbacks.delete(event.data.callback);
      fn?.(...(event.data.args ?? []));
      return;
    }
    if (event.data?.type !== 'forge-bridge-reply') return;
    const pending = waiting.get(event.data.id);
    if (!pending) return;
    waiting.delete(event.data.id);
    if (event.data.ok) pending.resolve(event.data.value);
    else pending.reject(Object.assign(new Error(event.data.error.message), { name: event.data.error.name ?? 'Error', code: event.data.error.code }));
  });
  const portable = (args) => {
    if (!args || typeof args !== 'object' || Array.isArray(args)) return args;
    return Object.fromEntries(
      Object.entries(args).map(([key, value]) => {
        if (typeof value !== 'function') return [key, value];
        const callback = ++next;
        callbacks.set(callback, value);
        return [key, { __forgeCallback: callback }];
      }),
    );
  };
  window.__bridge = {
    callBridge(method, args) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        window.parent.postMessage({ type: 'forge-bridge-call', id, method, args: portable(args) }, '*');
      });
    },
  };
})();
