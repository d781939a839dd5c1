import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Waiting-room tokens, signed like ticket codes (HMAC-SHA256, base64url):
 *   queue:     "WRQ1.<userId>.<sessionId>.<generation>.<position>.<sig>"
 *   admission: "WRA1.<userId>.<sessionId>.<generation>.<expiresAtMs>.<sig>"
 * A token names its holder and session, so it is worthless to anyone else;
 * the generation ties it to one opening of the room.
 */
const QUEUE = 'WRQ1';
const ADMISSION = 'WRA1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INT = /^\d{1,16}$/;

const sign = (key: string, body: string) => createHmac('sha256', key).update(body).digest('base64url');

function seal(key: string, prefix: string, fields: (string | number)[]): string {
  const body = [prefix, ...fields].join('.');
  return `${body}.${sign(key, body)}`;
}

function open(key: string, prefix: string, token: string): [string, string, number, number] | undefined {
  if (token.length > 300) return undefined;
  const parts = token.split('.');
  if (parts.length !== 6 || parts[0] !== prefix) return undefined;
  const [, userId, sessionId, generation, n, signature] = parts as [string, string, string, string, string, string];
  if (!UUID.test(userId) || !UUID.test(sessionId) || !INT.test(generation) || !INT.test(n)) return undefined;
  const expected = Buffer.from(sign(key, parts.slice(0, 5).join('.')));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return [userId, sessionId, Number(generation), Number(n)];
}

export interface QueueTicket {
  userId: string;
  sessionId: string;
  generation: number;
  position: number;
}

export interface Admission {
  userId: string;
  sessionId: string;
  generation: number;
  expiresAt: number;
}

export const signQueueToken = (key: string, t: QueueTicket) => seal(key, QUEUE, [t.userId, t.sessionId, t.generation, t.position]);

export function verifyQueueToken(key: string, token: string): QueueTicket | undefined {
  const f = open(key, QUEUE, token);
  return f && { userId: f[0], sessionId: f[1], generation: f[2], position: f[3] };
}

export const signAdmissionToken = (key: string, a: Admission) => seal(key, ADMISSION, [a.userId, a.sessionId, a.generation, a.expiresAt]);

/** The admission if the signature holds; expiry and binding are the caller's to check. */
export function verifyAdmissionToken(key: string, token: string): Admission | undefined {
  const f = open(key, ADMISSION, token);
  return f && { userId: f[0], sessionId: f[1], generation: f[2], expiresAt: f[3] };
}
