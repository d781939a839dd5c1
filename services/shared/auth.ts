import { createPublicKey, KeyObject, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { forbidden, unauthorized } from './errors';

export const ROLES = ['customer', 'organizer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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

export interface TokenSettings {
  publicKey: string;
  issuer: string;
  audience: string;
}

export type VerifyToken = (token: string) => Principal;

/**
 * The one token verifier, used by the gateway and by every service.
 * The key is parsed once into a KeyObject: verifying with a PEM string
 * re-parses it on every call and caps throughput (FIELD-NOTES).
 */
export function createTokenVerifier(s: TokenSettings): VerifyToken {
  const key: KeyObject = createPublicKey(s.publicKey);
  return (token) => {
    let claims: jwt.JwtPayload;
    try {
      const decoded = jwt.verify(token, key, {
        algorithms: ['ES256', 'RS256'],
        issuer: s.issuer,
        audience: s.audience,
      });
      if (typeof decoded === 'string') throw new Error('unexpected string payload');
      claims = decoded;
    } catch (err) {
      throw unauthorized(`invalid access token: ${(err as Error).message}`);
    }
    if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) {
      throw unauthorized('invalid access token: missing claims');
    }
    return {
      userId: claims.sub,
      email: String(claims.email ?? ''),
      roles: claims.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    };
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
