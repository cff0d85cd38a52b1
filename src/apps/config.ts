import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config';
import { errorText } from '../util/error-text';

const appSchema = z
  .object({
    appid: z.string().regex(/^wx[0-9a-zA-Z]{8,32}$/, 'must be a mini program AppID such as wx1234567890abcdef'),
    /** The NAME of the environment variable holding the AppSecret; never the secret itself. */
    secret_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable, e.g. SHOP_WECHAT_SECRET')
      .optional(),
    token_mode: z.enum(['stable', 'classic', 'external']).default('stable'),
    token_url: z.string().url().optional(),
    display_name: z.string().max(80).optional(),
    /** Channel ids allowed to see this app's reports; omitted = every channel. */
    channels: z.array(z.string().regex(/^[CGD][A-Z0-9]+$/, 'must be channel ids such as C012ABCDEF')).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    default: z.string().optional(),
    apps: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'app names are short: lowercase letters, digits, - and _'), appSchema),
  })
  .strict();

export interface AppSpec {
  name: string;
  appid: string;
  secret?: string;
  tokenMode: 'stable' | 'classic' | 'external';
  tokenUrl?: string;
  displayName: string;
  channels?: string[];
}

export interface AppsConfig {
  apps: AppSpec[];
  defaultApp?: string;
}

/** Reads WECHAT_APPS_FILE (JSON or YAML). Secrets come from the environment variables it names. */
export function loadAppsFile(file: string, env: NodeJS.ProcessEnv): AppsConfig {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`Invalid configuration:\n  - WECHAT_APPS_FILE ${file} cannot be read: ${errorText(e)}`);
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - WECHAT_APPS_FILE ${file}: ${i.path.join('.') || '(top level)'} ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const problems: string[] = [];
  const apps = Object.entries(r.data.apps).map(([name, a]): AppSpec => {
    const secret = a.secret_env ? env[a.secret_env] : undefined;
    if (a.token_mode !== 'external' && !a.secret_env) problems.push(`apps.${name}.secret_env is required for token_mode ${a.token_mode}`);
    else if (a.token_mode !== 'external' && !secret)
      problems.push(`apps.${name}.secret_env names ${a.secret_env}, which is not set in the environment`);
    if (a.token_mode === 'external' && !a.token_url) problems.push(`apps.${name}.token_url is required for token_mode external`);
    return {
      name,
      appid: a.appid,
      secret,
      tokenMode: a.token_mode,
      tokenUrl: a.token_url,
      displayName: a.display_name ?? name,
      channels: a.channels,
    };
  });
  if (apps.length === 0) problems.push('apps must list at least one mini program');
  if (r.data.default && !r.data.apps[r.data.default]) problems.push(`default names "${r.data.default}", which is not in apps`);
  if (problems.length)
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - WECHAT_APPS_FILE ${file}: ${p}`).join('\n')}`);
  return { apps, defaultApp: r.data.default };
}
