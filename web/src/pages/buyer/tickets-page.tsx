import { listTickets } from '../../api/booking';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { titlesOf } from './event-titles';
import { TicketCard } from './ticket-card';

/** Every ticket of the signed-in buyer, with QR codes and PDFs. */
export function TicketsPage() {
  usePageTitle('My tickets');
  const tickets = useAsync(async () => {
    const list = await listTickets();
    return { list, titles: await titlesOf(list.map((t) => t.sessionId)) };
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>My tickets</h1>
      <Loaded state={tickets}>
        {({ list, titles }) =>
          list.length === 0 ? (
            <p>
              No tickets yet. <Link href="/">Find an event</Link>.
            </p>
          ) : (
            <ul class="tickets" aria-label="Tickets">
              {list.map((t) => (
                <li key={t.id}>
                  <TicketCard ticket={t} eventTitle={titles.get(t.sessionId)} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
