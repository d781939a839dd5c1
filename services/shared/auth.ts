import { type KeyObject, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { ROLES, type Role } from '../../contracts/auth';
import { forbidden, unauthorized } from './errors';
import { jwkToKey, JWT_ALGORITHM, type PublicJwk } from './jwks';


export interface Principal {
  userId: string;
  email: string;
  roles: Role[];
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: Principal;
  }
}

/** Finds the public key for a token's `kid`; undefined when it is unknown. */
export type KeyLookup = (kid: string) => KeyObject | undefined;

export interface TokenSettings {
  lookup: KeyLookup;
  issuer: string;
  audience: string;
}

export type VerifyToken = (token: string) => Principal;

/**
 * The one token verifier, used by the gateway and by every service. Only
 * ES256 with a known key id is accepted: `alg: none`, HS256 signed with the
 * public key, foreign keys, expired, not-yet-valid, wrong issuer or audience,
 * and tampered tokens are all a 401. Keys are KeyObjects parsed once:
 * verifying with a PEM string re-parses it on every call (FIELD-NOTES).
 */
export function createTokenVerifier(s: TokenSettings): VerifyToken {
  // A buyer sends the same token with every request of a flash sale: a token
  // verified once is known good, byte for byte, until it expires or its key
  // leaves the key set, so its signature is not checked again.
  const verified = new Map<string, { principal: Principal; kid: string; expiresAt: number }>();
  const remember = (token: string, kid: string, principal: Principal, exp: unknown) => {
    if (typeof exp !== 'number') return;
    if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(token, { principal, kid, expiresAt: exp * 1000 });
  };
  return (token) => {
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt && s.lookup(known.kid)) return known.principal;
      verified.delete(token);
    }
    let claims: jwt.JwtPayload;
    let kid: string;
    try {
      const header = jwt.decode(token, { complete: true })?.header;
      if (!header) throw new Error('malformed token');
      if (header.alg !== JWT_ALGORITHM) throw new Error(`algorithm ${header.alg} is not accepted`);
      const key = header.kid ? s.lookup(header.kid) : undefined;
      if (!key) throw new Error('unknown signing key');
      kid = header.kid!;
      const decoded = jwt.verify(token, key, {
        algorithms: [JWT_ALGORITHM],
        issuer: s.issuer,
        audience: s.audience,
        clockTolerance: 5,
      });
      if (typeof decoded === 'string') throw new Error('unexpected string payload');
      claims = decoded;
    } catch (err) {
      throw unauthorized(`invalid access token: ${(err as Error).message}`);
    }
    if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) {
      throw unauthorized('invalid access token: missing claims');
    }
    const principal: Principal = {
      userId: claims.sub,
      email: String(claims.email ?? ''),
      roles: claims.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    };
    remember(token, kid, principal, claims.exp);
    return principal;
  };
}

/** Verified tokens remembered per process (the oldest go first): a few MB at most. */
const VERIFIED_TOKENS_KEPT = 20_000;

export interface JwksKeySet {
  lookup: KeyLookup;
  /** Fetches the key set now; resolves once keys are known. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Auth's public keys, fetched from its JWKS at start-up (retried until auth
 * answers), refreshed every few minutes and when a token names an unknown
 * key (at most every 10 s), so a key rotation needs no restart.
 */
export async function loadJwks(url: string, o: { refreshMs?: number; startupTimeoutMs?: number } = {}): Promise<JwksKeySet> {
  let keys = new Map<string, KeyObject>();
  let lastFetch = 0;
  const refresh = async () => {
    lastFetch = Date.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`JWKS ${url} answered ${res.status}`);
    const body = (await res.json()) as { keys: PublicJwk[] };
    keys = new Map(body.keys.filter((k) => k.alg === JWT_ALGORITHM).map((k) => [k.kid, jwkToKey(k)]));
  };
  const deadline = Date.now() + (o.startupTimeoutMs ?? 60_000);
  for (;;) {
    try {
      await refresh();
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`could not load the JWKS from ${url}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const timer = setInterval(() => refresh().catch(() => undefined), o.refreshMs ?? 5 * 60_000);
  timer.unref();
  return {
    lookup: (kid) => {
      const key = keys.get(kid);
      if (!key && Date.now() - lastFetch > 10_000) refresh().catch(() => undefined);
      return key;
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized('Authorization must be "Bearer <token>"');
  return token;
}

/** Sets req.user when a token is presented; an invalid token is always a 401. */
export function authenticate(verify: VerifyToken): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (token) req.user = verify(token);
    next();
  };
}

export function currentUser(req: Request): Principal {
  if (!req.user) throw unauthorized();
  return req.user;
}

export function hasRole(user: Principal, ...roles: Role[]): boolean {
  return user.roles.some((r) => roles.includes(r));
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    if (!hasRole(user, ...roles)) throw forbidden(`requires role ${roles.join(' or ')}`);
    next();
  };
}

export const SERVICE_TOKEN_HEADER = 'x-service-token';

/** Guards /internal routes: only callers holding the service credential. */
export function requireService(serviceToken: string): RequestHandler {
  const expected = Buffer.from(serviceToken);
  return (req, _res, next) => {
    const given = Buffer.from(String(req.headers[SERVICE_TOKEN_HEADER] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized('internal route: service credential required');
    }
    next();
  };
}
