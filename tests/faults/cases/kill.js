// SIGKILL of the runtime process at points of a run; the harness starts it again on the same data
// directory, as Forge starts a new invocation after a crash. Triggers: `graph` (egress to Microsoft,
// by URL), `assets` (requestJira, by path), `kvs` (by operation and key), `push` (queue publish);
// `when` is before the call is made or after its answer arrived. Without `baseline` the crash hits
// the first, full run.
const kill = (name, killOn, extra = {}) => ({ name: `SIGKILL ${name}`, killOn: { nth: 1, when: 'after', ...killOn }, ...extra });

export default [
  kill('at the token request', { kind: 'graph', method: 'POST', match: '/oauth2/v2.0/token' }),
  kill('while reading users', { kind: 'graph', match: '/v1.0/users/delta', when: 'before' }),
  kill('after a groups page', { kind: 'graph', match: '/v1.0/groups/delta' }),
  kill('while reading managed devices', { kind: 'graph', match: '/managedDevices', when: 'before' }),
  kill('while planning (index read)', { kind: 'kvs', method: 'get', match: '^index:user:' }, { baseline: true }),
  kill('after the mapping is sent', { kind: 'assets', method: 'PUT', match: '/mapping$' }),
  kill('after the import execution started', { kind: 'assets', method: 'POST', match: '/executions$' }),
  kill('after the first import chunk', { kind: 'assets', method: 'POST', match: '/executions/[^/]+/data$' }),
  kill('before the third import chunk', { kind: 'assets', method: 'POST', match: '/executions/[^/]+/data$', nth: 3, when: 'before' }),
  kill('after the import finished, before the commit', { kind: 'kvs', method: 'set', match: '^index:', when: 'before' }),
  kill('while polling the import', { kind: 'assets', method: 'GET', match: '/executions/[^/]+/status$' }),
  kill('while staging retirements', { kind: 'kvs', method: 'set', match: '^run:.*:retire' }, { baseline: true }),
  kill('after staging a change chunk', { kind: 'kvs', method: 'set', match: '^run:.*:chunk' }),
  kill('during the index commit', { kind: 'kvs', method: 'set', match: '^index:' }),
  kill('after a delta link commit', { kind: 'kvs', method: 'set', match: '^delta:' }),
  kill('between steps, before the next event is pushed', { kind: 'push', match: '', nth: 2, when: 'before' }),
  kill('between steps, after the next event is pushed', { kind: 'push', match: '', nth: 2 }),
  kill('after a checkpoint is saved', { kind: 'kvs', method: 'set', match: '^run:active$', nth: 2 }),
];
