/** True for an IANA zone name the runtime knows (Asia/Shanghai, America/New_York, UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The date, time and weekday of `at` in the zone. One Intl formatter per zone, kept: building one
 * (or dayjs's tz()) costs ~0.5 ms a call, and every report message and schedule reply needs this.
 */
function zoneParts(at: Date, tz: string): Record<string, string> {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formats.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of f.formatToParts(at)) p[type] = value;
  return p;
}

/** "YYYY-MM-DD HH:mm" in the zone. */
export function localDateTime(at: Date, tz: string): string {
  const p = zoneParts(at, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-11-30 10:00 (Mon) Asia/Shanghai" */
export function formatInZone(at: Date, tz: string): string {
  return `${localDateTime(at, tz)} (${zoneParts(at, tz).weekday}) ${tz}`;
}
