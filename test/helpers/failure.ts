import { WeChatError } from '../../src/wechat/errors';

/** The WeChatError a call fails with; a call that succeeds fails the test. */
export async function failure(p: Promise<unknown>): Promise<WeChatError> {
  const r = await p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (r.ok) throw new Error(`expected the call to fail, it returned ${JSON.stringify(r.v).slice(0, 200)}`);
  expect(r.e).toBeInstanceOf(WeChatError);
  return r.e as WeChatError;
}
