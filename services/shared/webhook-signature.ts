import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures in the style of the big payment providers:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp
 * bounds replays of a captured delivery; the HMAC proves the sender.
 */
export const SIGNATURE_HEADER = 'payment-signature';

const mac = (secret: string, t: string, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export function signWebhook(secret: string, body: string, now = Date.now()): string {
  const t = String(Math.floor(now / 1000));
  return `t=${t},v1=${mac(secret, t, body)}`;
}

export function verifyWebhook(secret: string, body: string, header: string | undefined, toleranceSeconds = 300, now = Date.now()): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = parts.t;
  const given = parts.v1;
  if (!t || !given || !/^\d+$/.test(t)) return false;
  if (Math.abs(now / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = Buffer.from(mac(secret, t, body));
  const got = Buffer.from(given);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
