import type { Express, Request, Response } from 'express';
import { currentUser, requireRole } from '../shared/auth';
import { inTransaction } from '../shared/db';
import { conflict, notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';
import type { AuthDeps } from './deps';
import { requestContext } from './audit';
import { ApproveApplicationBody, ListApplicationsQuery, RejectApplicationBody, SubmitApplicationBody } from '../../contracts/auth';

/** No body at all is fine for both; a body must match: approve takes nothing, reject an optional reason. */
function decisionReason(status: 'approved' | 'rejected', body: unknown): string | null {
  if (status === 'approved') {
    parse(ApproveApplicationBody, body ?? {});
    return null;
  }
  return parse(RejectApplicationBody, body ?? {}).reason ?? null;
}

/** Customers apply to become organizers; admins list and decide. */
export function applicationRoutes(app: Express, d: AuthDeps): void {
  const applicationId = (req: Request) => parse(uuid, req.params.id, 'path.id');

  app.post('/api/v1/organizer-applications', requireRole('customer'), async (req, res) => {
    const body = parse(SubmitApplicationBody, req.body);
    const ctx = requestContext(req);
    const me = currentUser(req).userId;
    const application = await inTransaction(d.pool, async (c) => {
      // The stored roles, not the token's: the token may predate an approval.
      const user = await d.users.byId(me, c);
      if (!user) throw notFound('user');
      if (user.roles.includes('organizer')) throw conflict('ALREADY_ORGANIZER', 'you are an organizer already');
      const created = await d.applications.submit(c, me, body.organizationName, body.details);
      if (!created) throw conflict('APPLICATION_PENDING', 'you already have a pending application; wait for its decision');
      await d.audit.record(c, { action: 'application.submitted', actorId: me, subjectId: me, ip: ctx.ip, details: { applicationId: created.id } });
      return created;
    });
    res.status(201).json(application);
  });

  app.get('/api/v1/organizer-applications', requireRole('admin'), async (req, res) => {
    const q = parse(ListApplicationsQuery, req.query, 'query');
    res.json({ items: await d.applications.list(q) });
  });

  app.get('/api/v1/organizer-applications/mine', async (req, res) => {
    const me = currentUser(req).userId;
    res.json({ items: await d.applications.list({ userId: me, limit: 200 }) });
  });

  /** Approve or reject in one transaction with its effects; a decided application is a 409. */
  const decide = (status: 'approved' | 'rejected') => async (req: Request, res: Response) => {
    const id = applicationId(req);
    const reason = decisionReason(status, req.body);
    const ctx = requestContext(req);
    const admin = currentUser(req).userId;
    const application = await inTransaction(d.pool, async (c) => {
      const decided = await d.applications.decide(c, id, admin, status, reason);
      if (!decided) {
        const existing = await d.applications.byId(c, id);
        if (!existing) throw notFound('application');
        throw conflict('APPLICATION_DECIDED', `this application was already ${existing.status}`, { status: existing.status });
      }
      const subjectId = decided.applicant.id;
      await d.audit.record(c, { action: `application.${status}` as const, actorId: admin, subjectId, ip: ctx.ip, details: { applicationId: id, ...(reason ? { reason } : {}) } });
      if (status === 'approved') {
        const change = await d.users.addRole(c, subjectId, 'organizer');
        if (change?.changed) await d.audit.record(c, { action: 'role.granted', actorId: admin, subjectId, ip: ctx.ip, details: { role: 'organizer', applicationId: id } });
      }
      return decided;
    });
    res.json(application);
  };
  app.post('/api/v1/organizer-applications/:id/approve', requireRole('admin'), decide('approved'));
  app.post('/api/v1/organizer-applications/:id/reject', requireRole('admin'), decide('rejected'));
}
