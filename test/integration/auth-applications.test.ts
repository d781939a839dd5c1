import { randomUUID } from 'node:crypto';
import { rows, type ApiResponse } from '../../devstack/api-client';
import { startStack, type Stack } from '../support/stack';

// Organizer applications, role changes, ownership across organizers and the audit log, through the gateway.
describe('auth: organizer applications, roles and the audit log', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack.close());

  const PASSWORD = 'Correct-horse-42';
  const admin = () => stack.admin.token;
  const apply = (token: string, organizationName = 'Sound & Light Lda', details = 'We run concerts in Porto.\nTen years.') =>
    stack.api.call('POST', '/api/v1/organizer-applications', { token, body: { organizationName, details } });
  const expectProblem = (res: ApiResponse, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  };
  const signIn = (email: string) => stack.api.expect(200, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  const venue = { name: 'Casa', city: 'Porto', address: '1 Rua' };

  it('apply → admin lists it pending → approve → a refreshed token is an organizer and creates a venue', async () => {
    const c = await stack.newCustomer('applicant');
    const session = await signIn(c.user.email);
    const res = await apply(session.accessToken);
    expect(res.status).toBe(201);
    const application = res.body;
    expect(application).toMatchObject({
      status: 'pending', organizationName: 'Sound & Light Lda', details: 'We run concerts in Porto.\nTen years.',
      applicant: { id: c.user.id, email: c.user.email }, decidedAt: null, decidedBy: null, reason: null,
    });

    // One pending application per user.
    expectProblem(await apply(session.accessToken, 'Another Name'), 409, 'APPLICATION_PENDING');

    const pending = await stack.api.expect(200, 'GET', '/api/v1/organizer-applications?status=pending', { token: admin() });
    expect(pending.items.map((a: { id: string }) => a.id)).toContain(application.id);
    expect(pending.items.every((a: { status: string }) => a.status === 'pending')).toBe(true);
    const times = pending.items.map((a: { createdAt: string }) => Date.parse(a.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
    const mine = await stack.api.expect(200, 'GET', '/api/v1/organizer-applications/mine', { token: session.accessToken });
    expect(mine.items.map((a: { id: string }) => a.id)).toEqual([application.id]);

    const approved = await stack.api.expect(200, 'POST', `/api/v1/organizer-applications/${application.id}/approve`, { token: admin() });
    expect(approved).toMatchObject({ id: application.id, status: 'approved', decidedBy: stack.admin.user.id });
    expect(Date.parse(approved.decidedAt)).toBeGreaterThan(0);
    expectProblem(await stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/approve`, { token: admin() }), 409, 'APPLICATION_DECIDED');
    expectProblem(await stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/reject`, { token: admin() }), 409, 'APPLICATION_DECIDED');

    // The old access token predates the approval; a refresh picks up the role.
    expect((await stack.api.call('POST', '/api/v1/venues', { token: session.accessToken, body: venue })).status).toBe(403);
    const refreshed = await stack.api.expect(200, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.user.roles).toContain('organizer');
    await stack.api.expect(201, 'POST', '/api/v1/venues', { token: refreshed.accessToken, body: venue });

    // An organizer applying again.
    expectProblem(await apply(refreshed.accessToken), 409, 'ALREADY_ORGANIZER');
  });

  it('reject with a reason; the customer may apply again later', async () => {
    const c = await stack.newCustomer('rejected');
    const application = (await apply(c.token)).body;
    const rejected = await stack.api.expect(200, 'POST', `/api/v1/organizer-applications/${application.id}/reject`, {
      token: admin(),
      body: { reason: 'Please add your company registration number.' },
    });
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'Please add your company registration number.', decidedBy: stack.admin.user.id });
    const me = await stack.api.expect(200, 'GET', '/api/v1/auth/me', { token: c.token });
    expect(me.roles).toEqual(['customer']);
    const listed = await stack.api.expect(200, 'GET', '/api/v1/organizer-applications?status=rejected', { token: admin() });
    expect(listed.items.find((a: { id: string }) => a.id === application.id)).toMatchObject({ reason: 'Please add your company registration number.' });
    expectProblem(await stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/approve`, { token: admin() }), 409, 'APPLICATION_DECIDED');

    // A rejection without a body at all, on the second try.
    const again = await apply(c.token, 'Sound & Light Lda', 'Registration 509 000 000.');
    expect(again.status).toBe(201);
    const second = await stack.api.expect(200, 'POST', `/api/v1/organizer-applications/${again.body.id}/reject`, { token: admin() });
    expect(second.reason).toBeNull();
  });

  it('only admins list and decide; an unknown application is 404, a malformed id 400', async () => {
    const c = await stack.newCustomer('nosy');
    const organizer = await stack.newUserWithRole('organizer');
    const application = (await apply(c.token)).body;
    for (const token of [c.token, organizer.token]) {
      expectProblem(await stack.api.call('GET', '/api/v1/organizer-applications', { token }), 403, 'FORBIDDEN');
      expectProblem(await stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/approve`, { token }), 403, 'FORBIDDEN');
      expectProblem(await stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/reject`, { token, body: {} }), 403, 'FORBIDDEN');
    }
    expectProblem(await stack.api.call('GET', '/api/v1/organizer-applications'), 401, 'UNAUTHORIZED');
    expect((await stack.api.expect(200, 'GET', '/api/v1/organizer-applications/mine', { token: organizer.token })).items).toEqual([]);
    expectProblem(await stack.api.call('POST', `/api/v1/organizer-applications/${randomUUID()}/approve`, { token: admin() }), 404, 'NOT_FOUND');
    expectProblem(await stack.api.call('POST', '/api/v1/organizer-applications/not-a-uuid/approve', { token: admin() }), 400, 'VALIDATION_FAILED');
    // Still pending: nothing above decided it.
    const { rows: [row] } = await stack.pool.query('SELECT status FROM auth.organizer_applications WHERE id = $1', [application.id]);
    expect(row.status).toBe('pending');
  });

  it('concurrent approve and reject of one application: exactly one decision wins', async () => {
    const c = await stack.newCustomer('contested');
    const application = (await apply(c.token)).body;
    const [a, b] = await Promise.all([
      stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/approve`, { token: admin() }),
      stack.api.call('POST', `/api/v1/organizer-applications/${application.id}/reject`, { token: admin(), body: { reason: 'no' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const me = await stack.api.expect(200, 'GET', '/api/v1/auth/me', { token: c.token });
    expect(me.roles.includes('organizer')).toBe(a.status === 200);
  });

  it('admins revoke roles, but never their own admin role', async () => {
    const second = await stack.newUserWithRole('admin');
    const target = await stack.newUserWithRole('staff');
    const revoked = await stack.api.expect(200, 'DELETE', `/api/v1/users/${target.user.id}/roles/staff`, { token: second.token });
    expect(revoked.roles).toEqual(['customer']);
    // Revoking a role not held changes nothing and is not an error.
    expect((await stack.api.expect(200, 'DELETE', `/api/v1/users/${target.user.id}/roles/staff`, { token: second.token })).roles).toEqual(['customer']);

    expectProblem(await stack.api.call('DELETE', `/api/v1/users/${second.user.id}/roles/admin`, { token: second.token }), 409, 'CANNOT_DEMOTE_SELF');
    expect((await stack.api.expect(200, 'GET', '/api/v1/auth/me', { token: second.token })).roles).toContain('admin');
    expectProblem(await stack.api.call('DELETE', `/api/v1/users/${target.user.id}/roles/superuser`, { token: second.token }), 400, 'VALIDATION_FAILED');
    expectProblem(await stack.api.call('DELETE', `/api/v1/users/${randomUUID()}/roles/staff`, { token: second.token }), 404, 'NOT_FOUND');
    expectProblem(await stack.api.call('DELETE', `/api/v1/users/${target.user.id}/roles/staff`, { token: target.token }), 403, 'FORBIDDEN');

    // Another admin may demote this one.
    const demoted = await stack.api.expect(200, 'DELETE', `/api/v1/users/${second.user.id}/roles/admin`, { token: admin() });
    expect(demoted.roles).not.toContain('admin');
  });

  it("an organizer cannot touch another organizer's event or venue", async () => {
    const a = await stack.newUserWithRole('organizer');
    const b = await stack.newUserWithRole('organizer');
    const hallBody = { name: 'Main', sections: [{ name: 'Floor', rows: rows(2, 4) }] };
    const aVenue = await stack.api.expect(201, 'POST', '/api/v1/venues', { token: a.token, body: venue });
    const aHall = await stack.api.expect(201, 'POST', `/api/v1/venues/${aVenue.id}/halls`, { token: a.token, body: hallBody });
    const aEvent = await stack.api.expect(201, 'POST', '/api/v1/events', { token: a.token, body: { title: 'A night', description: 'A', category: 'concert' } });
    const startsAt = new Date(Date.now() + 30 * 86_400_000 + Math.floor(Math.random() * 1e9));
    const session = {
      hallId: aHall.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
      tiers: [{ name: 'All', price: { amount: '10.00', currency: 'EUR' }, sections: ['Floor'] }],
    };

    expectProblem(await stack.api.call('POST', `/api/v1/events/${aEvent.id}/publish`, { token: b.token }), 403, 'FORBIDDEN');
    expectProblem(await stack.api.call('POST', `/api/v1/events/${aEvent.id}/sessions`, { token: b.token, body: session }), 403, 'FORBIDDEN');
    expectProblem(await stack.api.call('POST', `/api/v1/venues/${aVenue.id}/halls`, { token: b.token, body: hallBody }), 403, 'FORBIDDEN');

    // Nothing B tried landed: A still adds the first session and publishes.
    const { rows: halls } = await stack.pool.query('SELECT 1 FROM catalog.halls WHERE venue_id = $1', [aVenue.id]);
    expect(halls).toHaveLength(1);
    await stack.api.expect(201, 'POST', `/api/v1/events/${aEvent.id}/sessions`, { token: a.token, body: session });
    await stack.api.expect(200, 'POST', `/api/v1/events/${aEvent.id}/publish`, { token: a.token });
  });

  it('the service checks roles itself, without the gateway', async () => {
    const c = await stack.newCustomer('direct');
    const direct = (method: string, path: string, token?: string, body?: unknown) =>
      fetch(`${stack.urls.auth}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const cases: [string, string, unknown?][] = [
      ['GET', '/api/v1/organizer-applications'],
      ['POST', `/api/v1/organizer-applications/${randomUUID()}/approve`],
      ['POST', `/api/v1/organizer-applications/${randomUUID()}/reject`, {}],
      ['POST', `/api/v1/users/${c.user.id}/roles`, { role: 'admin' }],
      ['DELETE', `/api/v1/users/${c.user.id}/roles/customer`],
      ['GET', '/api/v1/admin/audit-log'],
    ];
    for (const [method, path, body] of cases) {
      expect({ path, status: (await direct(method, path, c.token, body)).status }).toEqual({ path, status: 403 });
      expect({ path, status: (await direct(method, path, undefined, body)).status }).toEqual({ path, status: 401 });
    }
    const staff = await stack.newUserWithRole('staff');
    await stack.pool.query(`UPDATE auth.users SET roles = '{staff}' WHERE id = $1`, [staff.user.id]);
    const staffOnly = (await stack.api.expect(200, 'POST', '/api/v1/auth/login', { body: { email: staff.user.email, password: PASSWORD } })).accessToken;
    expect((await direct('POST', '/api/v1/organizer-applications', staffOnly, { organizationName: 'S', details: 'S' })).status).toBe(403);
    expect((await direct('GET', '/api/v1/auth/me')).status).toBe(401);
    expect(((await stack.pool.query('SELECT roles FROM auth.users WHERE id = $1', [c.user.id])).rows[0].roles)).toEqual(['customer']);
  });

  it('the audit log records sign-ins, role grants and approvals; admins only', async () => {
    const c = await stack.newCustomer('audited');
    const bad = await stack.api.call('POST', '/api/v1/auth/login', {
      body: { email: c.user.email.toUpperCase(), password: 'Wrong-password-1' },
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expectProblem(bad, 401, 'INVALID_CREDENTIALS');
    const unknownEmail = `nobody-${randomUUID().slice(0, 8)}@test.example`;
    expectProblem(await stack.api.call('POST', '/api/v1/auth/login', { body: { email: unknownEmail, password: 'Whatever-12345' } }), 401, 'INVALID_CREDENTIALS');
    const good = await signIn(c.user.email);
    await stack.api.expect(200, 'POST', `/api/v1/users/${c.user.id}/roles`, { token: admin(), body: { role: 'staff' } });
    const application = (await apply(good.accessToken)).body;
    await stack.api.expect(200, 'POST', `/api/v1/organizer-applications/${application.id}/approve`, { token: admin() });

    const log = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?subjectId=${c.user.id}&limit=100`, { token: admin() });
    const actions = log.items.map((e: { action: string }) => e.action);
    // Newest first.
    expect(actions).toEqual([
      'role.granted', 'application.approved', 'application.submitted', 'role.granted', 'login.succeeded', 'login.failed', 'login.succeeded', 'user.registered',
    ]);
    const ids = log.items.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const failed = log.items.find((e: { action: string }) => e.action === 'login.failed');
    // The normalised email, the reason, the address, never the password.
    expect(failed).toMatchObject({ actorId: null, ip: expect.any(String), details: { email: c.user.email, reason: 'wrong_password' } });
    expect(JSON.stringify(log.items)).not.toContain('Wrong-password-1');
    expect(JSON.stringify(log.items)).not.toContain(PASSWORD);
    expect(log.items.find((e: { action: string }) => e.action === 'application.approved')).toMatchObject({
      actorId: stack.admin.user.id, details: { applicationId: application.id },
    });
    expect(log.items.filter((e: { action: string }) => e.action === 'role.granted').map((e: any) => e.details.role).sort()).toEqual(['organizer', 'staff']);

    const unknown = await stack.api.expect(200, 'GET', '/api/v1/admin/audit-log?action=login.failed&limit=50', { token: admin() });
    expect(unknown.items.some((e: any) => e.details.email === unknownEmail && e.details.reason === 'unknown_email' && e.subjectId === null)).toBe(true);

    // Keyset pagination: two pages of 3 are the first 6.
    const page1 = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?subjectId=${c.user.id}&limit=3`, { token: admin() });
    const page2 = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?subjectId=${c.user.id}&limit=3&before=${page1.nextBefore}`, { token: admin() });
    expect([...page1.items, ...page2.items].map((e: { id: number }) => e.id)).toEqual(ids.slice(0, 6));

    const byActor = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?actorId=${stack.admin.user.id}&action=application.approved&limit=5`, { token: admin() });
    expect(byActor.items.every((e: any) => e.actorId === stack.admin.user.id && e.action === 'application.approved')).toBe(true);

    expectProblem(await stack.api.call('GET', '/api/v1/admin/audit-log', { token: good.accessToken }), 403, 'FORBIDDEN');
    expectProblem(await stack.api.call('GET', '/api/v1/admin/audit-log'), 401, 'UNAUTHORIZED');
  });
});
