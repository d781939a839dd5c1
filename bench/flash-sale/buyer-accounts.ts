/**
 * Buyer accounts, signed in before the clock starts. Registering costs an
 * argon2 hash and a login another, so accounts are deterministic
 * (flash-buyer-<i>@bench.test, one local-development password) and reused
 * across runs: a token cache file keeps each account's refresh token, and a
 * refresh (no password hashing) renews an access token that would not last
 * the run. Unknown accounts are registered, known ones logged in.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Api } from '../../devstack/api-client';

/** Local-development only. */
export const BUYER_PASSWORD = 'Flash-sale-buyer-2026!';

export interface Buyer {
  email: string;
  userId: string;
  token: string;
}

interface Cached {
  userId: string;
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch. */
  accessExpiresAt: number;
}

export interface BuyerAccountOptions {
  count: number;
  /** Emails are <prefix>-<i>@bench.test. */
  prefix?: string;
  /** Concurrent sign-ups and sign-ins (each costs the auth service an argon2 hash). */
  parallel?: number;
  /** Token cache (JSON); none: sign in every account. */
  cacheFile?: string;
  /** An access token must stay valid at least this long, or it is renewed. */
  minValidityMs?: number;
  log?: (line: string) => void;
}

/** Runs fn over items with at most `limit` at a time. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export async function prepareBuyers(api: Api, o: BuyerAccountOptions): Promise<Buyer[]> {
  const prefix = o.prefix ?? 'flash-buyer';
  const minValidity = o.minValidityMs ?? 12 * 60_000;
  const cache: Record<string, Cached> = o.cacheFile && fs.existsSync(o.cacheFile) ? JSON.parse(fs.readFileSync(o.cacheFile, 'utf8')) : {};
  const counts = { reused: 0, refreshed: 0, loggedIn: 0, registered: 0 };
  const started = Date.now();

  const remember = (email: string, body: { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string } }): Buyer => {
    cache[email] = {
      userId: body.user.id,
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
      accessExpiresAt: Date.now() + body.expiresIn * 1000,
    };
    return { email, userId: body.user.id, token: body.accessToken };
  };

  const login = (email: string) => api.call('POST', '/api/v1/auth/login', { body: { email, password: BUYER_PASSWORD } });

  const one = async (_: unknown, i: number): Promise<Buyer> => {
    const email = `${prefix}-${i}@bench.test`;
    const c = cache[email];
    if (c && c.accessExpiresAt - Date.now() > minValidity) {
      counts.reused++;
      return { email, userId: c.userId, token: c.accessToken };
    }
    if (c) {
      const r = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: c.refreshToken } });
      if (r.status === 200) {
        counts.refreshed++;
        return remember(email, r.body);
      }
    }
    let r = await login(email);
    if (r.status === 401) {
      const reg = await api.call('POST', '/api/v1/auth/register', { body: { email, password: BUYER_PASSWORD, name: `Flash buyer ${i}` } });
      if (reg.status !== 201 && reg.status !== 409) throw new Error(`register ${email}: ${reg.status} ${JSON.stringify(reg.body)}`);
      counts.registered++;
      r = await login(email);
    } else {
      counts.loggedIn++;
    }
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return remember(email, r.body);
  };

  let done = 0;
  const progress = setInterval(() => o.log?.(`buyer accounts: ${done}/${o.count}`), 10_000);
  try {
    return await mapLimit(Array.from({ length: o.count }), o.parallel ?? 8, async (x, i) => {
      const b = await one(x, i);
      done++;
      return b;
    });
  } finally {
    clearInterval(progress);
    if (o.cacheFile) {
      fs.mkdirSync(path.dirname(o.cacheFile), { recursive: true });
      fs.writeFileSync(o.cacheFile, JSON.stringify(cache), { mode: 0o600 });
    }
    o.log?.(
      `buyer accounts: ${o.count} in ${((Date.now() - started) / 1000).toFixed(1)}s ` +
        `(${counts.reused} cached, ${counts.refreshed} refreshed, ${counts.loggedIn} logged in, ${counts.registered} registered)`,
    );
  }
}
