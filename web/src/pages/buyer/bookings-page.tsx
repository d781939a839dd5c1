import { listReservations } from '../../api/booking';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatMoney } from '../../lib/money';
import { formatDateTime } from '../../lib/time';
import { titlesOf } from './event-titles';

const STATUS: Record<string, string> = { active: 'Held, not paid', confirmed: 'Paid', expired: 'Expired', cancelled: 'Cancelled', refunded: 'Refunded' };

/** Booking history, newest first. */
export function BookingsPage() {
  usePageTitle('Bookings');
  const list = useAsync(async () => {
    const reservations = await listReservations();
    return { reservations, titles: await titlesOf(reservations.map((r) => r.sessionId)) };
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>Bookings</h1>
      <Loaded state={list}>
        {({ reservations, titles }) =>
          reservations.length === 0 ? (
            <p>
              No bookings yet. <Link href="/">Find an event</Link>.
            </p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Your bookings, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Booked</th>
                    <th scope="col">Seats</th>
                    <th scope="col">Total</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {reservations.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link href={r.status === 'active' ? `/sessions/${r.sessionId}` : `/bookings/${r.id}`}>{titles.get(r.sessionId)}</Link>
                      </td>
                      <td>{formatDateTime(r.createdAt)}</td>
                      <td>{r.seats.map((s) => (s.row === 'GA' ? s.section : `${s.section} ${s.row}${s.number}`)).join(', ')}</td>
                      <td class="num">{formatMoney(r.total)}</td>
                      <td>{STATUS[r.status] ?? r.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}
