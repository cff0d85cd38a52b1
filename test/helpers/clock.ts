/** The next whole minute after now (plus a safety margin), as HH:MM and weekday in a time zone. */
export function nextMinute(tz: string, marginMs = 3000): { hhmm: string; weekday: string; at: Date } {
  const at = new Date(Math.ceil((Date.now() + marginMs) / 60_000) * 60_000);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'long',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { hhmm: `${get('hour')}:${get('minute')}`, weekday: get('weekday').toLowerCase(), at };
}
