import { seatLabel, type NotificationKind } from '../../contracts/domain';
import type { NotificationRequest } from '../../contracts/notification';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const when = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';

interface Wording {
  subject: string;
  /** Paragraphs of the body, plain text; the HTML version escapes them. */
  lines: string[];
}

function wording(kind: NotificationKind, r: NotificationRequest): Wording {
  const title = r.event.title;
  const total = `${r.reservation.total.amount} ${r.reservation.total.currency}`;
  const count = r.reservation.seats.length;
  const seats = `${count} ${count === 1 ? 'place' : 'places'}`;
  switch (kind) {
    case 'confirmed':
      return {
        subject: `Your tickets for ${title}`,
        lines: [
          `Your booking is confirmed: ${seats}, ${total} paid.`,
          'Your tickets are attached as a PDF. Show the QR code of each ticket at the door.',
        ],
      };
    case 'expired':
      return {
        subject: `Your hold for ${title} has expired`,
        lines: [
          `The ${seats} held for you were not paid in time and have been released. Nothing was charged.`,
          'You are welcome to book again while seats are available.',
        ],
      };
    case 'cancelled':
      return {
        subject: `Your reservation for ${title} was cancelled`,
        lines: [`As you asked, the hold on ${seats} was cancelled and the seats released. Nothing was charged.`],
      };
    case 'refunded':
      return {
        subject: `${title} was cancelled: your ${total} is refunded`,
        lines: [
          `We are sorry: the organizer cancelled ${title}.`,
          `Your ${total} has been refunded to your original payment method and your tickets are void.`,
        ],
      };
  }
}

/** The subject and the plain and HTML bodies of one notification. */
export function renderEmail(r: NotificationRequest): RenderedEmail {
  const w = wording(r.kind, r);
  const where = [r.event.venue, r.event.hall].filter(Boolean).join(', ');
  const details = [
    `Event: ${r.event.title}`,
    `When: ${when(r.event.sessionStartsAt)}`,
    ...(where ? [`Where: ${where}`] : []),
    `Reservation: ${r.reservation.id}`,
  ];
  const seats = r.reservation.seats.map((s) => `${seatLabel(s)} (${s.tier}, ${s.price.amount} ${s.price.currency})`);
  const text = [`Hello ${r.to.name},`, '', ...w.lines, '', ...details, '', 'Seats:', ...seats.map((s) => `- ${s}`), '', 'Ticketing'].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>Hello ${escapeHtml(r.to.name)},</p>`,
    ...w.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    `<p>${details.map(escapeHtml).join('<br>')}</p>`,
    `<ul>${seats.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`,
    '<p>Ticketing</p></body></html>',
  ].join('\n');
  return { subject: w.subject, text, html };
}
