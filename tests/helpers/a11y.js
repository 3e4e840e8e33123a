// axe-core with the WCAG 2.2 AA rule set over the whole window, the app's iframe and any modal
// included; a test fails on any violation, naming the rule and the elements.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function assertAccessible(page, state) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' > ')).join(' | ')}`);
  assert.deepEqual(found, [], `axe WCAG 2.2 AA violations in the state "${state}"`);
}
