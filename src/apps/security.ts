import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../log';
import type { SecurityKeys, SecuritySettingNames } from '../wechat/security';

/** A failed read's reason ("ENOENT: no such file or directory, open …"). */
function readProblem(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
}

/** One mini program's API security settings as configured, before anything is read. */
export interface SecuritySource {
  appid: string;
  /** Base64 of the 32-byte symmetric key (the value, not where it is). */
  symKey?: string;
  symSn?: string;
  privateKeyFile?: string;
  certs?: { sn: string; file: string }[];
  names: SecuritySettingNames;
  /** Relative files are read from here (the apps file's folder); the working directory otherwise. */
  baseDir?: string;
}

export type SecurityRead = { ok: true; keys: SecurityKeys; warnings: string[] } | { ok: false; problems: string[] };

/** A platform certificate's number as the console shows it (hex, 32 characters there). */
export const SN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** `SN:path.pem[,SN:path.pem]` (WECHAT_SECURITY_CERTS); the path may itself hold a colon. */
export function parseCertList(text: string): { sn: string; file: string }[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: { sn: string; file: string }[] = [];
  for (const item of items) {
    const i = item.indexOf(':');
    if (i <= 0) return undefined;
    const sn = item.slice(0, i).trim();
    const file = item.slice(i + 1).trim();
    if (!SN_PATTERN.test(sn) || !file) return undefined;
    out.push({ sn, file });
  }
  return out.length > 0 ? out : undefined;
}

/** The 32 bytes of a base64 key, or undefined when it is not base64 of exactly 32 bytes. */
export function symKeyBytes(b64: string): Buffer | undefined {
  const t = b64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  const key = Buffer.from(t, 'base64');
  return key.length === 32 ? key : undefined;
}

/** A PEM (PKCS#1 or PKCS#8), or the bare base64 of its DER as some tools save it. */
function privateKeyFrom(bytes: Buffer): KeyObject {
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN')) return createPrivateKey(text);
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

function certificateFrom(bytes: Buffer): X509Certificate {
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN') || !/^[A-Za-z0-9+/=\s]+$/.test(text)) return new X509Certificate(bytes);
  return new X509Certificate(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
}

/** Every form of the private key a log line could carry, for the redactor. */
function registerKeyText(bytes: Buffer, key: KeyObject): void {
  for (const line of bytes.toString('utf8').split(/\r?\n/)) if (!line.startsWith('-----')) registerSecret(line.trim());
  registerSecret(bytes.toString('utf8').trim());
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  registerSecret(pkcs8.toString('base64'));
  const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  for (const line of pem.split('\n')) if (!line.startsWith('-----')) registerSecret(line.trim());
  registerSecret(pem.trim());
}

/**
 * Reads and checks one mini program's key material: the symmetric key (base64 of 32 bytes), the
 * app's RSA private key and the platform certificates (RSA). Problems name the setting to fix; the
 * secrets are registered with the log redactor.
 */
export function readSecurity(src: SecuritySource, now: Date = new Date()): SecurityRead {
  const problems: string[] = [];
  const warnings: string[] = [];
  const n = src.names;
  const where = (file: string) => (src.baseDir ? path.resolve(src.baseDir, file) : path.resolve(file));

  let symKey: Buffer | undefined;
  if (!src.symKey) problems.push(`${n.symKey} is required for API security mode`);
  else {
    registerSecret(src.symKey.trim());
    symKey = symKeyBytes(src.symKey);
    if (!symKey) problems.push(`${n.symKey} must be the base64 of a 32-byte key, as the admin console's "API 对称密钥" gives it`);
    else {
      registerSecret(symKey.toString('hex'));
      registerSecret(symKey.toString('base64url'));
    }
  }
  if (!src.symSn) problems.push(`${n.symSn} is required for API security mode: the symmetric key's number in the admin console`);
  else if (!SN_PATTERN.test(src.symSn))
    problems.push(`${n.symSn} must be the key's number as the admin console shows it (letters and digits)`);

  let privateKey: KeyObject | undefined;
  if (!src.privateKeyFile) problems.push(`${n.privateKey} is required for API security mode: the app's RSA private key (PEM)`);
  else {
    const file = where(src.privateKeyFile);
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      problems.push(`${n.privateKey} ${file} cannot be read: ${readProblem(e)}`);
    }
    if (bytes) {
      try {
        const key = privateKeyFrom(bytes);
        registerKeyText(bytes, key);
        if (key.asymmetricKeyType !== 'rsa') {
          problems.push(
            `${n.privateKey} ${file} is a ${key.asymmetricKeyType ?? 'non-RSA'} key: this bot signs with RSAwithSHA256, so choose RSA for the API security keys in the admin console`,
          );
        } else if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
          // RSA-PSS with SHA-256 and a 32-byte salt needs at least 528 bits; WeChat's console issues 2048.
          problems.push(
            `${n.privateKey} ${file} is a ${key.asymmetricKeyDetails?.modulusLength ?? '?'}-bit RSA key: use the 2048-bit key the admin console gave you`,
          );
        } else privateKey = key;
      } catch {
        problems.push(
          `${n.privateKey} ${file} is not a private key in PEM (PKCS#1 or PKCS#8): use the private key file the admin console gave you`,
        );
      }
    }
  }

  const certs = new Map<string, KeyObject>();
  if (!src.certs || src.certs.length === 0) {
    problems.push(`${n.certs} is required for API security mode: the platform certificate(s) as <number>:<file.pem>`);
  }
  for (const { sn, file: rel } of src.certs ?? []) {
    const file = where(rel);
    if (certs.has(sn)) problems.push(`${n.certs} names certificate ${sn} twice`);
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      problems.push(`${n.certs}: certificate ${sn}'s file ${file} cannot be read: ${readProblem(e)}`);
    }
    if (!bytes) continue;
    let cert: X509Certificate;
    try {
      cert = certificateFrom(bytes);
    } catch {
      problems.push(
        `${n.certs}: certificate ${sn}'s file ${file} is not an X.509 certificate (PEM): download the platform certificate from the admin console`,
      );
      continue;
    }
    if (cert.publicKey.asymmetricKeyType !== 'rsa') {
      problems.push(`${n.certs}: certificate ${sn} (${file}) holds no RSA key: this bot verifies RSAwithSHA256 signatures only`);
      continue;
    }
    if (Date.parse(cert.validTo) < now.getTime()) {
      warnings.push(
        `${n.certs}: platform certificate ${sn} (${file}) expired on ${new Date(cert.validTo).toISOString()}; download the current one from the admin console`,
      );
    }
    certs.set(sn.toLowerCase(), cert.publicKey);
  }

  if (problems.length > 0 || !symKey || !privateKey || !src.symSn) return { ok: false, problems };
  return { ok: true, warnings, keys: { appid: src.appid, symKey, symSn: src.symSn, privateKey, certs, names: n } };
}

/** The setting names of a mini program of WECHAT_APPS_FILE. */
export function appSettingNames(app: string, symKeyEnv: string): SecuritySettingNames {
  return {
    symKey: `${symKeyEnv} (apps.${app}.security.sym_key_env)`,
    symSn: `apps.${app}.security.sym_sn`,
    privateKey: `apps.${app}.security.private_key_file`,
    certs: `apps.${app}.security.certs`,
  };
}
