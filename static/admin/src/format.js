// Dates, numbers and durations in the user's locale and time zone (from the Forge context), one
// format everywhere on the page.
export function formatter({ locale, timezone } = {}) {
  const tag = (locale || 'en-US').replace('_', '-');
  const timeZone = timezone || undefined;
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone });
  const number = new Intl.NumberFormat(tag);
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const UNITS = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  return {
    dateTime: (ms) => (Number.isFinite(ms) ? dateTime.format(ms) : '–'),
    date: (ms) => (Number.isFinite(ms) ? date.format(ms) : '–'),
    number: (n) => number.format(n ?? 0),
    /** "in 42 minutes", "3 hours ago". */
    relative(ms, now = Date.now()) {
      if (!Number.isFinite(ms)) return '';
      const delta = ms - now;
      const [unit, size] = UNITS.find(([, size]) => Math.abs(delta) >= size) ?? UNITS[UNITS.length - 1];
      return relative.format(Math.round(delta / size), unit);
    },
    duration(ms) {
      if (!(ms >= 0)) return '–';
      const s = Math.round(ms / 1000);
      const unit = (value, name) => new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
      return s < 60 ? unit(s, 'second') : `${unit(Math.floor(s / 60), 'minute')} ${unit(s % 60, 'second')}`;
    },
  };
}
