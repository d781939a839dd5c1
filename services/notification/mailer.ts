import nodemailer from 'nodemailer';
import type { TicketDocument } from '../../contracts/booking';
import type { NotificationRequest } from '../../contracts/notification';
import type { Config } from '../shared/config';
import { renderEmail } from './templates';

/** Sends one notification; resolves to the SMTP Message-ID. */
export type SendNotification = (req: NotificationRequest, createdAt: Date) => Promise<string | null>;

export const attachmentName = (reservationId: string) => `tickets-${reservationId}.pdf`;

/** Renders tickets as a PDF: booking's, which owns tickets and their documents. */
export type RenderTicketsPdf = (tickets: TicketDocument[]) => Promise<Buffer>;

/** The PDF pages of a confirmation: one per ticket, dated by the message so a retry renders the same file. */
export function ticketsPdf(render: RenderTicketsPdf, req: NotificationRequest, createdAt: Date): Promise<Buffer> {
  return render(
    (req.tickets ?? []).map((t) => ({
      ticketId: t.id,
      code: t.code,
      eventTitle: req.event.title,
      sessionStartsAt: req.event.sessionStartsAt,
      venue: req.event.venue,
      hall: req.event.hall,
      seat: t.seat,
      holderName: req.to.name,
      issuedAt: createdAt.toISOString(),
    })),
  );
}

/**
 * A nodemailer transport for any SMTP server. Not pooled: each message opens
 * its own connection, so a server that restarts costs one failed attempt, not
 * a pool of dead sockets. The timeouts bound one attempt well inside the
 * dispatcher's lease.
 */
export function createMailer(cfg: Config<'notification'>, renderPdf: RenderTicketsPdf): { send: SendNotification; close: () => void } {
  const transport = nodemailer.createTransport({
    host: cfg.SMTP_HOST,
    port: cfg.SMTP_PORT,
    secure: cfg.SMTP_SECURE,
    auth: cfg.SMTP_USER ? { user: cfg.SMTP_USER, pass: cfg.SMTP_PASSWORD ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const send: SendNotification = async (req, createdAt) => {
    const email = renderEmail(req);
    const attachments =
      req.kind === 'confirmed' && req.tickets?.length
        ? [{ filename: attachmentName(req.reservation.id), content: await ticketsPdf(renderPdf, req, createdAt), contentType: 'application/pdf' }]
        : [];
    const info = await transport.sendMail({
      from: cfg.MAIL_FROM,
      to: { name: req.to.name, address: req.to.email },
      subject: email.subject,
      text: email.text,
      html: email.html,
      attachments,
    });
    return typeof info.messageId === 'string' ? info.messageId : null;
  };
  return { send, close: () => transport.close() };
}
