import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import { problem } from './errors';

/**
 * How long nothing may be in flight before the idle keep-alive connections
 * left are closed. A client may be sending a request on such a connection
 * at the very moment it is closed, and that request is lost without an
 * answer: until then, a request arriving on one is answered (with
 * `Connection: close`), which empties a busy client's pool of them quickly.
 */
const QUIET_MS = 1_000;

/**
 * Graceful shutdown of a service's HTTP server (a redeploy, a scale-down):
 * `drain` marks the server draining, so /readyz answers 503 at once and
 * every answer from then on closes its connection; stops accepting new
 * connections; ends event streams (their clients reconnect, to a replica
 * that stays); answers the requests in flight, and those arriving on
 * connections already open, for up to `graceMs`, then closes the idle
 * connections once nothing has been in flight for QUIET_MS. Whatever is
 * still open at `graceMs` is cut.
 *
 * `listener` wraps the service's request listener to know what is in
 * flight: a set insert and delete per request.
 */
export function drainable(app: RequestListener) {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  let lastSettled = 0;

  const listener: RequestListener = (req, res) => {
    if (draining) {
      res.shouldKeepAlive = false;
      if (isReadiness(req)) return notReady(res);
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      lastSettled = Date.now();
    });
    app(req, res);
  };

  async function drain(s: Server, graceMs: number): Promise<{ cut: number }> {
    draining = true;
    // Stop accepting only: Node's http close() would also close the idle keep-alive connections at once.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(s, () => resolve()));
    for (const res of inFlight) {
      if (isEventStream(res)) res.end();
      else if (!res.headersSent) res.shouldKeepAlive = false;
    }
    const deadline = Date.now() + graceMs;
    lastSettled = Date.now();
    while (Date.now() < deadline && (inFlight.size > 0 || Date.now() - lastSettled < QUIET_MS)) {
      await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    const cut = inFlight.size;
    if (cut) s.closeAllConnections();
    else s.closeIdleConnections();
    // A connection still sending its first request (never finishing it) is not idle: it is cut too.
    const stragglers = setTimeout(() => s.closeAllConnections(), QUIET_MS);
    await closed;
    clearTimeout(stragglers);
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
