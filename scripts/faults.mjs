// `npm run faults [-- --quick] [--only <pattern>] [--jobs N] [--kvs-quota off|on|<factor>]`: the fault suite. Each case injects
// a fault into a sync (SIGKILL of the runtime, throttling, resets, slow answers, expiry, revoked
// permissions, Assets errors, damaged delta links and KVS values, racing triggers, bad settings)
// against the simulator (`small` preset) through the wasm build and the local Forge runtime, then
// runs one clean sync and compares Assets with the tenant. One line per case; the last line is
// `N faults, N healed, N lost, N doubled`; the exit code is non-zero unless every case healed and
// nothing was lost or doubled. Build first (`npm run build`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simulatorBinary } from '../dev/simulator.js';
import { root } from './lib/run.mjs';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    'kvs-quota': { type: 'string', default: 'off' },
  },
});

for (const needed of [simulatorBinary(), join(root, 'build', 'wasm', 'entra_sync_wasm.js')]) {
  if (!existsSync(needed)) {
    console.error(`${needed} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
}
const jobs = Number(options.jobs);
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`--jobs takes a whole number of at least 1; got "${options.jobs}".`);
  process.exit(2);
}

// Read by each runtime child (tests/faults/child.mjs): "on", "off" or a factor of Forge's KVS rates.
process.env.FAULTS_KVS_QUOTA = options['kvs-quota'];

const { cases } = await import('../tests/faults/cases/index.js');
const { line, runSuite } = await import('../tests/faults/suite.js');
let selected = options.quick ? cases.filter((c) => c.quick) : cases;
if (options.only) {
  const pattern = options.only.toLowerCase();
  selected = selected.filter((c) => `${c.family} ${c.name}`.toLowerCase().includes(pattern));
}
if (selected.length === 0) {
  console.error(`No case matches${options.only ? ` "${options.only}"` : ''}. Case names are listed in tests/faults/cases/.`);
  process.exit(2);
}

// Ctrl-C still runs the exit hooks that stop the simulators; runtime children leave with their parent.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

const started = performance.now();
console.log(`Fault suite: ${selected.length} cases, preset small, ${jobs} job(s)`);
const { summary, ok } = await runSuite(selected, { jobs, onResult: (result) => console.log(line(result)) });
console.log(`time ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(summary);
process.exit(ok ? 0 : 1);
