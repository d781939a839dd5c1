import { Agent } from 'node:http';
import type { Express, RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import swaggerUi from 'swagger-ui-express';
import { bearerToken, hasRole, type VerifyToken } from '../shared/auth';
import { forbidden, problem, unauthorized } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { openApiDocument } from './openapi';
import { expressPath, ROUTES, type Access, type Upstream } from './routes';

export interface GatewayDeps {
  upstreams: Record<Upstream, string>;
  verifyToken: VerifyToken;
  publicUrl: string;
  logger: Logger;
}

/** Verifies the token locally (no call to auth) and enforces the route's access rule. */
function guard(access: Access, verify: VerifyToken): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    const user = token ? verify(token) : undefined;
    if (access === 'public') return next();
    if (!user) throw unauthorized();
    if (access !== 'user' && !hasRole(user, ...access)) throw forbidden(`requires role ${access.join(' or ')}`);
    next();
  };
}

export function createGatewayApp(d: GatewayDeps): Express {
  const upstreamNames = Object.keys(d.upstreams) as Upstream[];
  const { app } = createServiceApp({
    name: 'gateway',
    logger: d.logger,
    bodyLimit: false, // bodies are streamed to the services, never parsed here
    ready: async () => {
      await Promise.all(
        upstreamNames.map(async (name) => {
          const res = await fetch(`${d.upstreams[name]}/healthz`, { signal: AbortSignal.timeout(2_000) });
          if (!res.ok) throw new Error(`${name} answered ${res.status}`);
        }),
      );
    },
  });

  const document = openApiDocument(d.publicUrl);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'Ticketing API' }));

  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const proxies = Object.fromEntries(
    upstreamNames.map((name) => [
      name,
      createProxyMiddleware({
        target: d.upstreams[name],
        agent,
        xfwd: true,
        proxyTimeout: 30_000,
        on: {
          error: (err, _req, res) => {
            d.logger.warn({ err: err.message, upstream: name }, 'upstream unreachable');
            if ('headersSent' in res && !res.headersSent) {
              res.writeHead(503, { 'content-type': 'application/problem+json' });
              res.end(JSON.stringify(problem(503, 'UPSTREAM_UNAVAILABLE', `the ${name} service is unavailable; retry shortly`)));
            } else {
              res.destroy();
            }
          },
        },
      }),
    ]),
  ) as unknown as Record<Upstream, RequestHandler>;

  for (const r of ROUTES) {
    app[r.method](expressPath(r.path), guard(r.access, d.verifyToken), proxies[r.upstream]);
  }
  return finishApp(app, d.logger);
}
