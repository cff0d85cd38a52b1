import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  aadOf,
  envelope,
  gcmOpen,
  gcmSeal,
  pssSign,
  pssVerify,
  randomNonce,
  type SecurityKeys,
  signedText,
  ENV_SETTING_NAMES,
} from '../wechat/security';
import { selfSignedCertificate } from './cert';

// The simulator's side of WeChat's API security mode: the app's public key to verify requests
// with, the symmetric key, and the platform's signing key and certificate (two during a rotation).

/** One platform signing key: its number in the "console", its key and its certificate. */
export interface PlatformSigner {
  sn: string;
  privateKey: KeyObject;
  certPem: string;
}

export interface SimulatorSecurityOptions {
  /** Refuse plain analytics calls (errcode 40233), as WeChat does once API security is on. Default true. */
  enforce?: boolean;
  /** The mini programs whose calls must be secured; the simulator's own by default. */
  appids?: string[];
  /** The key material; each part absent is generated. */
  symKey?: Buffer;
  symSn?: string;
  /** The app's private key (its public key verifies requests; the private one is handed to clients in tests and the sandbox). */
  appPrivateKey?: KeyObject;
  /** Current first; a second one means a rotation is under way (it signs as the deprecated one). */
  platform?: PlatformSigner[];
  /**
   * The base URL the signatures cover, as WeChat behind a reverse proxy sees its own
   * (`https://api.weixin.qq.com`); the simulator's own URL by default.
   */
  publicUrl?: string;
}

/** How the sandbox's key material is laid out in a folder (SANDBOX_SECURITY=1). */
export interface SandboxSecurityFiles {
  dir: string;
  /** The four settings, ready to copy (`set -a; . <envFile>`). */
  envFile: string;
  privateKeyFile: string;
  certFiles: { sn: string; file: string }[];
  symSn: string;
}

/** A failure to refuse the call with, as WeChat's gateway answers: `{errcode, errmsg}`, unsigned. */
export type Refusal = { errcode: number; errmsg: string };

const hex = (n: number) => randomBytes(n).toString('hex');

function newPlatformSigner(now: Date): PlatformSigner {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certPem = selfSignedCertificate({
    publicKey,
    privateKey,
    commonName: 'WeChat sandbox platform',
    organization: 'WeChat sandbox',
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
  });
  return { sn: hex(16), privateKey, certPem };
}

export class SimulatorSecurity {
  enforce: boolean;
  readonly appids: Set<string>;
  readonly symKey: Buffer;
  readonly symSn: string;
  readonly appPrivateKey: KeyObject;
  readonly appPublicKey: KeyObject;
  readonly publicUrl: string | undefined;
  private signers: PlatformSigner[];

  constructor(
    defaultAppid: string,
    o: SimulatorSecurityOptions,
    private readonly now: () => Date,
  ) {
    this.enforce = o.enforce ?? true;
    this.appids = new Set(o.appids ?? [defaultAppid]);
    this.symKey = o.symKey ?? randomBytes(32);
    this.symSn = o.symSn ?? hex(16);
    this.appPrivateKey = o.appPrivateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.appPublicKey = createPublicKey(this.appPrivateKey);
    this.signers = o.platform?.length ? [...o.platform] : [newPlatformSigner(now())];
    this.publicUrl = o.publicUrl?.replace(/\/+$/, '');
  }

  /** The certificate answers are signed with now (Wechatmp-Serial). */
  get current(): PlatformSigner {
    return this.signers[0];
  }

  /** The certificate being retired during a rotation (Wechatmp-Serial-Deprecated). */
  get deprecated(): PlatformSigner | undefined {
    return this.signers[1];
  }

  /** Starts a certificate rotation: a new certificate signs, the old one signs too, as the deprecated one. */
  rotate(next: PlatformSigner = newPlatformSigner(this.now())): PlatformSigner {
    this.signers = [next, this.signers[0]];
    return next;
  }

  /** Ends the rotation: the retired certificate no longer signs. */
  finishRotation(): void {
    this.signers = [this.signers[0]];
  }

  /** What a client of `appid` needs, with these platform certificates (all that sign now, by default). */
  clientKeys(appid: string, certs: PlatformSigner[] = this.signers): SecurityKeys {
    return {
      appid,
      symKey: this.symKey,
      symSn: this.symSn,
      privateKey: this.appPrivateKey,
      certs: new Map(certs.map((c) => [c.sn, new X509Certificate(c.certPem).publicKey])),
      names: ENV_SETTING_NAMES,
    };
  }

  /** Whether `appid`'s analytics calls must be secured. */
  covers(appid: string): boolean {
    return this.appids.has(appid);
  }

  /**
   * A request as WeChat's gateway checks it: headers, the app, the timestamp (5 minutes), the
   * signature (PSS, salt 32), the decryption and the inner fields. Its plain body, or the refusal.
   */
  openRequest(
    urlpath: string,
    headers: Record<string, string | string[] | undefined>,
    raw: string,
    tokenAppid: string | undefined,
  ): { appid: string; body: Record<string, unknown> } | Refusal {
    const h = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const appid = h('wechatmp-appid');
    const ts = h('wechatmp-timestamp');
    const sig = h('wechatmp-signature');
    if (!appid) return { errcode: 40233, errmsg: 'API_Missing_Wechatmp_Appid (sandbox: API security is on for this API)' };
    if (!ts) return { errcode: 40231, errmsg: 'API_Missing_Wechatmp_Timestamp' };
    if (!sig) return { errcode: 40232, errmsg: 'API_Missing_Wechatmp_Signature' };
    if (!this.covers(appid)) return { errcode: 40238, errmsg: 'API_NoExist_DevSecretSym' };
    if (tokenAppid !== undefined && tokenAppid !== appid) return { errcode: 40237, errmsg: 'API_Invalid_Wechatmp_Appidmatch' };
    const nowSec = Math.floor(this.now().getTime() / 1000);
    if (!/^\d+$/.test(ts) || Math.abs(Number(ts) - nowSec) > 300) return { errcode: 40240, errmsg: 'API_Expired_Wechatmp_Timestamp' };
    if (!pssVerify(this.appPublicKey, signedText(urlpath, appid, ts, raw), sig, 32)) {
      return { errcode: 40234, errmsg: 'API_Invalid_Signature (sandbox)' };
    }
    let inner: Record<string, unknown>;
    try {
      const env = JSON.parse(raw) as Record<string, string>;
      const text = gcmOpen(
        this.symKey,
        Buffer.from(env.iv, 'base64'),
        Buffer.from(env.data, 'base64'),
        Buffer.from(env.authtag, 'base64'),
        aadOf(urlpath, appid, ts, this.symSn),
      );
      inner = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { errcode: 40235, errmsg: 'API_Invalid_Encrypt' };
    }
    const { _n, _appid, _timestamp, ...body } = inner;
    if (_appid !== appid || Number(_timestamp) !== Number(ts) || typeof _n !== 'string') {
      return { errcode: 40235, errmsg: 'API_Invalid_Encrypt (inner fields)' };
    }
    return { appid, body };
  }

  /** An answer encrypted and signed as WeChat's: the body and its Wechatmp-* headers, twisted by `fault`. */
  sealAnswer(urlpath: string, appid: string, answer: object, fault?: SecurityFault): { body: string; headers: Record<string, string> } {
    const nowSec = Math.floor(this.now().getTime() / 1000);
    const ts = fault?.type === 'stale_timestamp' ? nowSec - (fault.seconds ?? 600) : nowSec;
    const key = fault?.type === 'wrong_key' ? randomBytes(32) : this.symKey;
    const innerAppid = fault?.type === 'wrong_appid' ? 'wx0000000000other' : appid;
    const iv = randomBytes(12);
    const plaintext = JSON.stringify({ _n: randomNonce(), _appid: innerAppid, _timestamp: ts, ...answer });
    let body = envelope(iv, gcmSeal(key, iv, plaintext, aadOf(urlpath, appid, ts, this.symSn)));
    const text = signedText(urlpath, appid, ts, body);
    const signature = (s: PlatformSigner) => {
      const b64 = pssSign(s.privateKey, text);
      if (fault?.type !== 'tamper_signature') return b64;
      const bytes = Buffer.from(b64, 'base64');
      bytes[bytes.length >> 1] ^= 0x01;
      return bytes.toString('base64');
    };
    const headers: Record<string, string> = {
      'Wechatmp-Appid': appid,
      'Wechatmp-TimeStamp': String(ts),
      'Wechatmp-Serial': fault?.type === 'unknown_serial' ? hex(16) : this.current.sn,
      'Wechatmp-Signature': signature(this.current),
    };
    const old = this.deprecated;
    if (old && fault?.type !== 'unknown_serial') {
      headers['Wechatmp-Serial-Deprecated'] = old.sn;
      headers['Wechatmp-Signature-Deprecated'] = signature(old);
    }
    if (fault?.type === 'tamper_answer') body = body.replace(/"data":"(.)/, (_m, c: string) => `"data":"${c === 'A' ? 'B' : 'A'}`);
    return { body, headers };
  }

  /** Writes the key material the way an operator would keep it, with the four settings in `sandbox.env`. */
  writeFiles(dir: string): SandboxSecurityFiles {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const privateKeyFile = path.join(dir, 'app-private-key.pem');
    writeFileSync(privateKeyFile, this.appPrivateKey.export({ format: 'pem', type: 'pkcs1' }), { mode: 0o600 });
    writeFileSync(path.join(dir, 'app-public-key.pem'), this.appPublicKey.export({ format: 'pem', type: 'spki' }));
    writeFileSync(path.join(dir, 'sym-key.txt'), `${this.symKey.toString('base64')}\n`, { mode: 0o600 });
    writeFileSync(path.join(dir, 'sym-sn.txt'), `${this.symSn}\n`);
    const certFiles = this.signers.map((s) => {
      const file = path.join(dir, `platform-${s.sn}.pem`);
      writeFileSync(file, s.certPem);
      writeFileSync(path.join(dir, `platform-${s.sn}.key.pem`), s.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      return { sn: s.sn, file };
    });
    const envFile = path.join(dir, 'sandbox.env');
    writeFileSync(
      envFile,
      [
        "# The sandbox's API security settings (SANDBOX_SECURITY=1): the same four a real mini program takes.",
        `WECHAT_SECURITY_SYM_KEY=${this.symKey.toString('base64')}`,
        `WECHAT_SECURITY_SYM_SN=${this.symSn}`,
        `WECHAT_SECURITY_PRIVATE_KEY_FILE=${privateKeyFile}`,
        `WECHAT_SECURITY_CERTS=${certFiles.map((c) => `${c.sn}:${c.file}`).join(',')}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return { dir, envFile, privateKeyFile, certFiles, symSn: this.symSn };
  }

  /** The key material kept in `dir` by writeFiles, if it is there (the current certificate only). */
  static readFiles(dir: string): SimulatorSecurityOptions | undefined {
    const f = (name: string) => path.join(dir, name);
    if (!existsSync(f('app-private-key.pem')) || !existsSync(f('sym-key.txt')) || !existsSync(f('sym-sn.txt'))) return undefined;
    const certs = readdirSync(dir)
      .map((n) => n.match(/^platform-([A-Za-z0-9]+)\.pem$/)?.[1])
      .filter((sn): sn is string => sn !== undefined && existsSync(f(`platform-${sn}.key.pem`)));
    if (certs.length === 0) return undefined;
    const sn = certs[0];
    return {
      appPrivateKey: createPrivateKey(readFileSync(f('app-private-key.pem'))),
      symKey: Buffer.from(readFileSync(f('sym-key.txt'), 'utf8').trim(), 'base64'),
      symSn: readFileSync(f('sym-sn.txt'), 'utf8').trim(),
      platform: [
        {
          sn,
          certPem: readFileSync(f(`platform-${sn}.pem`), 'utf8'),
          privateKey: createPrivateKey(readFileSync(f(`platform-${sn}.key.pem`))),
        },
      ],
    };
  }
}

/** Answers that fail verification in each way WeChat's client must catch. */
export type SecurityFault =
  /** One bit of the signature flipped. */
  | { type: 'tamper_signature' }
  /** The body changed after signing. */
  | { type: 'tamper_answer' }
  /** Signed, but Wechatmp-Serial names a certificate nobody configured. */
  | { type: 'unknown_serial' }
  /** Signed and encrypted correctly, `seconds` (default 600) in the past. */
  | { type: 'stale_timestamp'; seconds?: number }
  /** Encrypted with another key (the signature is good). */
  | { type: 'wrong_key' }
  /** _appid inside is another mini program's. */
  | { type: 'wrong_appid' }
  /** The plain answer, with no signature at all. */
  | { type: 'unsigned' };
