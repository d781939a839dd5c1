import { randomUUID } from 'node:crypto';
import { signIn, type SignedIn } from '../../devstack/api-client';
import { ROUTES } from '../../services/gateway/routes';
import type { Role } from '../../contracts/auth';
import { startStack, type Stack } from '../support/stack';

/**
 * Who may call what, written from the public contract, independently of the gateway's
 * route table: every route of the table must be here and every route here
 * must be served, so a route cannot be added without deciding its access.
 */
const SPEC: Record<string, 'anyone' | 'user' | Role[]> = {
  'POST /api/v1/auth/register': 'anyone',
  'POST /api/v1/auth/login': 'anyone',
  'POST /api/v1/auth/refresh': 'anyone',
  'POST /api/v1/auth/logout': 'user',
  'GET /api/v1/auth/me': 'user',
  'GET /.well-known/jwks.json': 'anyone',
  'POST /api/v1/organizer-applications': ['customer'],
  'GET /api/v1/organizer-applications': ['admin'],
  'GET /api/v1/organizer-applications/mine': 'user',
  'POST /api/v1/organizer-applications/{id}/approve': ['admin'],
  'POST /api/v1/organizer-applications/{id}/reject': ['admin'],
  'POST /api/v1/users/{id}/roles': ['admin'],
  'DELETE /api/v1/users/{id}/roles/{role}': ['admin'],
  'GET /api/v1/admin/audit-log': ['admin'],

  'POST /api/v1/venues': ['organizer'],
  'GET /api/v1/venues': ['organizer'],
  'GET /api/v1/venues/{id}': ['organizer'],
  'POST /api/v1/venues/{id}/halls': ['organizer'],
  'PUT /api/v1/venues/{id}/halls/{hallId}': ['organizer'],
  'POST /api/v1/events': ['organizer'],
  'GET /api/v1/events': 'anyone',
  'GET /api/v1/events/{id}': 'anyone',
  'PATCH /api/v1/events/{id}': ['organizer'],
  'POST /api/v1/events/{id}/publish': ['organizer'],
  'POST /api/v1/events/{id}/cancel': ['organizer'],
  'POST /api/v1/events/{id}/sessions': ['organizer'],
  'GET /api/v1/organizer/events': ['organizer'],
  'GET /api/v1/sessions/{id}': 'anyone',
  'GET /api/v1/sessions/{id}/layout': 'anyone',
  'GET /api/v1/sessions/{id}/availability': 'anyone',
  'GET /api/v1/sessions/{id}/seat-map': 'anyone',
  'GET /api/v1/sessions/{id}/seat-map/live': 'anyone',

  'PUT /api/v1/sessions/{id}/waiting-room': ['organizer'],
  'GET /api/v1/sessions/{id}/waiting-room': 'anyone',
  'POST /api/v1/sessions/{id}/queue': ['customer'],
  'GET /api/v1/queue/{token}': 'user',
  'GET /api/v1/queue/{token}/live': 'user',

  'POST /api/v1/reservations': ['customer'],
  'GET /api/v1/reservations': 'user',
  'GET /api/v1/reservations/{id}': 'user',
  'POST /api/v1/reservations/{id}/confirm': ['customer'],
  'DELETE /api/v1/reservations/{id}': ['customer'],
  'GET /api/v1/tickets': 'user',
  'GET /api/v1/tickets/user/{userId}': 'user',
  'GET /api/v1/tickets/{id}': 'user',
  'GET /api/v1/tickets/{id}/qr': 'user',
  'GET /api/v1/tickets/{id}/pdf': 'user',

  'POST /api/v1/checkin': ['staff', 'organizer'],
  'GET /api/v1/events/{id}/checkin-kit': ['staff', 'organizer'],
  'GET /api/v1/events/{id}/sales': ['organizer', 'admin'],
  'GET /api/v1/admin/stats': ['admin'],
};

const ROLES: Role[] = ['customer', 'organizer', 'staff', 'admin'];
type Caller = Role | 'anonymous';

/** What the gateway must answer: 401 without a token, 403 without the role, otherwise it passes the request on. */
function expected(access: (typeof SPEC)[string], caller: Caller): 401 | 403 | 'passed' {
  if (access === 'anyone') return 'passed';
  if (caller === 'anonymous') return 401;
  if (access === 'user') return 'passed';
  return access.includes(caller) ? 'passed' : 403;
}

describe('access matrix: every route × every role × no token', () => {
  let stack: Stack;
  const callers = new Map<Caller, SignedIn | undefined>();
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    callers.set('anonymous', undefined);
    callers.set('admin', stack.admin);
    for (const role of ['customer', 'organizer', 'staff'] as const) {
      // Exactly one role each, so the matrix tests that role alone.
      const user = await stack.newCustomer(role);
      await stack.pool.query('UPDATE auth.users SET roles = $2 WHERE id = $1', [user.user.id, [role]]);
      callers.set(role, await signIn(stack.api, user.user.email, 'Correct-horse-42'));
    }
  });
  afterAll(() => stack.close());

  const table = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);

  it('covers exactly the routes of the route table', () => {
    expect([...table].sort()).toEqual(Object.keys(SPEC).sort());
  });

  it.each(Object.keys(SPEC))('%s', async (route) => {
    const [method, template] = route.split(' ') as [string, string];
    const path = template.replace('{role}', 'staff').replace(/\{\w+\}/g, () => randomUUID());
    const got: Record<string, number> = {};
    const want: Record<string, number | 'passed'> = {};
    for (const caller of [...ROLES, 'anonymous'] as Caller[]) {
      const res = await stack.api.call(method, path, { token: callers.get(caller)?.token, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      const e = expected(SPEC[route]!, caller);
      want[caller] = e;
      // Passed on: the service answers for itself (400 for the empty body, 404 for the made-up id...), never 401/403 nor 5xx.
      got[caller] = e === 'passed' && ![401, 403].includes(res.status) && res.status < 500 ? ('passed' as never) : res.status;
      expect(res.status).toBeLessThan(500);
    }
    expect(got).toEqual(want);
  });
});
