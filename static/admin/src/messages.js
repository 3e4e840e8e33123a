// What the Sync section says when a run has ended, from its report.
import { outcomeOf, totals } from './report.js';

export function finishedMessage(last, fmt) {
  const t = totals(last);
  const counts = `${fmt.number(t.read)} objects read: ${fmt.number(t.created)} created, ${fmt.number(t.updated)} updated, ${fmt.number(t.unchanged)} unchanged, ${fmt.number(t.retired)} retired, in ${fmt.duration(last.endedMs - last.startedMs)}.`;
  const outcome = outcomeOf(last.outcome).text;
  if (last.outcome === 'dryRun') {
    const found = `${fmt.number(t.read)} objects read: ${fmt.number(t.toCreate)} to create, ${fmt.number(t.toUpdate)} to update, ${fmt.number(t.unchanged)} unchanged, ${fmt.number(t.toRetire)} to retire; nothing written.`;
    return { appearance: 'success', outcome: 'ok', title: `Dry run finished. ${found}` };
  }
  if (last.outcome === 'succeeded') return { appearance: 'success', outcome: 'ok', title: `Sync finished. ${counts}` };
  if (last.outcome === 'completedWithProblems') return { appearance: 'warning', outcome: 'problems', title: `${outcome}. ${counts}`, body: 'The run log below names each problem and its fix.' };
  const reason = last.errors?.[0]?.message ?? 'See the run log.';
  // What it read apart from what Assets confirmed it wrote.
  const done = `Read ${fmt.number(t.read)} objects (${fmt.number(t.toCreate)} new, ${fmt.number(t.toUpdate)} changed, ${fmt.number(t.toRetire)} gone); written: ${fmt.number(t.created)} created, ${fmt.number(t.updated)} updated, ${fmt.number(t.retired)} retired.`;
  return { appearance: last.outcome === 'cancelled' ? 'information' : 'error', outcome: last.outcome, title: `Sync ${outcome.toLowerCase()}.`, body: `${reason} ${done}` };
}
