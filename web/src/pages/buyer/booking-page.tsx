import { getReservation, listTickets } from '../../api/booking';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { Notice } from '../../components/notice';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatMoney } from '../../lib/money';
import { formatDateTime } from '../../lib/time';
import { titleOfSession } from './event-titles';
import { TicketCard } from './ticket-card';

/** One booking and its tickets: where a buyer lands after paying. */
export function BookingPage({ id }: { id: string }) {
  usePageTitle('Your booking');
  const booking = useAsync(async () => {
    const reservation = await getReservation(id);
    const [tickets, title] = await Promise.all([listTickets(), titleOfSession(reservation.sessionId)]);
    return { reservation, title, tickets: tickets.filter((t) => t.reservationId === id) };
  }, [id]);
  return (
    <Loaded state={booking}>
      {({ reservation: r, title, tickets }) => (
        <section>
          <h1 tabIndex={-1}>{title}</h1>
          {r.status === 'confirmed' && (
            <Notice tone="success" title="Paid: your tickets are ready">
              Show the QR code at the door, on your phone or printed. We also emailed them to you.
            </Notice>
          )}
          {r.status !== 'confirmed' && <p>Status: {r.status}</p>}
          <p>
            Booked {formatDateTime(r.createdAt)} · {r.seats.length} seat{r.seats.length === 1 ? '' : 's'} · {formatMoney(r.total)}
          </p>
          <h2>Tickets</h2>
          {tickets.length === 0 ? <p>No tickets for this booking.</p> : (
            <ul class="tickets" aria-label="Tickets">
              {tickets.map((t) => (
                <li key={t.id}>
                  <TicketCard ticket={t} />
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link href="/bookings">All bookings</Link>
          </p>
        </section>
      )}
    </Loaded>
  );
}
