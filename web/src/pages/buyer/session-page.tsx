import { useState } from 'preact/hooks';
import { getEvent, getSession } from '../../api/catalog';
import { admissions, getWaitingRoom } from '../../api/waiting-room';
import { Loaded } from '../../components/loading';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../lib/time';
import { SeatPicker } from './seat-picker';
import { WaitingRoomView } from './waiting-room';

/**
 * A session's sale: the waiting room first when the session has one open
 * (or booking sends the buyer there with 403 ADMISSION_REQUIRED), then the
 * seat map, the hold and the payment.
 */
export function SessionPage({ id }: { id: string }) {
  const info = useAsync(async () => {
    const session = await getSession(id);
    const [event, room] = await Promise.all([getEvent(session.eventId), getWaitingRoom(id).catch(() => undefined)]);
    return { session, event, room };
  }, [id]);
  const [admission, setAdmission] = useState(() => admissions.get(id));
  const [sentToQueue, setSentToQueue] = useState(false);
  usePageTitle(info.data ? `${info.data.event.title}: choose seats` : 'Choose seats');

  return (
    <Loaded state={info}>
      {({ session, event, room }) => {
        const queue = (room?.enabled || sentToQueue) && !admission;
        return (
          <section>
            <h1 tabIndex={-1}>{event.title}</h1>
            <p>{formatDateTime(session.startsAt)}</p>
            {queue ? (
              <WaitingRoomView
                sessionId={id}
                onAdmitted={(a) => {
                  admissions.set(id, a);
                  setAdmission(a);
                  setSentToQueue(false);
                }}
                onRoomClosed={() => {
                  setSentToQueue(false);
                  info.reload();
                }}
              />
            ) : (
              <SeatPicker
                sessionId={id}
                admissionToken={admission?.admissionToken}
                onAdmissionRequired={() => {
                  admissions.forget(id);
                  setAdmission(undefined);
                  setSentToQueue(true);
                }}
              />
            )}
          </section>
        );
      }}
    </Loaded>
  );
}
