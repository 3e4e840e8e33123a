// Every fault case, family by family; each family file is a list of plain case definitions.
import assets from './assets.js';
import auth from './auth.js';
import concurrency from './concurrency.js';
import delta from './delta.js';
import kill from './kill.js';
import kvs from './kvs.js';
import settings from './settings.js';
import throttling from './throttling.js';
import transport from './transport.js';

const families = { kill, throttling, transport, auth, assets, delta, kvs, concurrency, settings };

export const cases = Object.entries(families).flatMap(([family, list]) => list.map((c) => ({ ...c, family })));
