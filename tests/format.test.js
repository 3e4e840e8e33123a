// The admin page's one format for dates, numbers and durations: the Forge context's locale and
// time zone, relative times where they help.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatter } from '../static/admin/src/format.js';

const at = Date.UTC(2026, 11, 3, 23, 30);

test("dates follow the context's time zone and locale", () => {
  assert.match(formatter({ locale: 'en-US', timezone: 'UTC' }).dateTime(at), /Dec 3, 2026.*11:30/);
  // Half past midnight the next day in Oslo, in Norwegian.
  assert.match(formatter({ locale: 'nb_NO', timezone: 'Europe/Oslo' }).dateTime(at), /4\. des\. 2026.*00:30/);
  assert.equal(formatter({}).dateTime(undefined), '–');
});

test('numbers are grouped as the locale groups them', () => {
  assert.equal(formatter({ locale: 'en-US' }).number(236916), '236,916');
  assert.equal(formatter({ locale: 'de-DE' }).number(236916), '236.916');
});

test('relative times round to the largest unit that fits', () => {
  const fmt = formatter({ locale: 'en-US', timezone: 'UTC' });
  assert.equal(fmt.relative(at + 42 * 60_000, at), 'in 42 minutes');
  assert.equal(fmt.relative(at - 3 * 3_600_000, at), '3 hours ago');
  assert.equal(fmt.relative(at + 12 * 86_400_000 - 3_600_000, at), 'in 12 days');
});

test('durations in seconds, then minutes and seconds', () => {
  const fmt = formatter({ locale: 'en-US' });
  assert.equal(fmt.duration(42_000), '42 sec');
  assert.equal(fmt.duration(125_000), '2 min 5 sec');
  assert.equal(fmt.duration(Number.NaN), '–');
});
