// Assets as the simulator holds it, reduced to what the sync owns: per object type, external id →
// attributes, references as the referenced object's external id. "Last Synced" is left out (it is
// the time of the write, not tenant data); retired objects (Status "Deleted in Entra") are kept
// apart, because a retirement is a fact about the tenant too.
const RETIRED = 'Deleted in Entra';
const VOLATILE = new Set(['Last Synced']);

function value(v) {
  if (Array.isArray(v)) return v.map(value).sort().join('|');
  if (v && typeof v === 'object') return v.externalId ?? `#${v.id}`;
  return v === undefined || v === null ? '' : String(v);
}

/** `{types: {name: {live: Map(id → attrs), retired: Set(id), doubled: [id]}}}` from `/_sim/assets`. */
export async function assetsState(sim) {
  const response = await fetch(`${sim.url}/_sim/assets`);
  if (!response.ok) throw new Error(`/_sim/assets: ${response.status}`);
  const snapshot = await response.json();
  const types = {};
  for (const schema of snapshot.schemas ?? []) {
    for (const type of schema.objectTypes ?? []) {
      if (!type.externalId?.startsWith('entra-sync/')) continue;
      const entry = (types[type.name] ??= { live: new Map(), retired: new Set(), doubled: [] });
      const seen = new Set();
      for (const object of type.objects ?? []) {
        const id = object.externalId;
        if (seen.has(id)) entry.doubled.push(id);
        seen.add(id);
        const attributes = {};
        for (const [name, v] of Object.entries(object.attributes ?? {})) if (!VOLATILE.has(name)) attributes[name] = value(v);
        if (attributes.Status === RETIRED) entry.retired.add(id);
        else entry.live.set(id, attributes);
      }
    }
  }
  return types;
}

const total = (list) => list.length;

/**
 * What differs between `actual` and the `expected` state a clean full sync of the same tenant
 * writes: `{missing, extra, changed, doubled}` lists of "Type id (detail)", at most a few each.
 */
export function differences(actual, expected) {
  const out = { missing: [], extra: [], changed: [], doubled: [] };
  const names = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const name of names) {
    const have = actual[name] ?? { live: new Map(), retired: new Set(), doubled: [] };
    const want = expected[name] ?? { live: new Map(), retired: new Set(), doubled: [] };
    for (const id of have.doubled) out.doubled.push(`${name} ${id}`);
    for (const [id, attributes] of want.live) {
      const got = have.live.get(id);
      if (!got) {
        out.missing.push(`${name} ${id}${have.retired.has(id) ? ' (retired)' : ''}`);
        continue;
      }
      for (const key of new Set([...Object.keys(attributes), ...Object.keys(got)])) {
        if ((attributes[key] ?? '') !== (got[key] ?? '')) {
          out.changed.push(`${name} ${id} ${key}: "${got[key] ?? ''}" instead of "${attributes[key] ?? ''}"`);
          break;
        }
      }
    }
    for (const id of have.live.keys()) if (!want.live.has(id)) out.extra.push(`${name} ${id}`);
  }
  return out;
}

/**
 * Objects that were live before the fault, are still in the tenant (live in `expected`), and are
 * now gone or retired: what a fault lost or wrongly retired.
 */
export function lostSince(before, after, expected) {
  const lost = [];
  for (const [name, { live }] of Object.entries(before)) {
    for (const id of live.keys()) {
      if (!expected[name]?.live.has(id)) continue;
      if (!after[name]?.live.has(id)) lost.push(`${name} ${id}${after[name]?.retired.has(id) ? ' (retired)' : ''}`);
    }
  }
  return lost;
}

export const count = (diff) => Object.values(diff).reduce((n, list) => n + total(list), 0);
