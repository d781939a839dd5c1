import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startGatewayService } from '../../services/gateway/service';
import { loadConfig } from '../../services/shared/config';
import { startStack, type Stack } from '../support/stack';
import { testInfra } from '../infra-env';

const ALLOWED_ORIGIN = 'http://localhost:5173';

describe('gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      worker: false,
      gateway: { RATE_LIMIT_LOGIN_PER_15_MINUTES: '3', RATE_LIMIT_USER_PER_MINUTE: '20', MAX_BODY_BYTES: '4096', CORS_ORIGINS: ALLOWED_ORIGIN },
    });
  });
  afterAll(() => stack.close());

  const raw = (path: string, init: RequestInit = {}) => fetch(`${stack.api.baseUrl}${path}`, init);

  describe('login rate limit', () => {
    it('answers the attempt after the limit with 429 and Retry-After, without touching other accounts', async () => {
      const alice = await stack.newCustomer('alice');
      const bob = await stack.newCustomer('bob');
      const attempt = (email: string, password: string) => stack.api.call('POST', '/api/v1/auth/login', { body: { email, password } });
      // The limit is 3: signing alice in after registration used one.
      for (let i = 0; i < 2; i++) expect((await attempt(alice.user.email, 'wrong-password-1')).status).toBe(401);
      const blocked = await attempt(alice.user.email, 'Correct-horse-42');
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('RATE_LIMITED');
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Same address, another account: unaffected. Email case does not dodge the limit.
      expect((await attempt(bob.user.email, 'Correct-horse-42')).status).toBe(200);
      expect((await attempt(alice.user.email.toUpperCase(), 'Correct-horse-42')).status).toBe(429);
    });
  });

  it('limits requests per user with 429 and Retry-After', async () => {
    const carol = await stack.newCustomer('carol');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await stack.api.call('GET', '/api/v1/auth/me', { token: carol.token })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    const dave = await stack.newCustomer('dave');
    expect((await stack.api.call('GET', '/api/v1/auth/me', { token: dave.token })).status).toBe(200);
  });

  /** A second gateway in front of the stack's services, with its own settings and rate-limit counters. */
  const ownGateway = (settings: Record<string, string>) =>
    startGatewayService(
      loadConfig('gateway', {
        PORT: '0',
        LOG_LEVEL: 'silent',
        AUTH_JWKS_URL: `${stack.urls.auth}/.well-known/jwks.json`,
        SERVICE_TOKEN: stack.secrets.serviceToken,
        AUTH_URL: stack.urls.auth,
        CATALOG_URL: stack.urls.catalog,
        BOOKING_URL: stack.urls.booking,
        CHECKIN_URL: stack.urls.checkin,
        REDIS_URL: testInfra().redisUrl,
        RATE_LIMIT_KEY_PREFIX: `rl-${randomUUID()}`,
        ...settings,
      }),
    );

  it('limits requests without a valid token per address, and signed-in requests per account only', async () => {
    const gateway = await ownGateway({ RATE_LIMIT_IP_PER_MINUTE: '5', RATE_LIMIT_USER_PER_MINUTE: '1000' });
    try {
      const get = (token?: string) =>
        fetch(`${gateway.url}/api/v1/auth/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then((r) => r.status);
      const erin = await stack.newCustomer('erin');
      // Many buyers behind one address (a carrier NAT) are not throttled as one.
      for (let i = 0; i < 8; i++) expect(await get(erin.token)).toBe(200);
      const anonymous: number[] = [];
      for (let i = 0; i < 6; i++) anonymous.push(await get());
      expect(anonymous).toEqual([401, 401, 401, 401, 401, 429]);
      // A made-up token counts against the address too.
      expect(await get('not.a.token')).toBe(429);
      expect(await get(erin.token)).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('passes a request id through to the service and back, or makes one', async () => {
    const res = await raw('/api/v1/events', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    const made = await raw('/api/v1/events');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await raw('/api/v1/events');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('allows CORS only for configured origins', async () => {
    const ok = await raw('/api/v1/events', { headers: { origin: ALLOWED_ORIGIN } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const evil = await raw('/api/v1/events', { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await raw('/api/v1/reservations', {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key,x-admission-token' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-admission-token');
  });

  it('refuses bodies over the limit with 413 problem+json', async () => {
    const res = await raw('/api/v1/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'big@test.example', password: 'x'.repeat(5000), name: 'Big' }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const { rowCount } = await stack.pool.query(`SELECT 1 FROM auth.users WHERE email = 'big@test.example'`);
    expect(rowCount).toBe(0);
  });

  it('answers unknown and internal paths with 404 problem+json', async () => {
    for (const path of ['/api/v1/nope', '/internal/sessions/x/holds', '/api/v2/events']) {
      const res = await raw(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses a forged token with 401 before any service sees it', async () => {
    const forged = jwt.sign({ sub: randomUUID(), roles: ['admin'], iss: 'ticketing-auth', aud: 'ticketing' }, stack.secrets.jwtPublicKey, { algorithm: 'HS256' });
    const res = await stack.api.call('GET', '/api/v1/auth/me', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('answers 503 problem+json with Retry-After at once when a service is down', async () => {
    const gateway = await ownGateway({ CATALOG_URL: 'http://127.0.0.1:1' }); // nothing listens there
    try {
      const started = Date.now();
      const res = await fetch(`${gateway.url}/api/v1/events`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('UPSTREAM_UNAVAILABLE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    } finally {
      await gateway.close();
    }
  });
});

describe('gateway: client address', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Trust no proxy: the gateway is the edge, so a client's X-Forwarded-For is a lie.
    stack = await startStack({ worker: false, gateway: { TRUST_PROXY: 'false' } });
  });
  afterAll(() => stack.close());

  it('replaces a client-sent X-Forwarded-For, so the audit log records the real address', async () => {
    const user = await stack.newCustomer('spoof');
    await stack.api.call('POST', '/api/v1/auth/login', {
      body: { email: user.user.email, password: 'wrong-password-9' },
      headers: { 'x-forwarded-for': '203.0.113.66' },
    });
    const { rows } = await stack.pool.query(
      `SELECT ip FROM auth.audit_log WHERE action = 'login.failed' AND details->>'email' = $1`,
      [user.user.email],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].ip).not.toContain('203.0.113.66');
    expect(rows[0].ip).toMatch(/127\.0\.0\.1/);
  });
});
