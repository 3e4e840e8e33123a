// What the page reads out of a run report: totals over its data sets, and its outcome's words.
export function totals(report) {
  // created/updated/retired: what Assets confirmed; toCreate/toUpdate/toRetire: what the run found.
  const sum = { created: 0, updated: 0, unchanged: 0, retired: 0, read: 0, toCreate: 0, toUpdate: 0, toRetire: 0 };
  for (const dataset of report?.datasets ?? []) for (const counts of Object.values(dataset.objects ?? {})) for (const k of Object.keys(sum)) sum[k] += counts[k] ?? 0;
  return sum;
}

// "completedWithProblems" is the outcome the issue "Never silently wrong" adds; shown once it exists.
export const OUTCOMES = {
  succeeded: { text: 'Succeeded', appearance: 'success' },
  completedWithProblems: { text: 'Completed with problems', appearance: 'moved' },
  dryRun: { text: 'Dry run', appearance: 'new' },
  failed: { text: 'Failed', appearance: 'removed' },
  cancelled: { text: 'Cancelled', appearance: 'default' },
};

export const outcomeOf = (key) => OUTCOMES[key] ?? { text: key, appearance: 'default' };
