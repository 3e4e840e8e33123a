// Full sync runs through the local Forge runtime: resolver → queue → wasm steps → Graph and Assets in
// the simulator. Assets must end up exactly equal to the tenant.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';
import { assetsObjects, graphAll } from './helpers/tenant.js';

let stack;
before(async () => {
  stack = await startStack();
  const { sim } = stack;
  const schemas = await stack.resolve('listSchemas', { workspaceId: sim.assetsWorkspaceId });
  const datasets = Object.fromEntries((await stack.resolve('getSettings', {})).datasetOptions.map(({ key }) => [key, true]));
  const settings = { ...fullSettings(sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }), datasets };
  const saved = await stack.resolve('saveSettings', settings);
  assert.equal(saved.ok, true, JSON.stringify(saved));
});
after(async () => stack?.stop());

async function syncAndWait(payload = {}) {
  const started = await stack.resolve('syncNow', payload);
  assert.equal(started.started, true, JSON.stringify(started));
  await stack.runtime.queueIdle();
  const status = await stack.resolve('runStatus', {});
  assert.equal(status.active, null, `run still active: ${JSON.stringify(status.active)}`);
  return status.last;
}

/** Every Entra user as Assets should hold it, keyed by object id. */
async function expectedUsers() {
  const select = 'id,displayName,userPrincipalName,mail,jobTitle,department,employeeId,userType,accountEnabled';
  const users = await graphAll(stack.sim, `/v1.0/users?$select=${select}&$expand=manager($select=id)&$top=999`);
  const text = (v) => (v === null || v === undefined || v === '' ? undefined : String(v));
  return new Map(
    users.map((u) => [
      u.id.toLowerCase(),
      {
        Name: text(u.displayName),
        'User Principal Name': text(u.userPrincipalName),
        Mail: text(u.mail),
        'Job Title': text(u.jobTitle),
        Department: text(u.department),
        'Employee ID': text(u.employeeId),
        'User Type': text(u.userType),
        'Account Enabled': text(u.accountEnabled),
        Status: u.accountEnabled === false ? 'Disabled' : 'Active',
        Manager: u.manager?.id?.toLowerCase(),
      },
    ]),
  );
}

/** Every "Entra User" object in Assets, in the same shape. */
async function actualUsers() {
  const objects = await assetsObjects(stack.sim, 'Entra User');
  const byAssetsId = new Map();
  const rows = objects.map((object) => {
    const values = {};
    for (const attribute of object.attributes ?? []) {
      values[attribute.objectTypeAttributeId] = attribute.objectAttributeValues ?? [];
    }
    return { object, values };
  });
  const names = new Map();
  for (const { object } of rows) for (const a of object.objectType?.attributes ?? []) names.set(String(a.id), a.name);
  return { rows, byAssetsId, names };
}

test('a first full sync puts every user into Assets, equal to the tenant', async () => {
  const report = await syncAndWait();
  assert.equal(report.outcome, 'succeeded', JSON.stringify(report));
  const users = report.datasets.find((d) => d.dataset === 'users');
  const expected = await expectedUsers();
  assert.equal(users.objects.user.created, expected.size);
  assert.equal(users.fullRound, true);

  const objects = await assetsObjects(stack.sim, 'Entra User');
  assert.equal(objects.length, expected.size, 'nothing missing, nothing extra');
  const attributeNames = new Map();
  const response = await fetch(`${stack.sim.url}/jsm/assets/workspace/${stack.sim.assetsWorkspaceId}/v1/objecttype/${objects[0].objectType.id}/attributes`, { headers: { 'x-forge-provider': 'app' } });
  for (const a of await response.json()) attributeNames.set(String(a.id), a.name);
  const entraIdOf = new Map();
  const actual = new Map();
  for (const object of objects) {
    const values = {};
    for (const attribute of object.attributes ?? []) {
      const name = attributeNames.get(String(attribute.objectTypeAttributeId));
      const [first] = attribute.objectAttributeValues ?? [];
      values[name] = first?.referencedObject ? { ref: first.referencedObject.id } : first?.value;
    }
    entraIdOf.set(String(object.id), values['Entra Object ID']);
    actual.set(values['Entra Object ID'], values);
  }
  for (const [id, want] of expected) {
    const got = actual.get(id);
    assert.ok(got, `user ${id} missing from Assets`);
    for (const [name, value] of Object.entries(want)) {
      const have = name === 'Manager' ? (got.Manager ? entraIdOf.get(got.Manager.ref) : undefined) : got[name];
      assert.equal(have, value, `${id}: ${name}`);
    }
    assert.ok(got['Last Synced'], `${id}: Last Synced`);
  }
});

test('a second run with no changes writes nothing and starts no import', async () => {
  const before = (await (await fetch(`${stack.sim.url}/jsm/assets/workspace/${stack.sim.assetsWorkspaceId}/v1/importsource/${stack.sim.assetsImportSourceId}/executions/status`, { headers: { 'x-forge-provider': 'app' } })).json()).executionId;
  const report = await syncAndWait();
  assert.equal(report.outcome, 'succeeded', JSON.stringify(report));
  const users = report.datasets.find((d) => d.dataset === 'users');
  assert.deepEqual([users.objects.user.created, users.objects.user.updated, users.objects.user.retired], [0, 0, 0]);
  assert.equal(users.fullRound, false, 'the second run reads the delta link');
  // Only the destination check's three reads (import source, schema types, schema-and-mapping).
  assert.equal(report.assetsRequests, 3);
  const after = (await (await fetch(`${stack.sim.url}/jsm/assets/workspace/${stack.sim.assetsWorkspaceId}/v1/importsource/${stack.sim.assetsImportSourceId}/executions/status`, { headers: { 'x-forge-provider': 'app' } })).json()).executionId;
  assert.equal(after, before, 'no new execution');
});

test('a dry run reports counts and samples and writes nothing', async () => {
  const report = await syncAndWait({ dryRun: true, fullResync: true });
  assert.equal(report.outcome, 'dryRun', JSON.stringify(report));
  const users = report.datasets.find((d) => d.dataset === 'users');
  assert.ok(users.objects.user.unchanged > 0);
  assert.equal(users.objects.user.created, 0);
  assert.equal(report.assetsRequests, 3, 'only the destination check reads Assets');
});

test('an unreadable group item is skipped and listed in the run log with its place and request id; nothing is retired for it', async () => {
  const [group] = await graphAll(stack.sim, '/v1.0/groups?$select=id&$top=1');
  const doctor = async (body) => {
    const response = await fetch(`${stack.sim.url}/_sim/delta/doctor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200, await response.text());
  };
  // A display name of the wrong type: the item has an id, but cannot be read.
  await doctor({ resource: '/v1.0/groups/delta', id: group.id, patch: { displayName: 42 } });
  try {
    const report = await syncAndWait({ fullResync: true });
    assert.equal(report.outcome, 'succeeded', JSON.stringify(report));
    const groups = report.datasets.find((d) => d.dataset === 'groups');
    assert.ok(groups.skippedItems >= 1, JSON.stringify(groups));
    assert.equal(groups.objects.group.toRetire, 0, 'the unreadable group counts as seen');
    assert.equal(groups.objects.groupMembership.toRetire, 0, 'and so do its memberships');
    const log = await stack.resolve('runLog', { runId: report.runId });
    assert.equal(log.ok, true);
    assert.ok(log.skipped.length >= 1);
    for (const item of log.skipped) {
      assert.equal(item.dataset, 'groups');
      assert.equal(item.id, group.id.toLowerCase());
      assert.match(item.reason, /invalid type/);
      assert.ok(item.page >= 1 && item.index >= 0 && item.requestId, JSON.stringify(item));
    }
  } finally {
    await doctor({ clear: true });
  }
});
