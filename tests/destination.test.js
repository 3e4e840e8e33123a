// The destination is the one the admin chose, through the runtime: a schema's imports by name (those
// Assets' lifecycle calls named), an import of another schema refused on save, and a schema whose
// types clash with Entra Sync's refused with "use a dedicated object schema".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { control, fullSettings } from './helpers/admin.js';
import { root, startStack } from './helpers/stack.js';

let stack;
let sim;
before(async () => {
  stack = await startStack();
  sim = control(stack.sim);
});
after(async () => stack?.stop());

const fixture = JSON.parse(readFileSync(`${root}fixtures/assets/fixtures/ibuchanan-forge-assets-import/tests_data_context_importStatus.json`, 'utf8'));
/** Assets showing an import in its schema's Import tab asks the import type for its status. */
const shown = (importId, schemaId) =>
  stack.runtime.invokeFunction('import-status', 'lifecycle', [
    { ...fixture, importId, workspaceId: stack.sim.assetsWorkspaceId, schemaId, context: { ...fixture.context, extension: { ...fixture.context.extension, importId, workspaceId: stack.sim.assetsWorkspaceId, schemaId } } },
    {},
  ]);
const imports = (schemaId, proposed) => stack.resolve('listImports', { workspaceId: stack.sim.assetsWorkspaceId, schemaId, proposed });

test('a schema offers the imports Assets named, by name, and only its own', async () => {
  assert.deepEqual(await imports('1'), { ok: true, imports: [] }, 'nothing is known before Assets names an import');
  assert.deepEqual((await imports('1', stack.sim.assetsImportSourceId)).imports.map((i) => i.name), ['Microsoft Entra ID & Intune'], 'the import a Configure app proposes');

  await shown(stack.sim.assetsImportSourceId, '1');
  const { sourceId: second } = await sim('POST', '/assets/import-sources', { schemaId: '1', name: 'Entra (test tenant)' });
  await shown(second, '1');
  const other = await sim('POST', '/assets/schemas', { name: 'Other', key: 'OTH' });
  await shown(other.sourceId, other.schemaId);

  const mine = await imports('1');
  assert.deepEqual(
    mine.imports.map((i) => [i.id, i.name]),
    [
      [second, 'Entra (test tenant)'],
      [stack.sim.assetsImportSourceId, 'Microsoft Entra ID & Intune'],
    ],
  );
  assert.deepEqual((await imports(other.schemaId)).imports.map((i) => i.id), [other.sourceId]);
});

test('saving an import of another schema is refused with the fix', async () => {
  const other = await sim('POST', '/assets/schemas', { name: 'Elsewhere', key: 'ELS' });
  const answer = await stack.resolve('saveSettings', { ...fullSettings(stack.sim), destination: { workspaceId: stack.sim.assetsWorkspaceId, schemaId: '1', importSourceId: other.sourceId } });
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.errors.map((e) => e.field), ['destination.importSourceId']);
  assert.match(answer.errors[0].message, new RegExp(`belongs to object schema ${other.schemaId}, not to the schema chosen`));
  assert.equal((await stack.resolve('getSettings', {})).config, null, 'nothing saved');
});

test('a schema with object types named like ours is refused: use a dedicated object schema', async () => {
  const clash = await sim('POST', '/assets/schemas', { name: 'ITSM', key: 'ITSM' });
  const made = await fetch(`${stack.sim.url}/jsm/assets/workspace/${stack.sim.assetsWorkspaceId}/v1/objecttype/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forge-provider': 'app' },
    body: JSON.stringify({ name: 'Entra User', iconId: '13', objectSchemaId: clash.schemaId }),
  });
  assert.equal(made.status, 201, await made.text());
  const answer = await stack.resolve('saveSettings', { ...fullSettings(stack.sim), destination: { workspaceId: stack.sim.assetsWorkspaceId, schemaId: clash.schemaId, importSourceId: clash.sourceId } });
  assert.equal(answer.ok, false);
  assert.deepEqual(answer.errors.map((e) => e.field), ['destination.schemaId']);
  assert.match(answer.errors[0].message, /Use a dedicated object schema/);
  assert.match(answer.errors[0].message, /\(Entra User\)/);

  const fine = await stack.resolve('saveSettings', fullSettings(stack.sim));
  assert.equal(fine.ok, true, JSON.stringify(fine));
});
