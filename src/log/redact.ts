/**
 * Every secret the process knows (AppSecret, Slack tokens, signing secret, each access_token
 * it fetched) is registered here, and every log line and user-facing error passes through
 * `redact` on its way out. Patterns catch tokens in URLs even before they are registered.
 */
const fixedSecrets = new Set<string>();
const rotatingSecrets: string[] = [];
const MAX_ROTATING = 64;

const PATTERNS: RegExp[] = [
  /(access_token|secret|appsecret|token)=([^&\s"'\\]+)/gi,
  /\bxox[abposr]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
];

/** A long-lived secret from configuration. Too-short values are ignored (they would redact ordinary words). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) fixedSecrets.add(value);
}

/** A short-lived secret such as an access_token; only the most recent ones are kept. */
export function registerRotatingSecret(value: string): void {
  if (value.length < 8 || rotatingSecrets.includes(value)) return;
  rotatingSecrets.push(value);
  if (rotatingSecrets.length > MAX_ROTATING) rotatingSecrets.shift();
}

export function redact(text: string): string {
  let out = text;
  for (const s of fixedSecrets) out = out.split(s).join('[REDACTED]');
  for (const s of rotatingSecrets) out = out.split(s).join('[REDACTED]');
  for (const p of PATTERNS) {
    out = out.replace(p, (m: string, key?: string) => (key && m.includes('=') ? `${key}=[REDACTED]` : '[REDACTED]'));
  }
  return out;
}
