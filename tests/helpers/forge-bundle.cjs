// Bundles the app with the real @forge/bundler (Forge's own webpack configuration), offline, and
// prints the output directory. CommonJS on purpose: the bundler requires `require.main`.
const path = require('node:path');
const { getNodeBundler } = require('@forge/bundler');

const appDirectory = path.resolve(process.argv[2]);
// The real wrapper provider downloads Forge's runtime loader from Atlassian's CDN; it is not part
// of the app's code, so an empty one stands in.
const wrapperProvider = {
  getNodeRuntimeWrapper: async () => ({ script: '', source: 'none', version: 'local' }),
  getNodeRuntimeLoader: async () => ({ script: '', source: 'none', version: 'local' }),
};
const configReader = { readConfig: async () => ({ app: {} }) };
const logger = { info() {}, debug() {}, trace() {}, warn: (m) => console.error(`bundler warning: ${m}`), error: (m) => console.error(m) };

getNodeBundler(logger, wrapperProvider, configReader)
  .bundle({ appDirectory, entryPoints: [{ name: 'index', path: path.join(appDirectory, 'src', 'index.js') }] })
  .then((result) => console.log(JSON.stringify({ outputDir: result.outputDir })))
  .catch((error) => {
    console.error(error.stack || error.message);
    process.exit(1);
  });
