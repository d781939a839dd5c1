import { getEvent } from '../../api/catalog';
import type { Session } from '../../api/types';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatMoney } from '../../lib/money';
import { formatDateTime } from '../../lib/time';

/** An event with its sessions: when, prices, and how many places are left. */
export function EventPage({ id }: { id: string }) {
  const event = useAsync(() => getEvent(id), [id]);
  usePageTitle(event.data?.title ?? 'Event');
  return (
    <Loaded state={event}>
      {(e) => (
        <section>
          <h1 tabIndex={-1}>{e.title}</h1>
          <p>
            <span class="tag">{e.category}</span> {e.status === 'cancelled' && <strong>Cancelled</strong>}
          </p>
          {e.description && <p>{e.description}</p>}
          <h2>Dates</h2>
          {e.sessions.length === 0 && <p>No dates yet.</p>}
          <ul class="cards">
            {e.sessions.map((s) => (
              <li key={s.id}>
                <SessionCard session={s} onSale={e.status === 'published'} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </Loaded>
  );
}

function SessionCard({ session, onSale }: { session: Session; onSale: boolean }) {
  const a = session.availability;
  const total = a ? a.available + a.reserved + a.sold : 0;
  const soldOut = !!a && a.available === 0;
  return (
    <article class="card">
      <h3>{formatDateTime(session.startsAt)}</h3>
      <ul>
        {session.tiers.map((t) => (
          <li key={t.name}>
            {t.name}: {formatMoney(t.price)}
            {'area' in t ? ` (standing, ${t.area})` : ''}
          </li>
        ))}
      </ul>
      {a && <p>{soldOut ? <strong>Sold out</strong> : `${a.available} of ${total} places available`}</p>}
      {onSale && !soldOut && (
        <Link class="button" href={`/sessions/${session.id}`}>
          Choose seats <span class="visually-hidden">for {formatDateTime(session.startsAt)}</span>
        </Link>
      )}
    </article>
  );
}
