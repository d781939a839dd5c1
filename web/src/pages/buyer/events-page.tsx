import { listEvents } from '../../api/catalog';
import { CATEGORIES, type Category, type EventSummary } from '../../api/types';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../lib/time';
import { navigate, useLocation } from '../../router';

const PAGE_SIZE = 12;

/** Browse and search published events; the filters live in the URL, so results can be shared and Back works. */
export function EventsPage() {
  usePageTitle('Events');
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const category = (query.get('category') ?? '') as Category | '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const events = useAsync(
    () =>
      listEvents({
        q: q || undefined,
        category,
        // Whole days in the buyer's time zone.
        from: from ? new Date(`${from}T00:00`).toISOString() : undefined,
        to: to ? new Date(`${to}T23:59:59`).toISOString() : undefined,
        page,
        pageSize: PAGE_SIZE,
      }),
    [q, category, from, to, page],
  );

  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams({ q, category, from, to, page: String(page), ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])) });
    for (const [k, v] of [...next]) if (!v || (k === 'page' && v === '1')) next.delete(k);
    const s = next.toString();
    navigate(s ? `/?${s}` : '/');
  };
  const onSearch = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    go({ q: String(f.get('q')), category: String(f.get('category')), from: String(f.get('from')), to: String(f.get('to')), page: 1 });
  };

  return (
    <section>
      <h1 tabIndex={-1}>Events</h1>
      <form role="search" aria-label="Find events" onSubmit={onSearch} class="card">
        <div class="form-grid">
          <div>
            <label for="q">Search</label>
            <input id="q" name="q" type="search" defaultValue={q} placeholder="Artist, show, team…" />
          </div>
          <div>
            <label for="category">Category</label>
            <select id="category" name="category" defaultValue={category}>
              <option value="">Any</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {c[0]!.toUpperCase() + c.slice(1)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="from">From</label>
            <input id="from" name="from" type="date" defaultValue={from} />
          </div>
          <div>
            <label for="to">Until</label>
            <input id="to" name="to" type="date" defaultValue={to} />
          </div>
        </div>
        <div class="actions">
          <button type="submit">Search</button>
        </div>
      </form>
      <Loaded state={events}>
        {(p) => (
          <>
            <p role="status" class="muted">
              {p.total === 0 ? 'No events match.' : `${p.total} event${p.total === 1 ? '' : 's'}`}
            </p>
            <ul class="cards">
              {p.items.map((e) => (
                <li key={e.id}>
                  <EventCard event={e} />
                </li>
              ))}
            </ul>
            {p.total > p.pageSize && (
              <nav class="pager" aria-label="Pages">
                <button type="button" class="secondary" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
                  Previous page
                </button>
                <span>
                  Page {page} of {Math.ceil(p.total / p.pageSize)}
                </span>
                <button type="button" class="secondary" disabled={page * p.pageSize >= p.total} onClick={() => go({ page: page + 1 })}>
                  Next page
                </button>
              </nav>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function EventCard({ event }: { event: EventSummary }) {
  const next = event.sessions.find((s) => Date.parse(s.startsAt) > Date.now()) ?? event.sessions[0];
  return (
    <article class="card">
      <h2>
        <Link href={`/events/${event.id}`}>{event.title}</Link>
      </h2>
      <p>
        <span class="tag">{event.category}</span>
      </p>
      {next && <p>{event.sessions.length > 1 ? `Next: ${formatDateTime(next.startsAt)} (${event.sessions.length} dates)` : formatDateTime(next.startsAt)}</p>}
      {event.description && <p class="muted">{event.description.slice(0, 140)}</p>}
    </article>
  );
}
