/** Relative times ("3 min ago") in the widget's language; the exact time goes in a `<time>` title. */

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60],
  ['hour', 3600],
  ['day', 86400],
  ['week', 604800],
];

/** "3 minutes ago" style text for an ISO date, or a plain date after four weeks. */
export function relativeTime(iso: string, lang: string, justNow: string, now = Date.now()): string {
  const secs = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (secs < 45) return justNow;
  if (secs > 28 * 86400) return new Date(iso).toLocaleDateString(lang, { year: 'numeric', month: 'short', day: 'numeric' });
  let unit: Intl.RelativeTimeFormatUnit = 'minute';
  let size = 60;
  for (const [u, s] of STEPS) if (secs >= s) [unit, size] = [u, s];
  try {
    return new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' }).format(
      -Math.max(1, Math.round(secs / size)),
      unit,
    );
  } catch {
    return new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' }).format(
      -Math.max(1, Math.round(secs / size)),
      unit,
    );
  }
}

/** The exact local time of an ISO date, for tooltips. */
export function exactTime(iso: string, lang: string): string {
  try {
    return new Date(iso).toLocaleString(lang, { dateStyle: 'long', timeStyle: 'short' });
  } catch {
    return new Date(iso).toLocaleString();
  }
}
