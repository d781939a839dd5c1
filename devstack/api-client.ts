/**
 * A small client of the public API, shared by the demo seed and the tests,
 * so both create users and catalog data exactly as a real caller would.
 */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Api {
  baseUrl: string;
  call<T = any>(method: string, path: string, o?: CallOptions): Promise<ApiResponse<T>>;
  /** Like call, but anything but the expected status throws with the problem's detail. */
  expect<T = any>(status: number, method: string, path: string, o?: CallOptions): Promise<T>;
}

export function apiClient(baseUrl: string): Api {
  const api: Api = {
    baseUrl,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      const type = res.headers.get('content-type') ?? '';
      const body: any = type.includes("json") ? await res.json() : Buffer.from(await res.arrayBuffer());
      return { status: res.status, body, headers: res.headers };
    },
    async expect(status, method, path, o) {
      const res = await api.call(method, path, o);
      if (res.status !== status) {
        throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
      }
      return res.body;
    },
  };
  return api;
}

export interface Account {
  email: string;
  password: string;
  name: string;
}

export interface SignedIn {
  token: string;
  user: { id: string; email: string; roles: string[] };
}

export const signIn = async (api: Api, email: string, password: string): Promise<SignedIn> => {
  const body = await api.expect(200, 'POST', '/api/v1/auth/login', { body: { email, password } });
  return { token: body.accessToken, user: body.user };
};

/** Registers the account unless it exists, grants it the role (admin token), and signs it in. */
export async function ensureAccount(api: Api, a: Account, role?: string, adminToken?: string): Promise<SignedIn> {
  const reg = await api.call('POST', '/api/v1/auth/register', { body: a });
  if (reg.status !== 201 && reg.status !== 409) throw new Error(`register ${a.email}: ${reg.status} ${JSON.stringify(reg.body)}`);
  let me = await signIn(api, a.email, a.password);
  if (role && !me.user.roles.includes(role)) {
    await api.expect(200, 'POST', `/api/v1/users/${me.user.id}/roles`, { token: adminToken, body: { role } });
    me = await signIn(api, a.email, a.password); // roles travel in the token
  }
  return me;
}

export interface HallLayout {
  name: string;
  sections: { name: string; rows: { label: string; seats: number }[] }[];
}

export interface SessionPlan {
  venue: { name: string; city: string; address: string };
  hall: HallLayout;
  event: { title: string; description: string; category: string };
  startsAt: Date;
  durationMinutes: number;
  tiers: { name: string; price: { amount: string; currency: string }; sections: string[] }[];
}

export interface SeatedSession {
  venueId: string;
  hallId: string;
  eventId: string;
  sessionId: string;
}

/** Venue → hall → event → session with tiers → published, as an organizer does it. */
export async function createPublishedSession(api: Api, organizerToken: string, p: SessionPlan): Promise<SeatedSession> {
  const token = organizerToken;
  const venue = await api.expect(201, 'POST', '/api/v1/venues', { token, body: p.venue });
  const hall = await api.expect(201, 'POST', `/api/v1/venues/${venue.id}/halls`, { token, body: p.hall });
  const event = await api.expect(201, 'POST', '/api/v1/events', { token, body: p.event });
  const session = await api.expect(201, 'POST', `/api/v1/events/${event.id}/sessions`, {
    token,
    body: {
      hallId: hall.id,
      startsAt: p.startsAt.toISOString(),
      endsAt: new Date(p.startsAt.getTime() + p.durationMinutes * 60_000).toISOString(),
      tiers: p.tiers,
    },
  });
  await api.expect(200, 'POST', `/api/v1/events/${event.id}/publish`, { token });
  return { venueId: venue.id, hallId: hall.id, eventId: event.id, sessionId: session.id };
}

/** Rows A, B, C… of `seats` seats each. */
export const rows = (count: number, seats: number) =>
  Array.from({ length: count }, (_, i) => ({ label: String.fromCharCode(65 + i), seats }));
