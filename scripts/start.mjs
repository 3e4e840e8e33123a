// `npm start`: set-up, build, then the local demo.
import { build } from './build.mjs';
import { setup } from './setup.mjs';

await setup();
await build();
await import('../dev/cli.mjs');
