import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../shared/logger';
import type { Mailbox } from './mailbox';

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * An SMTP server that accepts every message (any sender, any recipient, any
 * or no credentials) into the mailbox. For local development only: it has no
 * TLS and checks nothing.
 */
export async function startSmtpSink(port: number, mailbox: Mailbox, logger: Logger): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'ticketing mail sink (local development)',
    // Closing must not wait half a minute for an idle client to say QUIT.
    closeTimeout: 500,
    onAuth: (auth, _session, done) => done(null, { user: auth.username ?? 'anyone' }),
    onData(stream, session, done) {
      simpleParser(stream)
        .then((parsed) => {
          const mailFrom = session.envelope.mailFrom;
          const stored = mailbox.add(parsed, {
            from: mailFrom ? mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          logger.info({ id: stored.id, to: stored.to, subject: stored.subject }, 'mail received');
          done();
        })
        .catch((err: Error) => done(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.warn({ err }, 'smtp connection error'));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
