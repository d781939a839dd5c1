import type { Request } from 'express';
import type { Pool } from 'pg';
import type { AuditAction, AuditAppend, AuditEntry } from '../../contracts/auth';
import { clientIp } from '../shared/audit-trail';
import type { Db } from './users';

/**
 * The audit log: auth's own actions, and those other services append
 * (`append`, through their outbox: services/shared/audit-trail.ts). Auth's
 * entries are written with the same client as the change they describe, so a
 * rolled-back change leaves no entry and a committed one always has its
 * entry. Never holds a password or a token.
 */

export interface AuditRecord {
  action: AuditAction;
  actorId?: string | null;
  subjectId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Who did it and from where, taken from the request once. */
export interface RequestContext {
  actorId: string | null;
  ip: string | null;
}

export const requestContext = (req: Request): RequestContext => ({ actorId: req.user?.userId ?? null, ip: clientIp(req) });

export interface AuditQuery {
  action?: AuditAction;
  actorId?: string;
  subjectId?: string;
  limit: number;
  before?: number;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  subject_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export function createAuditLog(pool: Pool) {
  return {
    async record(db: Db, e: AuditRecord): Promise<void> {
      await db.query(
        'INSERT INTO auth.audit_log (actor_id, action, subject_id, ip, details) VALUES ($1, $2, $3, $4, $5)',
        [e.actorId ?? null, e.action, e.subjectId ?? null, e.ip ?? null, JSON.stringify(e.details ?? {})],
      );
    },

    /** An entry from another service; the same entry delivered again is recorded once. */
    async append(e: AuditAppend): Promise<void> {
      await pool.query(
        `INSERT INTO auth.audit_log (entry_id, at, actor_id, action, subject_id, ip, details) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (entry_id) DO NOTHING`,
        [e.id, e.at, e.actorId, e.action, e.subjectId, e.ip, JSON.stringify(e.details)],
      );
    },

    /** Newest first; `before` continues after the last id of the previous page. */
    async list(q: AuditQuery): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
      // Only the filters given become conditions, so each query can use its index.
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (q.action) add('action = ?', q.action);
      if (q.actorId) add('actor_id = ?', q.actorId);
      if (q.subjectId) add('subject_id = ?', q.subjectId);
      if (q.before) add('id < ?', q.before);
      params.push(q.limit);
      const { rows } = await pool.query<AuditRow>(
        `SELECT id, at, actor_id, action, subject_id, ip, details FROM auth.audit_log
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT $${params.length}`,
        params,
      );
      const items = rows.map((r) => ({
        // bigserial comes back as text; ids stay far below 2^53.
        id: Number(r.id),
        at: r.at.toISOString(),
        actorId: r.actor_id,
        action: r.action,
        subjectId: r.subject_id,
        ip: r.ip,
        details: r.details,
      }));
      return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
