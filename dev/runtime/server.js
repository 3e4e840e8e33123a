// The HTTP face of the local runtime: a page that plays Jira's admin frame, the Custom UI
// resources (served with Forge's CSP, the bridge shim injected), and the endpoints the frame's
// bridge calls. Resolver calls go through the invoker, so they meet Forge's limits.
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { ForgeLimitError } from './invocation.js';

const WEB = new URL('../web/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

function csp(styles) {
  const styleSrc = styles.includes('unsafe-inline') ? "'self' 'unsafe-inline'" : "'self'";
  return `default-src 'self'; script-src 'self'; style-src ${styleSrc}; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; object-src 'none'`;
}

// An oversized body is still read to its end (and thrown away): leaving it unread would leave the
// connection mid-request, and the client's next request on it would fail.
async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw new ForgeLimitError(`The invoke payload is ${size} bytes, over Forge's ${limit / 1024} KB limit for invoke requests: send less per call.`, 'PAYLOAD_TOO_LARGE');
  return Buffer.concat(chunks).toString('utf8');
}

// @forge/resolver finds a definition with `key in definitions`, so names every object inherits
// (constructor, toString, __proto__, …) would reach Object's own functions and skip the app's
// checks. They are answered here as the unknown keys they are, in the library's own words.
const isInherited = (key) => typeof key !== 'string' || key in Object.prototype;

const send = (res, status, body, headers = {}) => {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
};

// An issue-view module (jira:issueContext) is opened on one issue; Jira names it and its project in
// the context. The runtime plays that from the issue key alone.
function issueExtension(page, issueKey) {
  if (page.type !== 'jira:issueContext' || typeof issueKey !== 'string' || !/^[A-Z][A-Z0-9_]*-\d+$/.test(issueKey)) return {};
  return { issue: { key: issueKey, type: 'Service Request' }, project: { key: issueKey.split('-')[0], type: 'service_desk' } };
}

export function createWebServer({ manifest, invoker, scheduler, usage, limits, cloudId, defaultAccountId, jiraUrl, log }) {
  function context(page, accountId, extension = {}) {
    return {
      accountId,
      cloudId,
      localId: `${page.key}-local`,
      moduleKey: page.key,
      siteUrl: 'https://your-site.atlassian.net',
      locale: 'en-US',
      timezone: 'UTC',
      environmentType: 'DEVELOPMENT',
      extension: { type: page.type, ...extension },
    };
  }

  async function callResolver({ moduleKey, functionKey, payload, accountId = defaultAccountId, issueKey }) {
    const page = manifest.pages.find((p) => p.key === moduleKey);
    if (!page) throw new Error(`No module "${moduleKey}" with a resource and resolver in manifest.yml`);
    if (isInherited(functionKey)) throw new Error(`Resolver has no definition for '${String(functionKey)}'.`);
    const call = { call: { functionKey, payload, jobId: undefined }, context: context(page, accountId, issueExtension(page, issueKey)) };
    const platform = { principal: { accountId }, installContext: `ari:cloud:jira::site/${cloudId}`, license: { isActive: true }, installation: {} };
    const result = await invoker.invoke(page.resolver, 'resolver', page.key, [call, platform]);
    const size = Buffer.byteLength(JSON.stringify(result ?? null));
    if (size > limits.invokeResponseBytes) {
      throw new ForgeLimitError(`The resolver's response is ${size} bytes; Forge's limit for invoke responses is ${limits.invokeResponseBytes} bytes.`, 'RESPONSE_TOO_LARGE');
    }
    return result;
  }

  async function serveResource(res, resourceKey, rest) {
    const base = manifest.resources.get(resourceKey);
    if (!base) return send(res, 404, { message: `No resource "${resourceKey}" in manifest.yml` });
    const file = normalize(join(base, rest || 'index.html'));
    if (!file.startsWith(base + sep) && file !== base) return send(res, 403, { message: 'outside the resource folder' });
    let content;
    try {
      if ((await stat(file)).isDirectory()) return send(res, 404, { message: 'not found' });
      content = await readFile(file);
    } catch {
      return send(res, 404, { message: `not found: ${rest}` });
    }
    if (extname(file) === '.html') {
      // Forge injects its bridge into every Custom UI page; ours talks to the frame by postMessage.
      content = content.toString('utf8').replace('<head>', '<head>\n    <script src="/__forge__/bridge-shim.js"></script>');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp(manifest.styles), 'cache-control': 'no-store' });
    res.end(content);
  }

  async function route(req, res) {
    const url = new URL(req.url, 'http://local');
    const path = url.pathname;
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (req.method === 'GET' && path === '/') return send(res, 200, await readFile(join(WEB, 'frame.html')), { 'content-type': TYPES['.html'] });
    if (req.method === 'GET' && path.startsWith('/__forge__/') && ['.js', '.css'].includes(extname(path))) {
      const name = path.slice('/__forge__/'.length);
      if (!/^[a-z-]+\.(js|css)$/.test(name)) return send(res, 404, { message: 'not found' });
      return send(res, 200, await readFile(join(WEB, name)), { 'content-type': TYPES[extname(name)] });
    }
    if (req.method === 'GET' && path === '/__forge__/pages') {
      return send(res, 200, manifest.pages.map(({ key, title, type, resource }) => ({ key, title, type, resource })));
    }
    if (req.method === 'GET' && path === '/__forge__/context') {
      const page = manifest.pages.find((p) => p.key === url.searchParams.get('moduleKey'));
      if (!page) return send(res, 404, { message: 'unknown module' });
      const extension = {};
      if (page.type === 'jiraServiceManagement:assetsImportType') {
        for (const key of ['importId', 'workspaceId', 'schemaId']) if (url.searchParams.get(key)) extension[key] = url.searchParams.get(key);
      }
      Object.assign(extension, issueExtension(page, url.searchParams.get('issue')));
      return send(res, 200, context(page, url.searchParams.get('accountId') || defaultAccountId, extension));
    }
    if (req.method === 'POST' && path === '/__forge__/invoke') {
      try {
        const request = JSON.parse(await readBody(req, limits.invokeRequestBytes));
        return send(res, 200, { ok: true, value: (await callResolver(request)) ?? null });
      } catch (error) {
        log(`invoke failed: ${error.message}`);
        return send(res, 200, { ok: false, error: { name: error.name, code: error.code, message: error.message } });
      }
    }
    // The requests the issue view can open: the simulator's Jira site, read as its control API gives it.
    if (req.method === 'GET' && path === '/__forge__/issues') {
      const site = jiraUrl ? await fetch(new URL('/_sim/jira', jiraUrl)).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null;
      const name = (id) => site?.accounts?.find((a) => a.accountId === id)?.displayName ?? id;
      return send(res, 200, (site?.issues ?? []).map((issue) => ({ ...issue, reporterName: name(issue.reporter) })));
    }
    if (req.method === 'GET' && path === '/__forge__/usage') return send(res, 200, usage.snapshot());
    if (req.method === 'POST' && path === '/__forge__/usage/reset') return send(res, 200, usage.reset());
    const trigger = path.match(/^\/__forge__\/triggers\/([\w-]+)$/);
    if (req.method === 'POST' && trigger) return send(res, 200, { result: await scheduler.fire(trigger[1]) });
    const resource = path.match(/^\/resources\/([\w-]+)\/(.*)$/);
    if (req.method === 'GET' && resource) return serveResource(res, resource[1], decodeURIComponent(resource[2]));
    return send(res, 404, { message: `not found: ${path}` });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error) => {
      log(`request ${req.url} failed: ${error.stack ?? error.message}`);
      if (!res.headersSent) send(res, 500, { message: error.message });
    });
  });
  return { server, callResolver };
}
