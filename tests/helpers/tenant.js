// Reading both sides of a sync straight from the simulator, for comparisons in tests: the tenant
// through Graph (with its own token) and Assets through the REST API as a Forge app would.
export async function graphToken(sim) {
  const body = new URLSearchParams({
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
    grant_type: 'client_credentials',
  });
  const response = await fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, { method: 'POST', body });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

export async function graphAll(sim, path) {
  const token = await graphToken(sim);
  const items = [];
  let url = `${sim.url}${path}`;
  while (url) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    const page = await response.json();
    items.push(...page.value);
    url = page['@odata.nextLink'];
  }
  return items;
}

export async function assetsObjects(sim, typeName) {
  const objects = [];
  for (let startAt = 0; ; startAt += 1000) {
    const response = await fetch(`${sim.url}/jsm/assets/workspace/${sim.assetsWorkspaceId}/v1/object/aql?startAt=${startAt}&maxResults=1000&includeAttributes=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forge-provider': 'app' },
      body: JSON.stringify({ qlQuery: `objectType = "${typeName}"` }),
    });
    if (!response.ok) throw new Error(`AQL: ${response.status} ${await response.text()}`);
    const page = await response.json();
    objects.push(...page.values);
    if (page.isLast === true || page.isLast === 'true' || page.values.length === 0) return objects;
  }
}

/** An object's attributes as `{name: value}`; references as the referenced object's label. */
export function attributesOf(object, attributeNames) {
  const out = {};
  for (const attribute of object.attributes ?? []) {
    const name = attributeNames.get(String(attribute.objectTypeAttributeId));
    const values = attribute.objectAttributeValues ?? [];
    out[name] = values.map((v) => (v.referencedObject ? v.referencedObject : v.value));
  }
  return out;
}
