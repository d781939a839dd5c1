import type { Express } from 'express';
import { requireRole } from '../shared/auth';
import { parse } from '../shared/validation';
import type { AuthDeps } from './deps';
import { AuditLogQuery } from '../../contracts/auth';

/** Admins read the audit log, newest first, a page at a time. */
export function auditRoutes(app: Express, d: AuthDeps): void {
  app.get('/api/v1/admin/audit-log', requireRole('admin'), async (req, res) => {
    res.json(await d.audit.list(parse(AuditLogQuery, req.query, 'query')));
  });
}
