import type { Express } from 'express';
import { requireService } from '../shared/auth';
import { notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';
import type { AuthDeps } from './deps';
import { AuditAppendBody } from '../../contracts/auth';

/** What other services may ask about users (a recipient's address, counts for reports) and append to the audit log. */
export function internalRoutes(app: Express, d: AuthDeps): void {
  const internal = requireService(d.serviceToken);
  app.get('/internal/users/:id', internal, async (req, res) => {
    const user = await d.users.byId(parse(uuid, req.params.id, 'path.id'));
    if (!user) throw notFound('user');
    res.json({ id: user.id, email: user.email, name: user.name });
  });
  app.post('/internal/audit-log', internal, async (req, res) => {
    await d.audit.append(parse(AuditAppendBody, req.body));
    res.status(204).end();
  });
  app.get('/internal/stats', internal, async (_req, res) => {
    const { rows } = await d.pool.query<{ users: number }>('SELECT count(*)::int AS users FROM auth.users');
    res.json(rows[0]);
  });
}
