import { refreshDelayMs, retryDelayMs } from '../lib/refresh-schedule';
import { ApiError, errorOf, networkError } from './errors';
import type { Role, TokenPair, User } from './types';

/**
 * Who is signed in, and the tokens that prove it.
 *
 * The access token (15 minutes) lives only in this module's memory: it is
 * never written to storage, so nothing outlives the page with it. The
 * refresh token (rotated on every use) is kept in memory and in
 * sessionStorage, so a reload of the tab stays signed in while closing the
 * tab forgets it; localStorage would share it between tabs, and two tabs
 * rotating one token would revoke the whole sign-in (the auth service treats
 * a reused refresh token as stolen). The access token is refreshed before
 * it expires (lib/refresh-schedule.ts), and once more on any 401.
 */

const REFRESH_KEY = 'ticketing.refreshToken';

let accessToken: string | undefined;
let refreshToken: string | undefined;
let user: User | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | undefined;
let failures = 0;
const listeners = new Set<() => void>();

const storage = {
  get: () => {
    try {
      return sessionStorage.getItem(REFRESH_KEY) ?? undefined;
    } catch {
      return undefined; // storage disabled: sign-ins last as long as the page
    }
  },
  set: (v: string | undefined) => {
    try {
      if (v) sessionStorage.setItem(REFRESH_KEY, v);
      else sessionStorage.removeItem(REFRESH_KEY);
    } catch {
      // as above
    }
  },
};

function schedule(ms: number) {
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(), ms);
}

function accept(pair: TokenPair) {
  accessToken = pair.accessToken;
  refreshToken = pair.refreshToken;
  user = pair.user;
  failures = 0;
  storage.set(refreshToken);
  schedule(refreshDelayMs(pair.expiresIn));
  listeners.forEach((l) => l());
}

function forget() {
  clearTimeout(timer);
  accessToken = refreshToken = user = undefined;
  storage.set(undefined);
  listeners.forEach((l) => l());
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  } catch (err) {
    throw networkError(err);
  }
}

export async function signIn(email: string, password: string): Promise<User> {
  const res = await postJson('/api/v1/auth/login', { email, password });
  if (!res.ok) throw await errorOf(res);
  accept((await res.json()) as TokenPair);
  return user!;
}

export async function register(name: string, email: string, password: string): Promise<User> {
  const res = await postJson('/api/v1/auth/register', { name, email, password });
  if (!res.ok) throw await errorOf(res);
  return signIn(email, password);
}

export async function signOut(): Promise<void> {
  const token = refreshToken;
  const bearer = accessToken;
  forget();
  // Revokes the sign-in on the server too; signed out locally whatever it answers.
  if (token && bearer) await postJson('/api/v1/auth/logout', { refreshToken: token }, { authorization: `Bearer ${bearer}` }).catch(() => undefined);
}

/**
 * Rotates the refresh token for a new pair; one rotation at a time. False
 * when signed out by it (the token was refused) or when the network failed
 * (then it is retried with growing pauses, the tokens kept).
 */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    if (!refreshToken) return false;
    try {
      const res = await postJson('/api/v1/auth/refresh', { refreshToken });
      if (res.ok) {
        accept((await res.json()) as TokenPair);
        return true;
      }
      if (res.status === 400 || res.status === 401) {
        forget();
        return false;
      }
      throw await errorOf(res);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      schedule(retryDelayMs(++failures));
      return false;
    }
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

/** At start-up: a refresh token left by this tab before a reload signs it back in. */
export async function restoreSignIn(): Promise<void> {
  refreshToken = storage.get();
  if (refreshToken) await refresh();
}

export const bearerToken = () => accessToken;
export const currentUser = () => user;
export const hasRole = (...roles: Role[]) => !!user && roles.some((r) => user!.roles.includes(r));

export function onAuthChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
