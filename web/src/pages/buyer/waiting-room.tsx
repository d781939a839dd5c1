import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../../api/errors';
import type { QueueStatus } from '../../api/types';
import { admissions, joinQueue, watchQueue } from '../../api/waiting-room';
import { Link } from '../../components/link';
import { Notice } from '../../components/notice';
import { useUser } from '../../components/use-auth';
import { formatWait } from '../../lib/time';

type View = QueueStatus | { status: 'joining' } | { status: 'error'; message: string };

/**
 * The virtual waiting room: join the queue (a signed-in buyer joins at
 * once), watch the place and the estimated wait live, and go on to the seat
 * map with the admission token when the gate reaches you.
 */
export function WaitingRoomView(props: { sessionId: string; onAdmitted(a: { admissionToken: string; expiresAt: string }): void; onRoomClosed(): void }) {
  const { sessionId } = props;
  const user = useUser();
  const [view, setView] = useState<View>({ status: 'joining' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!user) return;
    let close: (() => void) | undefined;
    let current = true;
    const on = (s: QueueStatus) => {
      if (!current) return;
      setView(s);
      if (s.status !== 'waiting') admissions.setPlace(sessionId, undefined);
      if (s.status === 'admitted') props.onAdmitted(s);
      if (s.status === 'closed') props.onRoomClosed();
    };
    (async () => {
      try {
        const place = admissions.place(sessionId) ?? (await joinQueue(sessionId));
        admissions.setPlace(sessionId, place);
        if (!current) return;
        setView({ status: 'waiting', position: place.position, etaSeconds: place.etaSeconds, pollAfterSeconds: place.pollAfterSeconds });
        close = watchQueue(place.token, on, (err) => {
          // A place from an earlier queue (the room was reopened): join the new one.
          admissions.setPlace(sessionId, undefined);
          if (err instanceof ApiError && err.status === 404 && current) setAttempt((a) => a + 1);
          else if (current) setView({ status: 'error', message: messageOf(err) });
        });
      } catch (err) {
        if (!current) return;
        if (err instanceof ApiError && err.code === 'SOLD_OUT') setView({ status: 'soldOut' });
        else if (err instanceof ApiError && err.code === 'WAITING_ROOM_CLOSED') props.onRoomClosed();
        else setView({ status: 'error', message: messageOf(err) });
      }
    })();
    return () => {
      current = false;
      close?.();
    };
  }, [sessionId, user?.id, attempt]);

  if (!user) {
    return (
      <section class="card">
        <h2>This sale has a waiting room</h2>
        <p>So that everyone gets a fair chance, buyers are let in to the seat map a few at a time, in the order they joined.</p>
        <Link class="button" href={`/sign-in?next=${encodeURIComponent(`/sessions/${sessionId}`)}`}>
          Sign in to join the queue
        </Link>
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="queue-title">
      <h2 id="queue-title">You are in the waiting room</h2>
      {view.status === 'joining' && <p role="status">Joining the queue…</p>}
      {view.status === 'waiting' && (
        <div role="status" aria-live="polite" data-testid="queue-position">
          <p>
            Your place in the queue: <strong>{view.position}</strong>
          </p>
          <p>Estimated wait: {formatWait(view.etaSeconds)}</p>
        </div>
      )}
      {view.status === 'waiting' && <p class="hint">Keep this page open. The seat map opens by itself when it is your turn.</p>}
      {view.status === 'admitted' && <Notice tone="success" title="It's your turn">Opening the seat map…</Notice>}
      {view.status === 'soldOut' && <Notice tone="warning" title="Sold out">Every place of this session is sold. Sorry!</Notice>}
      {view.status === 'expired' && (
        <Notice tone="warning" title="Your turn has passed">
          You were admitted but did not book in time.{' '}
          <button type="button" class="link-button" onClick={() => setAttempt((a) => a + 1)}>
            Join the queue again
          </button>
        </Notice>
      )}
      {view.status === 'error' && <Notice tone="error" title="The waiting room could not be reached">{view.message}</Notice>}
    </section>
  );
}
