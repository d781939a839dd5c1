import type { Express, Request } from 'express';
import { currentUser, requireRole } from '../shared/auth';
import { inTransaction } from '../shared/db';
import { conflict, notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';
import type { AuthDeps } from './deps';
import { requestContext } from './audit';
import { AssignRoleBody, Role } from '../../contracts/auth';
import { publicUser } from './users';

/** Admins grant and revoke roles; each real change is audited in the same transaction. */
export function roleRoutes(app: Express, d: AuthDeps): void {
  const userId = (req: Request) => parse(uuid, req.params.id, 'path.id');

  app.post('/api/v1/users/:id/roles', requireRole('admin'), async (req, res) => {
    const id = userId(req);
    const { role } = parse(AssignRoleBody, req.body);
    const ctx = requestContext(req);
    const user = await inTransaction(d.pool, async (c) => {
      const change = await d.users.addRole(c, id, role);
      if (!change) throw notFound('user');
      if (change.changed) await d.audit.record(c, { action: 'role.granted', actorId: ctx.actorId, subjectId: id, ip: ctx.ip, details: { role } });
      return change.user;
    });
    res.json(publicUser(user));
  });

  app.delete('/api/v1/users/:id/roles/:role', requireRole('admin'), async (req, res) => {
    const id = userId(req);
    const role = parse(Role, req.params.role, 'path.role');
    // An admin removing their own admin role could leave the platform without one.
    if (id === currentUser(req).userId && role === 'admin') {
      throw conflict('CANNOT_DEMOTE_SELF', 'you cannot remove your own admin role; ask another admin');
    }
    const ctx = requestContext(req);
    const user = await inTransaction(d.pool, async (c) => {
      const change = await d.users.removeRole(c, id, role);
      if (!change) throw notFound('user');
      if (change.changed) await d.audit.record(c, { action: 'role.revoked', actorId: ctx.actorId, subjectId: id, ip: ctx.ip, details: { role } });
      return change.user;
    });
    res.json(publicUser(user));
  });
}
