import http from 'node:http';
import { apiLane, type Step } from '../../services/shared/api-lane';
import { listen, type RunningServer } from '../../services/shared/http';

// The gateway's router for the public API, on a real server: the paths it
// takes are the ones Express took before it, and a failing step is answered.
describe('API lane', () => {
  let server: RunningServer;
  const seen: string[] = [];
  const answer = (label: string): Step => (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(`${label} ${req.method} ${req.url} ${(req as { route?: { path: string } }).route?.path} ${JSON.stringify((req as { params?: object }).params)}`);
    res.end(label);
  };
  beforeAll(async () => {
    const lane = apiLane(
      [
        { method: 'get', path: '/api/v1/reservations/:id', steps: [(_q, _s, next) => next(null), answer('get-one')] },
        { method: 'post', path: '/api/v1/reservations', steps: [answer('post')] },
        { method: 'post', path: '/api/v1/throws', steps: [() => { throw new Error('sync'); }] },
        { method: 'post', path: '/api/v1/rejects', steps: [async () => { throw new Error('async'); }] },
      ],
      (_req, res) => { res.statusCode = 404; res.end('fallback'); },
      (err, _req, res) => { res.statusCode = 500; res.end(`error: ${(err as Error).message}`); },
    );
    server = await listen(lane, 0, '127.0.0.1');
  });
  afterAll(() => server.close());

  const call = async (method: string, path: string) => {
    const res = await fetch(`${server.url}${path}`, { method });
    return { status: res.status, body: await res.text() };
  };

  it('routes by method and path, names the route, and forwards the URL as sent', async () => {
    expect(await call('GET', '/api/v1/reservations/abc?x=1')).toEqual({ status: 200, body: 'get-one' });
    expect(seen.at(-1)).toBe('get-one GET /api/v1/reservations/abc?x=1 /api/v1/reservations/:id {"id":"abc"}');
    expect(await call('POST', '/api/v1/reservations')).toEqual({ status: 200, body: 'post' });
  });

  it('matches as Express does: any case, a trailing slash, HEAD as GET', async () => {
    expect((await call('POST', '/API/v1/Reservations/')).body).toBe('post');
    expect((await call('HEAD', '/api/v1/reservations/abc')).status).toBe(200);
    expect(seen.at(-1)).toMatch(/^get-one HEAD /);
  });

  it('gives the path parameters decoded, as Express does, and a malformed escape as it came', async () => {
    await call('GET', '/api/v1/reservations/a%2Fb%20c');
    expect(seen.at(-1)).toMatch(/ \{"id":"a\/b c"\}$/);
    await call('GET', '/api/v1/reservations/%E0%A4%A');
    expect(seen.at(-1)).toMatch(/ \{"id":"%E0%A4%A"\}$/);
  });

  it('leaves other methods and paths to the fallback', async () => {
    expect(await call('DELETE', '/api/v1/reservations')).toEqual({ status: 404, body: 'fallback' });
    expect(await call('GET', '/api/v1/reservations/abc/more')).toEqual({ status: 404, body: 'fallback' });
    expect(await call('GET', '/docs')).toEqual({ status: 404, body: 'fallback' });
  });

  it('answers a step that throws or rejects through the error handler', async () => {
    expect(await call('POST', '/api/v1/throws')).toEqual({ status: 500, body: 'error: sync' });
    expect(await call('POST', '/api/v1/rejects')).toEqual({ status: 500, body: 'error: async' });
  });
});
