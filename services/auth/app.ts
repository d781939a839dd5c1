import type { Express } from 'express';
import { authenticate } from '../shared/auth';
import { createServiceApp, finishApp } from '../shared/http';
import { accountRoutes } from './account-routes';
import { applicationRoutes } from './application-routes';
import type { AuthDeps } from './deps';
import { auditRoutes } from './audit-routes';
import { internalRoutes } from './internal-routes';
import { roleRoutes } from './role-routes';


/**
 * The identity service. The gateway checks access first, but every route
 * checks the caller again here (requireRole / currentUser): a service never
 * trusts that it is only reached through the gateway.
 */
export function createAuthApp(d: AuthDeps): Express {
  const { app } = createServiceApp({ name: 'auth', logger: d.logger, ready: async () => void (await d.pool.query('SELECT 1')) });
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(d.tokens.jwks());
  });

  internalRoutes(app, d);

  app.use(authenticate(d.verifyToken));
  accountRoutes(app, d);
  roleRoutes(app, d);
  applicationRoutes(app, d);
  auditRoutes(app, d);
  return finishApp(app, d.logger);
}
