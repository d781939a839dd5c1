import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** The token signing algorithm: ES256 only, so no other algorithm (none, HS256 with the public key) is ever accepted. */
export const JWT_ALGORITHM = 'ES256';

export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid: string;
  alg: typeof JWT_ALGORITHM;
  use: 'sig';
}

/** A stable key id: the first 16 characters of the SHA-256 of the public key's SPKI DER, base64url. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}

export function publicJwk(publicKey: KeyObject): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: jwk.kty!, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: keyId(publicKey), alg: JWT_ALGORITHM, use: 'sig' };
}

export function jwkToKey(jwk: PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
}
