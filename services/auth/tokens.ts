import { createPrivateKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../shared/auth';

export interface TokenIssuerSettings {
  privateKey: string;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

export function createTokenIssuer(s: TokenIssuerSettings) {
  const key: KeyObject = createPrivateKey(s.privateKey);
  const algorithm = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  return {
    accessTtlSeconds: s.accessTtlSeconds,
    issueAccessToken(user: { id: string; email: string; roles: Role[] }): string {
      return jwt.sign({ email: user.email, roles: user.roles }, key, {
        algorithm,
        subject: user.id,
        issuer: s.issuer,
        audience: s.audience,
        expiresIn: s.accessTtlSeconds,
      });
    },
  };
}
export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
