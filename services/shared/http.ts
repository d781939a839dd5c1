import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { isCorrelationId, REQUEST_ID_HEADER, RESERVATION_ID_HEADER } from '../../contracts/correlation';
import { answerParseErrors } from './client-errors';
import { drainable } from './drain';
import { DEFAULT_RETRY_AFTER_SECONDS, HttpError, problem, unavailableError } from './errors';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { withCorrelation } from './request-context';
import { requestLog } from './request-log';

export { REQUEST_ID_HEADER };

/** A request whose JSON body was parsed by createServiceApp: the bytes as received. */
export type RawBodyRequest = import('node:http').IncomingMessage & { rawBody?: Buffer };

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  /** Resolves when every dependency answers; /readyz reports 503 otherwise. */
  ready: () => Promise<void>;
  /** JSON body limit; false leaves bodies unparsed (the gateway streams them on). */
  bodyLimit?: string | false;
  /** Exposition lines served after the registry's on /metrics (the worker's: the Temporal SDK's own). */
  moreMetrics?: () => Promise<string>;
}

/**
 * The skeleton every service shares: request ids, JSON bodies, health,
 * readiness and Prometheus metrics. The service adds its routes, then calls
 * `finishApp` to add the 404 and problem+json handlers.
 */
export function createServiceApp(o: ServiceAppOptions): { app: Express; metrics: Metrics; context: RequestHandler } {
  const app = express();
  const metrics = createMetrics(o.name);
  app.disable('x-powered-by');
  app.set('etag', false);
  const context = requestContext(o.logger, metrics);
  app.use(context);
  if (o.bodyLimit !== false) app.use(jsonBody(o.bodyLimit));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await o.ready();
      res.json({ status: 'ready' });
    } catch (err) {
      res
        .status(503)
        .type('application/problem+json')
        .json(problem(503, 'NOT_READY', `dependency unavailable: ${(err as Error).message}`));
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send((await metrics.registry.metrics()) + ((await o.moreMetrics?.()) ?? ''));
  });
  return { app, metrics, context };
}

/** Parses JSON bodies into req.body; the raw bytes are kept for signature checks (webhooks sign the body as sent, not as re-serialized). */
export const jsonBody = (limit = '64kb'): RequestHandler =>
  express.json({ limit, verify: (req, _res, buf) => void ((req as RawBodyRequest).rawBody = buf) });

/** A request routed outside Express (an API lane: api-lane.ts) names its route pattern here. */
export type RoutedRequest = IncomingMessage & { route?: { path: string }; originalUrl?: string };

/** Request ids, the correlation every later log line and call carries (request-context.ts), metrics and the request's log line. */
function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  const logLine = requestLog(logger);
  return (req, res, next) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const id = isCorrelationId(incoming) ? incoming : randomUUID();
    req.headers[REQUEST_ID_HEADER] = id;
    res.setHeader('X-Request-Id', id);
    const reservation = req.headers[RESERVATION_ID_HEADER];
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // The matched route pattern keeps label cardinality bounded.
      const route = (req as RoutedRequest).route?.path ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      // The reservation the answer names (booking's, or an upstream's the gateway passed on), else the caller's.
      const named = res.getHeader(RESERVATION_ID_HEADER);
      const reservationId = typeof named === 'string' ? named : isCorrelationId(reservation) ? reservation : undefined;
      logLine({ requestId: id, ...(reservationId ? { reservationId } : {}), method: req.method, route, url: req.originalUrl ?? req.url, status: res.statusCode, ms: Math.round(seconds * 1000) });
    });
    withCorrelation({ requestId: id, ...(isCorrelationId(reservation) ? { reservationId: reservation } : {}) }, next, res);
  };
}

export function finishApp(app: Express, logger: Logger): Express {
  app.use((req, _res, next) => {
    next(new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  });
  const answer = problemResponder(logger);
  const handler: ErrorRequestHandler = (err, req, res, _next) => answer(err, req, res);
  app.use(handler);
  return app;
}

/**
 * Answers anything thrown in a route as problem+json (on plain Node responses
 * too); 5xx are logged. A dependency out of reach is a 503, and every 503
 * says when to retry (Retry-After).
 */
export function problemResponder(logger: Logger) {
  return (err: unknown, req: IncomingMessage, res: ServerResponse): void => {
    const e = toHttpError(err);
    if (e.code === 'DEPENDENCY_UNAVAILABLE') {
      logger.warn({ err: (err as Error).message, requestId: req.headers[REQUEST_ID_HEADER] }, 'dependency unavailable');
    } else if (e.status >= 500) {
      logger.error({ err, requestId: req.headers[REQUEST_ID_HEADER] }, 'unhandled error');
    }
    if (res.headersSent) return;
    const retryAfter = e.extra.retryAfter ?? (e.status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.statusCode = e.status;
    res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
    res.end(JSON.stringify(problem(e.status, e.code, e.message, e.extra)));
  };
}

/** Maps anything thrown in a route to an HttpError; body-parser's errors are the client's fault. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const unavailable = unavailableError(err);
  if (unavailable) return unavailable;
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.too.large') return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'MALFORMED_JSON', 'request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', e.message ?? 'unsupported encoding');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'BAD_REQUEST', e.message ?? 'bad request');
  }
  return new HttpError(500, 'INTERNAL', 'internal error');
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stops at once, cutting whatever is in flight (tests). */
  close: () => Promise<void>;
  /** Stops gracefully (SIGTERM): the answers in flight are given first, for up to the service's grace (drain.ts); says how many were cut. */
  shutdown: () => Promise<{ cut: number }>;
}

/**
 * Connections the kernel queues for accept(). Node's default, 511, overflows
 * when a flash sale's thousands of buyers connect at once: the dropped SYNs
 * are retried after 1, 3, 7, 15, 31 s, which buyers see as answers taking
 * half a minute. The kernel caps it at net.core.somaxconn.
 */
export const LISTEN_BACKLOG = 4096;

/** How long a service keeps an idle keep-alive connection open. */
export const SERVER_KEEP_ALIVE_MS = 65_000;

/**
 * A keep-alive pool for calls to the services, whose idle sockets are closed
 * by this side after idleMs: well before the service closes them
 * (SERVER_KEEP_ALIVE_MS). Otherwise a socket the service is closing at that
 * very moment is taken for a request, which then fails with ECONNRESET
 * (seen in a flash sale: sockets opened by its first burst, idle while the
 * waiting room held buyers back, all reused 65 s later).
 */
export function keepAliveAgent(o: { idleMs?: number; maxSockets?: number } = {}): http.Agent {
  return new IdleClosingAgent(o.idleMs ?? 30_000, o.maxSockets ?? 8192);
}

/**
 * The idle timer runs only while a socket waits in the free list. Node's
 * `timeout` option would keep it armed on busy sockets too, re-armed on every
 * read and write: under a flash sale's 409s that cost the gateway about a
 * third of its CPU per request. A request's own deadline is its caller's.
 */
class IdleClosingAgent extends http.Agent {
  constructor(
    private readonly idleMs: number,
    maxSockets: number,
  ) {
    super({ keepAlive: true, maxSockets });
  }

  override keepSocketAlive(socket: Socket): boolean {
    // Node's typing says void; it answers whether the socket may be kept.
    const keep = (super.keepSocketAlive(socket) as unknown as boolean) !== false;
    // The agent destroys a free socket whose timer fires.
    if (keep) socket.setTimeout(this.idleMs);
    return keep;
  }

  override reuseSocket(socket: Socket, request: http.ClientRequest): void {
    socket.setTimeout(0);
    super.reuseSocket(socket, request);
  }
}

export function listen(app: RequestListener, port: number, host = '0.0.0.0', graceMs = 0): Promise<RunningServer> {
  const { listener, drain } = drainable(app);
  return new Promise((resolve, reject) => {
    const server = http.createServer(listener);
    answerParseErrors(server);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      // Behind a keep-alive proxy, the server must hold idle sockets longer than the proxy.
      server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
      server.headersTimeout = SERVER_KEEP_ALIVE_MS + 1_000;
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `http://127.0.0.1:${actual}`,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
        shutdown: () => drain(server, graceMs),
      });
    });
    server.on('error', reject);
  });
}

/**
 * Entry-point helper: run `main`, exit non-zero with the error on failure; on
 * SIGTERM/SIGINT shut the service down gracefully (RunningServer.shutdown)
 * and exit 0.
 */
export function runMain(name: string, main: () => Promise<Pick<RunningServer, 'shutdown'>>): void {
  Promise.resolve()
    .then(main)
    .then((running) => {
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${name}: ${signal}, shutting down`);
        running.shutdown().then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    })
    .catch((err) => {
      console.error(`${name} failed to start:`, err);
      process.exit(1);
    });
}
