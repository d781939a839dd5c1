import { useState } from 'preact/hooks';
import { ticketPdf } from '../../api/booking';
import { messageOf } from '../../api/errors';
import type { Ticket } from '../../api/types';
import { QrImage } from '../../components/qr-image';
import { formatMoney } from '../../lib/money';

/** One ticket: its seat, its QR code for the door, and its PDF. */
export function TicketCard({ ticket, eventTitle }: { ticket: Ticket; eventTitle?: string }) {
  const [error, setError] = useState<string>();
  const s = ticket.seat;
  const seat = s.row === 'GA' ? `${s.section} (standing)` : `${s.section}, row ${s.row}, seat ${s.number}`;
  const download = async () => {
    setError(undefined);
    try {
      const url = URL.createObjectURL(await ticketPdf(ticket.id));
      const a = Object.assign(document.createElement('a'), { href: url, download: `ticket-${ticket.id}.pdf` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <article class="card ticket" data-testid="ticket">
      {eventTitle && <h3>{eventTitle}</h3>}
      <p>
        <strong>{seat}</strong>
        <br />
        {s.tier} · {formatMoney(s.price)}
      </p>
      {ticket.status === 'void' ? (
        <p>
          <strong>Voided</strong> {ticket.voidReason && `(${ticket.voidReason})`}: this ticket no longer admits.
        </p>
      ) : (
        <>
          <QrImage ticketId={ticket.id} label={`QR code of the ticket for ${seat}`} />
          <div class="actions">
            <button type="button" class="secondary" onClick={() => void download()}>
              Download PDF <span class="visually-hidden">for {seat}</span>
            </button>
          </div>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </article>
  );
}
