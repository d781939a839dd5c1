import { useState } from 'preact/hooks';
import { messageOf } from '../../api/errors';
import { setWaitingRoom } from '../../api/organizer';
import { getWaitingRoom } from '../../api/waiting-room';
import { useAsync } from '../../components/use-async';

/** Opens or closes a session's waiting room, with how many buyers it lets in per minute. */
export function WaitingRoomControl({ sessionId }: { sessionId: string }) {
  const room = useAsync(() => getWaitingRoom(sessionId), [sessionId]);
  const [rate, setRate] = useState('600');
  const [error, setError] = useState<string>();
  const id = `rate-${sessionId}`;
  const set = async (enabled: boolean) => {
    try {
      setError(undefined);
      await setWaitingRoom(sessionId, enabled, Math.max(1, Number(rate) || 600));
      room.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const r = room.data;
  return (
    <div>
      <p role="status">
        Waiting room:{' '}
        {r?.enabled ? (
          <strong>
            open, {r.admissionsPerMinute} buyers a minute{r.openedOnOverflow ? ' (opened by itself on overload)' : ''}; {r.waiting} waiting, {r.admitted} let in
          </strong>
        ) : (
          'closed'
        )}
      </p>
      <div class="form-grid">
        <div>
          <label for={id}>Buyers let in per minute</label>
          <input id={id} type="number" min={1} max={100000} value={rate} onInput={(e) => setRate((e.target as HTMLInputElement).value)} />
        </div>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void set(true)}>
            {r?.enabled ? 'Change rate' : 'Open waiting room'}
          </button>
          {r?.enabled && (
            <button type="button" class="secondary" onClick={() => void set(false)}>
              Close waiting room
            </button>
          )}
        </div>
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
