import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCatalogHttpApi } from '../../services/operator/catalog-api';
import { HttpError } from '../../services/shared/errors';

/**
 * The operator's catalog client signs in once, renews its tokens when the
 * catalog answers 401, and turns problem+json refusals into HttpErrors.
 * A stub server plays auth and catalog, so token expiry can be forced.
 */
describe('catalog client of the operator', () => {
  let server: Server;
  let url: string;
  const seen = { logins: 0, refreshes: 0 };
  let valid = new Set<string>();
  let issued = 0;

  const issue = () => {
    issued++;
    valid = new Set([`access-${issued}`]);
    return { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, expiresIn: 900 };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const send = (status: number, json: unknown, type = 'application/json') => {
          res.writeHead(status, { 'content-type': type });
          res.end(JSON.stringify(json));
        };
        if (req.url === '/api/v1/auth/login') {
          seen.logins++;
          const b = JSON.parse(body);
          if (b.password !== 'right-password') return send(401, { status: 401, code: 'INVALID_CREDENTIALS', detail: 'wrong email or password' }, 'application/problem+json');
          return send(200, issue());
        }
        if (req.url === '/api/v1/auth/refresh') {
          seen.refreshes++;
          return JSON.parse(body).refreshToken === `refresh-${issued}` ? send(200, issue()) : send(401, { status: 401, code: 'UNAUTHORIZED', detail: 'used' });
        }
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!valid.has(token)) return send(401, { status: 401, code: 'UNAUTHORIZED', detail: 'expired' }, 'application/problem+json');
        if (req.url === '/api/v1/venues') return send(200, { items: [{ id: 'v1', name: 'Hall', halls: [] }] });
        if (req.method === 'PUT') {
          return send(409, { status: 409, code: 'LAYOUT_LOCKED', detail: 'a session in this hall has sold or held seats' }, 'application/problem+json');
        }
        if (req.url?.startsWith('/api/v1/events/')) return send(404, { status: 404, code: 'NOT_FOUND', detail: 'event not found' }, 'application/problem+json');
        send(500, {});
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));

  test('signs in once, and renews on 401 with one refresh for concurrent calls', async () => {
    const catalog = createCatalogHttpApi({ catalogUrl: url, authUrl: url, email: 'op@example.test', password: 'right-password' });
    const logins = seen.logins;
    expect(await catalog.listVenues()).toHaveLength(1);
    await catalog.listVenues();
    expect(seen.logins - logins).toBe(1);

    // Every token expires at once; three calls in flight share one renewal.
    valid = new Set();
    const refreshes = seen.refreshes;
    const lists = await Promise.all([catalog.listVenues(), catalog.listVenues(), catalog.listVenues()]);
    expect(lists.every((l) => l.length === 1)).toBe(true);
    expect(seen.refreshes - refreshes).toBe(1);
    expect(seen.logins - logins).toBe(1);
  });

  test('refusals keep their status and code; a missing object reads as undefined', async () => {
    const catalog = createCatalogHttpApi({ catalogUrl: url, authUrl: url, email: 'op@example.test', password: 'right-password' });
    const err = await catalog.replaceHall('v1', 'h1', { name: 'Hall', sections: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 409, code: 'LAYOUT_LOCKED' });
    expect(await catalog.getEvent('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  test('a wrong password fails the call with the sign-in refusal, and the next call tries again', async () => {
    const catalog = createCatalogHttpApi({ catalogUrl: url, authUrl: url, email: 'op@example.test', password: 'wrong-password' });
    const logins = seen.logins;
    await expect(catalog.listVenues()).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    await expect(catalog.listVenues()).rejects.toMatchObject({ status: 401 });
    expect(seen.logins - logins).toBe(2);
  });
});
