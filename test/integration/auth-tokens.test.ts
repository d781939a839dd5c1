import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ApiResponse } from '../../devstack/api-client';
import { startStack, type Stack } from '../support/stack';

// Refresh-token rotation, reuse detection, logout and fresh roles, through the gateway on the real stack.
describe('auth: refresh tokens', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack.close());

  const PASSWORD = 'Correct-horse-42';
  const login = (email: string) => stack.api.expect(200, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  const refresh = (refreshToken: string) => stack.api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const expectProblem = (res: ApiResponse, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  };
  const familyOf = async (token: string) => {
    const hash = createHash('sha256').update(token).digest();
    const { rows } = await stack.pool.query('SELECT family_id FROM auth.refresh_tokens WHERE token_hash = $1', [hash]);
    return rows[0]?.family_id as string | undefined;
  };

  it('login answers an access token, an opaque refresh token stored only as its hash, and the user', async () => {
    const c = await stack.newCustomer('pair');
    const pair = await login(c.user.email);
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: c.user.id, roles: ['customer'] } });
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(await familyOf(pair.refreshToken)).toBeDefined();
    const plain = await stack.pool.query(`SELECT 1 FROM auth.refresh_tokens WHERE position(convert_to($1, 'UTF8') IN token_hash) > 0`, [pair.refreshToken]);
    expect(plain.rowCount).toBe(0);
    await stack.api.expect(200, 'GET', '/api/v1/auth/me', { token: pair.accessToken });
  });

  it('rotates: a new pair; the old token presented again is reuse and revokes the whole family, not other sign-ins', async () => {
    const c = await stack.newCustomer('rotate');
    const first = await login(c.user.email);
    const otherDevice = await login(c.user.email);

    const r1 = await refresh(first.refreshToken);
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: c.user.id } });
    expect(r1.body.refreshToken).not.toBe(first.refreshToken);
    expect(await familyOf(r1.body.refreshToken)).toBe(await familyOf(first.refreshToken));
    await stack.api.expect(200, 'GET', '/api/v1/auth/me', { token: r1.body.accessToken });
    const r2 = await refresh(r1.body.refreshToken);
    expect(r2.status).toBe(200);

    // The first token again: someone replays it. The family dies, including the newest token.
    expectProblem(await refresh(first.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    expectProblem(await refresh(r2.body.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expectProblem(await refresh(r1.body.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    const family = await familyOf(first.refreshToken);
    const live = await stack.pool.query('SELECT count(*)::int AS n FROM auth.refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL', [family]);
    expect(live.rows[0].n).toBe(0);

    // Another sign-in of the same user is its own family and lives on.
    expect((await refresh(otherDevice.refreshToken)).status).toBe(200);

    const audit = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?action=refresh.reuse_detected&subjectId=${c.user.id}`, { token: stack.admin.token });
    expect(audit.items.length).toBeGreaterThanOrEqual(1);
    expect(audit.items[0]).toMatchObject({ action: 'refresh.reuse_detected', subjectId: c.user.id, actorId: null, details: { familyId: family } });
    expect(JSON.stringify(audit.items)).not.toContain(first.refreshToken);
  });

  it('of concurrent refreshes of one token exactly one succeeds; the others count as reuse', async () => {
    const c = await stack.newCustomer('race');
    const pair = await login(c.user.email);
    const results = await Promise.all(Array.from({ length: 4 }, () => refresh(pair.refreshToken)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401]);
    for (const r of results.filter((x) => x.status === 401)) expect(r.body.code).toBe('REFRESH_TOKEN_REUSED');
    // The reuse revoked the family, the winner's new token included.
    const winner = results.find((r) => r.status === 200)!;
    expectProblem(await refresh(winner.body.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('unknown, malformed and expired refresh tokens are 401 INVALID_REFRESH_TOKEN', async () => {
    expectProblem(await refresh('A'.repeat(43)), 401, 'INVALID_REFRESH_TOKEN');
    expectProblem(await refresh('not a token at all ✓'), 401, 'INVALID_REFRESH_TOKEN');
    const c = await stack.newCustomer('expired');
    const pair = await login(c.user.email);
    await stack.pool.query(`UPDATE auth.refresh_tokens SET expires_at = now() - interval '1 second' WHERE family_id = $1`, [await familyOf(pair.refreshToken)]);
    expectProblem(await refresh(pair.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('logout ends the sign-in (204), after which its refresh token is 401; only your own token', async () => {
    const c = await stack.newCustomer('logout');
    const other = await stack.newCustomer('bystander');
    const pair = await login(c.user.email);
    const rotated = (await refresh(pair.refreshToken)).body;
    const otherPair = await login(other.user.email);

    // Someone else's token: as if unknown, and it keeps working.
    expectProblem(await stack.api.call('POST', '/api/v1/auth/logout', { token: rotated.accessToken, body: { refreshToken: otherPair.refreshToken } }), 404, 'NOT_FOUND');
    // No access token: the gateway refuses.
    expectProblem(await stack.api.call('POST', '/api/v1/auth/logout', { body: { refreshToken: rotated.refreshToken } }), 401, 'UNAUTHORIZED');

    const out = await stack.api.call('POST', '/api/v1/auth/logout', { token: rotated.accessToken, body: { refreshToken: rotated.refreshToken } });
    expect(out.status).toBe(204);
    expectProblem(await refresh(rotated.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    // Logging out again is harmless.
    expect((await stack.api.call('POST', '/api/v1/auth/logout', { token: rotated.accessToken, body: { refreshToken: rotated.refreshToken } })).status).toBe(204);
    expect((await refresh(otherPair.refreshToken)).status).toBe(200);

    const audit = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?action=logout&actorId=${c.user.id}`, { token: stack.admin.token });
    expect(audit.items.length).toBeGreaterThanOrEqual(1);
  });

  it('a refreshed access token carries the roles the user holds now', async () => {
    const c = await stack.newCustomer('promoted');
    const pair = await login(c.user.email);
    const venue = { name: 'Promo Hall', city: 'Braga', address: '1 Rua' };
    expect((await stack.api.call('POST', '/api/v1/venues', { token: pair.accessToken, body: venue })).status).toBe(403);

    await stack.api.expect(200, 'POST', `/api/v1/users/${c.user.id}/roles`, { token: stack.admin.token, body: { role: 'organizer' } });
    // Roles travel in the access token: the old one still lacks the role.
    expect((await stack.api.call('POST', '/api/v1/venues', { token: pair.accessToken, body: venue })).status).toBe(403);
    const promoted = (await refresh(pair.refreshToken)).body;
    expect((jwt.decode(promoted.accessToken) as jwt.JwtPayload).roles).toEqual(['customer', 'organizer']);
    expect(promoted.user.roles).toEqual(['customer', 'organizer']);
    await stack.api.expect(201, 'POST', '/api/v1/venues', { token: promoted.accessToken, body: venue });

    await stack.api.expect(200, 'DELETE', `/api/v1/users/${c.user.id}/roles/organizer`, { token: stack.admin.token });
    const demoted = (await refresh(promoted.refreshToken)).body;
    expect((jwt.decode(demoted.accessToken) as jwt.JwtPayload).roles).toEqual(['customer']);
    expect((await stack.api.call('POST', '/api/v1/venues', { token: demoted.accessToken, body: venue })).status).toBe(403);
  });
});
