import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../../contracts/auth';
import type { KeyLookup } from '../shared/auth';
import { JWT_ALGORITHM, keyId, publicJwk, type PublicJwk } from '../shared/jwks';

export interface TokenIssuerSettings {
  privateKey: string;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

/** Signs access tokens with the one private key of the platform and publishes its public half. */
export function createTokenIssuer(s: TokenIssuerSettings) {
  const key: KeyObject = createPrivateKey(s.privateKey);
  if (key.asymmetricKeyType !== 'ec') throw new Error('JWT_PRIVATE_KEY must be an EC P-256 key (ES256)');
  const publicKey = createPublicKey(key);
  const kid = keyId(publicKey);
  return {
    accessTtlSeconds: s.accessTtlSeconds,
    jwks: (): { keys: PublicJwk[] } => ({ keys: [publicJwk(publicKey)] }),
    /** Auth verifies its own tokens without fetching its own JWKS. */
    lookup: ((k) => (k === kid ? publicKey : undefined)) as KeyLookup,
    issueAccessToken(user: { id: string; email: string; roles: Role[] }): string {
      return jwt.sign({ email: user.email, roles: user.roles }, key, {
        algorithm: JWT_ALGORITHM,
        keyid: kid,
        subject: user.id,
        issuer: s.issuer,
        audience: s.audience,
        expiresIn: s.accessTtlSeconds,
      });
    },
  };
}
export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
