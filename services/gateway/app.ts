import cors from 'cors';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { createProxyMiddleware, fixRequestBody, proxyEventsPlugin } from 'http-proxy-middleware';
import type { ClientRequest as UpstreamRequest, IncomingMessage, RequestListener } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';
import swaggerUi from 'swagger-ui-express';
import { RESERVATION_ID_HEADER } from '../../contracts/correlation';
import { bearerToken, hasRole, type VerifyToken } from '../shared/auth';
import { DEFAULT_RETRY_AFTER_SECONDS, forbidden, HttpError, problem, unauthorized, unavailableError } from '../shared/errors';
import { createServiceApp, finishApp, keepAliveAgent, problemResponder } from '../shared/http';
import type { Logger } from '../shared/logger';
import { apiLane, type LaneRoute, type Step } from '../shared/api-lane';
import { openApiDocument } from './openapi';
import { webApp } from './web-app';
import type { createRateLimits } from './rate-limits';
import { expressPath, ROUTES, type Access, type Upstream } from './routes';

export interface GatewayDeps {
  /** Each upstream's replicas: one URL, or several taken in turn. */
  upstreams: Record<Upstream, string[]>;
  verifyToken: VerifyToken;
  rateLimits: ReturnType<typeof createRateLimits>;
  publicUrl: string;
  corsOrigins: string[];
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** Express "trust proxy": which hops' X-Forwarded-For to believe for the client address. */
  trustProxy: string | number | boolean;
  /** The built web app's folder, served at / (web-app.ts); none there, no app. */
  webAppDir: string;
  logger: Logger;
}

/** Each proxied request's upstream request, to tell the proxy's own timeout from an upstream that went away. */
const upstreamRequests = new WeakMap<IncomingMessage, UpstreamRequest>();

/** Tokens found invalid when their request came in, answered by the route's guard. */
const tokenErrors = new WeakMap<IncomingMessage, unknown>();

/** Enforces the route's access rule on the caller found when the request came in: deny unless listed. */
function guard(access: Access): RequestHandler {
  return (req, _res, next) => {
    // An invalid token is a 401 here, with its reason, on any route.
    if (tokenErrors.has(req)) throw tokenErrors.get(req);
    if (access === 'public') return next();
    if (!req.user) throw unauthorized();
    if (access !== 'user' && !hasRole(req.user, ...access)) throw forbidden(`requires role ${access.join(' or ')}`);
    next();
  };
}

export function createGatewayApp(d: GatewayDeps): RequestListener {
  const upstreamNames = Object.keys(d.upstreams) as Upstream[];
  const { app, context } = createServiceApp({
    name: 'gateway',
    logger: d.logger,
    bodyLimit: false, // bodies are streamed to the services, not parsed here
    ready: async () => {
      await Promise.all(
        upstreamNames.map(async (name) => {
          for (const base of d.upstreams[name]) {
            const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
            if (!res.ok) throw new Error(`${name} (${base}) answered ${res.status}`);
          }
        }),
      );
    },
  });
  app.set('trust proxy', d.trustProxy);
  const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;

  // Every request, API or not: security headers, CORS, who calls, limits, body size.
  const common: Step[] = [
    helmet({
      // The API answers JSON; the pages are /docs (Swagger UI with its inline styles) and the web
      // app at / (its tickets' QR codes are fetched with the bearer token and shown from blob: URLs).
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] },
      },
    }),
    cors({
      origin: (origin, cb) => cb(null, origin !== undefined && d.corsOrigins.includes(origin)),
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location', 'RateLimit-Remaining'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-Admission-Token'],
      maxAge: 600,
    }),
    // Who calls, once, before any limit: a valid token makes the request its account's (limited
    // per account), anything else is limited per address.
    (req, _res, next) => {
      const token = bearerToken(req);
      if (token) {
        try {
          req.user = d.verifyToken(token);
        } catch (err) {
          // The route's guard answers it, after the limit per address.
          tokenErrors.set(req, err);
        }
      }
      next();
    },
    d.rateLimits.byIp,
    (req, _res, next) => {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > d.maxBodyBytes) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${d.maxBodyBytes} bytes`);
      next();
    },
  ];
  app.use(...(common as RequestHandler[]));

  const document = openApiDocument(d.publicUrl);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'Ticketing API' }));
  app.use(webApp(d.webAppDir, d.logger));

  // Enough sockets that quick calls (queue polls, seat maps) never wait behind slow ones (holds
  // waiting their turn at Temporal) for a free socket; each service bounds its own work.
  const agent = keepAliveAgent();
  const proxy = (name: Upstream, timeoutMs?: number): Step => {
    const targets = d.upstreams[name];
    let turn = 0;
    return createProxyMiddleware({
      target: targets[0],
      // Replicas in turn (one URL: always it).
      ...(targets.length > 1 ? { router: () => targets[turn++ % targets.length] } : {}),
      agent,
      proxyTimeout: timeoutMs,
      // Only the event handlers below: the default plugins log (and format a line for) every request.
      ejectPlugins: true,
      plugins: [proxyEventsPlugin],
      on: {
        proxyReq: (proxyReq, req) => {
          upstreamRequests.set(req, proxyReq);
          // Under load the upstream request can already be on its way (or torn
          // down by a timeout) when this runs; touching its headers then throws
          // outside any handler and would take the gateway down.
          if (proxyReq.headersSent || proxyReq.destroyed) return;
          // The client address as the gateway established it (trust proxy), replacing
          // whatever X-Forwarded-For the client sent: services log and audit it.
          const r = req as ClientRequest;
          proxyReq.setHeader('x-forwarded-for', r.ip ?? '');
          proxyReq.setHeader('x-forwarded-proto', r.protocol);
          // Re-sends a body the gateway parsed (the login route) instead of the consumed stream.
          fixRequestBody(proxyReq, req);
        },
        error: (err, req, res) => {
          const code = (err as NodeJS.ErrnoException).code ?? '';
          d.logger.warn({ err: err.message, code, upstream: name }, 'upstream failed');
          if (!('headersSent' in res) || res.headersSent) return void res.destroy();
          // Refused or dropped (a service restarting, or gone): retry shortly. Only our own deadline (the proxy
          // aborts the upstream request, which then fails as a reset too) is a 504.
          const timedOut = upstreamRequests.get(req)?.aborted === true;
          const [status, problemCode, detail] =
            !timedOut && unavailableError(err)
              ? [503, 'UPSTREAM_UNAVAILABLE', `the ${name} service is unavailable; retry shortly`]
              : [504, 'UPSTREAM_TIMEOUT', `the ${name} service did not answer in time`];
          res.writeHead(status, { 'content-type': 'application/problem+json', ...(status === 503 ? { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) } : {}) });
          res.end(JSON.stringify(problem(status, problemCode, detail)));
        },
      },
    }) as unknown as Step;
  };
  const proxies = Object.fromEntries(upstreamNames.map((name) => [name, proxy(name, d.upstreamTimeoutMs)])) as Record<Upstream, Step>;
  const streams = Object.fromEntries(upstreamNames.map((name) => [name, proxy(name)])) as Record<Upstream, Step>;

  // The client's address and scheme as Express establishes them (trust proxy), for the lane,
  // whose requests are Node's own.
  const client: Step = (req: ClientRequest, _res, next) => {
    req.ip = proxyaddr(req, trust);
    req.protocol = protocolOf(req, trust);
    next();
  };
  const loginBody = express.json({ limit: '8kb' });
  const routes: LaneRoute[] = ROUTES.map((r) => ({
    method: r.method,
    path: expressPath(r.path),
    steps: [
      // A reservation id is booking's to name (its answer's X-Reservation-Id), never a client's: logs must not be forged.
      (req, _res, next) => {
        delete req.headers[RESERVATION_ID_HEADER];
        next();
      },
      context,
      client,
      ...common,
      ...(r.path === '/api/v1/auth/login' ? [loginBody, d.rateLimits.byLogin] : []),
      guard(r.access),
      d.rateLimits.byUser,
      (r.stream ? streams : proxies)[r.upstream],
    ],
  }));
  return apiLane(routes, finishApp(app, d.logger), problemResponder(d.logger));
}

/** The fields Express's request adds that the gateway's steps read. */
type ClientRequest = IncomingMessage & { ip?: string; protocol: string };

/** As Express's req.protocol: X-Forwarded-Proto counts only from a trusted proxy. */
function protocolOf(req: IncomingMessage, trust: (address: string, hop: number) => boolean): string {
  const own = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (!trust(req.socket.remoteAddress ?? '', 0)) return own;
  const header = req.headers['x-forwarded-proto'];
  const value = (Array.isArray(header) ? header[0] : header) ?? own;
  return value.split(',')[0]!.trim();
}
