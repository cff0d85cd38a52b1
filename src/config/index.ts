import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { isTimeZone } from '../calendar/time-zone';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optional = (s: z.ZodString) => s.optional();

/** A key number in the admin console (32 hex characters there). */
const SN = /^[A-Za-z0-9_-]{1,64}$/;

/** Base64 of exactly 32 bytes. */
function isSymKey(v: string): boolean {
  const t = v.trim();
  return /^[A-Za-z0-9+/]+={0,2}$/.test(t) && t.length % 4 === 0 && Buffer.from(t, 'base64').length === 32;
}

const schema = z
  .object({
    SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-')),
    SLACK_SIGNING_SECRET: optional(z.string().min(8, 'looks too short for a signing secret')),
    SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-')),
    SLACK_API_URL: optional(z.string().url('must be a URL such as https://slack.com/api/')),
    PORT: z.coerce.number().int('must be a whole number').min(0, 'must be 0..65535').max(65535, 'must be 0..65535').default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    WECHAT_APPID: optional(z.string().regex(/^wx[0-9a-zA-Z]{8,32}$/, 'must be a mini program AppID such as wx1234567890abcdef')),
    WECHAT_SECRET: optional(z.string().min(8, 'looks too short for an AppSecret')),
    WECHAT_APP_NAME: optional(z.string().max(80, 'must be at most 80 characters')),
    WECHAT_APPS_FILE: optional(z.string().min(1)),
    SLACK_ALLOWED_CHANNELS: optional(
      z.string().regex(/^\s*[CGD][A-Z0-9]+(\s*,\s*[CGD][A-Z0-9]+)*\s*$/, 'must be comma-separated channel ids such as C012ABCDEF'),
    ),
    SLACK_ALLOWED_USERS: optional(
      z.string().regex(/^\s*[UW][A-Z0-9]+(\s*,\s*[UW][A-Z0-9]+)*\s*$/, 'must be comma-separated Slack user ids such as U012ABCDEF'),
    ),
    WECHAT_API_BASE_URL: z.string().url('must be a URL such as https://api.weixin.qq.com').default('https://api.weixin.qq.com'),
    WECHAT_TOKEN_MODE: z.enum(['stable', 'classic', 'external']).default('stable'),
    WECHAT_TOKEN_URL: optional(z.string().url('must be the URL of the central token service')),
    WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be at least 100').max(60_000, 'must be at most 60000').default(10_000),
    WECHAT_SECURITY_SYM_KEY: optional(
      z.string().refine((v) => isSymKey(v), 'must be the base64 of a 32-byte key, as the admin console\'s "API 对称密钥" gives it'),
    ),
    WECHAT_SECURITY_SYM_SN: optional(
      z.string().regex(SN, "must be the symmetric key's number as the admin console shows it (letters and digits)"),
    ),
    WECHAT_SECURITY_PRIVATE_KEY_FILE: optional(z.string().min(1)),
    WECHAT_SECURITY_CERTS: optional(
      z
        .string()
        .regex(
          /^\s*[A-Za-z0-9_-]{1,64}\s*:[^,]+(,\s*[A-Za-z0-9_-]{1,64}\s*:[^,]+)*,?\s*$/,
          'must be the platform certificates as <number>:<file.pem>, comma-separated (two during a rotation)',
        ),
    ),
    WECHAT_SECURITY_URL_BASE: optional(
      z
        .string()
        .url('must be the URL WeChat itself sees, such as https://api.weixin.qq.com')
        .refine(hostOnly, 'must be a scheme and host only, such as https://api.weixin.qq.com'),
    ),
    WECHAT_CALLS_PER_MINUTE: z.coerce.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000').default(600),
    REPORT_LANGUAGE: z.enum(['en', 'zh'], { message: 'must be en or zh' }).default('en'),
    REPORT_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    DATA_DIR: z.string().min(1).default('./data'),
    REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'may use letters, digits, _ . - only')
      .default('wxa'),
    SLACK_ADMIN_USERS: z
      .string()
      .regex(/^\s*[UW][A-Z0-9]+(\s*,\s*[UW][A-Z0-9]+)*\s*$/, 'must be comma-separated Slack user ids such as U012ABCDEF')
      .optional(),
    SCHEDULE_RETRY_MINUTES: z.coerce.number().positive('must be a positive number of minutes').default(30),
    SCHEDULE_RETRY_HOURS: z.coerce.number().positive('must be a positive number of hours').default(6),
    RENDER_THREADS: z.coerce.number().int().min(0, 'must be 0 (render in the main thread) or more').max(64).default(availableParallelism()),
    RENDER_CACHE_MB: z.coerce.number().min(0, 'must be 0 (no cache) or more').default(64),
    REPORT_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(256, 'must be at most 256').optional(),
    REPORT_TIMEOUT_MS: z.coerce.number().int().min(1000, 'must be at least 1000').max(600_000, 'must be at most 600000').default(90_000),
    SCHEDULER_LEASE_MS: z.coerce.number().int().min(500, 'must be at least 500').default(60_000),
    WXA_ROLE: z.enum(['all', 'web', 'worker'], { message: 'must be all, web (receive and enqueue) or worker (run jobs)' }).default('all'),
    JOB_THREADS: z.coerce.number().int().min(0, 'must be 0 (jobs on the main thread) or more').max(16, 'must be at most 16').default(1),
    JOB_LEASE_MS: z.coerce.number().int().min(1000, 'must be at least 1000').max(600_000, 'must be at most 600000').default(30_000),
    ALERT_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (China time), e.g. 10:30')
      .default('10:30'),
    ALERT_ANOMALY_K: z.coerce.number().min(1, 'must be at least 1').max(20, 'must be at most 20').default(4.5),
  })
  .superRefine((c, ctx) => {
    const need = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.WECHAT_APPID && c.WECHAT_TOKEN_MODE !== 'external' && !c.WECHAT_SECRET) {
      need('WECHAT_SECRET', 'is required when WECHAT_APPID is set (or set WECHAT_TOKEN_MODE=external)');
    }
    if (c.WXA_ROLE !== 'all' && !c.REDIS_URL) {
      need(
        'WXA_ROLE',
        `(${c.WXA_ROLE}) needs REDIS_URL: web and worker processes share their job queue on Redis (or leave WXA_ROLE unset)`,
      );
    }
    if (!c.WECHAT_APPID && c.WECHAT_SECRET) need('WECHAT_APPID', 'is required when WECHAT_SECRET is set');
    if (c.WECHAT_TOKEN_MODE === 'external' && !c.WECHAT_TOKEN_URL) need('WECHAT_TOKEN_URL', 'is required when WECHAT_TOKEN_MODE=external');
    if (c.WECHAT_TOKEN_MODE === 'external' && !c.WECHAT_APPID && !c.WECHAT_APPS_FILE)
      need('WECHAT_APPID', 'is required when WECHAT_TOKEN_MODE=external');
    // API security mode: on when the symmetric key is set, and then every part is needed.
    const parts = ['WECHAT_SECURITY_SYM_SN', 'WECHAT_SECURITY_PRIVATE_KEY_FILE', 'WECHAT_SECURITY_CERTS'] as const;
    if (c.WECHAT_SECURITY_SYM_KEY) {
      for (const p of parts) if (!c[p]) need(p, 'is required when WECHAT_SECURITY_SYM_KEY is set (API security mode)');
      if (c.WECHAT_APPS_FILE) {
        need(
          'WECHAT_SECURITY_SYM_KEY',
          "is for WECHAT_APPID's mini program: with WECHAT_APPS_FILE, give each mini program its security: fields",
        );
      } else if (!c.WECHAT_APPID) {
        need('WECHAT_SECURITY_SYM_KEY', 'needs WECHAT_APPID (the sandbox makes its own keys: SANDBOX_SECURITY=1)');
      }
    } else {
      // (WECHAT_SECURITY_URL_BASE also serves the mini programs of WECHAT_APPS_FILE.)
      for (const p of c.WECHAT_APPS_FILE ? parts : ([...parts, 'WECHAT_SECURITY_URL_BASE'] as const)) {
        if (c[p]) need('WECHAT_SECURITY_SYM_KEY', `is required when ${p} is set: API security mode is on when the symmetric key is set`);
      }
    }
  });

export type Config = z.infer<typeof schema>;

/** A URL with no path or query (https://api.weixin.qq.com); false for anything that is not a URL. */
function hostOnly(u: string): boolean {
  try {
    const url = new URL(u);
    return url.pathname === '/' && !url.search;
  } catch {
    return false;
  }
}

function idSet(v: string | undefined): Set<string> {
  return new Set(
    (v ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
  );
}

export function adminUsers(c: Config): Set<string> {
  return idSet(c.SLACK_ADMIN_USERS);
}

/** Who may use the bot where; undefined = everyone / every channel. */
export function accessLists(c: Config): { channels?: Set<string>; users?: Set<string> } {
  return {
    channels: c.SLACK_ALLOWED_CHANNELS ? idSet(c.SLACK_ALLOWED_CHANNELS) : undefined,
    users: c.SLACK_ALLOWED_USERS ? idSet(c.SLACK_ALLOWED_USERS) : undefined,
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What the caller is about to run: the bot needs Slack credentials, the CLI and demo do not. */
export type ConfigPurpose = 'bot' | 'cli';

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, purpose: ConfigPurpose): Config {
  // `NAME=` in a .env file means "not set", not "set to nothing".
  const r = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')));
  const problems: string[] = r.success
    ? []
    : r.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'configuration');
        return `${name} ${i.code === 'invalid_type' && env[name] === undefined ? 'is required' : i.message}`;
      });
  if (r.success && purpose === 'bot') {
    const c = r.data;
    if (!c.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN is required to start the bot (the xoxb- token from OAuth & Permissions)');
    if (!c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET && c.WXA_ROLE !== 'worker') {
      problems.push('SLACK_SIGNING_SECRET is required for the HTTP receiver (or set SLACK_APP_TOKEN to use Socket Mode)');
    }
  }
  if (problems.length > 0 || !r.success) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
  }
  return r.data;
}
