import { useState } from 'preact/hooks';
import { messageOf } from '../../api/errors';
import { applyAsOrganizer, myEvents } from '../../api/organizer';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { Notice } from '../../components/notice';
import { useAsync } from '../../components/use-async';
import { useUser } from '../../components/use-auth';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../lib/time';

/** An organizer's events in every status; for other accounts, the application to become one. */
export function OrganizerHome() {
  usePageTitle('Organizer');
  const user = useUser()!;
  if (!user.roles.includes('organizer')) return <Apply />;
  return <MyEvents />;
}

function MyEvents() {
  const events = useAsync(() => myEvents(), []);
  return (
    <section>
      <h1 tabIndex={-1}>Your events</h1>
      <div class="actions">
        <Link class="button" href="/organizer/events/new">
          New event
        </Link>
        <Link class="button secondary" href="/organizer/venues">
          Venues and halls
        </Link>
      </div>
      <Loaded state={events}>
        {(p) =>
          p.items.length === 0 ? (
            <p>No events yet. Create a venue with a hall, then an event with its dates.</p>
          ) : (
            <ul class="cards">
              {p.items.map((e) => (
                <li key={e.id} class="card">
                  <h2>
                    <Link href={`/organizer/events/${e.id}`}>{e.title}</Link>
                  </h2>
                  <p>
                    <span class="tag">{e.status}</span> · {e.sessions.length} date{e.sessions.length === 1 ? '' : 's'}
                    {e.sessions[0] && ` · first ${formatDateTime(e.sessions[0].startsAt)}`}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function Apply() {
  const [state, setState] = useState<{ sent?: boolean; error?: string }>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      await applyAsOrganizer(String(f.get('organization')), String(f.get('details')));
      setState({ sent: true });
    } catch (err) {
      setState({ error: messageOf(err) });
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>Become an organizer</h1>
      <p>Organizers publish events and sell tickets. An admin reviews each application; once approved, sign in again to get the organizer pages.</p>
      {state.sent ? (
        <Notice tone="success" title="Application sent">We will review it soon.</Notice>
      ) : (
        <form onSubmit={submit}>
          {state.error && <Notice tone="error" title="Could not apply">{state.error}</Notice>}
          <label for="organization">Organization</label>
          <input id="organization" name="organization" required maxLength={200} />
          <label for="details">What do you organize?</label>
          <textarea id="details" name="details" required rows={4} maxLength={4000} />
          <div class="actions">
            <button type="submit">Apply</button>
          </div>
        </form>
      )}
    </section>
  );
}
