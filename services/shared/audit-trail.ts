import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuditAction, AuditAppend } from '../../contracts/auth';
import type { Pool } from 'pg';
import { inTransaction, type Db } from './db';
import type { Outbox } from './outbox';

/**
 * The audit log is auth's (auth.audit_log, GET /api/v1/admin/audit-log);
 * other services append to it through their outbox (outbox.ts), with the
 * change the entry describes: a committed change always gets its entry, even
 * while auth is down, and a rolled-back one never does.
 */

/**
 * The client's address: the gateway puts it first in X-Forwarded-For; a
 * direct call (tests, health probes) has only the socket. Bounded in length
 * because the header is client-supplied text.
 */
export function clientIp(req: IncomingMessage): string | null {
  const forwarded = req.headers['x-forwarded-for'];
  const header = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  const first = header?.split(',')[0]?.trim();
  const ip = first || req.socket.remoteAddress || null;
  return ip ? ip.slice(0, 64) : null;
}

export interface AuditFact {
  action: AuditAction;
  /** What was acted on: the event, venue, hall, session, booking. */
  subjectId: string;
  details?: Record<string, unknown>;
  /** Defaults to the signed-in caller; set for the system acting on someone's behalf. */
  actorId?: string | null;
}

/** The entry of an action taken in this request, ready to append. */
export function auditEntry(req: IncomingMessage & { user?: { userId: string } }, f: AuditFact): AuditAppend {
  return {
    id: randomUUID(),
    at: new Date().toISOString(),
    action: f.action,
    actorId: f.actorId === undefined ? (req.user?.userId ?? null) : f.actorId,
    subjectId: f.subjectId,
    ip: clientIp(req),
    details: f.details ?? {},
  };
}

/** An action taken by the system (no request), on behalf of `actorId`. */
export function systemAuditEntry(f: AuditFact): AuditAppend {
  return { id: randomUUID(), at: new Date().toISOString(), action: f.action, actorId: f.actorId ?? null, subjectId: f.subjectId, ip: null, details: { ...f.details, by: 'system' } };
}

/** Writes a change's audit entry (and anything else that must commit with it) in the change's own transaction. */
export type AlongWith<R> = (db: Db, result: R) => Promise<unknown>;

/** Runs `write` in a transaction, then `alongWith` on its result (none when it wrote nothing: undefined). */
export function writeAlongWith<R>(pool: Pool, write: (db: Db) => Promise<R>, alongWith?: AlongWith<NonNullable<R>>): Promise<R> {
  return inTransaction(pool, async (c) => {
    const result = await write(c);
    if (result !== undefined && result !== null) await alongWith?.(c, result);
    return result;
  });
}

/** The outbox topic of audit entries, in every service that appends them. */
export type AuditTopic = { audit: AuditAppend };

type AuditedRequest = IncomingMessage & { user?: { userId: string }; res?: { once(event: 'finish', fn: () => void): unknown } };

/**
 * The audit entry of this request's change, written with it (an AlongWith):
 * `fact` names the action from what the change produced. The relay is asked
 * for a pass once the answer is sent, when the change has committed.
 */
export function audited<R>(outbox: Outbox<AuditTopic>, req: AuditedRequest, fact: (result: R) => AuditFact | undefined): AlongWith<R> {
  return async (db, result) => {
    const f = fact(result);
    if (!f) return;
    await outbox.enqueue(db, 'audit', auditEntry(req, f));
    req.res?.once('finish', () => outbox.nudge());
  };
}
