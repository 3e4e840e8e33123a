// What the Sync section says when a run has ended, from its report.
import { outcomeOf, totals } from './report.js';

export function finishedMessage(last, fmt) {
  const t = totals(last);
  const counts = `${fmt.number(t.read)} objects read: ${fmt.number(t.created)} created, ${fmt.number(t.updated)} updated, ${fmt.number(t.unchanged)} unchanged, ${fmt.number(t.retired)} retired, in ${fmt.duration(last.endedMs - last.startedMs)}.`;
  const outcome = outcomeOf(last.outcome).text;
  if (last.outcome === 'succeeded' || last.outcome === 'dryRun') return { appearance: 'success', outcome: 'ok', title: `Sync finished. ${counts}` };
  if (last.outcome === 'completedWithProblems') return { appearance: 'warning', outcome: 'problems', title: `${outcome}. ${counts}`, body: 'The run log below names each problem and its fix.' };
  const reason = last.errors?.[0]?.message ?? 'See the run log.';
  return { appearance: last.outcome === 'cancelled' ? 'information' : 'error', outcome: last.outcome, title: `Sync ${outcome.toLowerCase()}.`, body: reason };
}
