// The requester panel through the local Forge runtime, after a full sync of the demo tenant: the
// panel's resolver (its own function, panel-fn) answers for the issue Forge's context names, with
// exactly the reporter's Assets objects, within three Assets requests, and keeps its rules.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { startStack } from './helpers/stack.js';
import { assetsObjects } from './helpers/tenant.js';

let stack;
let site;
const PANEL = 'entra-intune-panel';

const panel = (issueKey, functionKey = 'panelView', payload = {}, accountId) =>
  stack.runtime.callResolver({ moduleKey: PANEL, functionKey, payload, issueKey, accountId });
const savePanel = async (settings) => {
  const answer = await stack.resolve('savePanelSettings', settings);
  assert.equal(answer.ok, true, JSON.stringify(answer));
};
const account = (issueKey, field = 'reporter') => {
  const issue = site.issues.find((i) => i.key === issueKey);
  return site.accounts.find((a) => a.accountId === issue[field]);
};

before(async () => {
  stack = await startStack();
  const { sim } = stack;
  const schemas = await stack.resolve('listSchemas', { workspaceId: sim.assetsWorkspaceId });
  const datasets = Object.fromEntries((await stack.resolve('getSettings', {})).datasetOptions.map(({ key }) => [key, true]));
  const saved = await stack.resolve('saveSettings', { ...fullSettings(sim, { schemaId: schemas.schemas[0].id, schedule: { enabled: false } }), datasets });
  assert.equal(saved.ok, true, JSON.stringify(saved));
  const started = await stack.resolve('syncNow', {});
  assert.equal(started.started, true, JSON.stringify(started));
  await stack.runtime.queueIdle();
  assert.equal((await stack.resolve('runStatus', {})).last.outcome, 'succeeded');
  site = await control(sim)('GET', '/jira');
});
after(async () => stack?.stop());

test('the panel is off until an admin switches a project on, and only admins may', async () => {
  await assert.rejects(panel('SD-1'), (error) => error.code === 'projectOff' && /not switched on for project SD/.test(error.message));
  await assert.rejects(stack.resolve('savePanelSettings', { projects: 'SD' }, 'someone-else'), (error) => error.code === 'NOT_ADMIN');
  const refused = await stack.resolve('savePanelSettings', { projects: 'SD, 1-SD' });
  assert.equal(refused.ok, false);
  assert.equal(refused.errors[0].field, 'panel.projects');
});

test("the reporter's own Assets objects, and nobody else's, in at most three Assets requests", async () => {
  await savePanel({ projects: 'SD' });
  stack.runtime.resetUsage();
  const view = await panel('SD-1');
  const used = stack.runtime.usage().outbound;
  assert.ok(used.assets.rest <= 3, `${used.assets.rest} Assets requests`);
  assert.equal(view.assetsRequests, used.assets.rest, 'the core counts what the runtime saw');
  // Jira: the issue as the agent, the reporter's account as the app.
  assert.equal(used.jira.requests, 2);

  const [person] = view.people;
  assert.equal(person.outcome, 'found');
  const entraId = account('SD-1').entraUserId;
  assert.equal(person.account.entraId, entraId);
  const users = await assetsObjects(stack.sim, 'Entra User');
  const user = users.find((u) => u.label === person.account.displayName);
  assert.ok(user, 'the account is an Assets object');
  assert.equal(person.account.link.objectKey, user.objectKey);

  // Every Intune device in Assets whose Primary User is this user, and only those.
  const primaryUserOf = (object) => object.attributes.flatMap((a) => a.objectAttributeValues).find((v) => v.referencedObject?.objectKey === user.objectKey);
  const devices = (await assetsObjects(stack.sim, 'Intune Managed Device')).filter(primaryUserOf);
  assert.ok(devices.length > 0, 'the demo reporter has devices');
  assert.deepEqual(person.devices.managed.map((d) => d.link.objectKey).sort(), devices.map((d) => d.objectKey).sort());
  assert.ok(person.devices.managed.every((d) => typeof d.compliance === 'string'));
  const memberships = (await assetsObjects(stack.sim, 'Entra Group Membership')).filter(primaryUserOf);
  assert.equal(person.groups.count, memberships.length);
  const assignments = (await assetsObjects(stack.sim, 'Licence Assignment')).filter(primaryUserOf);
  assert.equal(person.licences.length, assignments.length);
});

test('sections the admin turned off are neither shown nor searched', async () => {
  await savePanel({ projects: 'SD', sections: { devices: false, groups: true, licences: false } });
  stack.runtime.resetUsage();
  const [person] = (await panel('SD-1')).people;
  assert.equal(person.devices, undefined);
  assert.equal(person.licences, undefined);
  assert.ok(person.groups);
  assert.equal(stack.runtime.usage().outbound.assets.rest, 3, 'users, memberships, parent groups');
  await savePanel({ projects: 'SD' });
});

test('a project not switched on, and an issue the agent cannot see, show nothing', async () => {
  await assert.rejects(panel('HR-1'), (error) => error.code === 'projectOff');
  stack.runtime.resetUsage();
  await assert.rejects(panel('SD-1', 'panelView', {}, 'someone-else'), (error) => error.code === 'notVisible');
  assert.equal(stack.runtime.usage().outbound.assets.requests, 0, 'nothing is searched for a refused agent');
});

test('a hidden email: the panel says so, search by name finds the person, and the pick shows them', async () => {
  const hidden = account('SD-2');
  const [person] = (await panel('SD-2')).people;
  assert.equal(person.outcome, 'emailHidden');
  assert.equal(person.canSearch, true);
  assert.match(person.message, /hidden by their Atlassian profile visibility/);
  const found = await panel('SD-2', 'panelSearch', { search: { role: 'reporter', query: hidden.displayName } });
  const hit = found.hits.find((h) => h.entraUserId === hidden.entraUserId);
  assert.ok(hit, JSON.stringify(found));
  const picked = await panel('SD-2', 'panelView', { pick: { role: 'reporter', entraUserId: hit.entraUserId } });
  assert.equal(picked.people[0].account.entraId, hidden.entraUserId);
  // A visible email is never searched around, nor a pick accepted in its place.
  await assert.rejects(panel('SD-1', 'panelSearch', { search: { role: 'reporter', query: hidden.displayName } }), (error) => error.code === 'searchNotOffered');
  await assert.rejects(panel('SD-1', 'panelView', { pick: { role: 'reporter', entraUserId: hit.entraUserId } }), (error) => error.code === 'searchNotOffered');
});

test('a reporter who is not in the synced directory gets a clear sentence and no data', async () => {
  const [person] = (await panel('SD-3')).people;
  assert.equal(person.outcome, 'notInDirectory');
  assert.equal(person.account, undefined);
  assert.match(person.message, /pat\.visitor@example\.org/);
});

test('the affected-user field the admin names shows that person too', async () => {
  await savePanel({ projects: 'SD', affectedUserField: site.affectedUserField });
  const view = await panel('SD-4');
  assert.deepEqual(view.people.map((p) => p.role), ['reporter', 'affectedUser']);
  assert.equal(view.people[1].account.entraId, account('SD-4', 'affectedUser').entraUserId);
  await savePanel({ projects: 'SD' });
});

test('Refresh from Entra reads one person live; after their account was disabled it shows exactly that, and the sync it starts updates Assets', async () => {
  const entraId = account('SD-1').entraUserId;
  const same = await panel('SD-1', 'panelRefresh', { refresh: { role: 'reporter' } });
  assert.deepEqual(same.differences, [], 'right after a sync Assets matches Entra');
  await control(stack.sim)('POST', '/users/account-enabled', { id: entraId, enabled: false });
  try {
    stack.runtime.resetUsage();
    const changed = await panel('SD-1', 'panelRefresh', { refresh: { role: 'reporter' } });
    assert.deepEqual(changed.differences, [{ section: 'account', item: 'Enabled', assets: 'Yes', entra: 'No' }]);
    const used = stack.runtime.usage().outbound;
    // A token, then the user, manager, memberOf, managed devices and licences: a handful.
    assert.equal(used.identity.requests, 1);
    assert.equal(used.graph.requests, 5);
    assert.equal(changed.graphRequests, 6);
    assert.ok(changed.requestIds.length >= 5, 'Graph request ids are kept for support');
    assert.equal(changed.syncSuggested, true);
    assert.equal(changed.sync.started, true, JSON.stringify(changed.sync));
    await stack.runtime.queueIdle();
    const last = (await stack.resolve('runStatus', {})).last;
    assert.equal(last.outcome, 'succeeded');
    assert.equal(last.trigger, 'panel');
    const [person] = (await panel('SD-1')).people;
    assert.equal(person.account.enabled, false, 'Assets now says disabled');
    assert.equal(person.account.status, 'Disabled');
    const again = await panel('SD-1', 'panelRefresh', { refresh: { role: 'reporter' } });
    assert.deepEqual(again.differences, []);
    assert.equal(again.sync, undefined, 'no sync when Assets is current');
  } finally {
    await control(stack.sim)('POST', '/users/account-enabled', { id: entraId, enabled: true });
  }
});
