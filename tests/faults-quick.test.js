// The quick subset of the fault suite (`npm run faults -- --quick`): faults that heal today, each
// followed by a clean sync compared with the tenant. The full suite is `npm run faults`. Also
// checks that the suite's judge sees loss, doubling, retirement and drift at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differences, lostSince } from './faults/assets-state.js';
import { cases } from './faults/cases/index.js';
import { line, runSuite } from './faults/suite.js';

const state = (live, retired = [], doubled = []) => ({ 'Entra User': { live: new Map(Object.entries(live)), retired: new Set(retired), doubled } });

test('the judge names missing, extra, changed, doubled, lost and wrongly retired objects', () => {
  const expected = state({ a: { Name: 'A' }, b: { Name: 'B' }, c: { Name: 'C' } });
  const actual = state({ a: { Name: 'A' }, c: { Name: 'X' }, d: { Name: 'D' } }, ['b'], ['a']);
  const diff = differences(actual, expected);
  assert.deepEqual(diff.missing, ['Entra User b (retired)']);
  assert.deepEqual(diff.extra, ['Entra User d']);
  assert.deepEqual(diff.changed, ['Entra User c Name: "X" instead of "C"']);
  assert.deepEqual(diff.doubled, ['Entra User a']);
  assert.deepEqual(lostSince(state({ a: {}, b: {} }), actual, expected), ['Entra User b (retired)']);
  assert.deepEqual(differences(expected, expected), { missing: [], extra: [], changed: [], doubled: [] });
});

test('there are at least 60 fault cases, each with a unique name', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

test('the quick fault subset heals: nothing lost, nothing doubled, Assets equals the tenant', { timeout: 300_000 }, async () => {
  const quick = cases.filter((c) => c.quick);
  assert.ok(quick.length >= 4);
  const { results, summary, ok } = await runSuite(quick, { jobs: 2 });
  const lines = results.map(line);
  assert.ok(ok, `${summary}\n${lines.join('\n')}`);
  assert.equal(summary, `${quick.length} faults, ${quick.length} healed, 0 lost, 0 doubled`);
});
