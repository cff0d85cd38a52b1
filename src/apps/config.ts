import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config';
import { errorText } from '../util/error-text';
import type { SecurityKeys } from '../wechat/security';
import { appSettingNames, parseCertList, readSecurity, SN_PATTERN } from './security';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** API security mode for one mini program: on when the section is given; every field is then needed. */
const securitySchema = z
  .object({
    /** The NAME of the environment variable holding the base64 symmetric key; never the key itself. */
    sym_key_env: z.string().regex(ENV_NAME, 'must name an environment variable, e.g. SHOP_WECHAT_SYM_KEY'),
    sym_sn: z.string().regex(SN_PATTERN, "must be the symmetric key's number as the admin console shows it"),
    /** The app's RSA private key (PEM); relative to the apps file's folder. */
    private_key_file: z.string().min(1),
    /** Platform certificates by number: `{ <number>: file.pem }`, or `<number>:file.pem[,…]` as in WECHAT_SECURITY_CERTS. */
    certs: z.union([
      z.record(z.string().regex(SN_PATTERN, 'certificate numbers are letters and digits'), z.string().min(1)),
      z.string().min(1),
    ]),
  })
  .strict();

const appSchema = z
  .object({
    appid: z.string().regex(/^wx[0-9a-zA-Z]{8,32}$/, 'must be a mini program AppID such as wx1234567890abcdef'),
    /** The NAME of the environment variable holding the AppSecret; never the secret itself. */
    secret_env: z.string().regex(ENV_NAME, 'must name an environment variable, e.g. SHOP_WECHAT_SECRET').optional(),
    token_mode: z.enum(['stable', 'classic', 'external']).default('stable'),
    token_url: z.string().url().optional(),
    display_name: z.string().max(80).optional(),
    /** Channel ids allowed to see this app's reports; omitted = every channel. */
    channels: z.array(z.string().regex(/^[CGD][A-Z0-9]+$/, 'must be channel ids such as C012ABCDEF')).optional(),
    /** API security mode (signed and encrypted calls); see README "API security mode". */
    security: securitySchema.optional(),
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
  /** API security mode's key material, read and checked; absent = plain calls. */
  security?: SecurityKeys;
  /** Things to tell the operator at start (a platform certificate that has expired). */
  warnings?: string[];
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
    let security: SecurityKeys | undefined;
    let warnings: string[] | undefined;
    if (a.security) {
      const s = a.security;
      const certs = typeof s.certs === 'string' ? parseCertList(s.certs) : Object.entries(s.certs).map(([sn, f]) => ({ sn, file: f }));
      if (!certs) problems.push(`apps.${name}.security.certs must be the platform certificates as <number>: <file.pem>`);
      else if (certs.length === 0) problems.push(`apps.${name}.security.certs must name at least one platform certificate`);
      const symKey = env[s.sym_key_env];
      if (!symKey) problems.push(`apps.${name}.security.sym_key_env names ${s.sym_key_env}, which is not set in the environment`);
      else if (certs && certs.length > 0) {
        const read = readSecurity({
          appid: a.appid,
          symKey,
          symSn: s.sym_sn,
          privateKeyFile: s.private_key_file,
          certs,
          names: appSettingNames(name, s.sym_key_env),
          baseDir: path.dirname(path.resolve(file)),
        });
        if (read.ok) {
          security = read.keys;
          warnings = read.warnings;
        } else problems.push(...read.problems);
      }
    }
    return {
      name,
      appid: a.appid,
      secret,
      tokenMode: a.token_mode,
      tokenUrl: a.token_url,
      displayName: a.display_name ?? name,
      channels: a.channels,
      security,
      warnings,
    };
  });
  if (apps.length === 0) problems.push('apps must list at least one mini program');
  if (r.data.default && !r.data.apps[r.data.default]) problems.push(`default names "${r.data.default}", which is not in apps`);
  if (problems.length)
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - WECHAT_APPS_FILE ${file}: ${p}`).join('\n')}`);
  return { apps, defaultApp: r.data.default };
}
