// A simulated dip: the simulator's counts on one day multiplied by a factor, so an alert has
// something real to fire on (tests, the demo, a sandbox bot). Set with WeChatSimulator.dip, the
// `dips` option, or the SANDBOX_DIP variable.

/** The variable the sandbox reads its dips from when none are given: `20170313:0.5`, comma-separated for more. */
export const SANDBOX_DIP = 'SANDBOX_DIP';

/** The day 'yesterday' stands for: the last complete day in China at the time of each request. */
export const YESTERDAY = 'yesterday';

/** The largest factor taken (a factor above 1 is a spike). */
export const MAX_DIP_FACTOR = 100;

/** A dip's day as the simulator keys it: YYYYMMDD, or 'yesterday'. */
export type DipDay = string;

/** YYYYMMDD, YYYY-MM-DD (a real calendar date) or 'yesterday' -> the key; undefined when it is none of these. */
export function dipDay(text: string): DipDay | undefined {
  const s = text.trim();
  if (s.toLowerCase() === YESTERDAY) return YESTERDAY;
  const digits = /^\d{4}-\d{2}-\d{2}$/.test(s) ? s.replace(/-/g, '') : s;
  if (!/^\d{8}$/.test(digits)) return undefined;
  const [y, m, d] = [+digits.slice(0, 4), +digits.slice(4, 6), +digits.slice(6, 8)];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? digits : undefined;
}

export function validFactor(f: number): boolean {
  return Number.isFinite(f) && f >= 0 && f <= MAX_DIP_FACTOR;
}

const USAGE = `DAY:FACTOR[,DAY:FACTOR...] such as 20170313:0.5 (DAY: YYYYMMDD, YYYY-MM-DD or ${YESTERDAY}; FACTOR: 0 to ${MAX_DIP_FACTOR})`;

/**
 * `20170313:0.5,yesterday:0.3` -> { '20170313': 0.5, yesterday: 0.3 }. Throws an Error naming
 * `variable` and the part it could not read.
 */
export function parseDips(text: string, variable = SANDBOX_DIP): Record<DipDay, number> {
  const out: Record<DipDay, number> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const at = part.lastIndexOf(':');
    const day = at < 0 ? undefined : dipDay(part.slice(0, at));
    const raw = at < 0 ? '' : part.slice(at + 1).trim();
    const factor = /^\d+(\.\d+)?$|^\.\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (day === undefined || !validFactor(factor)) throw new Error(`${variable} must be ${USAGE}; "${part}" is not`);
    if (day in out) throw new Error(`${variable} names ${day} twice`);
    out[day] = factor;
  }
  return out;
}

/** The dips of SANDBOX_DIP in `env`; none when it is unset or blank. */
export function dipsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<DipDay, number> {
  const text = env[SANDBOX_DIP];
  return text === undefined || text.trim() === '' ? {} : parseDips(text);
}
