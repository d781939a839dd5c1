import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { problem } from './errors';

/**
 * Graceful shutdown of a service's HTTP server (a redeploy, a scale-down):
 * `drain` marks the server draining, so /readyz answers 503 at once and
 * every answer from then on closes its connection; stops accepting new
 * connections; ends event streams (their clients reconnect, to a replica
 * that stays); and waits up to `graceMs` for the requests in flight to be
 * answered. Whatever is still open then is cut.
 *
 * `listener` wraps the service's request listener to know what is in
 * flight: a set insert and delete per request.
 */
export function drainable(app: RequestListener) {
  let draining = false;
  let server: Server | undefined;
  const inFlight = new Set<ServerResponse>();

  const listener: RequestListener = (req, res) => {
    if (draining) {
      res.shouldKeepAlive = false;
      if (isReadiness(req)) return notReady(res);
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A keep-alive connection whose answer went out before the drain began is idle now: close it.
      if (draining) setImmediate(() => server?.closeIdleConnections());
    });
    app(req, res);
  };

  async function drain(s: Server, graceMs: number): Promise<{ cut: number }> {
    server = s;
    draining = true;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const res of inFlight) {
      if (isEventStream(res)) res.end();
      else if (!res.headersSent) res.shouldKeepAlive = false;
    }
    s.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([closed.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(timer);
    if (inTime) return { cut: 0 };
    const cut = inFlight.size;
    s.closeAllConnections();
    await closed;
    return { cut };
  }

  return { listener, drain, isDraining: () => draining };
}

const isReadiness = (req: IncomingMessage) => req.url === '/readyz' || req.url?.startsWith('/readyz?') === true;

function notReady(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify(problem(503, 'NOT_READY', 'shutting down')));
}

function isEventStream(res: ServerResponse): boolean {
  const type = res.getHeader('content-type');
  return (typeof type === 'string' && type.startsWith('text/event-stream')) || res.req.headers.accept === 'text/event-stream';
}
