// Reads manifest.yml into the few lookups the runtime needs. The manifest is the contract: a
// function, queue, trigger or egress host that is not declared there does not exist locally either.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const INTERVALS = { fiveMinute: 300, hour: 3600, day: 86400, week: 604800 };

export function loadManifest(appDir) {
  const file = join(appDir, 'manifest.yml');
  const doc = parse(readFileSync(file, 'utf8'));
  const modules = doc.modules ?? {};
  const functions = new Map((modules.function ?? []).map((f) => [f.key, f]));
  const fn = (key, where) => {
    const found = functions.get(key);
    if (!found) throw new Error(`manifest.yml: ${where} names function "${key}", which modules.function does not declare`);
    return found;
  };

  const pages = [];
  for (const [type, list] of Object.entries(modules)) {
    if (type === 'function') continue;
    for (const module of list) {
      if (module.resource && module.resolver?.function) {
        pages.push({ type, key: module.key, title: module.title, resource: module.resource, resolver: fn(module.resolver.function, module.key) });
      }
    }
  }
  const consumers = new Map((modules.consumer ?? []).map((c) => [c.queue, { key: c.key, fn: fn(c.function, c.key) }]));
  const triggers = (modules.scheduledTrigger ?? []).map((t) => {
    const seconds = INTERVALS[t.interval];
    if (!seconds) throw new Error(`manifest.yml: scheduled trigger "${t.key}" has unknown interval "${t.interval}"`);
    return { key: t.key, interval: t.interval, seconds, fn: fn(t.function, t.key) };
  });
  const resources = new Map((doc.resources ?? []).map((r) => [r.key, join(appDir, r.path)]));
  const egress = (doc.permissions?.external?.fetch?.backend ?? []).map((entry) => {
    const address = typeof entry === 'string' ? entry : entry.address;
    return new URL(address).origin;
  });
  return {
    appId: doc.app?.id ?? 'ari:cloud:ecosystem::app/local',
    functions,
    pages,
    consumers,
    triggers,
    resources,
    egress,
    scopes: doc.permissions?.scopes ?? [],
    styles: doc.permissions?.content?.styles ?? [],
  };
}
