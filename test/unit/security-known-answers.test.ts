import { constants, createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { WeChatError, WeChatSecurityError, errorFromErrcode } from '../../src/wechat/errors';
import {
  aadOf,
  ApiSecurity,
  ENV_SETTING_NAMES,
  gcmOpen,
  gcmSeal,
  pssVerify,
  type SecurityKeys,
  signedText,
  urlPathOf,
} from '../../src/wechat/security';

// The worked example of WeChat's guide "服务端 API 签名加密指南" (getuserriskrank), sections 3.1.2
// (encryption), 3.2.2 (request signature), 4.1.2 (answer signature) and 4.2.1 (answer decryption).

const GUIDE = {
  appid: 'wxba6223c06417af7b',
  urlpath: 'https://api.weixin.qq.com/wxa/getuserriskrank',
  symSn: 'fa05fe1e5bcc79b81ad5ad4b58acf787',
  symKey: 'otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=',
  request: {
    timestamp: 1635927954,
    iv: 'fmW/zNxXlytUZBgj',
    nonce: 'o89QaPVsRu1yppIZzvSZc4',
    original: { appid: 'wxba6223c06417af7b', openid: 'oEWzBfmdLqhFS2mTXCo2E4Y9gJAM', scene: 0, client_ip: '127.0.0.1' },
    plaintext:
      '{"_n":"o89QaPVsRu1yppIZzvSZc4","_appid":"wxba6223c06417af7b","_timestamp":1635927954,"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}',
    data: '0IDVdrPtSPF/Oe2CTXCV2vVNPbVJdJlP2WaTMQnoYLh5iCrrSNfQFh25EnStDMf0hLlVNBCZQtf9NaV0m4aRA4AAYIO7oR/Ge+4yY4EmZp5EVPB42xjScgMx5X3D4VdLCfynXIUKUtZHZvk1zmLVE3RauzJgiM1BB1CPmwcENo3MTJ0z8Vfkf5tMv54kOXobDLlV5rfqKdAX7gM/rP82DgZdt9vvZX44ipdbHIjJvw83ZXAFtvftdVw2Qd8=',
    authtag: '5qeM/2vZv+6KtScN94IpMg==',
    /** "原postdata总长度324，末尾无回车符". */
    body: '{"iv":"fmW/zNxXlytUZBgj","data":"0IDVdrPtSPF/Oe2CTXCV2vVNPbVJdJlP2WaTMQnoYLh5iCrrSNfQFh25EnStDMf0hLlVNBCZQtf9NaV0m4aRA4AAYIO7oR/Ge+4yY4EmZp5EVPB42xjScgMx5X3D4VdLCfynXIUKUtZHZvk1zmLVE3RauzJgiM1BB1CPmwcENo3MTJ0z8Vfkf5tMv54kOXobDLlV5rfqKdAX7gM/rP82DgZdt9vvZX44ipdbHIjJvw83ZXAFtvftdVw2Qd8=","authtag":"5qeM/2vZv+6KtScN94IpMg=="}',
    signature:
      'wcSSWHZunjz9VKl9q+If9deiyECXDAELfAJNZ4+5T+NhFr8zfhkwdQtlgQ7nN5xs99R57La9UjBTRBGge2KYyshWtw7HIMPAqWNsnpHvx0b2f7s6Bt7OpfOQLlIfNgepgTVmUwrqW8/7A12szj7tCe/bRFilwnaX6N0w4duHlfL7ic7IIZXouvy9dLRAa5GtEk1eD/LPWRiKh0SvJ3znPY/pSiQW9zSkXVdj9UGGM8qcKLzPGJ7gSmt3ZOPkFapk9wqFmhJwQj//xN5+hUlr2UiNPMNSHve5Y2ADLsNHqk5t7RfAZ8nW9/8lzhVt4t+toy1FeehxCGIC8qgmjIl1hg==',
  },
  answer: {
    timestamp: 1635927956,
    serial: '79ba700ea147819f640941bceb38b1d1',
    signature:
      'Ht0VfQkkEweJ4hU266C14Aj64H9AXfkwNi5zxUZETCvR2svU1ZYdosDhFX/voLj1TyszqKsVxAlENGt7PPZZ8RQX7jnA4SKhiPUhW4LTbyTenisHJ+ohSfDjYnXavjQsBHspFS+BlPHuSSJ2xyQzw1+HuC6nid09ZL4FnGSYo4OI5MJrSb9xLzIVZMIDuUQchGKi/KaB1KzxECLEZcfjqbAgmxC7qOmuBLyO1WkHYDM95NJrHJWba5xv4wrwPru9yYTJSNRnlM+zrW5w9pOubC4Jtj3szTAEuOz9AcqUmgaAvMLNAIa8hfODLRe3n/cu4SgYlN/ZkNRU4QXVNbPGMg==',
    deprecatedSerial: '2171af9cdf1d7404423852e7e183d852',
    deprecatedSignature:
      'ZP1OODikAOePc+YJUMLxunF6xV05kextO/T1fy5lWv/CwV6OCsPBRM2xRRCi+B4lYXbbfYDdjzCz5BIAWEwIdjMlg/IHcJVHhRNAlKt5A3zvzfaJa5IJQel7xuUEXk/B6KVyEb41PbzrptjUGqWyTFMrjxQ4ThJfCuYocnUng7OuDU95enMqK2hZpO8o7kFW638BAwKDSiFNEwEJDWYkLz0kEw7ma3keezm4YHYKfJmjChK39tmZld7Rw/yrV1U9RiL/DO5ayP9VmrQkT/vYrPKyqI4/xKrIaTq44jFYTPIJKdU2OnLt6kjqwp2hvCzMuJdjRcrvzhWJ2A8xZ5hI2w==',
    iv: 'r2WDQt56rEAmMuoR',
    data: 'HExs66Ik3el+iM4IpeQ7SMEN934FRLFYOd3EmeaIrpP4EPTHckoco6O+PaoRZRa3lqaPRZT7r52f7LUok6gLxc6cdR8C4vpIIfh4xfLC4L7FNy9GbuMK1hcoi8b7gkWJcwZMkuCFNEDmqn3T49oWzAQOrY4LZnnnykv6oUJotdAsnKvmoJkLK7hRh7M2B1d2UnTnRuoIyarXc5Iojwoghx4BOvnV',
    authtag: 'z2BFD8QctKXTuBlhICGOjQ==',
    /** "响应数据总长度292，末尾无回车符". */
    body: '{"iv":"r2WDQt56rEAmMuoR","data":"HExs66Ik3el+iM4IpeQ7SMEN934FRLFYOd3EmeaIrpP4EPTHckoco6O+PaoRZRa3lqaPRZT7r52f7LUok6gLxc6cdR8C4vpIIfh4xfLC4L7FNy9GbuMK1hcoi8b7gkWJcwZMkuCFNEDmqn3T49oWzAQOrY4LZnnnykv6oUJotdAsnKvmoJkLK7hRh7M2B1d2UnTnRuoIyarXc5Iojwoghx4BOvnV","authtag":"z2BFD8QctKXTuBlhICGOjQ=="}',
    /** hex(H0): SHA-256 of the string to sign. */
    h0: 'f797cafd9e323df336fb427569fbe67e20d5bc96dd68a3f54d66b54e6e08bb27',
    plaintext:
      '{"_n":"ShYZpqdVgY+yQVAxNSWhYg","_appid":"wxba6223c06417af7b","_timestamp":1635927956,"errcode":0,"errmsg":"getuserriskrank succ","risk_rank":0,"unoin_id":2258658297}',
    original: { errcode: 0, errmsg: 'getuserriskrank succ', risk_rank: 0, unoin_id: 2258658297 },
  },
  /** 3.2.2's private key (Sn 97845f6ed842ea860df6fdf65941ff56). */
  privateKeyPem: [
    '-----BEGIN RSA PRIVATE KEY-----',
    'MIIEowIBAAKCAQEA3FoQOmOl5/CF5hF7ta4EzCy2LaU3Eu2k9DBwQ73J82I53Sx9',
    'LAgM1DH3IsYohRRx/BESfbdDI2powvr6QYKVIC+4Yavwg7gzhZRxWWmT1HruEADC',
    'ZAgkUCu+9Il/9FPuitPSoIpBd07NqdkkRe82NBOfrKTdhge/5zd457fl7J81Q5VT',
    'IxO8vvq7FSw7k6Jtv+eOjR6SZOWbbUO7f9r4UuUkXmvdGv21qiqtaO1EMw4tUCEL',
    'zY73M7NpCH3RorlommYX3P6q0VrkDHrCE0/QMhmHsF+46E+IRcJ3wtEj3p/mO1Vo',
    'CpEhawC1U728ZUTwWNEii8hPEhcNAZTKaQMaTQIDAQABAoIBAQCXv5p/a5KcyYKc',
    '75tfgekh5wTLKIVmDqzT0evuauyCJTouO+4z/ZNAKuzEUO0kwPDCo8s1MpkU8boV',
    '1Ru1M8WZNePnt65aN+ebbaAl8FRzNvltoeg9VXIUmBvYcjzhOVAE4V2jW7M8A9QU',
    'zUpyswuED6OeFKfOHtYk2In2IipAqhfbyc6gn7uZSWTQsoO6hGBRQ7Ejx+vgwrbx',
    'ZKVZ7UXbPHD0lOEPraA3PH/QUeUKpNwK2NXQoBxWcR283/HxFSAjjSSsGSBKsCnw',
    'DN55P2FQ0HNi5YrwUNT9190NIXSeygaRy1b+D+yBfm+yE7/qXwHLZCHsjO+2tMSS',
    '3KGjllTBAoGBAP9FPeYNKZuu5jt9RpZwXCc9E7Iz7bmM7zws6dun6dQH0xVVWFVm',
    'iGIu07eqyB8HNagXseFzoXLV5EQx+3DaB0bAH+ZEpHGJJpAWSLusigssFUFuTvTF',
    'w+rC5hxOfidMa6+93SU5pWeJb0zJF8PRDaJ3UmwlwpYubF17sT4PD6p9AoGBANz7',
    'RlhRSFvggJjhEMpek3OIYWrrlRNO2MVcP7i/fGNTHhrw7OHcNGRof54QZ2Y0baL7',
    '1vHNokbK2mnT+cQXY/gXMmcE/eV4xyRGYiIL9nBdrkLerc43EYPv+evDvgyji6+y',
    '4np5cKqHrS8F+YzATk82Jt9HgdI2MvfbJTkSbmgRAoGAHNPL9rPb1An/VA6Ery6H',
    'KaM7Gy/EE+U3ixsjWbvvqxMrIkieDh7jHftdy2sM6Hwe8hmi6+vr+pTvD0h5tbfZ',
    'hILj11Q/Idc0NKdflVoZyMM0r0vuvLOsuVFDPUUb+AIoUxNk6vREmpmpqQk4ltN/',
    '763779yfyef6MuBqFrEKut0CgYB9FfsuuOv1nfINF7EybDCZAETsiee7ozEPHnWv',
    'dSzK6FytMV1VSBmcEI7UgUKWVu0MifOUsiq+WcsihmvmNLtQzoioSeoSP7ix7ulT',
    'jmP0HQMsNPI7PW67uVZFv2pPqy/Bx8dtPlqpHN3KNV6Z7q0lJ2j/kHGK9UUKidDb',
    'KnS2kQKBgHZ0cYzwh9YnmfXx9mimF57aQQ8aFc9yaeD5/3G2+a/FZcHtYzUdHQ7P',
    'PS35blD17/NnhunHhuqakbgarH/LIFMHITCVuGQT4xS34kFVjFVhiT3cHfWyBbJ6',
    'GbQuzzFxz/UKDDKf3/ON41k8UP20Gdvmv/+c6qQjKPayME81elus',
    '-----END RSA PRIVATE KEY-----',
    '',
  ].join('\n'),
  /** 4.1.2's platform certificate (Sn 79ba700ea147819f640941bceb38b1d1; X.509 serial 784F98…, not the Sn). */
  certPem: [
    '-----BEGIN CERTIFICATE-----',
    'MIID0jCCArqgAwIBAgIUeE+Yy7vM/o+eHHsfM+1bGJJEZTQwDQYJKoZIhvcNAQEL',
    'BQAwXjELMAkGA1UEBhMCQ04xEzARBgNVBAoTClRlbnBheS5jb20xHTAbBgNVBAsT',
    'FFRlbnBheS5jb20gQ0EgQ2VudGVyMRswGQYDVQQDExJUZW5wYXkuY29tIFJvb3Qg',
    'Q0EwHhcNMjIwOTA1MDgzOTIyWhcNMjcwOTA0MDgzOTIyWjBkMRswGQYDVQQDDBJ3',
    'eGQ5MzBlYTVkNWEyNThmNGYxFTATBgNVBAoMDFRlbmNlbnQgSW5jLjEOMAwGA1UE',
    'CwwFV3hnTXAxCzAJBgNVBAYMAkNOMREwDwYDVQQHDAhTaGVuWmhlbjCCASIwDQYJ',
    'KoZIhvcNAQEBBQADggEPADCCAQoCggEBAM5D9qlkCmk1kr3FpF0e9pc3kGsvz5RA',
    '0/YRny9xPKIyV2UVMDZvRQ+mDHsiQQFE6etg457KFYSxTDKtItbdl6hJQVGeAvg0',
    'mqPYE9SkHRGTfL/AnXRbKBG2GC2OcaPSAprsLOersjay2me+9pF8VHybV8aox78A',
    'NsU75G/OO3V1iEE0s5Pmglqk8DEiw9gB/dGJzsNfXwzvyJyiUP9ZujYexyjsS+/Z',
    'GdSOUkqL/th+16yHj8alcdyga6YGfWEDyWkt/i/B28cwx4nzwk8xgrurifPaLuMk',
    '0+9wJQLCfAn/f7zyHrC8PcD1XvvRt9VBNMBASXs3710ODyyVf2lkMgkCAwEAAaOB',
    'gTB/MAkGA1UdEwQCMAAwCwYDVR0PBAQDAgTwMGUGA1UdHwReMFwwWqBYoFaGVGh0',
    'dHA6Ly9ldmNhLml0cnVzLmNvbS5jbi9wdWJsaWMvaXRydXNjcmw/Q0E9MUJENDIy',
    'MEU1MERCQzA0QjA2QUQzOTc1NDk4NDZDMDFDM0U4RUJEMjANBgkqhkiG9w0BAQsF',
    'AAOCAQEAL2MK9tYu+ljLVBlSbfEeaKyF07TN+G31Ya5NBzeS1ZCx4joUEIyACWmG',
    'fUkKNKiKV+EMzxeEhKRso1Qif3E7Ipl+PQBoQw6OSR/jFHciYurnGR9CLkL03Zo1',
    'qw1Xetv9OipsvlpA0SOWc207e/XpGdm8C7FMXM6bzvVp8I/STTjC1vqjIZu9WavI',
    'RgGM4jyAPz2XogUq0BNijef8BXbbav9fAsXjHSwn5BQv4iLms3fiLm/eoyQ6dZ2R',
    'oTudrlcyr1bG4vwETLmHF+3yfVp9dpvJ+lyfiviwDwyfa8t2WlJm27DuF4vWoxir',
    'mjgj9tDutIFqxLIovLyg3uiAYtSQ/Q==',
    '-----END CERTIFICATE-----',
    '',
  ].join('\n'),
};

const key = Buffer.from(GUIDE.symKey, 'base64');
const cert = new X509Certificate(GUIDE.certPem);
const privateKey = createPrivateKey(GUIDE.privateKeyPem);

/** The guide's keys, as the bot holds them. */
function guideKeys(over: Partial<SecurityKeys> = {}): SecurityKeys {
  return {
    appid: GUIDE.appid,
    symKey: key,
    symSn: GUIDE.symSn,
    privateKey,
    certs: new Map([[GUIDE.answer.serial, cert.publicKey]]),
    names: ENV_SETTING_NAMES,
    ...over,
  };
}

/** The guide's answer as it came over the wire (header names in lower case, as Node gives them). */
function guideAnswer(over: Record<string, string | undefined> = {}, body = GUIDE.answer.body) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    'wechatmp-appid': GUIDE.appid,
    'wechatmp-timestamp': String(GUIDE.answer.timestamp),
    'wechatmp-serial': GUIDE.answer.serial,
    'wechatmp-signature': GUIDE.answer.signature,
    'wechatmp-serial-deprecated': GUIDE.answer.deprecatedSerial,
    'wechatmp-signature-deprecated': GUIDE.answer.deprecatedSignature,
    ...over,
  })) {
    if (v !== undefined) headers[k] = v;
  }
  return { headers, text: body };
}

/** The guide's answer, opened 10 s after it was signed. */
const AT = GUIDE.answer.timestamp + 10;

function failure(fn: () => unknown): WeChatSecurityError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WeChatSecurityError);
    return e as WeChatSecurityError;
  }
  throw new Error('expected a WeChatSecurityError');
}

describe("WeChat's worked example (服务端 API 签名加密指南)", () => {
  test('3.1.2: its plaintext, key, iv and AAD encrypt to its data and authtag', () => {
    const aad = aadOf(GUIDE.urlpath, GUIDE.appid, GUIDE.request.timestamp, GUIDE.symSn);
    expect(aad).toBe('https://api.weixin.qq.com/wxa/getuserriskrank|wxba6223c06417af7b|1635927954|fa05fe1e5bcc79b81ad5ad4b58acf787');
    const sealed = gcmSeal(key, Buffer.from(GUIDE.request.iv, 'base64'), GUIDE.request.plaintext, aad);
    expect(sealed.data.toString('base64')).toBe(GUIDE.request.data);
    expect(sealed.authtag.toString('base64')).toBe(GUIDE.request.authtag);
  });

  test('3.1.2: sealing its original request with its iv, _n and timestamp gives its exact body (324 bytes)', () => {
    const sec = new ApiSecurity(guideKeys());
    const sealed = sec.seal(GUIDE.urlpath, GUIDE.request.original, GUIDE.request.timestamp, {
      iv: Buffer.from(GUIDE.request.iv, 'base64'),
      nonce: GUIDE.request.nonce,
    });
    expect(sealed.body).toBe(GUIDE.request.body);
    expect(sealed.body).toHaveLength(324);
    expect(sealed.headers['Wechatmp-Appid']).toBe(GUIDE.appid);
    expect(sealed.headers['Wechatmp-TimeStamp']).toBe('1635927954');
    // PSS is randomised: the signature differs from the guide's, and verifies with the app's public key, salt 32.
    const text = signedText(GUIDE.urlpath, GUIDE.appid, GUIDE.request.timestamp, sealed.body);
    expect(pssVerify(createPublicKey(privateKey), text, sealed.headers['Wechatmp-Signature'], 32)).toBe(true);
  });

  test("3.2.2: its request signature verifies over its string to sign with its key's public half (PSS, salt 32)", () => {
    const text = signedText(GUIDE.urlpath, GUIDE.appid, GUIDE.request.timestamp, GUIDE.request.body);
    const pub = createPublicKey(privateKey);
    expect(pssVerify(pub, text, GUIDE.request.signature, 32)).toBe(true);
    expect(pssVerify(pub, `${text} `, GUIDE.request.signature, 32)).toBe(false);
  });

  test('4.1.2: its answer signature verifies with its platform certificate, and fails with one byte changed', () => {
    const text = signedText(GUIDE.urlpath, GUIDE.appid, GUIDE.answer.timestamp, GUIDE.answer.body);
    expect(GUIDE.answer.body).toHaveLength(292);
    expect(createHash('sha256').update(text).digest('hex')).toBe(GUIDE.answer.h0);
    expect(pssVerify(cert.publicKey, text, GUIDE.answer.signature)).toBe(true);
    // "Usually no need to give the salt length": it is 32 here too.
    expect(pssVerify(cert.publicKey, text, GUIDE.answer.signature, 32)).toBe(true);
    expect(pssVerify(cert.publicKey, text, GUIDE.answer.signature, constants.RSA_PSS_SALTLEN_DIGEST)).toBe(true);
    for (const i of [0, 100, text.length - 2]) {
      const changed = text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1);
      expect(pssVerify(cert.publicKey, changed, GUIDE.answer.signature)).toBe(false);
    }
    const sig = Buffer.from(GUIDE.answer.signature, 'base64');
    sig[17] ^= 0x80;
    expect(pssVerify(cert.publicKey, text, sig.toString('base64'))).toBe(false);
    // The Sn is the console's number, not the certificate's serial.
    expect(cert.serialNumber.toLowerCase()).not.toBe(GUIDE.answer.serial);
  });

  test('4.2.1: its answer decrypts to its plaintext with the answer timestamp in the AAD (not the request one)', () => {
    const iv = Buffer.from(GUIDE.answer.iv, 'base64');
    const data = Buffer.from(GUIDE.answer.data, 'base64');
    const tag = Buffer.from(GUIDE.answer.authtag, 'base64');
    expect(gcmOpen(key, iv, data, tag, aadOf(GUIDE.urlpath, GUIDE.appid, GUIDE.answer.timestamp, GUIDE.symSn))).toBe(
      GUIDE.answer.plaintext,
    );
    expect(() => gcmOpen(key, iv, data, tag, aadOf(GUIDE.urlpath, GUIDE.appid, GUIDE.request.timestamp, GUIDE.symSn))).toThrow();
  });

  test('the whole answer opens to the original answer, its three security fields removed', () => {
    const deprecated: string[] = [];
    const sec = new ApiSecurity(guideKeys(), { onDeprecated: (sn) => deprecated.push(sn) });
    expect(sec.open(GUIDE.urlpath, guideAnswer(), AT, 'getuserriskrank')).toEqual(GUIDE.answer.original);
    expect(deprecated).toEqual([]);
  });

  test('urlpath: the URL without its query, whatever the slashes', () => {
    expect(urlPathOf('https://api.weixin.qq.com', '/wxa/getuserriskrank?access_token=X')).toBe(GUIDE.urlpath);
    expect(urlPathOf('https://api.weixin.qq.com/', 'wxa/getuserriskrank')).toBe(GUIDE.urlpath);
  });
});

describe('an answer that fails verification is refused with its reason, and never used', () => {
  const sec = new ApiSecurity(guideKeys());
  const open =
    (answer: ReturnType<typeof guideAnswer>, at = AT, s = sec) =>
    () =>
      s.open(GUIDE.urlpath, answer, at, 'getuserriskrank');

  test('a signature with one byte changed', () => {
    const sig = Buffer.from(GUIDE.answer.signature, 'base64');
    sig[3] ^= 0x01;
    const e = failure(open(guideAnswer({ 'wechatmp-signature': sig.toString('base64') })));
    expect(e.problem).toBe('bad_signature');
    expect(e.kind).toBe('security');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(
      /^WeChat's answer to getuserriskrank failed its signature check with platform certificate 79ba700ea147819f640941bceb38b1d1/,
    );
  });

  test('a body with one byte changed', () => {
    const e = failure(open(guideAnswer({}, GUIDE.answer.body.replace('HExs', 'HExt'))));
    expect(e.problem).toBe('bad_signature');
  });

  test('a certificate number that is not configured names it and says where to get the certificate', () => {
    const one = failure(
      open(
        guideAnswer({ 'wechatmp-serial-deprecated': undefined, 'wechatmp-signature-deprecated': undefined }),
        AT,
        new ApiSecurity(guideKeys({ certs: new Map([['aaaabbbbccccdddd', cert.publicKey]]) })),
      ),
    );
    expect(one.message).toMatch(
      /^WeChat's answer to getuserriskrank was signed with platform certificate 79ba700ea147819f640941bceb38b1d1, which is not configured: download the current platform certificate from the admin console/,
    );
    const other = new ApiSecurity(guideKeys({ certs: new Map([['aaaabbbbccccdddd', cert.publicKey]]) }));
    const e = failure(open(guideAnswer(), AT, other));
    expect(e.problem).toBe('unknown_serial');
    expect(e.message).toBe(
      "WeChat's answer to getuserriskrank was signed with platform certificates 79ba700ea147819f640941bceb38b1d1 and 2171af9cdf1d7404423852e7e183d852, neither of which is configured: " +
        'download the current platform certificate from the admin console (Development > Development settings > API security) and add it to WECHAT_SECURITY_CERTS as <number>:<file>. The answer was not used.',
    );
  });

  test('during a rotation, the deprecated certificate alone is enough (and the operator is told)', () => {
    const deprecated: string[] = [];
    const onlyOld = new ApiSecurity(guideKeys(), { onDeprecated: (sn) => deprecated.push(sn) });
    // The guide's certificate as the one being retired; a new one nobody has yet signs as current.
    const answer = guideAnswer({
      'wechatmp-serial': 'ffffffffffffffffffffffffffffffff',
      'wechatmp-signature': GUIDE.answer.deprecatedSignature,
      'wechatmp-serial-deprecated': GUIDE.answer.serial,
      'wechatmp-signature-deprecated': GUIDE.answer.signature,
    });
    expect(onlyOld.open(GUIDE.urlpath, answer, AT, 'getuserriskrank')).toEqual(GUIDE.answer.original);
    expect(deprecated).toEqual([GUIDE.answer.serial]);
  });

  test('signed more than 5 minutes from this clock, either way', () => {
    expect(open(guideAnswer(), GUIDE.answer.timestamp + 300)()).toEqual(GUIDE.answer.original);
    const late = failure(open(guideAnswer(), GUIDE.answer.timestamp + 301));
    expect(late.problem).toBe('stale');
    expect(late.message).toMatch(/was signed at 2021-11-03T08:25:56\.000Z, 301 s before this server's clock \(at most 5 minutes allowed\)/);
    expect(failure(open(guideAnswer(), GUIDE.answer.timestamp - 3600)).message).toMatch(/60 minutes after this server's clock/);
  });

  test('the wrong symmetric key: signed, but not decryptable', () => {
    const wrongKey = new ApiSecurity(guideKeys({ symKey: Buffer.alloc(32, 7) }));
    const e = failure(open(guideAnswer(), AT, wrongKey));
    expect(e.problem).toBe('undecryptable');
    expect(e.message).toMatch(/WECHAT_SECURITY_SYM_KEY or WECHAT_SECURITY_SYM_SN does not match/);
    const wrongSn = new ApiSecurity(guideKeys({ symSn: '00000000000000000000000000000000' }));
    expect(failure(open(guideAnswer(), AT, wrongSn)).problem).toBe('undecryptable');
  });

  test('for another mini program', () => {
    const e = failure(open(guideAnswer({ 'wechatmp-appid': 'wx1111111111111111' })));
    expect(e.problem).toBe('wrong_app');
    const otherApp = new ApiSecurity(guideKeys({ appid: 'wx1111111111111111' }));
    // Signed for the guide's app: the signature over this app's id fails.
    expect(failure(open(guideAnswer({ 'wechatmp-appid': undefined }), AT, otherApp)).problem).toBe('bad_signature');
  });

  test('unsigned: a WeChat errcode is believed (it can only fail the call), anything else is refused', () => {
    const bare = {
      'wechatmp-serial': undefined,
      'wechatmp-signature': undefined,
      'wechatmp-serial-deprecated': undefined,
      'wechatmp-signature-deprecated': undefined,
    };
    const refused = failure(open(guideAnswer(bare, '{"errcode":40234,"errmsg":"invalid signature rid: 1"}')));
    expect(refused.problem).toBe('refused');
    expect(refused.code).toBe(40234);
    const unsigned = failure(open(guideAnswer(bare, '{"errcode":0,"list":[{"visit_uv":1}]}')));
    expect(unsigned.problem).toBe('unsigned');
    expect(failure(open(guideAnswer(bare, '<html>proxy</html>'))).problem).toBe('unsigned');
    // Not a security failure: the token is refused, and the caller refreshes it.
    let token: unknown;
    try {
      open(guideAnswer(bare, '{"errcode":40001,"errmsg":"invalid credential"}'))();
    } catch (e) {
      token = e;
    }
    expect(token).toBeInstanceOf(WeChatError);
    expect((token as WeChatError).kind).toBe('token_invalid');
  });

  test('no timestamp header', () => {
    expect(failure(open(guideAnswer({ 'wechatmp-timestamp': undefined }))).problem).toBe('malformed');
  });
});

describe("WeChat's errcodes for a badly secured request", () => {
  test.each([40230, 40231, 40232, 40233, 40234, 40235, 40236, 40237, 40238, 40239, 40240])(
    '%d is a security error, never retried',
    (code) => {
      const e = errorFromErrcode(code, 'x', 'getweanalysisappidweeklyretaininfo');
      expect(e).toBeInstanceOf(WeChatSecurityError);
      expect(e.kind).toBe('security');
      expect(e.code).toBe(code);
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(new RegExp(`\\(WeChat errcode ${code} on getweanalysisappidweeklyretaininfo\\)\\.$`));
    },
  );

  test('the words say what to fix', () => {
    expect(errorFromErrcode(40233, '', 'e').message).toMatch(/no Wechatmp-Appid header\. Set WECHAT_SECURITY_SYM_KEY/);
    expect(errorFromErrcode(40234, '', 'e').message).toMatch(
      /WECHAT_SECURITY_PRIVATE_KEY_FILE .* is not the one whose public key is registered/,
    );
    expect(errorFromErrcode(40235, '', 'e').message).toMatch(/WECHAT_SECURITY_SYM_KEY or WECHAT_SECURITY_SYM_SN/);
    expect(errorFromErrcode(40240, '', 'e').message).toMatch(/clock/);
  });
});
