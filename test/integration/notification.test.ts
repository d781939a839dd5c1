import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { NotificationRequest } from '../../contracts/notification';
import { startNotificationService } from '../../services/notification/service';
import { loadConfig } from '../../services/shared/config';
import { testInfra } from '../infra-env';
import { pdfText } from '../support/pdf-text';
import { startStack, type Stack } from '../support/stack';

interface SinkMessage {
  id: string;
  to: string[];
  subject: string;
  text: string;
  attachments: { index: number; filename: string; contentType: string; size: number }[];
}
interface LogEntry {
  id: string;
  dedupeKey: string;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  smtpMessageId: string | null;
}

const TITLE = 'Symphony Under the Stars';
const seat = (number: number) => ({
  seatId: randomUUID(),
  section: 'Balcony',
  row: 'C',
  number,
  tier: 'VIP',
  price: { amount: '120.00', currency: 'EUR' },
});

function notification(kind: NotificationRequest['kind'], over: Partial<NotificationRequest> = {}): NotificationRequest {
  const reservationId = over.reservation?.id ?? randomUUID();
  const seats = [seat(7), seat(8)];
  return {
    dedupeKey: `${kind}:${reservationId}`,
    kind,
    to: { email: `buyer-${randomUUID().slice(0, 8)}@test.example`, name: 'Ada Lovelace' },
    reservation: { id: reservationId, status: kind, total: { amount: '240.00', currency: 'EUR' }, seats, expiresAt: '2026-12-01T10:10:00.000Z' },
    event: { id: randomUUID(), title: TITLE, sessionStartsAt: '2026-12-24T19:30:00.000Z', venue: 'Riverside Concert House', hall: 'Grand Hall' },
    tickets: kind === 'confirmed' ? seats.map((s) => ({ id: randomUUID(), code: `code-${s.number}-${randomUUID()}`, seat: s })) : undefined,
    ...over,
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('notification service', () => {
  let stack: Stack;
  const queue = `notify-test-${randomUUID()}`;
  const settings = { NOTIFY_QUEUE: queue, NOTIFY_RETRY_BASE_MS: '200', NOTIFY_POLL_MS: '100', NOTIFY_MAX_ATTEMPTS: '30' };
  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { notification: settings } });
  });
  afterAll(() => stack?.close());

  const post = (body: unknown, token: string | null = stack.secrets.serviceToken) =>
    fetch(`${stack.urls.notification}/internal/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-service-token': token }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const deliveryLog = async (reservationId: string): Promise<LogEntry[]> => {
    const res = await fetch(`${stack.urls.notification}/internal/notifications?reservationId=${reservationId}`, {
      headers: { 'x-service-token': stack.secrets.serviceToken },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: LogEntry[] }).items;
  };
  const inbox = async (to: string): Promise<SinkMessage[]> => {
    const res = await fetch(`${stack.mailSink.url}/api/messages?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { items: SinkMessage[] }).items;
  };
  const mailFor = (to: string, count = 1) => eventually(`${count} email(s) to ${to}`, async () => ((await inbox(to)).length >= count ? inbox(to) : undefined));
  const sent = (reservationId: string) =>
    eventually(`the delivery log of ${reservationId} to say sent`, async () => {
      const log = await deliveryLog(reservationId);
      return log.length > 0 && log.every((m) => m.status === 'sent') ? log : undefined;
    });

  it('mails a confirmation with both tickets in one PDF, and logs it as sent on the first attempt', async () => {
    const req = notification('confirmed');
    const res = await post(req);
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; status: string };
    expect(accepted.status).toBe('queued');

    const [mail] = await mailFor(req.to.email);
    expect(mail!.to).toEqual([req.to.email]);
    expect(mail!.subject).toBe(`Your tickets for ${TITLE}`);
    expect(mail!.text).toContain('Hello Ada Lovelace');
    expect(mail!.attachments).toEqual([
      expect.objectContaining({ index: 0, filename: `tickets-${req.reservation.id}.pdf`, contentType: 'application/pdf' }),
    ]);

    const pdfRes = await fetch(`${stack.mailSink.url}/api/messages/${mail!.id}/attachments/0`);
    expect(pdfRes.headers.get('content-type')).toMatch(/^application\/pdf/);
    const pdf = await pdfText(Buffer.from(await pdfRes.arrayBuffer()));
    expect(pdf.pages).toHaveLength(2);
    expect(pdf.pages[0]).toContain('Section Balcony, Row C, Seat 7');
    expect(pdf.pages[1]).toContain('Section Balcony, Row C, Seat 8');
    expect(pdf.text).toContain(TITLE);
    expect(pdf.text).toContain('Holder: Ada Lovelace');
    for (const t of req.tickets!) expect(pdf.text).toContain(t.id);

    const [entry] = await sent(req.reservation.id);
    expect(entry).toMatchObject({ id: accepted.id, dedupeKey: req.dedupeKey, status: 'sent', attempts: 1, lastError: null });
    expect(entry!.sentAt).not.toBeNull();
    expect(entry!.smtpMessageId).toMatch(/^<.+>$/);
  });

  it('sends a dedupe key once, however often it is posted', async () => {
    const req = notification('expired');
    const first = await post(req);
    const again = await Promise.all([post(req), post(req)]);
    expect(first.status).toBe(202);
    const firstId = ((await first.json()) as { id: string }).id;
    for (const r of again) {
      expect(r.status).toBe(200);
      expect(((await r.json()) as { id: string }).id).toBe(firstId);
    }
    await sent(req.reservation.id);
    // A later message to the same address arriving proves the dispatcher had every chance to send a duplicate.
    const later = notification('cancelled', { to: req.to });
    expect((await post(later)).status).toBe(202);
    const mails = await mailFor(req.to.email, 2);
    expect(mails.map((m) => m.subject).sort()).toEqual([`Your hold for ${TITLE} has expired`, `Your reservation for ${TITLE} was cancelled`].sort());
    expect(await deliveryLog(req.reservation.id)).toHaveLength(1);
  });

  it('gives each kind its own subject; only the confirmation carries a PDF', async () => {
    const to = { email: `kinds-${randomUUID().slice(0, 8)}@test.example`, name: 'Grace Hopper' };
    const kinds = ['confirmed', 'expired', 'cancelled', 'refunded'] as const;
    for (const kind of kinds) expect((await post(notification(kind, { to }))).status).toBe(202);
    const mails = await mailFor(to.email, 4);
    const bySubject = new Map(mails.map((m) => [m.subject, m]));
    expect([...bySubject.keys()].sort()).toEqual(
      [
        `Your tickets for ${TITLE}`,
        `Your hold for ${TITLE} has expired`,
        `Your reservation for ${TITLE} was cancelled`,
        `${TITLE} was cancelled: your 240.00 EUR is refunded`,
      ].sort(),
    );
    for (const [subject, mail] of bySubject) {
      expect(mail.attachments).toHaveLength(subject.startsWith('Your tickets') ? 1 : 0);
    }
    expect(bySubject.get(`${TITLE} was cancelled: your 240.00 EUR is refunded`)!.text).toContain('refunded to your original payment method');
  });

  it('refuses bad input with a 400 problem', async () => {
    const good = notification('confirmed');
    const bad: unknown[] = [
      {},
      { ...good, kind: 'welcome' },
      { ...good, to: { email: 'not-an-address', name: 'X' } },
      { ...good, tickets: undefined },
      { ...good, reservation: { ...good.reservation, total: { amount: '-1', currency: 'EUR' } } },
      '{"dedupeKey": ',
    ];
    for (const body of bad) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 400 });
    }
    expect(await deliveryLog(good.reservation.id)).toEqual([]);
  });

  it('refuses callers without the service token', async () => {
    const req = notification('expired');
    expect((await post(req, null)).status).toBe(401);
    expect((await post(req, 'x'.repeat(32))).status).toBe(401);
    const list = await fetch(`${stack.urls.notification}/internal/notifications?reservationId=${req.reservation.id}`);
    expect(list.status).toBe(401);
    expect(await deliveryLog(req.reservation.id)).toEqual([]);
  });

  it('keeps a message queued while SMTP is down and delivers it once SMTP is back', async () => {
    await stack.stopMailSink();
    let restarted = false;
    try {
      const req = notification('confirmed');
      expect((await post(req)).status).toBe(202);
      const failing = await eventually('a failed attempt', async () => {
        const [m] = await deliveryLog(req.reservation.id);
        return m && m.attempts >= 2 && m.lastError ? m : undefined;
      });
      expect(failing.status).toBe('queued');
      expect(failing.lastError).toMatch(/ECONNREFUSED|connect/i);
      // The mail server is not part of readiness: the service still takes requests.
      expect((await fetch(`${stack.urls.notification}/readyz`)).status).toBe(200);

      await stack.startMailSink();
      restarted = true;
      const [mail] = await mailFor(req.to.email);
      expect(mail!.attachments[0]!.filename).toBe(`tickets-${req.reservation.id}.pdf`);
      const [entry] = await sent(req.reservation.id);
      // An attempt still rendering its PDF when the server came back may be the one that delivers.
      expect(entry!.attempts).toBeGreaterThanOrEqual(failing.attempts);
      expect(entry!.attempts).toBeGreaterThan(1);
      expect(entry!.lastError).toBeNull();
    } finally {
      if (!restarted) await stack.startMailSink();
    }
  });

  it('marks a message failed after the last allowed attempt', async () => {
    // A port nothing listens on: every attempt is refused.
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise((done) => probe.close(done));
    const service = await startNotificationService(
      loadConfig('notification', {
        PORT: '0',
        LOG_LEVEL: 'silent',
        SERVICE_TOKEN: stack.secrets.serviceToken,
        DATABASE_URL: testInfra().databaseUrl,
        BOOKING_URL: stack.urls.booking,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(deadPort),
        NOTIFY_QUEUE: `notify-failing-${randomUUID()}`,
        NOTIFY_MAX_ATTEMPTS: '3',
        NOTIFY_RETRY_BASE_MS: '50',
        NOTIFY_POLL_MS: '50',
      }),
    );
    try {
      const req = notification('refunded');
      const res = await fetch(`${service.url}/internal/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-service-token': stack.secrets.serviceToken },
        body: JSON.stringify(req),
      });
      expect(res.status).toBe(202);
      const failed = await eventually('the message to fail', async () => {
        const { rows } = await stack.pool.query('SELECT status, attempts, last_error FROM notification.messages WHERE dedupe_key = $1', [req.dedupeKey]);
        return rows[0]?.status === 'failed' ? rows[0] : undefined;
      });
      expect(failed.attempts).toBe(3);
      expect(failed.last_error).toBeTruthy();
    } finally {
      await service.close();
    }
  });
});
