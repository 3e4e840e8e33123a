// The resolver entry as Forge calls it: keys that only exist on Object.prototype are unknown keys
// (the library's `in` lookup would run them without the admin check), and Jira failing the admin
// check is "try again", never "not an admin".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack } from './helpers/stack.js';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => stack?.stop());

test('inherited names are unknown resolver keys, refused before the library runs them', async () => {
  const { resolverHandler } = await import('../resolvers/index.js');
  for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    await assert.rejects(
      resolverHandler({ call: { functionKey: key, payload: { leak: true } }, context: {} }, { principal: { accountId: 'someone-else' } }),
      new RegExp(`Resolver has no definition for '${key.replace(/[_$]/g, '\\$&')}'`),
    );
  }
});

for (const status of [429, 503]) {
  test(`Jira answering ${status} to the admin check asks to try again, and the next call works`, async () => {
    const control = (method, path, body) =>
      fetch(`${stack.sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const injected = await control('POST', '/faults', { path: '/rest/api/3/mypermissions', status, count: 1 });
    assert.ok(injected.ok, `fault not injected: ${injected.status} ${await injected.text()}`);
    await assert.rejects(stack.resolve('getSettings', {}), (error) => {
      assert.equal(error.code, 'JIRA_UNAVAILABLE', error.message);
      assert.match(error.message, /try again/);
      assert.doesNotMatch(error.message, /administrators only/);
      return true;
    });
    const settings = await stack.resolve('getSettings', {});
    assert.ok(settings.defaults, JSON.stringify(settings).slice(0, 200));
  });
}
