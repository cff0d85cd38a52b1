import type { ResultCache } from '../wechat/cache';
import type { CachedToken, SharedTokenStore } from '../wechat/token';
import type { Store } from '../store/types';

/** The access_token of one AppID, shared through the store; `owner` names this instance for the lock. */
export function sharedTokens(store: Store, appid: string, owner: string): SharedTokenStore {
  const key = `token:${appid}`;
  const lock = `token-refresh:${appid}`;
  return {
    async read() {
      const raw = await store.kvGet(key);
      return raw ? (JSON.parse(raw) as CachedToken) : undefined;
    },
    async write(t, ttlMs) {
      await store.kvSet(key, JSON.stringify(t), ttlMs);
    },
    async dropIf(token) {
      const raw = await store.kvGet(key);
      if (raw && (JSON.parse(raw) as CachedToken).token === token) await store.kvDeleteIf(key, raw);
    },
    tryLock: (ttlMs) => store.tryLock(lock, owner, ttlMs),
    unlock: () => store.unlock(lock, owner),
  };
}

/** Datacube answers of one AppID, kept in the store. */
export function resultCache(store: Store, appid: string): ResultCache {
  return {
    async get(key) {
      const raw = await store.kvGet(`result:${appid}:${key}`);
      return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
    },
    async set(key, value, ttlMs) {
      await store.kvSet(`result:${appid}:${key}`, JSON.stringify(value), ttlMs);
    },
  };
}
