import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenIssuer } from '../../services/auth/tokens';
import { createTokenVerifier, type VerifyToken } from '../../services/shared/auth';
import { HttpError } from '../../services/shared/errors';
import { keyId } from '../../services/shared/jwks';

const ISSUER = 'ticketing-auth';
const AUDIENCE = 'ticketing';
const USER = { id: '5b0e8d3c-4a51-4c1f-9a43-8e2f1c7d6a10', email: 'a@example.com', roles: ['customer' as const] };

const ecKeys = () =>
  generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

describe('access token verification', () => {
  const keys = ecKeys();
  const issuer = createTokenIssuer({ privateKey: keys.privateKey, issuer: ISSUER, audience: AUDIENCE, accessTtlSeconds: 900 });
  const publicKey: KeyObject = createPublicKey(keys.publicKey);
  const kid = keyId(publicKey);
  const verify: VerifyToken = createTokenVerifier({ lookup: (k) => (k === kid ? publicKey : undefined), issuer: ISSUER, audience: AUDIENCE });

  const refused = (token: string) => {
    try {
      verify(token);
    } catch (err) {
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(401);
      return (err as HttpError).message;
    }
    throw new Error('token was accepted');
  };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = (over: Record<string, unknown> = {}) => ({
    sub: USER.id, email: USER.email, roles: USER.roles, iss: ISSUER, aud: AUDIENCE,
    iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 900, ...over,
  });
  const signEs256 = (payload: object, key = keys.privateKey, header: object = { kid }) =>
    jwt.sign(payload, key, { algorithm: 'ES256', header: { alg: 'ES256', ...header } });

  it('accepts a token auth issued', () => {
    expect(verify(issuer.issueAccessToken(USER))).toEqual({ userId: USER.id, email: USER.email, roles: ['customer'] });
  });

  it('refuses alg none', () => {
    expect(refused(`${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims())}.`)).toMatch(/algorithm none/);
  });

  it('refuses a token signed by another key, even under the right kid', () => {
    refused(signEs256(claims(), ecKeys().privateKey));
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', () => {
    const forged = jwt.sign(claims(), keys.publicKey, { algorithm: 'HS256', header: { alg: 'HS256', kid } as jwt.JwtHeader });
    expect(refused(forged)).toMatch(/algorithm HS256/);
  });

  it('refuses RS256 from a foreign RSA key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    refused(jwt.sign(claims(), rsa.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', kid } as jwt.JwtHeader }));
  });

  it('refuses an expired token', () => {
    expect(refused(signEs256(claims({ iat: 1_000, exp: 2_000 })))).toMatch(/expired/);
  });

  it('refuses a token not valid yet', () => {
    expect(refused(signEs256(claims({ nbf: Math.floor(Date.now() / 1000) + 3_600 })))).toMatch(/not active/);
  });

  it('refuses the wrong audience or issuer', () => {
    expect(refused(signEs256(claims({ aud: 'another-app' })))).toMatch(/audience/);
    expect(refused(signEs256(claims({ iss: 'someone-else' })))).toMatch(/issuer/);
  });

  it('refuses a tampered payload (roles raised to admin)', () => {
    const [h, , s] = issuer.issueAccessToken(USER).split('.');
    refused(`${h}.${b64(claims({ roles: ['admin'] }))}.${s}`);
  });

  it('refuses a token without a known key id, and garbage', () => {
    refused(signEs256(claims(), keys.privateKey, { kid: 'unknown' }));
    refused(jwt.sign(claims(), keys.privateKey, { algorithm: 'ES256' }));
    refused('not.a.token');
    refused('');
  });

  it('refuses a token without subject or roles', () => {
    refused(signEs256({ ...claims(), roles: undefined }));
    refused(signEs256({ ...claims(), sub: undefined }));
  });

  describe('a token verified before', () => {
    it('is refused once it has expired, though it was accepted while valid', () => {
      jest.useFakeTimers({ now: Date.now() });
      try {
        const token = signEs256(claims({ exp: Math.floor(Date.now() / 1000) + 60 }));
        expect(verify(token).userId).toBe(USER.id);
        expect(verify(token).userId).toBe(USER.id);
        jest.setSystemTime(Date.now() + 70_000); // past exp and the 5 s clock tolerance
        expect(refused(token)).toMatch(/expired/);
      } finally {
        jest.useRealTimers();
      }
    });

    it('is refused once its key has left the key set', () => {
      let known = true;
      const rotating = createTokenVerifier({ lookup: (k) => (known && k === kid ? publicKey : undefined), issuer: ISSUER, audience: AUDIENCE });
      const token = issuer.issueAccessToken(USER);
      expect(rotating(token).userId).toBe(USER.id);
      known = false;
      expect(() => rotating(token)).toThrow(/unknown signing key/);
    });

    it('does not make a tampered copy of it valid', () => {
      const token = issuer.issueAccessToken(USER);
      verify(token);
      const [h, , sig] = token.split('.');
      refused(`${h}.${b64(claims({ roles: ['admin'] }))}.${sig}`);
    });
  });
});
