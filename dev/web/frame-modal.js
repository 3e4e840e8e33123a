// Plays Jira's side of `new Modal({resource, context, onClose}).open()`: the resource opens in a
// dialog over the whole window (not inside the app's iframe), the rest of the page is inert while
// it is open, `view.close(payload)` in the modal ends it and hands the payload to the opener's
// onClose, and focus goes back to the app that opened it.
const SIZES = { small: '400px', medium: '600px', large: '800px', xlarge: '968px' };

export function openModal({ resource, size = 'medium', title = '', context = {}, closeOnEscape = true, closeOnOverlayClick = true }, { onClosed, opener }) {
  const blocked = [...document.body.children];
  for (const node of blocked) node.inert = true;

  const overlay = Object.assign(document.createElement('div'), { className: 'modal-overlay' });
  const dialog = Object.assign(document.createElement('div'), { className: 'modal' });
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  if (title) dialog.setAttribute('aria-label', title);
  dialog.style.width = size === 'max' || size === 'fullscreen' ? '100vw' : typeof size === 'object' ? size.width : SIZES[size] ?? SIZES.medium;
  const iframe = Object.assign(document.createElement('iframe'), { title: title || 'Dialog', src: `/resources/${encodeURIComponent(resource)}/index.html` });
  dialog.append(iframe);
  overlay.append(dialog);
  document.body.append(overlay);
  // Jira sizes a modal's iframe to its content (Forge ships iframe-resizer for that); the local frame
  // is same-origin with its resources and measures the content directly.
  iframe.addEventListener('load', () => {
    iframe.focus();
    const body = iframe.contentDocument?.body;
    if (!body) return;
    const fit = () => (dialog.style.height = `${Math.min(body.scrollHeight, window.innerHeight - 120)}px`);
    new ResizeObserver(fit).observe(body);
    fit();
  });

  let closed = false;
  function close(payload) {
    if (closed) return;
    closed = true;
    document.removeEventListener('keydown', onKey);
    overlay.remove();
    for (const node of blocked) node.inert = false;
    opener.focus();
    onClosed(payload);
  }
  function onKey(event) {
    if (event.key === 'Escape' && closeOnEscape) close(undefined);
  }
  document.addEventListener('keydown', onKey);
  overlay.addEventListener('click', (event) => event.target === overlay && closeOnOverlayClick && close(undefined));
  return { window: iframe.contentWindow, context, close };
}
