import nodemailer, { type SendMailOptions } from 'nodemailer';
import { startMailSinkService } from '../../services/mail-sink/service';
import { loadConfig } from '../../services/shared/config';
import type { RunningServer } from '../../services/shared/http';

interface Item {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  attachments: { index: number; filename: string; contentType: string; size: number }[];
}

// The local SMTP sink: whatever arrives over SMTP is listed over HTTP.
describe('mail sink', () => {
  let sink: RunningServer & { smtpPort: number };
  beforeAll(async () => {
    sink = await startMailSinkService(loadConfig('mail-sink', { PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', MAIL_SINK_MAX_MESSAGES: '3' }));
  });
  afterAll(() => sink?.close());
  beforeEach(async () => {
    expect((await fetch(`${sink.url}/api/messages`, { method: 'DELETE' })).status).toBe(204);
  });

  const send = (to: string, subject: string, extra: Partial<SendMailOptions> = {}) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false })
      .sendMail({ from: 'Ticketing <tickets@ticketing.local>', to, subject, text: `body of ${subject}`, ...extra });
  const list = async (query = ''): Promise<Item[]> => ((await (await fetch(`${sink.url}/api/messages${query}`)).json()) as { items: Item[] }).items;

  it('listens for SMTP on a port of its own choosing', () => {
    expect(sink.smtpPort).toBeGreaterThan(0);
    expect(sink.smtpPort).not.toBe(sink.port);
  });

  it('lists received mail newest first, filters by recipient, and serves attachments byte for byte', async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    await send('a@test.example', 'first', { attachments: [{ filename: 'x.pdf', content: bytes, contentType: 'application/pdf' }] });
    await send('b@test.example', 'second', { bcc: 'hidden@test.example' });

    const all = await list();
    expect(all.map((m) => m.subject)).toEqual(['second', 'first']);
    expect((await list('?to=A@test.example')).map((m) => m.subject)).toEqual(['first']);
    expect((await list('?to=hidden@test.example')).map((m) => m.subject)).toEqual(['second']);

    const first = all[1]!;
    expect(first).toMatchObject({ to: ['a@test.example'], text: 'body of first', attachments: [{ index: 0, filename: 'x.pdf', contentType: 'application/pdf', size: bytes.length }] });
    expect(first.from).toContain('tickets@ticketing.local');
    const one = await fetch(`${sink.url}/api/messages/${first.id}`);
    expect(((await one.json()) as Item).subject).toBe('first');
    const att = await fetch(`${sink.url}/api/messages/${first.id}/attachments/0`);
    expect(att.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(Buffer.from(await att.arrayBuffer()).equals(bytes)).toBe(true);

    const page = await (await fetch(`${sink.url}/`)).text();
    expect(page).toContain('second');
    expect(page).toContain(`/api/messages/${first.id}/attachments/0`);
  });

  it('accepts senders that log in, since a real server would ask them to', async () => {
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: { user: 'dev', pass: 'anything' } })
      .sendMail({ from: 'x@test.example', to: 'c@test.example', subject: 'with login', text: 'hi' });
    expect((await list('?to=c@test.example')).map((m) => m.subject)).toEqual(['with login']);
  });

  it('keeps only the newest MAIL_SINK_MAX_MESSAGES', async () => {
    for (const s of ['m1', 'm2', 'm3', 'm4']) await send('d@test.example', s);
    expect((await list()).map((m) => m.subject)).toEqual(['m4', 'm3', 'm2']);
  });

  it('answers 404 problems for unknown messages and attachments, 400 for a bad index', async () => {
    await send('e@test.example', 'only');
    const [m] = await list();
    for (const [path, status] of [
      ['/api/messages/nope', 404],
      [`/api/messages/${m!.id}/attachments/0`, 404],
      [`/api/messages/${m!.id}/attachments/-1`, 400],
    ] as const) {
      const res = await fetch(`${sink.url}${path}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('reports ready with metrics like every service', async () => {
    expect((await fetch(`${sink.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${sink.url}/metrics`)).text()).toContain('http_request_duration_seconds');
  });
});
