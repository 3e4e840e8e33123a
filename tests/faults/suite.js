// Runs a list of cases on `jobs` simulators side by side and reports one line per case.
import { startSimulator } from '../../dev/simulator.js';
import { references, runCase } from './harness.js';

export const PRESET = 'small';

export function line(result) {
  const verdict = result.healed ? 'healed' : 'NOT HEALED';
  const extra = [...(result.lost.length ? [`lost ${result.lost.length}: ${result.lost.slice(0, 2).join(', ')}`] : []), ...(result.doubled.length ? [`doubled ${result.doubled.length}: ${result.doubled.slice(0, 2).join(', ')}`] : [])];
  // One line per case, whatever the messages hold (Graph error bodies can span lines).
  const seen = [...result.seen, ...extra].join('; ').replace(/\s+/g, ' ');
  return `${verdict.padEnd(10)} ${result.family.padEnd(11)} ${result.name} (${(result.ms / 1000).toFixed(1)} s) — ${seen}`;
}

export async function runSuite(cases, { jobs = 1, onResult = () => {} } = {}) {
  const reference = references(startSimulator, PRESET);
  const queue = [...cases];
  const results = [];
  async function worker() {
    const sim = await startSimulator({ preset: PRESET });
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = { ...(await runCase(sim, next, reference)), family: next.family };
        results.push(result);
        onResult(result);
      }
    } finally {
      await sim.stop();
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, cases.length)) }, worker));
  const healed = results.filter((r) => r.healed).length;
  const lost = results.reduce((n, r) => n + r.lost.length, 0);
  const doubled = results.reduce((n, r) => n + r.doubled.length, 0);
  return { results, summary: `${results.length} faults, ${healed} healed, ${lost} lost, ${doubled} doubled`, ok: healed === results.length && lost === 0 && doubled === 0 };
}
