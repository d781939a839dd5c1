import { useState } from 'preact/hooks';
import { getEvent } from '../../api/catalog';
import { messageOf } from '../../api/errors';
import { cancelEvent, listVenues, publishEvent } from '../../api/organizer';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { Notice } from '../../components/notice';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatMoney } from '../../lib/money';
import { formatDateTime } from '../../lib/time';
import { NewSessionForm } from './new-session-form';
import { WaitingRoomControl } from './waiting-room-control';

/** An organizer's event: its sessions, adding one, publishing, cancelling, and each session's waiting room. */
export function EventManagePage({ id }: { id: string }) {
  const data = useAsync(async () => ({ event: await getEvent(id), venues: await listVenues() }), [id]);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string }>();
  usePageTitle(data.data?.event.title ?? 'Event');

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage({ tone: 'success', text: done });
      data.reload();
    } catch (err) {
      setMessage({ tone: 'error', text: messageOf(err) });
    }
  };

  return (
    <Loaded state={data}>
      {({ event, venues }) => (
        <section>
          <h1 tabIndex={-1}>{event.title}</h1>
          <p>
            Status: <span class="tag">{event.status}</span>
          </p>
          {message && <Notice tone={message.tone}>{message.text}</Notice>}
          <div class="actions">
            {event.status === 'draft' && (
              <button type="button" disabled={event.sessions.length === 0} onClick={() => void act(() => publishEvent(id), 'Published: the event is now listed and on sale.')}>
                Publish
              </button>
            )}
            {event.status !== 'cancelled' && (
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Cancel event
              </button>
            )}
            <Link class="button secondary" href={`/organizer/events/${id}/sales`}>
              Sales
            </Link>
            {event.status === 'published' && (
              <Link class="button secondary" href={`/events/${id}`}>
                View as a buyer
              </Link>
            )}
          </div>
          {event.status === 'draft' && event.sessions.length === 0 && <p class="hint">Add a date before publishing.</p>}
          <ConfirmDialog
            open={confirming}
            title={`Cancel "${event.title}"?`}
            confirmLabel="Cancel the event and refund"
            danger
            onCancel={() => setConfirming(false)}
            onConfirm={() => {
              setConfirming(false);
              void act(() => cancelEvent(id), 'Cancelled. Every booking is being refunded and its buyer emailed.');
            }}
          >
            <p>
              Every date of this event goes off sale, <strong>every booking will be refunded</strong> and its tickets voided, and buyers are emailed. This cannot be undone.
            </p>
          </ConfirmDialog>

          <h2>Dates</h2>
          {event.sessions.length === 0 && <p>No dates yet.</p>}
          {event.sessions.map((s) => (
            <article class="card" key={s.id}>
              <h3>{formatDateTime(s.startsAt)}</h3>
              <p>
                {s.tiers.map((t) => `${t.name} ${formatMoney(t.price)}${'area' in t ? ` (standing ${t.area}, ${t.capacity})` : ` (${t.sections.join(', ')})`}`).join(' · ')}
              </p>
              {s.availability && (
                <p>
                  {s.availability.sold} sold · {s.availability.reserved} held · {s.availability.available} available
                </p>
              )}
              {event.status !== 'cancelled' && <WaitingRoomControl sessionId={s.id} />}
            </article>
          ))}
          {event.status !== 'cancelled' && (
            <>
              <h2>Add a date</h2>
              <NewSessionForm eventId={id} venues={venues} onAdded={() => (setMessage({ tone: 'success', text: 'Date added.' }), data.reload())} />
            </>
          )}
        </section>
      )}
    </Loaded>
  );
}
