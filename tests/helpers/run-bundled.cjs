// Loads a bundled index.cjs in a bare Node process and calls its resolver, the way Forge calls a
// function: only the two platform globals exist, and KVS is empty.
const path = require('node:path');

globalThis.__forge_runtime__ = {
  appContext: { appId: 'app', environmentId: 'env', invocationId: 'inv' },
  lambdaContext: { getRemainingTimeInMillis: () => 25000 },
  metrics: { counter: () => ({ incr() {} }), timing: () => ({ measure: () => ({ stop() {} }) }) },
  tracing: { traceId: 't', spanId: 's' },
  proxy: { token: 'x' },
};
// Jira says the caller is an admin; KVS is empty.
globalThis.__forge_fetch__ = async (ctx, path) =>
  String(path).startsWith('/rest/api/3/mypermissions')
    ? new Response(JSON.stringify({ permissions: { ADMINISTER: { havePermission: true } } }), { status: 200 })
    : new Response(JSON.stringify({ code: 'KEY_NOT_FOUND', message: 'not found' }), { status: 404 });

const bundle = require(path.resolve(process.argv[2], 'index.cjs'));
bundle
  .resolverHandler({ call: { functionKey: 'checkConnection', payload: JSON.parse(process.argv[3]) }, context: {} }, {})
  .then((result) => console.log(JSON.stringify({ exports: Object.keys(bundle), result })))
  .catch((error) => {
    console.error(error.stack || error.message);
    process.exit(1);
  });
